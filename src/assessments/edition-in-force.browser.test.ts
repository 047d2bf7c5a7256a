/**
 * Choosing the edition by the incident's date and country on the questionnaire (issue 16), in
 * Chromium as a person meets it: the service picks the edition in force and the result page says
 * which and why; a Welsh date before the regulations, a date before any edition and a date without
 * a country come back in a GOV.UK error summary beside the field, the answers kept. Accessible
 * (axe), and on a phone (390 × 844) without sideways scrolling.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser();
const at = (path: string) => `${harness.base()}${path}`;
const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

async function inForce(page: Page, day: string, month: string, year: string, country?: "england" | "wales") {
  await page.check('input[name="edition"][value="in-force"]');
  await page.fill("#incidentDate-day", day);
  await page.fill("#incidentDate-month", month);
  await page.fill("#incidentDate-year", year);
  if (country) await page.check(`input[name="country"][value="${country}"]`);
}

describe("the edition in force, chosen on the questionnaire by date and country", () => {
  it("a Welsh incident in 2024 gets child practice reviews, the result page saying why; accessible", async () => {
    const { context, page, consoleErrors } = await harness.newPage({ bypassCSP: true });
    await page.goto(at("/"));
    await inForce(page, "10", "5", "2024", "wales");
    // The questions change with the edition: ask for this one's.
    await page.click('button[value="change-edition"]');
    await expect(page.locator("h1").innerText()).resolves.toContain("child practice review");
    await expect(page.locator('input[name="edition"][value="in-force"]').isChecked()).resolves.toBe(true);
    await expect(page.locator("#incidentDate-year").inputValue()).resolves.toBe("2024");
    await page.check('input[name="incidentInArea"][value="yes"]');
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.check('input[name="childDied"][value="yes"]');
    await page.check('input[name="childProtectionRegisterOrLookedAfterInSixMonths"][value="yes"]');
    await page.click("#see-advice");
    const body = await page.locator("main").innerText();
    expect(body).toContain("Hold an extended child practice review");
    expect(body).toMatch(/An incident in Wales on 10 May 2024 falls under Child practice reviews \(Wales\)/);
    expect(await axeViolations(page)).toEqual([]);
    expect(consoleErrors).toEqual([]);
    await screenshot(page, "edition-in-force-wales");
    await context.close();
  });

  it.each([
    [
      "a Welsh date before the regulations",
      ["31", "12", "2012"],
      "wales",
      "#incidentDate-day",
      /on or after 1 January 2013 for an incident in Wales/,
    ],
    [
      "a date before any edition",
      ["1", "1", "2009"],
      "england",
      "#incidentDate-day",
      /on or after 17 March 2010 for an incident in England/,
    ],
    [
      "a date without a country",
      ["1", "6", "2024"],
      undefined,
      "#country",
      /Select the country where the incident happened/,
    ],
  ] as const)(
    "%s comes back in the error summary beside the field, the answers kept",
    async (_what, [d, m, y], country, href, message) => {
      const { context, page } = await harness.newPage({ bypassCSP: true });
      await page.goto(at("/"));
      await page.check('input[name="childDied"][value="yes"]');
      await inForce(page, d, m, y, country);
      await page.click("#see-advice");
      const summary = page.locator(".govuk-error-summary");
      await expect(summary.isVisible()).resolves.toBe(true);
      await expect(summary.locator(`a[href="${href}"]`).innerText()).resolves.toMatch(message);
      // Beside the field: the GOV.UK error message inside the field's own group.
      const group = href === "#country" ? "#country" : "#incidentDate";
      await expect(
        page.locator(`.govuk-form-group--error:has(${group}) .govuk-error-message`).first().innerText(),
      ).resolves.toMatch(message);
      await expect(page.locator('input[name="childDied"][value="yes"]').isChecked()).resolves.toBe(true);
      await expect(page.locator('input[name="edition"][value="in-force"]').isChecked()).resolves.toBe(true);
      await expect(page.locator("#incidentDate-year").inputValue()).resolves.toBe(y);
      expect(await axeViolations(page)).toEqual([]);
      await context.close();
    },
  );

  it("on a phone (390 × 844): the date and country fit without sideways scrolling, and the result says why", async () => {
    const { context, page } = await harness.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      bypassCSP: true,
    });
    await page.goto(at("/"));
    await inForce(page, "2", "3", "2026", "england");
    expect(await sideways(page)).toBe(0);
    await page.click('button[value="change-edition"]');
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.click("#see-advice");
    await expect(page.locator("main").innerText()).resolves.toMatch(
      /An incident in England on 2 March 2026 falls under Child safeguarding practice reviews/,
    );
    expect(await sideways(page)).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, "edition-in-force-phone");
    await context.close();
  });
});
