/**
 * The case pages in Chromium: a sub-group saves the advice to the board's case reference, the chair
 * records the decision and reasons on the following page, and the case page shows the history, the
 * intact record, and the minutes to download.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";

const harness = useBrowser({ records: true });
const at = (path: string) => `${harness.base()}${path}`;

describe("saving advice to a case and recording the decision", () => {
  it("keeps the advice and the chair's decision, with the reasons, in the case's record", async () => {
    const { context, page, consoleErrors } = await harness.newPage({ bypassCSP: true });
    await page.goto(at("/"));
    await page.fill("#reference", "CHSCB/2024-099");
    await page.check('input[name="childDied"][value="yes"]');
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.click("#see-advice");
    await expect(page.locator("#outcome").getAttribute("data-outcome")).resolves.toBe("initiate-scr");
    await page.click("#save-to-case");

    expect(new URL(page.url()).pathname).toBe(`/cases/${encodeURIComponent("CHSCB/2024-099")}`);
    await expect(page.locator("h1").innerText()).resolves.toBe("CHSCB/2024-099");
    await expect(page.locator("[data-history]").innerText()).resolves.toContain(
      "Advice (Working Together 2015): Initiate a Serious Case Review",
    );
    expect(await axeViolations(page)).toEqual([]);

    // The chair decides against a review, which departs from the advice: the reasons are required.
    await page.check('input[name="decision"][value="no-further-action"]');
    await page.fill("#decidedOn-day", "26");
    await page.fill("#decidedOn-month", "3");
    await page.fill("#decidedOn-year", "2024");
    await page.fill("#decidedBy", "Independent Chair");
    await page.click("#record-decision");
    await expect(page.locator(".govuk-error-summary").innerText()).resolves.toContain(
      "Enter the reasons for the decision",
    );
    await page.fill("#reasons", "A single-agency review is under way and will report to the board.");
    await page.click("#record-decision");

    const history = await page.locator("[data-history]").innerText();
    // Who recorded it is whoever is using the service (here, anyone on loopback), not what was typed.
    expect(history).toContain(
      "Decision: No further action, 2024-03-26 as Independent Chair, recorded by someone using this machine without sign-in; departs from the advice",
    );
    await expect(page.locator("[data-chain]").getAttribute("data-chain")).resolves.toBe("valid");
    await screenshot(page, "case", { fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#download-case-minutes"),
    ]);
    const minutes = readFileSync((await download.path())!, "utf8");
    expect(minutes).toContain("# Case CHSCB/2024-099: advice and decisions");
    expect(minutes).toContain("> A single-agency review is under way and will report to the board.");
    // The chair sees who has read or written the case (anyone may, on loopback without sign-in).
    await page.click("#access-log-link");
    const log = await page.locator("[data-access-log]").innerText();
    expect(log).toContain("Recorded a decision");
    expect(log).toContain("Read the case page");
    expect(log).toContain("127.0.0.1");
    await expect(page.locator("[data-log-chain]").getAttribute("data-log-chain")).resolves.toBe("valid");
    expect(await axeViolations(page)).toEqual([]);

    // The one error is the browser noting the 400 answer to the incomplete form, as it should.
    expect(consoleErrors.filter((e) => !e.includes("status of 400"))).toEqual([]);
    await context.close();
  });

  it("shows hostile free text as text: on the page and in the minutes", async () => {
    const { context, page } = await harness.newPage({ bypassCSP: true });
    const reference = "CHSCB/2024-666";
    await page.goto(at("/"));
    await page.fill("#reference", reference);
    await page.check('input[name="childDied"][value="yes"]');
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.click("#see-advice");
    await page.click("#save-to-case");
    const capacity = '<img src=x id="injected"> **Chair**';
    const reasons = "# Not a heading\r\n<script>document.title='owned'</script>\r- not a list\n| a | table |";
    await page.check('input[name="decision"][value="serious-case-review"]');
    await page.fill("#decidedOn-day", "26");
    await page.fill("#decidedOn-month", "3");
    await page.fill("#decidedOn-year", "2024");
    await page.fill("#decidedBy", capacity);
    await page.fill("#reasons", reasons);
    await page.click("#record-decision");
    await expect(page.locator("[data-history]").innerText()).resolves.toContain(
      `as ${capacity}, recorded by`,
    );
    await expect(page.locator("#injected").count()).resolves.toBe(0);
    await expect(page.title()).resolves.not.toBe("owned");

    const minutes = await (
      await page.request.get(at(`/cases/${encodeURIComponent(reference)}/minutes.md`))
    ).text();
    expect(minutes).toContain('as \\<img src=x id="injected"\\> \\*\\*Chair\\*\\*, recorded by');
    expect(minutes).toContain(
      "> \\# Not a heading\n> \\<script\\>document.title='owned'\\</script\\>\n> \\- not a list\n> \\| a \\| table \\|\n",
    );
    expect(minutes).not.toMatch(/\r/);
    await context.close();
  });
});
