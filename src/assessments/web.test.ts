/**
 * The questionnaire in a real browser: Chromium (test/support/chromium.ts finds one) driven by
 * playwright-core. Fills the form for a mandatory, a "consider" and an undetermined case, follows a
 * decisive-question link, takes the no-JavaScript path, downloads the minutes, checks each distinct
 * page (the questionnaire, a result, an error summary) once with axe-core, and saves a screenshot
 * of each result page in test-results/ for a person to look at.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import mammoth from "mammoth";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser();
const newPage = (options?: Parameters<typeof harness.newPage>[0]) =>
  harness.newPage(options).then((p) => ({ ...p, cspErrors: p.consoleErrors }));
let base = "";
const at = (path: string) => `${(base ||= harness.base())}${path}`;

async function answer(page: Page, answers: Record<string, "yes" | "no" | "unknown">): Promise<void> {
  for (const [id, value] of Object.entries(answers)) {
    await page.check(`input[name="${id}"][value="${value}"]`);
  }
}

describe("the questionnaire, in Chromium", () => {
  it("a mandatory case: a death with neglect suspected gives 'Initiate a Serious Case Review', determined", async () => {
    const { context, page, cspErrors } = await newPage();
    await page.goto(at("/"));
    await expect(page.title()).resolves.toContain("Does this case need a Serious Case Review?");
    await answer(page, { childDied: "yes", abuseOrNeglect: "yes" });
    await page.fill("#referral-day", "31");
    await page.fill("#referral-month", "1");
    await page.fill("#referral-year", "2024");
    await page.click("#see-advice");
    const outcome = page.locator("#outcome");
    await expect(outcome.getAttribute("data-outcome")).resolves.toBe("initiate-scr");
    await expect(outcome.getAttribute("data-determined")).resolves.toBe("true");
    await expect(outcome.innerText()).resolves.toContain("Initiate a Serious Case Review");
    await expect(page.locator("#criterion-wt2015-i-death").innerText()).resolves.toContain(
      "Abuse or Neglect of a child is known or suspected AND the child has died",
    );
    // The chair's decision is due a month after 31 January 2024: 29 February.
    await expect(page.locator(".app-deadlines").innerText()).resolves.toContain("2024-02-29");
    await expect(page.locator("footer").innerText()).resolves.toMatch(/Rule set \d{4}\.\d+\.\d+/);
    // The answer first: the headline, then "Save to case" beside it, before anything else.
    const headline = (await page.locator("#headline").boundingBox())!;
    const save = (await page.locator("#save-to-case").boundingBox())!;
    expect(save.y - headline.y).toBeLessThan(600);
    // The criteria that do not bear on the outcome are one closed "Other criteria".
    await expect(page.locator("#other-criteria").getAttribute("open")).resolves.toBeNull();
    await expect(page.locator("#criterion-wt2015-q08-child-protection-plan").isVisible()).resolves.toBe(
      false,
    );
    // Processes that open questions leave possible are one closed section, named with their count;
    // where the sources pull apart, a closed section quotes both sides.
    await expect(page.locator("#may-apply summary").innerText()).resolves.toMatch(
      /May also apply, depending on open questions \(\d+\)/,
    );
    await expect(page.locator("#may-apply").getAttribute("open")).resolves.toBeNull();
    await expect(page.locator("#tensions summary").innerText()).resolves.toMatch(
      /Where the guidance pulls apart/,
    );
    await screenshot(page, "result-mandatory", { fullPage: true });
    // Printed on A4, a typical determined case fits three pages.
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4", printBackground: false });
    const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThanOrEqual(3);
    expect(cspErrors).toEqual([]);
    await context.close();
  });

  it("the minutes of a typical determined case print on one A4 page", async () => {
    const { context, page } = await newPage();
    const res = await fetch(at("/v1/assessments"), {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/html" },
      body: JSON.stringify({
        answers: { childDied: "yes", abuseOrNeglect: "yes" },
        dates: { becameAware: "2024-03-25", referral: "2024-03-27" },
      }),
    });
    expect(res.status).toBe(200);
    await page.emulateMedia({ media: "print" });
    await page.setContent(await res.text());
    const pdf = await page.pdf({ preferCSSPageSize: true });
    expect((pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBe(1);
    await context.close();
  });

  it("a 'consider' case: a child protection plan, no death or serious harm", async () => {
    const { context, page } = await newPage();
    await page.goto(at("/"));
    await answer(page, { childDied: "no", childSeriouslyHarmed: "no", childProtectionPlan: "yes" });
    await page.click("#see-advice");
    await expect(page.locator("#outcome").getAttribute("data-outcome")).resolves.toBe("consider-scr");
    await expect(page.locator("#outcome").innerText()).resolves.toContain("Consider a Serious Case Review");
    await screenshot(page, "result-consider", { fullPage: true });
    await context.close();
  });

  it("an undetermined case names the decisive questions, and each links back to its question; the result page has no accessibility violations", async () => {
    // axe is injected as a script, which the page's own CSP rightly forbids: bypass it for the check.
    const { context, page } = await newPage({ bypassCSP: true });
    await page.goto(at("/"));
    await answer(page, { abuseOrNeglect: "yes", childSeriouslyHarmed: "no", childDied: "unknown" });
    await page.click("#see-advice");
    await expect(page.locator("#outcome").getAttribute("data-determined")).resolves.toBe("false");
    await expect(page.locator("#outcome").innerText()).resolves.toContain("Not yet determined");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "result-undetermined", { fullPage: true });
    await page.click('a[data-decisive="childDied"]');
    await expect(page.evaluate(() => location.hash)).resolves.toBe("#childDied");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("childDied");
    await expect(page.locator("#childDied").isVisible()).resolves.toBe(true);
    await context.close();
  });

  it("updates the outcome panel as answers change, without leaving the page; the questionnaire has no accessibility violations", async () => {
    const { context, page } = await newPage({ bypassCSP: true });
    await page.goto(at("/"));
    expect(await axeViolations(page)).toEqual([]);
    await answer(page, { childDied: "yes" });
    await page.locator('[data-outcome-live] #outcome[data-determined="false"]').waitFor();
    await answer(page, { abuseOrNeglect: "yes" });
    await page.locator('[data-outcome-live] #outcome[data-outcome="initiate-scr"]').waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  it("works without JavaScript: the form post renders the result page", async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(at("/"));
    await answer(page, { childDied: "yes", abuseOrNeglect: "yes" });
    await page.click("#see-advice");
    expect(new URL(page.url()).pathname).toBe("/assessment");
    await expect(page.locator("#outcome").getAttribute("data-outcome")).resolves.toBe("initiate-scr");
    // The copy and print buttons need JavaScript and are not shown; the download link works without it.
    await expect(page.locator("[data-copy-minutes]").isVisible()).resolves.toBe(false);
    await expect(page.locator("#minutes-docx").isVisible()).resolves.toBe(true);
    await screenshot(page, "result-no-javascript", { fullPage: true });
    await context.close();
  });

  it("downloads the one-page minutes as Markdown and as a Word document that reads back", async () => {
    const { context, page } = await newPage();
    await page.goto(at("/"));
    await answer(page, {
      childDied: "no",
      childSeriouslyHarmed: "yes",
      abuseOrNeglect: "yes",
      concernsAboutWorkingTogether: "no",
    });
    await page.click("#see-advice");
    const [md] = await Promise.all([page.waitForEvent("download"), page.click("#minutes-md")]);
    expect(md.suggestedFilename()).toMatch(/^scr-minutes-[0-9a-f]{8}\.md$/);
    const text = readFileSync((await md.path())!, "utf8");
    expect(text).toMatch(/^# Serious Case Review decision/);
    expect(text).toContain("## Alternatives considered");
    const [docx] = await Promise.all([page.waitForEvent("download"), page.click("#minutes-docx")]);
    expect(docx.suggestedFilename()).toMatch(/^scr-minutes-[0-9a-f]{8}\.docx$/);
    const { value } = await mammoth.extractRawText({ path: (await docx.path())! });
    expect(value).toContain("Serious Case Review decision");
    expect(value).toContain("The chair's decision");
    await context.close();
  });

  it("shows the GOV.UK error summary for an impossible date, linked to the field; the page with errors has no accessibility violations", async () => {
    const { context, page } = await newPage({ bypassCSP: true });
    await page.goto(at("/"));
    await page.fill("#decision-day", "30");
    await page.fill("#decision-month", "2");
    await page.fill("#decision-year", "2024");
    await page.click("#see-advice");
    const summary = page.locator(".govuk-error-summary");
    await expect(summary.innerText()).resolves.toContain("Date of the chair's decision must be a real date");
    expect(await axeViolations(page)).toEqual([]);
    await page.click('.govuk-error-summary a[href="#decision-day"]');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("decision-day");
    await screenshot(page, "error-date");
    await context.close();
  });

  it("offers the 2010 edition's questions when the board follows it", async () => {
    const { context, page } = await newPage({ javaScriptEnabled: false });
    await page.goto(at("/"));
    await expect(page.locator('input[name="deprivationOfLibertyOrder"]').count()).resolves.toBe(3);
    await page.check('input[name="edition"][value="wt2010"]');
    await page.click('button[value="change-edition"]');
    await expect(page.locator('input[name="deprivationOfLibertyOrder"]').count()).resolves.toBe(0);
    await expect(page.locator('input[name="killedByCarerOrRelativeWithRiskFactors"]').count()).resolves.toBe(
      3,
    );
    await context.close();
  });

  it("a failed live update says so and offers the way that needs no script; the answers stay", async () => {
    const { context, page } = await newPage();
    await page.route("**/assessment/panel", (route) => route.abort());
    await page.goto(at("/"));
    await answer(page, { childDied: "yes" });
    const failed = page.locator('[data-outcome-live] [data-live-failed="true"]');
    await failed.waitFor();
    await expect(failed.innerText()).resolves.toContain("could not be updated");
    await Promise.all([page.waitForURL("**/assessment"), failed.locator("button").click()]);
    expect(new URL(page.url()).pathname).toBe("/assessment");
    await expect(page.locator("#outcome").isVisible()).resolves.toBe(true);
    await expect(
      page.locator('input[type="radio"][name="childDied"][value="yes"]').isChecked(),
    ).resolves.toBe(true);
    await context.close();
  });
});

