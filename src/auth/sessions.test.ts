/**
 * Sessions in the records database, on the embedded store and on PostgreSQL: the cookie's id is
 * never stored, a session ends when idle or at its absolute end, and a sign-in in progress is
 * used once.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BACKENDS } from "../../test/support/databases.js";
import type { Db } from "../cases/db.js";
import { rolesFrom } from "./roles.js";
import { SessionStore } from "./sessions.js";

const chair = { subject: "c-1", name: "Chris Chair", roles: ["chair"] as const };

describe.each(BACKENDS)("sessions on $name", (backend) => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let now = new Date("2024-03-01T09:00:00Z");
  const store = () => new SessionStore(db, { idleMinutes: 30, maxHours: 8 }, () => now);
  const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

  beforeAll(async () => {
    ({ db, cleanup } = await backend.open());
  });
  afterAll(async () => {
    await db?.close();
    await cleanup?.();
  });

  it("keeps only a hash of the cookie's id, and finds the person by the id", async () => {
    const { id, session } = await store().create(chair);
    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await db.query<{ id_hash: string }>("SELECT id_hash FROM sessions");
    expect(rows.map((r) => r.id_hash)).toContain(createHash("sha256").update(id).digest("hex"));
    expect(JSON.stringify(await db.query("SELECT * FROM sessions"))).not.toContain(id);
    const found = await store().find(id);
    expect(found?.person).toEqual({ subject: "c-1", name: "Chris Chair", roles: ["chair"] });
    expect(found?.csrfToken).toBe(session.csrfToken);
    expect(await store().find(id.slice(0, -1) + (id.endsWith("A") ? "B" : "A"))).toBeNull();
  });

  it("ends a session unused for the idle time, and keeps one in use until its absolute end", async () => {
    const idle = await store().create(chair);
    later(29);
    expect(await store().find(idle.id)).not.toBeNull();
    later(30);
    expect(await store().find(idle.id)).toBeNull();

    const busy = await store().create(chair);
    // Used every 29 minutes: 16 uses take it to 7 h 44 min, still live.
    for (let i = 1; i <= 16; i++) {
      later(29);
      expect(await store().find(busy.id), `after ${i * 29} min`).not.toBeNull();
    }
    // 8 hours after signing in it ends, however recently it was used.
    later(29);
    expect(await store().find(busy.id)).toBeNull();
  });

  it("ends a session at sign-out", async () => {
    const { id } = await store().create(chair);
    await store().end(id);
    expect(await store().find(id)).toBeNull();
  });

  it("uses a sign-in in progress once, and not after ten minutes", async () => {
    const flow = { codeVerifier: "v", state: "s", nonce: "n", returnTo: "/cases/X" };
    const id = await store().beginSignIn(flow);
    expect(await store().takeSignIn(id)).toEqual(flow);
    expect(await store().takeSignIn(id)).toBeNull();
    const old = await store().beginSignIn(flow);
    later(11);
    expect(await store().takeSignIn(old)).toBeNull();
  });
});

describe("roles from the provider's claims", () => {
  it("takes member and chair as they are, and ignores anything else", () => {
    expect(rolesFrom({ roles: ["chair", "admin", "member"] }, { claim: "roles" })).toEqual([
      "member",
      "chair",
    ]);
    expect(rolesFrom({ roles: "member" }, { claim: "roles" })).toEqual(["member"]);
    expect(rolesFrom({ roles: ["Chair"] }, { claim: "roles" })).toEqual([]);
    expect(rolesFrom({}, { claim: "roles" })).toEqual([]);
  });

  it("maps groups to roles, reading a nested claim by a dotted path", () => {
    const map = new Map([
      ["threshold-chairs", ["chair" as const]],
      ["threshold-members", ["member" as const]],
    ]);
    expect(rolesFrom({ groups: ["staff", "threshold-chairs"] }, { claim: "groups", map })).toEqual(["chair"]);
    expect(rolesFrom({ groups: ["member"] }, { claim: "groups", map })).toEqual([]);
    expect(
      rolesFrom({ realm_access: { roles: ["threshold-members"] } }, { claim: "realm_access.roles", map }),
    ).toEqual(["member"]);
  });
});
