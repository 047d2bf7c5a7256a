/**
 * Vitest globalSetup: what the test files share, made once before they start and side by side
 * (Chromium unpacked off the main thread, the PGlite templates on it): on a fresh clone about a
 * second sooner than one after the other.
 */
import findChromium from "./chromium.js";
import makeTemplates from "./pglite-cache.js";

export default async function setup(): Promise<void> {
  await Promise.all([findChromium(), makeTemplates()]);
}
