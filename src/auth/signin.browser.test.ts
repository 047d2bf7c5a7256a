/**
 * Signing in, in Chromium, with a real OpenID provider on loopback: a member opening a case page
 * is sent to the provider and back to the page, saves advice, and cannot record the decision (a
 * 403 page naming the chair role); the chair signs in and records it; signing out ends the session.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser({ records: true, signIn: true });
const at = (path: string) => `${harness.base()}${path}`;
const REF = "CHSCB/2024-777";
const casePath = `/cases/${encodeURIComponent(REF)}`;

/** The test provider's login page: press the person's button. */
async function signInAs(page: Page, who: "member" | "chair" | "norole") {
  await page.click(`#as-${who}`);
  await page.waitForURL((u) => u.origin === harness.base());
}

async function decide(page: Page) {
  await page.check('input[name="decision"][value="serious-case-review"]');
  await page.fill("#decidedOn-day", "2");
  await page.fill("#decidedOn-month", "4");
  await page.fill("#decidedOn-year", "2024");
  await page.fill("#decidedBy", "Independent Chair");
  await page.fill("#reasons", "The criteria are met.");
  await page.click("#record-decision");
}

describe("signing in with the board's provider, in Chromium", () => {
  it("a member is sent to sign in and back, saves advice, and may not record the decision", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    await page.goto(at("/"));
    expect(new URL(page.url()).pathname).toMatch(/^\/interaction\//);
    await signInAs(page, "member");
    expect(new URL(page.url()).pathname).toBe("/");
    await expect(page.locator("[data-signed-in]").innerText()).resolves.toBe("Signed in as Mina Member");

    await page.fill("#reference", REF);
    await page.check('input[name="childDied"][value="yes"]');
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.click("#see-advice");
    await page.click("#save-to-case");
    expect(new URL(page.url()).pathname).toBe(casePath);
    expect(await axeViolations(page)).toEqual([]);

    await decide(page);
    await expect(page.locator("h1").innerText()).resolves.toBe("You cannot do this");
    await expect(page.locator("[data-problems]").innerText()).resolves.toContain("You need the chair role.");
    await screenshot(page, "signin-member-403");
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it("the chair, sent from the case page to sign in, comes back to it and records the decision; signing out ends it", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    await page.goto(at(casePath));
    await signInAs(page, "chair");
    expect(new URL(page.url()).pathname).toBe(casePath);
    await decide(page);
    // The check-answers step names the signed-in chair as who records it (issue 14).
    await expect(page.locator("main").innerText()).resolves.toContain("you, Chris Chair");
    await page.click("#confirm-decision");
    await expect(page.locator(".govuk-panel__title").innerText()).resolves.toBe("Decision recorded");
    await page.click("#back-to-case");
    await expect(page.locator("[data-history]").innerText()).resolves.toContain(
      "Decision: Serious Case Review",
    );
    await screenshot(page, "signin-chair-case", { fullPage: true });

    await page.click("#sign-out");
    expect(await axeViolations(page)).toEqual([]);
    await page.click("#confirm-sign-out");
    await expect(page.locator("[data-signed-out]").isVisible()).resolves.toBe(true);
    await expect(page.locator("#provider-sign-out").getAttribute("href")).resolves.toMatch(
      /\/session\/end\?client_id=threshold$/,
    );
    await expect(page.locator("[data-signed-in]").count()).resolves.toBe(0);
    // The case page now needs signing in again: the service sends the browser to sign in. (The
    // provider's own session, unless ended at its end-session address, lets it straight back in.)
    const redirects: string[] = [];
    page.on("response", (r) => {
      if (r.status() === 303) redirects.push(r.headers().location ?? "");
    });
    await page.goto(at(casePath));
    expect(redirects[0]).toBe(`/auth/sign-in?return=${encodeURIComponent(casePath)}`);
    await context.close();
  });
});
