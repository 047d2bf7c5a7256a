/**
 * The records key: the secret that makes the records' hash chain and their anchors evidence. It
 * lives outside the database (RECORDS_KEY, or the file RECORDS_KEY_FILE names, or the embedded
 * default's key file beside its data folder), so someone who can change the database but not read
 * the key cannot recompute a chain or sign an anchor that verifies.
 */
import { createHmac, randomBytes } from "node:crypto";
import { chmodSync, closeSync, openSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";

export class RecordsKeyError extends Error {}

/** The shortest key accepted: 32 random bytes, as HMAC-SHA256 wants. */
const MIN_KEY_BYTES = 32;

export interface RecordsKey {
  readonly bytes: Buffer;
  /** A short fingerprint that names the key without revealing it (first 16 hex of an HMAC). */
  readonly id: string;
}

export function recordsKey(bytes: Buffer): RecordsKey {
  if (bytes.length < MIN_KEY_BYTES)
    throw new RecordsKeyError(`a records key must be at least ${MIN_KEY_BYTES} bytes, not ${bytes.length}`);
  const id = createHmac("sha256", bytes).update("threshold records key id").digest("hex").slice(0, 16);
  return { bytes: Buffer.from(bytes), id };
}

/** A key written as hex (64 or more hex digits) or base64 (decoding to 32 or more bytes). */
export function parseKeyText(text: string, where: string): RecordsKey {
  const t = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]+$/.test(t) && t.length % 2 === 0) bytes = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t))
    bytes = Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
  if (!bytes || bytes.length < MIN_KEY_BYTES)
    throw new RecordsKeyError(
      `${where} must hold at least ${MIN_KEY_BYTES} random bytes written as hex (64 hex digits or more) or base64; make one with: openssl rand -hex 32`,
    );
  return recordsKey(bytes);
}

function readKeyFile(file: string): RecordsKey {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new RecordsKeyError(`cannot read the records key file ${file}: ${(e as Error).message}`);
  }
  return parseKeyText(text, `the records key file ${file}`);
}

/**
 * The embedded default's key file: beside its data folder, not inside it, so a copy of the data
 * folder alone does not carry the key (var/records → var/records.key).
 */
export function defaultKeyFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.key`);
}

/**
 * Reads the key file, or makes it (32 random bytes as hex, mode 0600, created exclusively so two
 * processes starting together cannot each write their own) when it is not there. `created` says
 * which, so the caller can say that it made one.
 */
export function readOrCreateKeyFile(file: string): { key: RecordsKey; created: boolean } {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return { key: readKeyFile(file), created: false };
    throw new RecordsKeyError(`cannot create the records key file ${file}: ${(e as Error).message}`);
  }
  try {
    writeSync(fd, `${randomBytes(MIN_KEY_BYTES).toString("hex")}\n`);
  } finally {
    closeSync(fd);
  }
  // The umask may have narrowed the mode further; never wider than owner read/write.
  chmodSync(file, 0o600);
  return { key: readKeyFile(file), created: true };
}

/** Where a records key comes from (src/config.ts decides which). */
export type KeySource = { key: RecordsKey } | { file: string } | { defaultFile: string };

/**
 * The key from its source. The embedded default's file is made only when `create` is set (the
 * service); a script never makes a key, since records chained under a new key would not verify.
 */
export function resolveKey(source: KeySource, create: boolean): { key: RecordsKey; created?: string } {
  if ("key" in source) return { key: source.key };
  if ("file" in source) return { key: readKeyFile(source.file) };
  if (!create) return { key: readKeyFile(source.defaultFile) };
  const made = readOrCreateKeyFile(source.defaultFile);
  return made.created ? { key: made.key, created: source.defaultFile } : { key: made.key };
}
