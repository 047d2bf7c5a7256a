import { describe, expect, it } from "vitest";
import { InvalidInput, NotFound } from "./errors.js";

describe("the domain's refusals", () => {
  it("capture no stack (they are answers, never logged as faults), and leave other errors' stacks as they were", () => {
    const before = Error.stackTraceLimit;
    const refusal = new InvalidInput([
      { pointer: "/answers/childDied", detail: "must be yes, no or unknown" },
    ]);
    expect(refusal.stack).not.toMatch(/\n\s+at /);
    expect(refusal.message).toBe("/answers/childDied: must be yes, no or unknown");
    expect(new NotFound("no case B-1").name).toBe("NotFound");
    expect(Error.stackTraceLimit).toBe(before);
    expect(new Error("a fault").stack).toMatch(/\n\s+at /);
  });
});
