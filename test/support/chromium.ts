/**
 * Finds a Chromium for the browser tests, with nothing to install beyond `npm ci`:
 *
 *   1. CHROMIUM_PATH, when set (an error if nothing is there);
 *   2. Debian's chromium at /usr/bin/chromium, when the system has one;
 *   3. the Chromium shipped, brotli-compressed, in the npm package @sparticuz/chromium (a
 *      devDependency, pinned), unpacked once into node_modules/.cache/ and reused afterwards.
 *
 * The package unpacks into os.tmpdir() (/tmp/chromium, shared by everyone on the machine); here it
 * unpacks in a child process whose TMPDIR is a folder of our own, which is then renamed into place,
 * so parallel test files or parallel clones never see a half-written browser. The package's own
 * shared libraries (NSS, NSPR, expat; built for Amazon Linux 2023) are used only when the system
 * lacks them, and its fonts only when the system has no fontconfig.
 *
 * Vitest's globalSetup calls this once before the test files start; each browser test file calls
 * it again and finds the browser already unpacked.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export interface FoundChromium {
  executablePath: string;
  /** Extra environment for the browser process (libraries, fonts), if it needs any. */
  env: Record<string, string>;
  /** Where it came from, for messages. */
  source: string;
}

const DEBIAN = "/usr/bin/chromium";
const PACKAGE = "@sparticuz/chromium";

let found: Promise<FoundChromium> | undefined;

export function findChromium(): Promise<FoundChromium> {
  found ??= locate();
  return found;
}

async function locate(): Promise<FoundChromium> {
  const configured = process.env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH names ${configured}, but nothing is there`);
    return { executablePath: configured, env: {}, source: "CHROMIUM_PATH" };
  }
  if (existsSync(DEBIAN)) return { executablePath: DEBIAN, env: {}, source: DEBIAN };
  return fromPackage();
}

async function fromPackage(): Promise<FoundChromium> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `${PACKAGE} holds a Chromium for Linux on x64 only, not ${process.platform} on ${process.arch}: set CHROMIUM_PATH to a Chromium or Chrome`,
    );
  }
  const { version } = packageManifest();
  const cacheRoot = path.join(projectRoot, "node_modules", ".cache", "threshold-chromium");
  const dir = path.join(cacheRoot, version);
  const executablePath = path.join(dir, "chromium");

  if (!existsSync(executablePath)) {
    mkdirSync(cacheRoot, { recursive: true });
    const partial = `${dir}.partial-${process.pid}-${Date.now()}`;
    mkdirSync(partial);
    try {
      // AWS_EXECUTION_ENV makes the package unpack its Amazon Linux libraries too (lib/ under al2023).
      await promisify(execFile)(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const { default: c } = await import(${JSON.stringify(PACKAGE)}); await c.executablePath();`,
        ],
        {
          cwd: projectRoot,
          env: { ...process.env, TMPDIR: partial, AWS_EXECUTION_ENV: "AWS_Lambda_nodejs20.x" },
        },
      );
      if (!existsSync(path.join(partial, "chromium"))) {
        throw new Error(`${PACKAGE} ${version} did not unpack a chromium into ${partial}`);
      }
      try {
        renameSync(partial, dir);
      } catch (e) {
        // Another process unpacked it first: use theirs.
        if (!existsSync(executablePath)) throw e;
      }
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }

  const env: Record<string, string> = {};
  if (missingLibraries(executablePath)) {
    const lib = path.join(dir, "al2023", "lib");
    env.LD_LIBRARY_PATH = [lib, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  }
  if (!existsSync("/etc/fonts/fonts.conf")) {
    // The package's fonts.conf names /tmp/fonts; point fontconfig at the unpacked copy instead.
    const conf = path.join(dir, "fonts.conf");
    if (!existsSync(conf)) {
      writeFileSync(
        conf,
        `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n` +
          `  <dir>${path.join(dir, "fonts", "fonts")}</dir>\n  <cachedir>${path.join(dir, "fonts-cache")}</cachedir>\n` +
          `</fontconfig>\n`,
      );
    }
    env.FONTCONFIG_FILE = conf;
  }
  return { executablePath, env, source: `${PACKAGE} ${version}` };
}

/** The package's package.json (its "exports" do not list it): up from its entry point. */
function packageManifest(): { name: string; version: string } {
  let dir = path.dirname(createRequire(import.meta.url).resolve(PACKAGE));
  for (;;) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version: string };
      if (manifest.name === PACKAGE) return { name: PACKAGE, version: manifest.version };
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the package.json of ${PACKAGE}`);
    dir = path.dirname(dir);
  }
}

/** True when the dynamic linker cannot find one of the browser's shared libraries on this system. */
function missingLibraries(executable: string): boolean {
  try {
    return /not found/.test(execFileSync("ldd", [executable], { encoding: "utf8" }));
  } catch {
    return false; // no ldd: try the system's libraries, and let the launch say what is missing
  }
}

/**
 * For test/support/global-setup.ts: unpack the browser once, before the test files run in
 * parallel. A failure here is left to the browser test files to report (each tries again), so the
 * other tests still run.
 */
export default async function setup(): Promise<void> {
  await findChromium().catch(() => undefined);
}
