/**
 * Who may use the case file, with sign-in configured and a real OpenID provider (in-process): the
 * list, the timeline and its calendar need signing in; a member reads them and marks a milestone
 * done, recorded in their name; closing a case is the chair's alone; someone with neither role is
 * refused, and told which role is missing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppUnderTest } from "../../test/support/app.js";
import { contractErrors } from "../../test/support/contract.js";
import { signInOverHttp, startProvider, type TestProvider } from "../../test/support/oidc.js";
import { pageClient } from "../../test/support/forms.js";

let provider: TestProvider;
let app: AppUnderTest;
const CASE = "ROLES/2024-014";
const casePath = `/cases/${encodeURIComponent(CASE)}`;

beforeAll(async () => {
  provider = await startProvider();
  app = await startApp({ records: true, signIn: provider });
}, 60_000);
afterAll(async () => {
  await app?.close();
  await provider?.close();
});

/** Pages and their forms, posted from the page with its token, as the browser does. */
const { get, post } = pageClient(() => app.base);

describe("the case file with sign-in", () => {
  it("the list, a timeline and its calendar need signing in: pages redirect, the API answers 401", async () => {
    for (const path of ["/cases", `${casePath}/timeline`]) {
      const res = await get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe(`/auth/sign-in?return=${encodeURIComponent(path)}`);
    }
    for (const path of ["/v1/cases", `/v1${casePath}/timeline.ics`]) {
      const res = await get(path, "", "application/json");
      expect(res.status, path).toBe(401);
      expect(contractErrors("Problem", await res.json())).toEqual([]);
    }
  });

  it("a member lists the cases, reads the timeline and marks a milestone done in their own name", async () => {
    const { cookie } = await signInOverHttp(app.base, "member");
    const saved = await post("/cases/save", cookie, {
      reference: CASE,
      childDied: "yes",
      abuseOrNeglect: "yes",
      "referral-day": "3",
      "referral-month": "6",
      "referral-year": "2024",
    });
    expect(saved.status).toBe(303);
    const listed = await get("/v1/cases", cookie, "application/json");
    expect(listed.status).toBe(200);
    const body = await listed.json();
    expect(contractErrors("CaseList", body)).toEqual([]);
    expect(body.items.map((i: { reference: string }) => i.reference)).toEqual([CASE]);
    expect((await get("/cases", cookie)).status).toBe(200);
    expect((await get(`/v1${casePath}/timeline.ics`, cookie, "text/calendar")).status).toBe(200);

    const done = await post(`${casePath}/milestones/done`, cookie, { milestone: "secure-records" });
    expect(done.status).toBe(303);
    const timeline = await (await get(`${casePath}/timeline`, cookie)).text();
    expect(timeline).toMatch(/Marked done \d{4}-\d\d-\d\d by Mina Member/);
  });

  it("a member cannot close a case: a 403 page naming the chair role, and the case stays open", async () => {
    const { cookie } = await signInOverHttp(app.base, "member");
    const refused = await post(`${casePath}/close`, cookie, {});
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(html).toContain("closing a case needs the chair role");
    expect(html).toContain("You need the chair role");
    // Over the API, the same: a problem naming the role, and nothing recorded.
    const api = await fetch(`${app.base}/v1${casePath}/close`, {
      method: "POST",
      headers: { cookie, origin: app.base, "content-type": "application/json" },
      body: "{}",
    });
    expect(api.status).toBe(403);
    expect(JSON.stringify(await api.json())).toContain("chair");
    const body = await (await get("/v1/cases", cookie, "application/json")).json();
    expect(body.items[0]).toMatchObject({ reference: CASE, closed: false });
  });

  it("a chair closes the case, recorded in their name; it is listed as completed and closed", async () => {
    const { cookie } = await signInOverHttp(app.base, "chair");
    const closed = await post(`${casePath}/close`, cookie, { reason: "Learning shared with the board." });
    expect(closed.status).toBe(303);
    const body = await (await get("/v1/cases?stage=completed", cookie, "application/json")).json();
    expect(body.items[0]).toMatchObject({ reference: CASE, stage: "completed", closed: true });
    const timeline = await (await get(`${casePath}/timeline`, cookie)).text();
    expect(timeline).toMatch(/Closed on \d{4}-\d\d-\d\d by Chris Chair/);
  });

  it("a member is refused the case's access log, told it is the chair's", async () => {
    const { cookie } = await signInOverHttp(app.base, "member");
    const res = await get(`/v1${casePath}/access-log`, cookie, "application/json");
    expect(res.status).toBe(403);
    expect((await res.json()).detail).toBe("reading a case's access log needs the chair role");
  });

  it("the case's access log names who read the timeline and calendar, marked done and closed", async () => {
    const { cookie } = await signInOverHttp(app.base, "chair");
    const res = await get(`/v1${casePath}/access-log?limit=200`, cookie, "application/json");
    expect(res.status).toBe(200);
    const log = await res.json();
    expect(contractErrors("AccessLog", log)).toEqual([]);
    const seen = (log.entries as Array<{ operation: string; madeBy: { name?: string } }>).map(
      (e) => `${e.operation} ${e.madeBy.name}`,
    );
    for (const entry of [
      "read-timeline Mina Member",
      "read-calendar Mina Member",
      "mark-done Mina Member",
      "close-case Chris Chair",
    ])
      expect(seen).toContain(entry);
    // A refused close is not logged as one.
    expect(seen).not.toContain("close-case Mina Member");
  });

  it("someone signed in with neither role is refused the list, the timeline and its calendar, told which role is missing", async () => {
    const { cookie } = await signInOverHttp(app.base, "norole");
    const res = await get("/v1/cases", cookie, "application/json");
    expect(res.status).toBe(403);
    const problem = await res.json();
    expect(contractErrors("Problem", problem)).toEqual([]);
    expect(JSON.stringify(problem)).toContain("member");
    expect((await get("/cases", cookie)).status).toBe(403);
    // The calendar carries the case's dates: no role, no calendar, and nothing of it in the answer.
    const calendar = await get(`/v1${casePath}/timeline.ics`, cookie, "text/calendar");
    expect(calendar.status).toBe(403);
    expect(await calendar.text()).not.toContain("BEGIN:VCALENDAR");
    expect((await get(`${casePath}/timeline`, cookie)).status).toBe(403);
  });
});
