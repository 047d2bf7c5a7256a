/**
 * The browser tests' harness: the real app on a loopback port (test/support/app.ts), one Chromium
 * per test file driven by playwright-core, and axe-core for accessibility. The Chromium comes from
 * CHROMIUM_PATH, Debian's chromium, or the npm package @sparticuz/chromium (test/support/chromium.ts),
 * so `npm ci && npm test` needs nothing else. With SCREENSHOTS=1 in the environment, screenshots go
 * to test-results/ for a person to look at (`SCREENSHOTS=1 npx vitest run src/assessments/web.test.ts`).
 */
import { mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { startApp, type AppUnderTest, type StartOptions } from "./app.js";
import { findChromium } from "./chromium.js";
import { startProvider, type TestProvider } from "./oidc.js";

const SHOTS = "test-results";
/**
 * Screenshots assert nothing and cost the browser a lot (a full result page is some 24,000 pixels
 * tall): taken only when someone asks for them, not on every `npm test`.
 */
const TAKE_SHOTS = Boolean(process.env.SCREENSHOTS);
const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** The network is closed: nothing in the browser may reach out on its own. (Playwright adds --headless.) */
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Harness {
  base(): string;
  newPage(
    options?: Parameters<Browser["newContext"]>[0],
  ): Promise<{ context: BrowserContext; page: Page; consoleErrors: string[] }>;
}

/** `signIn`: people sign in with a real OpenID provider (test/support/oidc.ts) on loopback. */
export function useBrowser(options: { records?: StartOptions["records"]; signIn?: boolean } = {}): Harness {
  let app: AppUnderTest | undefined;
  let browser: Browser | undefined;
  let provider: TestProvider | undefined;

  beforeAll(async () => {
    if (TAKE_SHOTS) mkdirSync(SHOTS, { recursive: true });
    const found = await findChromium();
    if (options.signIn) provider = await startProvider();
    [app, browser] = await Promise.all([
      startApp({ records: options.records ?? false, ...(provider ? { signIn: provider } : {}) }),
      chromium
        .launch({ executablePath: found.executablePath, args: ARGS, env: { ...process.env, ...found.env } })
        .catch((e: unknown) => {
          throw new Error(
            `Chromium (from ${found.source}, ${found.executablePath}) did not start: ${String(e)}`,
          );
        }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await provider?.close();
  });

  return {
    base: () => app!.base,
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

/**
 * With SCREENSHOTS set, saves a screenshot in test-results/ for a person to look at; otherwise does
 * nothing. JPEG: a result page is some 24,000 pixels tall, and encoding that as PNG takes Chromium
 * two seconds; as JPEG, a third of that.
 */
export async function screenshot(
  page: Page,
  name: string,
  options: { fullPage?: boolean } = {},
): Promise<void> {
  if (!TAKE_SHOTS) return;
  await page.screenshot({ path: `${SHOTS}/${name}.jpg`, type: "jpeg", quality: 80, ...options });
}

/**
 * axe-core (half a megabyte) served from loopback, cacheable, so that each page's browser context
 * fetches and compiles it once, however many page states it checks, rather than being sent the
 * whole script over the DevTools pipe for every check. One server per test worker, started on first
 * use; it does not keep the worker alive.
 */
let axeServer: Promise<string> | undefined;
function axeUrl(): Promise<string> {
  axeServer ??= new Promise((resolve, reject) => {
    const script = readFileSync(axePath);
    const server = createServer((req, res) => {
      if (req.url !== "/axe.min.js") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": "public, max-age=86400, immutable",
        "Content-Length": script.length,
      });
      res.end(script);
    });
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/axe.min.js`);
    });
  });
  return axeServer;
}

interface AxeResult {
  passes: unknown[];
  violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>;
}

/**
 * WCAG 2.2 AA violations axe-core finds on the page (it must be opened with bypassCSP). Every rule
 * is run on every element as before; `resultTypes` only spares axe describing each element that
 * passed (it still lists every rule that passed, with one element each), about a fifth of its time.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ url: await axeUrl() });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (o: object) => Promise<AxeResult> } }).axe;
    return axe.run({
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
      resultTypes: ["violations"],
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
