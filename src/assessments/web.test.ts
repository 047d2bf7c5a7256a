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
    await expect(
      page
        .locator("#deadlines-heading + table, section[aria-labelledby=deadlines-heading] table")
        .first()
        .innerText(),
    ).resolves.toContain("2024-02-29");
    await expect(page.locator("footer").innerText()).resolves.toMatch(/Rule set \d{4}\.\d+\.\d+/);
    await screenshot(page, "result-mandatory", { fullPage: true });
    expect(cspErrors).toEqual([]);
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
    await expect(page.locator("#download-minutes").isVisible()).resolves.toBe(true);
    await screenshot(page, "result-no-javascript", { fullPage: true });
    await context.close();
  });

  it("downloads the minutes as Markdown", async () => {
    const { context, page } = await newPage();
    await page.goto(at("/"));
    await answer(page, {
      childDied: "no",
      childSeriouslyHarmed: "yes",
      abuseOrNeglect: "yes",
      concernsAboutWorkingTogether: "no",
    });
    await page.click("#see-advice");
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-minutes")]);
    expect(download.suggestedFilename()).toMatch(/^scr-minutes-[0-9a-f]{8}\.md$/);
    const text = readFileSync((await download.path())!, "utf8");
    expect(text).toMatch(/^# Serious Case Review decision: advice for the minutes/);
    expect(text).toContain("## If no Serious Case Review is held");
    expect(text).toBe(await page.locator("#minutes").inputValue());
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
});
