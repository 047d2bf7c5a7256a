/**
 * The case pages in Chromium (issue 14): one case walked from saved advice (the referral) to
 * reassessment (what changed), the chair's decision checked before it is recorded (the departure
 * warning), recorded (a confirmation panel), and corrected (both records visible), with the list of
 * cases and the case's timeline following it; on each store (the embedded one, and PostgreSQL when
 * TEST_DATABASE_URL names one). One walk per store, with axe once on every page state, each state
 * also looked at on a phone (390 × 844), where nothing may scroll sideways.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { axeViolations, screenshot, useBrowser } from "../../test/support/browser.js";
import { BACKENDS } from "../../test/support/databases.js";

const PHONE = { width: 390, height: 844 };
const LAPTOP = { width: 1100, height: 900 };

/**
 * The embedded store in memory (a copy of one migrated database, test/support/app.ts): the pages
 * use it exactly as they use one in a folder, whose durability is the store tests' concern
 * (src/cases/store.test.ts), and creating one in a folder costs seconds. PostgreSQL when named.
 */
const STORES = BACKENDS.map((backend) => ({
  name: backend.name,
  records: backend.name === "pglite" ? true : backend,
}));

describe.each(STORES)("one case from the referral to a corrected decision, on $name", (backend) => {
  const harness = useBrowser({ records: backend.records });
  const at = (path: string) => `${harness.base()}${path}`;

  it("walks the pages, accessible and fitting a laptop and a phone at every state", async () => {
    const name = backend.name;
    const { context, page, consoleErrors } = await harness.newPage({ bypassCSP: true, viewport: LAPTOP });
    const REF = "CHSCB/2024-301";
    const caseUrl = `/cases/${encodeURIComponent(REF)}`;
    const sideways = () =>
      page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    /** Each page state: no WCAG 2.2 AA violation, and nothing wider than a laptop's or a phone's screen. */
    const check = async (state: string) => {
      expect(await axeViolations(page), state).toEqual([]);
      expect(await sideways(), `${state} scrolls sideways`).toBeLessThanOrEqual(0);
      await screenshot(page, `case-${name}-${state}`);
      await page.setViewportSize(PHONE);
      expect(await sideways(), `${state} scrolls sideways on a phone`).toBeLessThanOrEqual(0);
      await screenshot(page, `case-${name}-${state}-phone`);
      await page.setViewportSize(LAPTOP);
    };
    /** The case's row in the list of cases: its stage and its next deadline. */
    const listed = async () => {
      await page.goto(at("/cases"));
      const row = page.locator(`tr[data-case="${REF}"]`);
      return { text: await row.innerText(), deadline: await row.locator("[data-deadline]").innerText() };
    };
    const milestone = (id: string) => page.locator(`tr[data-milestone="${id}"]`);
    const fillDate = async (p: Page, prefix: string, d: string, m: string, y: string) => {
      await p.fill(`#${prefix}-day`, d);
      await p.fill(`#${prefix}-month`, m);
      await p.fill(`#${prefix}-year`, y);
    };

    // Saved advice: the child died, abuse or neglect not yet known.
    await page.goto(at("/"));
    await page.fill("#reference", REF);
    await page.check('input[name="childDied"][value="yes"]');
    await fillDate(page, "referral", "1", "3", "2024");
    await page.click("#see-advice");
    await page.click("#save-to-case");
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    await expect(page.locator("[data-history]").innerText()).resolves.toMatch(
      /Not yet determined \(at least: [^)]+; still possible: [^)]+\)/,
    );
    await check("saved");

    // The list of cases: it awaits the chair; the records were to be secured at the referral.
    let row = await listed();
    expect(row.text).toContain("Assessed: awaits the chair's decision");
    expect(row.deadline).toBe("Overdue");
    await check("list");
    await page.goto(at(caseUrl));

    // Reassess: the questionnaire starts from the case's answers; abuse is now known.
    await page.click("#reassess");
    await expect(page.locator('input[name="childDied"][value="yes"]').isChecked()).resolves.toBe(true);
    await check("reassess-form");
    await page.check('input[name="abuseOrNeglect"][value="yes"]');
    await page.click("#see-advice");
    await expect(page.locator('[data-changes="answers"]').innerText()).resolves.toMatch(
      /Is abuse or neglect known or suspected[\s\S]*not answered[\s\S]*yes/,
    );
    await expect(page.locator('[data-changes="advice"]').innerText()).resolves.toContain(
      "Initiate a Serious Case Review",
    );
    await check("what-changed");
    await page.click("#save-reassessment");
    expect(new URL(page.url()).pathname).toBe(caseUrl);
    await expect(page.locator("[data-history]").innerText()).resolves.toContain(
      "Advice (Working Together 2015): Initiate a Serious Case Review",
    );

    // The chair decides against a review: first a missing reason is named, the answers kept.
    await page.check('input[name="decision"][value="no-further-action"]');
    await fillDate(page, "decidedOn", "20", "3", "2024");
    await page.fill("#decidedBy", "Independent Chair");
    await page.click("#record-decision");
    await expect(page.locator(".govuk-error-summary").innerText()).resolves.toContain(
      "Enter the reasons for the decision",
    );
    await expect(page.locator("#decidedBy").inputValue()).resolves.toBe("Independent Chair");
    await check("decision-error");
    await page.fill("#reasons", "A single-agency review is under way and will report to the board.");
    await page.click("#record-decision");

    // Check answers: the departure and the guidance's words, before anything is stored.
    await expect(page.locator("h1").innerText()).resolves.toBe("Check the decision before recording it");
    await expect(page.locator('[data-departure="departs"]').innerText()).resolves.toContain(
      "may be subject to scrutiny by the national panel",
    );
    await check("check-answers");
    // What the confirm button sends, to send it again below as a second submission would.
    const sent = await page.evaluate(() => {
      const button = document.querySelector("#confirm-decision")!;
      const f = button.closest("form")!;
      return {
        action: f.action,
        fields: Object.fromEntries(new FormData(f) as unknown as Iterable<[string, string]>),
      };
    });
    await page.click("#confirm-decision");

    // Confirmation.
    await expect(page.locator(".govuk-panel__title").innerText()).resolves.toBe("Decision recorded");
    await expect(page.locator("[data-reasons]").innerText()).resolves.toBe(
      "A single-agency review is under way and will report to the board.",
    );
    await check("recorded");
    // The same submission again (a second click, a resent form) leads to the same record, adding nothing.
    const again = await page.request.post(sent.action, {
      form: sent.fields,
      headers: { Origin: harness.base(), "Sec-Fetch-Site": "same-origin" },
      maxRedirects: 0,
    });
    expect(again.status()).toBe(303);
    expect(new URL(again.headers().location!, harness.base()).pathname).toBe(new URL(page.url()).pathname);
    await page.click("#back-to-case");
    await expect(page.locator("[data-decision]").count()).resolves.toBe(1);
    // Who recorded it is whoever is using the service (here, anyone on loopback), not what was typed.
    await expect(page.locator("[data-history]").innerText()).resolves.toContain(
      "Decision: No further action, 2024-03-20 as Independent Chair, recorded by someone using this machine without sign-in; departs from the advice",
    );
    await check("decided");

    // The timeline: the chair's decision is done by the decision; the records secured are marked done.
    await page.click("#timeline-link");
    await expect(milestone("chair-decision").getAttribute("data-state")).resolves.toBe("Done");
    await expect(milestone("chair-decision").innerText()).resolves.toContain("Decided 2024-03-20");
    // The records were secured and the sub-group met before the decision: marked done.
    for (const id of ["secure-records", "subgroup-meeting"]) {
      await milestone(id).locator("[data-mark-done]").click();
      await expect(milestone(id).getAttribute("data-state")).resolves.toBe("Done");
    }
    await check("timeline");
    // What is next is the decision's: notifying it within five working days of 20 March 2024.
    const summary = await page.locator("[data-summary]").innerText();
    expect(summary).toMatch(/Next deadline\s+Overdue 2024-03-27: The board notifies Ofsted/);
    // Decided: the list says so, with the same next deadline.
    row = await listed();
    expect(row.text).toContain("Decided");
    expect(row.deadline).toBe("Overdue");
    expect(row.text).toContain("2024-03-27: The board notifies Ofsted");
    await page.goto(at(caseUrl));

    // Correct it: a new record naming the first; both stay visible.
    await page.click("[data-correct]");
    await expect(page.locator("[data-correcting]").innerText()).resolves.toContain("No further action");
    await check("correct-form");
    await page.check('input[name="decision"][value="serious-case-review"]');
    await page.fill("#reasons", "On reflection the criteria are met and a review will be held.");
    await page.click("#record-decision");
    await expect(page.locator('[data-departure="follows"]').count()).resolves.toBe(1);
    await page.click("#confirm-decision");
    await expect(page.locator(".govuk-panel__title").innerText()).resolves.toBe("Correction recorded");
    await expect(page.locator("[data-corrects]").innerText()).resolves.toContain("No further action");
    await check("corrected");
    await page.click("#back-to-case");
    const decisions = page.locator("[data-decision]");
    await expect(decisions.count()).resolves.toBe(2);
    await expect(decisions.nth(0).getAttribute("data-in-force")).resolves.toBe("false");
    await expect(decisions.nth(0).innerText()).resolves.toContain("A single-agency review is under way");
    await expect(decisions.nth(1).innerText()).resolves.toContain("On reflection the criteria are met");
    await expect(page.locator("[data-chain]").getAttribute("data-chain")).resolves.toBe("valid");
    await check("case");
    // Corrected to hold a review: the list follows.
    row = await listed();
    expect(row.text).toContain("Review under way");
    // The correction's deadlines are next: five working days from the decision, as before.
    expect(row.text).toContain("2024-03-27: ");
    await page.goto(at(caseUrl));

    // The case's minutes: to read and print, and as a download.
    await page.click("#read-case-minutes");
    await expect(page.locator("[data-case-minutes]").innerText()).resolves.toContain(
      "On reflection the criteria are met",
    );
    await check("minutes");
    // Its deadlines are the timeline's: the decision and the records secured are done.
    const deadlines = await page.locator("[data-case-minutes]").innerText();
    expect(deadlines).toMatch(/Done:\s*The chair of the board decides[^\n]*decided on 20 March 2024/);
    expect(deadlines).toMatch(/Done:\s*Each organisation secures its records[^\n]*marked done on/);
    await page.goBack();
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#download-case-minutes"),
    ]);
    const minutes = readFileSync((await download.path())!, "utf8");
    expect(minutes).toContain(`# Case ${REF}: minutes`);
    expect(minutes).toContain("> A single-agency review is under way and will report to the board.");
    expect(minutes).toContain(
      "**Decided on:** 20 March 2024, as Independent Chair; recorded by someone using this machine without sign-in.",
    );

    // The chair sees who has read or written the case (anyone may, on loopback without sign-in).
    await page.click("#access-log-link");
    const log = await page.locator("[data-access-log]").innerText();
    expect(log).toContain("Recorded a decision");
    expect(log).toContain("Read the case page");
    expect(log).toContain("127.0.0.1");
    await expect(page.locator("[data-log-chain]").getAttribute("data-log-chain")).resolves.toBe("valid");
    await check("access-log");
    // The one error is the browser noting the 400 answer to the incomplete form, as it should.
    expect(consoleErrors.filter((e) => !e.includes("status of 400"))).toEqual([]);
    await context.close();
  }, 180_000);

  // Free text is the pages' concern, not the store's: once, on the embedded store.
  it.runIf(backend.name === "pglite")(
    "shows hostile free text as text: on the check page, the case page and in the minutes",
    async () => {
      const { context, page } = await harness.newPage({ bypassCSP: true });
      const reference = "CHSCB/2024-666";
      await page.goto(at("/"));
      await page.fill("#reference", reference);
      await page.check('input[name="childDied"][value="yes"]');
      await page.check('input[name="abuseOrNeglect"][value="yes"]');
      await page.click("#see-advice");
      await page.click("#save-to-case");
      const capacity = '<img src=x id="injected"> **Chair**';
      const reasons =
        "# Not a heading\r\n<script>document.title='owned'</script>\r- not a list\n| a | table |";
      await page.check('input[name="decision"][value="serious-case-review"]');
      await page.fill("#decidedOn-day", "26");
      await page.fill("#decidedOn-month", "3");
      await page.fill("#decidedOn-year", "2024");
      await page.fill("#decidedBy", capacity);
      await page.fill("#reasons", reasons);
      await page.click("#record-decision");
      // The check-answers step (issue 14) shows the text before it is stored: as text there too.
      await expect(page.locator("h1").innerText()).resolves.toBe("Check the decision before recording it");
      await expect(page.locator("#injected").count()).resolves.toBe(0);
      await expect(page.title()).resolves.not.toBe("owned");
      await page.click("#confirm-decision");
      await page.click("#back-to-case");
      await expect(page.locator("[data-history]").innerText()).resolves.toContain(
        `as ${capacity}, recorded by`,
      );
      await expect(page.locator("#injected").count()).resolves.toBe(0);
      await expect(page.title()).resolves.not.toBe("owned");

      const minutes = await (
        await page.request.get(at(`/cases/${encodeURIComponent(reference)}/minutes.md`))
      ).text();
      // The case's minutes (issue 14) say "Decided on: <date>, as <capacity>; recorded by <who>".
      expect(minutes).toContain('as \\<img src=x id="injected"\\> \\*\\*Chair\\*\\*; recorded by');
      expect(minutes).toContain(
        "> \\# Not a heading\n> \\<script\\>document.title='owned'\\</script\\>\n> \\- not a list\n> \\| a \\| table \\|\n",
      );
      expect(minutes).not.toMatch(/\r/);
      await context.close();
    },
  );
});
