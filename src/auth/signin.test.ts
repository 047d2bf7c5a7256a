/**
 * Signing in with a real OpenID provider (oidc-provider, in-process on loopback) over HTTP, as a
 * browser would: with sign-in configured nobody reaches a page, a form or a case API without
 * signing in (or a key), a member cannot record a decision, someone with neither role is told
 * which role is missing, and signing out ends the session at the service.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type AppUnderTest } from "../../test/support/app.js";
import { signInOverHttp, startProvider, type TestProvider } from "../../test/support/oidc.js";
import { pageClient } from "../../test/support/forms.js";

let provider: TestProvider;
let app: AppUnderTest;
const CASE = "SIGNIN/2024-001";
const casePath = `/cases/${encodeURIComponent(CASE)}`;

beforeAll(async () => {
  provider = await startProvider();
  app = await startApp({ records: true, signIn: provider });
});
afterAll(async () => {
  await app?.close();
  await provider?.close();
});

/** Pages and their forms, posted from the page with its token, as the browser does. */
const { get, post } = pageClient(() => app.base);

const heading = (html: string) => /<h1[^>]*>([^<]*)</.exec(html)?.[1]?.trim();
const DECISION = {
  decision: "no-further-action",
  "decidedOn-day": "26",
  "decidedOn-month": "3",
  "decidedOn-year": "2024",
  decidedBy: "Independent Chair",
  reasons: "A single-agency review is under way.",
};

describe("with sign-in configured, nothing is reached without signing in or a key", () => {
  it("a page sends the browser to sign in, and a case page the same whether the case exists or not", async () => {
    for (const path of ["/", casePath, "/cases/NO-SUCH-CASE", "/quality-assurance", "/action-plans"]) {
      const res = await get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get("location")).toBe(`/auth/sign-in?return=${encodeURIComponent(path)}`);
    }
  });

  it("a form posted without signing in is refused with a page that offers sign-in, and nothing is saved", async () => {
    const res = await fetch(`${app.base}/cases/save`, {
      method: "POST",
      headers: { accept: "text/html", origin: app.base, "content-type": "application/x-www-form-urlencoded" },
      body: "reference=NOT-SAVED&childDied=yes&abuseOrNeglect=yes",
    });
    expect(res.status).toBe(401);
    const html = await res.text();
    expect(heading(html)).toBe("Sign in to use Threshold");
    expect(html).toContain('href="/auth/sign-in?return=%2Fcases%2Fsave"');
  });

  it("the case API needs a signed-in session (or a key): 401 problem+json with a Bearer challenge", async () => {
    const res = await get(`/v1${casePath}`, "", "application/json");
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(res.headers.get("www-authenticate")).toBe('Bearer realm="threshold"');
  });
});

describe("signing in with the board's provider", () => {
  it("comes back to the page asked for, and the page says who is signed in", async () => {
    const member = await signInOverHttp(app.base, "member", "/quality-assurance");
    expect(member.landedOn).toBe("/quality-assurance");
    expect(member.status).toBe(200);
    expect(member.html).toContain("Signed in as Mina Member");
    expect(member.html).toContain('href="/auth/sign-out"');
  });

  it("sets a session cookie holding only an opaque id: HttpOnly, SameSite=Lax, not Secure on http", async () => {
    const start = await get("/auth/sign-in");
    expect(start.status).toBe(303);
    const provider_ = new URL(start.headers.get("location")!);
    expect(provider_.origin).toBe(provider.issuer);
    expect(provider_.searchParams.get("code_challenge_method")).toBe("S256");
    expect(provider_.searchParams.get("redirect_uri")).toBe(`${app.base}/auth/callback`);
    const signInCookie = start.headers.getSetCookie()[0]!;
    expect(signInCookie).toMatch(
      /^threshold-signin=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=600$/,
    );
    const { cookie } = await signInOverHttp(app.base, "member");
    expect(cookie).toMatch(/threshold-session=[A-Za-z0-9_-]{43}/);
  });

  it("never follows a return address off this service", async () => {
    for (const evil of ["//evil.example/x", "https://evil.example/", "/\\evil.example", "/auth/sign-out"]) {
      const { landedOn } = await signInOverHttp(
        app.base,
        "member",
        `/auth/sign-in?return=${encodeURIComponent(evil)}`,
      );
      expect(landedOn, evil).toBe("/");
    }
  });

  it("refuses a callback that no sign-in here started (a code injected from elsewhere)", async () => {
    const res = await get("/auth/callback?code=stolen&state=whatever");
    expect(res.status).toBe(400);
    expect(heading(await res.text())).toBe("Signing in did not work");
  });
});

