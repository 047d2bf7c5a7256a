/**
 * The records key: accepted as hex or base64 of 32 bytes or more, refused shorter; required with
 * PostgreSQL or beyond loopback; on loopback the embedded default's key file is made beside its
 * data folder, owner-only, once.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../config.js";
import { defaultKeyFile, parseKeyText, readOrCreateKeyFile, RecordsKeyError } from "./keys.js";

const dir = mkdtempSync(path.join(tmpdir(), "threshold-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the records key", () => {
  it("is read as hex or base64 of at least 32 bytes, and names itself by a fingerprint only", () => {
    const bytes = Buffer.alloc(32, 7);
    const hex = parseKeyText(bytes.toString("hex"), "RECORDS_KEY");
    expect(parseKeyText(bytes.toString("base64"), "RECORDS_KEY").id).toBe(hex.id);
    expect(hex.id).toMatch(/^[0-9a-f]{16}$/);
    expect(hex.id).not.toContain(bytes.toString("hex").slice(0, 8));
  });

  it.each([
    ["too short", "ab".repeat(31)],
    ["a passphrase", "correct horse battery staple"],
    ["empty", ""],
  ])("is refused when %s", (_what, text) => {
    expect(() => parseKeyText(text, "RECORDS_KEY")).toThrow(RecordsKeyError);
  });

  it("is required with PostgreSQL and beyond loopback, and not on loopback", () => {
    expect(() => loadConfig({ DATABASE_URL: "postgres://x@localhost/db" })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: "postgres://x@localhost/db" })).toThrow(/RECORDS_KEY/);
    // Beyond loopback sign-in is required first (src/config.ts); with it, the records key too.
    const signIn = {
      PUBLIC_URL: "https://threshold.board.example",
      OIDC_ISSUER: "https://login.board.example/realms/board",
      OIDC_CLIENT_ID: "threshold",
      OIDC_CLIENT_SECRET: "s3cret",
    };
    expect(() => loadConfig({ HOST: "0.0.0.0", ...signIn })).toThrow(
      /listening on 0\.0\.0\.0, a records key must be configured/,
    );
    expect(() => loadConfig({ HOST: "127.0.0.1", ...signIn })).toThrow(
      /listening on threshold\.board\.example, a records key must be configured/,
    );
    expect(() => loadConfig({ RECORDS_KEY: "ab".repeat(8) })).toThrow(ConfigError);
    expect(loadConfig({ THRESHOLD_DATA_DIR: path.join(dir, "records") }).recordsKey).toEqual({
      defaultFile: path.join(dir, "records.key"),
    });
    expect(
      loadConfig({ DATABASE_URL: "postgres://x@localhost/db", RECORDS_KEY_FILE: "k" }).recordsKey,
    ).toEqual({
      file: path.resolve("k"),
    });
  });

  it("is made beside the data folder, owner-only, once", () => {
    const file = defaultKeyFile(path.join(dir, "data"));
    expect(file).toBe(path.join(dir, "data.key"));
    const made = readOrCreateKeyFile(file);
    expect(made.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = readOrCreateKeyFile(file);
    expect(again).toMatchObject({ created: false, key: { id: made.key.id } });
    expect(readFileSync(file, "utf8").trim()).toHaveLength(64);
  });
});
