import { describe, expect, it } from "vitest";
import { nonce } from "./security-headers.js";

describe("the Content-Security-Policy nonce", () => {
  it("is 128 random bits, and never the same twice across many pool refills", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const n = nonce();
      expect(Buffer.from(n, "base64")).toHaveLength(16);
      seen.add(n);
    }
    expect(seen.size).toBe(20_000);
    // Not a pool of zeros handed out: the bits vary.
    expect(seen.has(Buffer.alloc(16).toString("base64"))).toBe(false);
  });
});
