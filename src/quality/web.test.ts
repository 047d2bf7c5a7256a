/**
 * The quality-assurance and action-plan pages in Chromium: a board manager runs a finished review
 * through the checklist and uploads the action-plan spreadsheet.
 */
import { describe, expect, it } from "vitest";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser();
const at = (path: string) => `${harness.base()}${path}`;

const CSV = [
  "No,RECOMMENDATION,ACTION,TIMESCALE,STATUS RAG rated,RESPONSIBLE AGENCY & PERSON(S),PERSON RESPONSIBLE FOR MONITORING,MEASUREMENT(S) OF SUCCESS,Complete",
  "1,Improve information sharing,Audit 20 strategy discussions,31/03/2024,Green,Police - DCI,Board manager,Health attends 90%,no",
  "2,Train staff,Run four sessions,2024-12-31,Amber,Health - named nurse,QA sub-group,90% attendance,",
  "3,Review the threshold document,,,,,,,",
].join("\n");

async function fillDate(page: import("playwright-core").Page, name: string, iso: string) {
  const [y, m, d] = iso.split("-");
  await page.fill(`#${name}-day`, String(Number(d)));
  await page.fill(`#${name}-month`, String(Number(m)));
  await page.fill(`#${name}-year`, y!);
}

describe("the quality-assurance page", () => {
  it("works out the timeliness items from the dates and lists the gaps", async () => {
    const { context, page, consoleErrors } = await harness.newPage();
    await page.goto(at("/quality-assurance"));
    await fillDate(page, "referral", "2024-01-31");
    await fillDate(page, "decision", "2024-03-01");
    await fillDate(page, "completed", "2024-08-30");
    await page.check('input[name="chair-independent"][value="achieved"]');
    await page.check('input[name="summary-accurate"][value="not-achieved"]');
    await page.click("#check-review");
    // One day late: the chair's decision was due by 29 February 2024.
    await expect(page.locator("#result-decision-timely").getAttribute("data-status")).resolves.toBe(
      "not-achieved",
    );
    await expect(
      page.locator("#result-completed-within-six-months").getAttribute("data-status"),
    ).resolves.toBe("achieved");
    await expect(page.locator("#result-ofsted-notified-timely").getAttribute("data-status")).resolves.toBe(
      "unknown",
    );
    const gaps = await page.locator("[data-gaps]").innerText();
    expect(gaps).toContain("The Executive Summary provides an accurate reflection");
    expect(gaps.indexOf("Not achieved")).toBeLessThan(gaps.indexOf("Not known"));
    await screenshot(page, "quality-assurance");
    expect(consoleErrors).toEqual([]);
    await context.close();
  });

  it("has no accessibility violations, filled in or not", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    await page.goto(at("/quality-assurance"));
    expect(await axeViolations(page)).toEqual([]);
    await fillDate(page, "decision", "2024-03-01");
    await page.click("#check-review");
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe("the action-plan page", () => {
  it("reads an uploaded spreadsheet and shows each row's findings, without JavaScript", async () => {
    const { context, page } = await harness.newPage({ javaScriptEnabled: false });
    await page.goto(at("/action-plans"));
    await page.setInputFiles("#plan", {
      name: "action-plan.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(CSV),
    });
    await fillDate(page, "asOf", "2024-06-01");
    await page.click("#check-plan");
    const rows = page.locator("[data-plan-rows] tbody tr");
    await expect(rows.count()).resolves.toBe(3);
    await expect(
      rows
        .nth(0)
        .locator("[data-code]")
        .evaluateAll((els) => els.map((e) => e.getAttribute("data-code"))),
    ).resolves.toEqual(["overdue", "rag-green-but-overdue"]);
    await expect(rows.nth(1).innerText()).resolves.toContain("None");
    await expect(rows.nth(2).locator('[data-code="missing-action"]').count()).resolves.toBe(1);
    await screenshot(page, "action-plan", { fullPage: true });
    await context.close();
  });

  it("asks for a file and a date when they are missing, with the GOV.UK error summary", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    await page.goto(at("/action-plans"));
    await page.click("#check-plan");
    const summary = await page.locator(".govuk-error-summary").innerText();
    expect(summary).toContain("Select the action plan as a CSV file");
    expect(summary).toContain("Enter the date to check the plan as of");
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
