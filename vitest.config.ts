import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    // Boards work in England: run in its time zone, where British Summer Time moves midnight.
    env: { TZ: "Europe/London" },
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
