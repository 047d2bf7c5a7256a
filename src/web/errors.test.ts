/**
 * How the pages fail, as a person meets it: GOV.UK error pages in HTML with the right status,
 * never problem+json or a stack trace, and the API keeps problem+json for the same mistakes.
 */
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import type { Express } from "express";
import { createApp } from "../app.js";
import { service } from "../../test/support/service.js";
import { formPass, postForm } from "../../test/support/forms.js";

let app: Express;
beforeAll(async () => {
  app = createApp(await service());
});

const heading = (html: string) => /<h1[^>]*>([^<]*)</.exec(html)?.[1]?.trim();

describe("the pages' errors", () => {
  it("a page that does not exist is a GOV.UK 'Page not found' page for a browser", async () => {
    const res = await request(app).get("/no-such-page").set("Accept", "text/html,*/*;q=0.8");
    expect(res.status).toBe(404);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(heading(res.text)).toBe("Page not found");
  });

  it("the same path asked for as JSON, and anything under /v1, is problem+json", async () => {
    for (const [path, accept] of [
      ["/no-such-page", "application/json"],
      ["/v1/no-such-thing", "text/html"],
    ]) {
      const res = await request(app).get(path!).set("Accept", accept!);
      expect(res.status).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    }
  });

  it("without decision records configured, a case page says the service is unavailable", async () => {
    const res = await request(app).get("/cases/ABC-1");
    expect(res.status).toBe(503);
    expect(heading(res.text)).toBe("Sorry, the service is unavailable");
  });

  it("a form posted with the wrong method gets a page, with Allow", async () => {
    const res = await request(app).put("/quality-assurance").set("Sec-Fetch-Site", "same-origin");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, POST");
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
  });

  it("a working-day count past the bank-holiday table keeps the answers and names the date beside its field", async () => {
    const res = await postForm(app, "/assessment", await formPass(app), {
      childDied: "yes",
      abuseOrNeglect: "yes",
      "becameAware-day": "2",
      "becameAware-month": "3",
      "becameAware-year": "2035",
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain("govuk-error-summary");
    expect(res.text).toMatch(/href="#becameAware-day"/);
    // The answers given are still selected, so nothing has to be entered again.
    expect(res.text).toMatch(
      /name="childDied"[^>]*value="yes"[^>]*checked|value="yes"[^>]*name="childDied"[^>]*checked/,
    );
  });

  it("saving advice under a reference that could be a name keeps the answers and says what to fix", async () => {
    const res = await postForm(app, "/cases/save", await formPass(app), {
      reference: "Baby P",
      childDied: "yes",
      abuseOrNeglect: "yes",
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/href="#reference"/);
    expect(res.text).toMatch(
      /name="childDied"[^>]*value="yes"[^>]*checked|value="yes"[^>]*name="childDied"[^>]*checked/,
    );
  });
});
