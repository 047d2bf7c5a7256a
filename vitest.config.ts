import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    // Other work on a small machine can slow a start-up (the embedded database, a browser) a lot.
    hookTimeout: 60_000,
    // Test files run in parallel. Vitest's default on a 2-core machine is one worker, one file at a
    // time; the slow files (the browser tests, the fuzz test, the real process started by the
    // shutdown test) spend much of their time waiting on another process or the embedded database,
    // so three workers overlap them.
    maxWorkers: 3,
    // Each worker imports the app (and loads the rules) once for all its files, not once per file.
    // No test mocks modules or changes globals (no vi.mock, vi.stubGlobal, vi.stubEnv): a file that
    // needs to should set `isolate: true` for itself in a project of its own.
    isolate: false,
    // Finds (and if need be unpacks) the browser tests' Chromium, and makes the PGlite templates,
    // once, before the files start.
    globalSetup: ["./test/support/global-setup.ts"],
    // Boards work in England: run in its time zone, where British Summer Time moves midnight.
    env: { TZ: "Europe/London" },
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