describe("the questionnaire on a phone (390 × 844), in Chromium", () => {
  const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: true };
  const sideways = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

  it("nothing scrolls sideways, the advice comes before the form, nothing sticky is taller than the screen, and axe finds nothing", async () => {
    const { context, page } = await newPage(phone);
    await page.goto(at("/"));
    expect(await sideways(page)).toBe(0);
    // The live panel is reached before the questions.
    const panel = (await page.locator("[data-outcome-live]").boundingBox())!;
    const first = (await page.locator("#group-incident").boundingBox())!;
    expect(panel.y).toBeLessThan(first.y);
    await answer(page, { childDied: "yes", abuseOrNeglect: "yes" });
    await page.locator('[data-outcome-live] #outcome[data-outcome="initiate-scr"]').waitFor();
    const sticky = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter((e) => ["sticky", "fixed"].includes(getComputedStyle(e).position))
        .map((e) => e.getBoundingClientRect().height),
    );
    for (const h of sticky) expect(h).toBeLessThanOrEqual(844);
    expect(await axeViolations(page)).toEqual([]);
    await page.fill("#referral-day", "31");
    await page.fill("#referral-month", "1");
    await page.fill("#referral-year", "2024");
    await page.click("#see-advice");
    // The result page: the answer is in the first screen, and still nothing scrolls sideways.
    const headline = (await page.locator("#headline").boundingBox())!;
    expect(headline.y + headline.height).toBeLessThan(844);
    expect(await sideways(page)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "result-phone", { fullPage: true });
    await context.close();
  });
});