describe("roles from the provider decide what each person may do", () => {
  it("a member saves advice to a case and reads it, but cannot record a decision: a 403 page naming the chair role", async () => {
    const { cookie } = await signInOverHttp(app.base, "member");
    const saved = await post("/cases/save", cookie, {
      reference: CASE,
      childDied: "yes",
      abuseOrNeglect: "yes",
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get("location")).toBe(casePath);
    const page = await (await get(casePath, cookie)).text();
    expect(heading(page)).toBe(CASE);
    const adviceId = /name="adviceId" value="([^"]+)"/.exec(page)![1]!;

    const refused = await post(`${casePath}/decisions`, cookie, { adviceId, ...DECISION }, casePath);
    expect(refused.status).toBe(403);
    const html = await refused.text();
    expect(heading(html)).toBe("You cannot do this");
    expect(html).toContain("recording or correcting a decision needs the chair role");
    expect(html).toContain("You need the chair role.");
    // Nothing was recorded.
    expect(await (await get(casePath, cookie)).text()).not.toContain("Decision: No further action");
  });

  it("a chair records the decision", async () => {
    const { cookie } = await signInOverHttp(app.base, "chair");
    const page = await (await get(casePath, cookie)).text();
    const adviceId = /name="adviceId" value="([^"]+)"/.exec(page)![1]!;
    const decided = await post(`${casePath}/decisions`, cookie, { adviceId, ...DECISION }, casePath);
    expect(decided.status).toBe(303);
    expect(await (await get(casePath, cookie)).text()).toContain("Decision: No further action, 2024-03-26");
  });

  it("someone signed in with neither role gets a plain 403 page naming the member role, the same for any case", async () => {
    const { cookie, status, html } = await signInOverHttp(app.base, "norole");
    expect(status).toBe(403);
    expect(heading(html)).toBe("You cannot do this");
    expect(html).toContain("You need the member role.");
    expect(html).toContain("Signed in as Nadia Norole");
    const existing = await get(casePath, cookie);
    const unknown = await get("/cases/NO-SUCH-CASE", cookie);
    expect([existing.status, unknown.status]).toEqual([403, 403]);
    // No existence oracle: the two answers differ in nothing but the nonce and request id.
    const strip = (t: string) => t.replace(/nonce="[^"]+"/g, "");
    expect(strip(await existing.text())).toBe(strip(await unknown.text()));
    const api = await get(`/v1${casePath}`, cookie, "application/json");
    expect(api.status).toBe(403);
  });

  it("a signed-in session may use the case API from this service's pages, never from another site", async () => {
    const { cookie } = await signInOverHttp(app.base, "member");
    expect((await get(`/v1${casePath}`, cookie, "application/json")).status).toBe(200);
    const crossSite = await fetch(`${app.base}/v1/cases`, {
      method: "POST",
      headers: { cookie, origin: "http://evil.example", "content-type": "application/json" },
      body: JSON.stringify({ reference: "CROSS-1" }),
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get("content-type")).toMatch(/^application\/problem\+json/);
  });
});

describe("signing out", () => {
  it("ends the session at the service and offers the provider's own sign-out", async () => {
    const { cookie } = await signInOverHttp(app.base, "chair");
    const confirm = await get("/auth/sign-out", cookie);
    expect(confirm.status).toBe(200);
    const done = await post("/auth/sign-out", cookie, {}, "/auth/sign-out");
    expect(done.status).toBe(200);
    expect(done.headers.getSetCookie().join()).toMatch(/threshold-session=; .*Max-Age=0/);
    const html = await done.text();
    expect(heading(html)).toBe("You have signed out");
    const endSession = /href="([^"]+)" id="provider-sign-out"/.exec(html);
    expect(endSession?.[1]?.replaceAll("&amp;", "&")).toBe(
      `${provider.issuer}/session/end?client_id=threshold`,
    );
    // The old cookie names nothing now.
    const after = await get("/", cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get("location")).toMatch(/^\/auth\/sign-in/);
  });

  it("refuses a sign-out posted from another site", async () => {
    const { cookie } = await signInOverHttp(app.base, "member");
    const res = await fetch(`${app.base}/auth/sign-out`, {
      method: "POST",
      redirect: "manual",
      headers: {
        accept: "text/html",
        cookie,
        origin: "http://evil.example",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "",
    });
    expect(res.status).toBe(403);
    expect((await get("/", cookie)).status).toBe(200);
  });
});

describe("roles from groups, in the ID token (as Microsoft Entra ID gives them)", () => {
  let groupsProvider: TestProvider;
  let groupsApp: AppUnderTest;
  beforeAll(async () => {
    groupsProvider = await startProvider({ rolesInIdToken: true });
    groupsApp = await startApp({
      records: true,
      signIn: {
        ...groupsProvider,
        rolesClaim: "groups",
        roleMap: new Map([
          ["threshold-members", ["member"]],
          ["threshold-chairs", ["chair"]],
        ]),
      },
    });
  });
  afterAll(async () => {
    await groupsApp?.close();
    await groupsProvider?.close();
  });

  it("maps each person's groups to roles through OIDC_ROLE_MAP; other groups give none", async () => {
    const chair = await signInOverHttp(groupsApp.base, "chair");
    expect(chair.status).toBe(200);
    expect(chair.html).toContain("Signed in as Chris Chair");
    const staff = await signInOverHttp(groupsApp.base, "norole");
    expect(staff.status).toBe(403);
    expect(staff.html).toContain("You need the member role.");
  });
});
