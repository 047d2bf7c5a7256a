import { describe, expect, it } from "vitest";
import { Forbidden } from "./errors.js";
import { ANYONE, authorize, madeBy, type Actor } from "./service.js";

const loopback = { anyoneMayUseCases: true };
const beyond = { anyoneMayUseCases: false };
const member: Actor = { kind: "person", subject: "s-1", name: "A Member", roles: ["member"] };
const chair: Actor = { kind: "person", subject: "s-2", name: "A Chair", roles: ["chair"] };
const noRole: Actor = { kind: "person", subject: "s-3", name: "Nobody", roles: [] };
const memberKey: Actor = { kind: "api-client", name: "case-system", roles: ["member"] };

describe("who may do what", () => {
  it("advice needs no case: anyone who reaches the service may assess, and a member or a key too", () => {
    expect(() => authorize(ANYONE, "assess", beyond)).not.toThrow();
    expect(() => authorize(member, "timeline", beyond)).not.toThrow();
    expect(() => authorize(memberKey, "checkQuality", beyond)).not.toThrow();
  });

  it("someone signed in with neither role is refused even advice, naming the member role", () => {
    try {
      authorize(noRole, "assess", beyond);
      expect.unreachable();
    } catch (e) {
      expect((e as Forbidden).missingRole).toBe("member");
    }
  });

  it("beyond loopback, anyone without sign-in or a key is refused a case", () => {
    expect(() => authorize(ANYONE, "readCase", beyond)).toThrow(Forbidden);
    expect(() => authorize(ANYONE, "readCase", loopback)).not.toThrow();
  });

  it("a member reads and writes cases but may not record a decision, naming the chair role", () => {
    expect(() => authorize(member, "readCase", beyond)).not.toThrow();
    expect(() => authorize(member, "recordAdvice", beyond)).not.toThrow();
    expect(() => authorize(memberKey, "recordDecision", beyond)).toThrow(Forbidden);
    try {
      authorize(member, "recordDecision", beyond);
      expect.unreachable();
    } catch (e) {
      expect((e as Forbidden).missingRole).toBe("chair");
    }
  });

  it("the case file: a member lists cases, records dates and marks done; closing and the access log are the chair's", () => {
    for (const op of ["listCases", "recordCaseDates", "markMilestoneDone"] as const)
      expect(() => authorize(member, op, beyond), op).not.toThrow();
    for (const op of ["closeCase", "readAccessLog"] as const) {
      expect(() => authorize(member, op, beyond), op).toThrow(Forbidden);
      expect(() => authorize(chair, op, beyond), op).not.toThrow();
    }
    for (const op of ["listCases", "readAccessLog"] as const) {
      expect(() => authorize(noRole, op, beyond), op).toThrow(Forbidden);
      expect(() => authorize(ANYONE, op, beyond), op).toThrow(Forbidden);
    }
  });

  it("a chair does all a member does and records decisions", () => {
    for (const op of ["readCase", "openCase", "recordAdvice", "recordDecision"] as const)
      expect(() => authorize(chair, op, beyond)).not.toThrow();
  });

  it("someone signed in with neither role is refused a case, naming the member role", () => {
    try {
      authorize(noRole, "readCase", loopback);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Forbidden);
      expect((e as Forbidden).missingRole).toBe("member");
    }
  });

  it("a record names a person by subject and display name, a key by its name, never more", () => {
    expect(madeBy({ ...chair, address: "10.0.0.1" })).toEqual({
      kind: "person",
      id: "s-2",
      name: "A Chair",
      roles: ["chair"],
    });
    expect(madeBy(memberKey)).toEqual({
      kind: "api-client",
      id: "case-system",
      name: "case-system",
      roles: ["member"],
    });
    expect(madeBy(ANYONE)).toEqual({ kind: "anyone" });
  });
});
