import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    // Other work on a small machine can slow a start-up (the embedded database, a browser) a lot.
    hookTimeout: 60_000,
    // Finds (and if need be unpacks) the browser tests' Chromium once, before the files run in parallel.
    globalSetup: ["./test/support/chromium.ts"],
    // Boards work in England: run in its time zone, where British Summer Time moves midnight.
    env: { TZ: "Europe/London" },
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
