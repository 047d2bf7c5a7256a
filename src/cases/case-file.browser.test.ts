/**
 * The case file in Chromium, as a business manager uses it each week: the list of cases, a case,
 * its timeline, and a milestone marked done; each page state accessible (axe), and usable at phone
 * width (390 × 844) without scrolling sideways.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser({ records: true });
const at = (path: string) => `${harness.base()}${path}`;
const REF = "CHSCB/2024-140";

/** Saves advice to a new case from the questionnaire, with the referral date. */
async function saveCase(page: Page, reference: string) {
  await page.goto(at("/"));
  await page.fill("#reference", reference);
  await page.check('input[name="childDied"][value="yes"]');
  await page.check('input[name="abuseOrNeglect"][value="yes"]');
  await page.fill("#referral-day", "1");
  await page.fill("#referral-month", "3");
  await page.fill("#referral-year", "2024");
  await page.click("#see-advice");
  await page.click("#save-to-case");
}

/** The page is no wider than the window: nothing to scroll to sideways. */
const noSidewaysScroll = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

describe("running cases from the list", () => {
  it("goes from the list to a case, to its timeline, and marks a milestone done", async () => {
    const { context, page, consoleErrors } = await harness.newPage({ bypassCSP: true });
    await saveCase(page, REF);

    await page.goto(at("/cases"));
    await expect(page.locator("h1").innerText()).resolves.toBe("Cases");
    const row = page.locator(`tr[data-case="${REF}"]`);
    await expect(row.innerText()).resolves.toContain("Assessed: awaits the chair's decision");
    // A referral in March 2024: records should have been secured at once, so it is overdue.
    await expect(row.locator("[data-deadline]").innerText()).resolves.toBe("Overdue");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "case-list", { fullPage: true });

    // Filtered to what awaits the chair, then to nothing.
    await page.selectOption("#stage", "assessed");
    await page.click("#filter-cases");
    await expect(page.locator(`tr[data-case="${REF}"]`).count()).resolves.toBe(1);
    await page.selectOption("#stage", "referred");
    await page.click("#filter-cases");
    await expect(page.locator("[data-no-cases]").innerText()).resolves.toContain("No case matches");
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(at("/cases"));
    await page.click(`tr[data-case="${REF}"] th a`);
    await expect(page.locator("h1").innerText()).resolves.toBe(REF);
    await page.click("#timeline-link");
    await expect(page.locator("h1").innerText()).resolves.toBe("Timeline and deadlines");
    const secure = page.locator('tr[data-milestone="secure-records"]');
    await expect(secure.getAttribute("data-state")).resolves.toBe("Overdue");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "case-timeline", { fullPage: true });

    await secure.locator("[data-mark-done]").click();
    expect(new URL(page.url()).hash).toBe("#milestone-secure-records");
    await expect(secure.getAttribute("data-state")).resolves.toBe("Done");
    await expect(secure.innerText()).resolves.toMatch(
      /Marked done \d{4}-\d\d-\d\d by someone on this computer/,
    );
    expect(await axeViolations(page)).toEqual([]);

    // A date that cannot be: the error summary names it and the answer stays.
    await page.fill("#meeting-day", "1");
    await page.fill("#meeting-month", "1");
    await page.fill("#meeting-year", "2024");
    await page.click("#record-dates");
    await expect(page.locator(".govuk-error-summary").innerText()).resolves.toContain(
      "must not be before the referral date (2024-03-01)",
    );
    await expect(page.locator("#meeting-day").inputValue()).resolves.toBe("1");
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "case-timeline-error", { fullPage: true });

    // The one error is the browser noting the 400 answer to the impossible date, as it should.
    expect(consoleErrors.filter((e) => !e.includes("status of 400"))).toEqual([]);
    await context.close();
  });

  it("at phone width, the list, the case and its timeline fit the screen and stay accessible", async () => {
    const { context, page } = await harness.newPage({
      bypassCSP: true,
      viewport: { width: 390, height: 844 },
    });
    await saveCase(page, "CHSCB/2024-141");
    for (const path of [
      "/cases",
      `/cases/${encodeURIComponent(REF)}`,
      `/cases/${encodeURIComponent(REF)}/timeline`,
    ]) {
      await page.goto(at(path));
      expect(await noSidewaysScroll(page), path).toBe(true);
      expect(await axeViolations(page), path).toEqual([]);
    }
    await screenshot(page, "case-timeline-phone", { fullPage: true });
    await context.close();
  });
});
