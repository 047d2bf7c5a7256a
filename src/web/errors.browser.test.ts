/**
 * The pages' errors in Chromium, as a person meets them: a page that does not exist, and answers
 * the service cannot count from, each accessible (axe) and with the way back or the answers kept.
 */
import { describe, expect, it } from "vitest";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser();
const at = (path: string) => `${harness.base()}${path}`;

describe("the pages' errors", () => {
  it("a page that does not exist says so, links back to the questionnaire, and is accessible", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    const res = await page.goto(at("/no-such-page"));
    expect(res?.status()).toBe(404);
    await expect(page.locator("h1").innerText()).resolves.toBe("Page not found");
    await expect(page.locator('a[href="/"]').first().isVisible()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "error-page-not-found");
    await context.close();
  });

  it("a date past the bank-holiday table is named in the error summary, the answers kept, and is accessible", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    await page.goto(at("/"));
    await page.check('input[name="childDied"][value="yes"]');
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.fill("#becameAware-day", "2");
    await page.fill("#becameAware-month", "3");
    await page.fill("#becameAware-year", "2035");
    await page.click("#see-advice");
    const summary = page.locator(".govuk-error-summary");
    await expect(summary.isVisible()).resolves.toBe(true);
    await expect(summary.locator('a[href="#becameAware-day"]').count()).resolves.toBe(1);
    await expect(page.locator('input[name="childDied"][value="yes"]').isChecked()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "error-date-out-of-range");
    await context.close();
  });
});
