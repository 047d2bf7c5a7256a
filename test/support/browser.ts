/**
 * The browser tests' harness: the real app on a loopback port, Debian's Chromium driven by
 * playwright-core, and axe-core for accessibility. CI installs Chromium with apt-get; elsewhere set
 * CHROMIUM_PATH. Screenshots go to test-results/ for a person to look at.
 */
import { existsSync, mkdirSync } from "node:fs";
import type { Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { createApp } from "../../src/app.js";
import { openDb, type Db } from "../../src/cases/db.js";
import { RecordStore } from "../../src/cases/store.js";
import { service } from "./service.js";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const SHOTS = "test-results";
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

export interface Harness {
  base(): string;
  newPage(
    options?: Parameters<Browser["newContext"]>[0],
  ): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }>;
}

export function useBrowser(options: { records?: boolean } = {}): Harness {
  let server: Server | undefined;
  let db: Db | undefined;
  let base = "";
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`,
      );
    }
    mkdirSync(SHOTS, { recursive: true });
    db = options.records ? await openDb({}) : undefined;
    const app = createApp(await service(), {
      bodyLimit: 100 * 1024,
      ...(db ? { records: new RecordStore(db) } : {}),
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise<void>((resolve) => server!.once("listening", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await db?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  return {
    base: () => base,
    async newPage(options = {}) {
      const context = await browser!.newContext({
        viewport: { width: 1100, height: 900 },
        acceptDownloads: true,
        ...options,
      });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") consoleErrors.push(m.text());
      });
      return { context, page, consoleErrors };
    },
  };
}

interface AxeResult {
  passes: unknown[];
  violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>;
}

/** WCAG 2.2 AA violations axe-core finds on the page (it must be opened with bypassCSP). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<AxeResult> } }).axe;
    return axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
  });
  // axe really ran: it checked the page against many rules.
  expect(result.passes.length).toBeGreaterThan(10);
  return result.violations.map(
    (v) =>
      `${v.id}: ${v.help} (${v.nodes
        .map((n) => n.target.join(" "))
        .slice(0, 3)
        .join(", ")})`,
  );
}
