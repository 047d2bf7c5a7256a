/**
 * The result page under the editions beyond Working Together (issue 16) with issue 13's page: the
 * headline, the heading, the decider and the alternatives are the edition's, and the page says
 * which edition answered and why. Through the real app, with a CSRF token as a browser sends it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppUnderTest } from "../../test/support/app.js";
import { service } from "../../test/support/service.js";

let app: AppUnderTest;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.close());

async function resultPage(form: string): Promise<string> {
  const first = await fetch(`${app.base}/`, { headers: { accept: "text/html" } });
  const cookie = first.headers.getSetCookie()[0]!.split(";")[0]!;
  const token = /name="_csrf" value="([^"]+)"/.exec(await first.text())![1]!;
  const res = await fetch(`${app.base}/assessment`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "text/html",
      cookie,
      origin: app.base,
    },
    body: `_csrf=${token}&${form}`,
  });
  expect(res.status).toBe(200);
  return res.text();
}

describe("the result page under each edition", () => {
  it("Wales: the review is a child practice review, the board decides, and the open question is the register", async () => {
    const html = await resultPage("edition=wales-cpr&incidentInArea=yes&abuseOrNeglect=yes&childDied=yes");
    expect(html).toContain("Advice: does this case need a child practice review?");
    expect(html).toContain(
      "Not yet determined. Still possible: hold an extended child practice review; hold a concise child practice review.",
    );
    expect(html).toContain('data-at-least="concise-cpr"');
    expect(html).toMatch(/href="#childProtectionRegisterOrLookedAfterInSixMonths" data-decisive=/);
    expect(html).toContain("If no child practice review is held");
    expect(html).toContain("beside the board&#39;s decision");
    expect(html).toMatch(
      /id="edition-choice"><strong>Edition:<\/strong> The request named the edition: Child practice reviews \(Wales\)/,
    );
    // The advice (before the questionnaire, whose edition choices name every edition).
    expect(html.slice(html.indexOf("<h1"), html.indexOf('id="answers"'))).not.toContain(
      "Serious Case Review",
    );
  });

  it("England since 2018: a criterion met, the partners decide, the regulation stated not quoted", async () => {
    const html = await resultPage(
      "edition=cspr-2018&abuseOrNeglect=yes&childDied=no&childSeriouslyHarmed=yes&incidentInArea=yes&recurrentThemes=yes",
    );
    expect(html).toContain(
      "A local review criterion is met - the safeguarding partners decide whether to hold a local child safeguarding practice review.",
    );
    expect(html).toContain('class="app-outcome app-outcome--either"');
    expect(html).toContain("Not quoted; in the project's words:");
    expect(html).toContain("If no local child safeguarding practice review is held");
    // The advice (before the questionnaire, whose edition choices name every edition).
    expect(html.slice(html.indexOf("<h1"), html.indexOf('id="answers"'))).not.toContain(
      "Serious Case Review",
    );
  });

  it("every passage of a source held in the project's words says so, wherever the page shows it (criteria, the questionnaire's guidance, the tensions)", async () => {
    const { library } = await service();
    const stated = [...library.sources.values()].filter((x) => x.quoted === false).map((x) => x.short);
    const html = await resultPage(
      "edition=cspr-2018&abuseOrNeglect=yes&childDied=no&childSeriouslyHarmed=yes&incidentInArea=yes&recurrentThemes=yes",
    );
    const quotes = [
      ...html.matchAll(/<blockquote class="govuk-inset-text app-quote">([\s\S]*?)<\/blockquote>/g),
    ].map((m) => m[1]!);
    const ofStated = quotes.filter((q) =>
      stated.some((short) => q.includes(`<span class="govuk-body-s">${short},`)),
    );
    // The guidance beside the questions and both sides of the rapid review's tension are among them.
    expect(ofStated.length).toBeGreaterThan(5);
    expect(ofStated.some((q) => q.includes("15 working days of becoming aware"))).toBe(true);
    for (const q of ofStated) expect(q).toContain("Not quoted; in the project's words:");
  });
});
