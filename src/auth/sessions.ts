/**
 * Server-side sessions, kept in the records database (PGlite or PostgreSQL, through the Db
 * interface) so that several instances share them. A cookie carries only a random id (32 bytes);
 * the database keeps the id's SHA-256, never the id. A session ends when it has been unused for
 * the idle time, at its absolute end whatever, or when the person signs out.
 *
 * Sign-ins in progress are kept the same way, between the redirect to the provider and its answer.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../cases/db.js";
import type { Role } from "../service.js";

export interface Person {
  subject: string;
  name: string;
  roles: readonly Role[];
}

export interface Session {
  person: Person;
  /** The synchronizer token this session's forms carry. */
  csrfToken: string;
  expiresAt: Date;
}

export interface SignInFlow {
  codeVerifier: string;
  state: string;
  nonce: string;
  /** The local path to go back to after signing in. */
  returnTo: string;
}

export interface SessionTimes {
  idleMinutes: number;
  maxHours: number;
}

const hash = (id: string) => createHash("sha256").update(id).digest("hex");
const newId = () => randomBytes(32).toString("base64url");

/** How often a session's last use is written: not on every request, which would be a write each. */
const TOUCH_EVERY_MS = 60_000;
const SIGN_IN_MS = 10 * 60_000;

export class SessionStore {
  constructor(
    private readonly db: Db,
    readonly times: SessionTimes,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Starts a session for a person who has just signed in; the id goes in the cookie, nowhere else. */
  async create(person: Person): Promise<{ id: string; session: Session }> {
    const id = newId();
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.times.maxHours * 3_600_000);
    const csrfToken = newId();
    await this.purge();
    await this.db.query(
      `INSERT INTO sessions (id_hash, subject, name, roles, csrf_token, created_at, last_seen_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [hash(id), person.subject, person.name, person.roles.join(" "), csrfToken, now, expiresAt],
    );
    return { id, session: { person, csrfToken, expiresAt } };
  }

  /** The live session a cookie's id names, or null (unknown, idle too long, or past its end). */
  async find(id: string): Promise<Session | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const now = this.now();
    const rows = await this.db.query<{
      subject: string;
      name: string;
      roles: string;
      csrf_token: string;
      last_seen_at: Date | string;
      expires_at: Date | string;
    }>("SELECT subject, name, roles, csrf_token, last_seen_at, expires_at FROM sessions WHERE id_hash = $1", [
      hash(id),
    ]);
    const row = rows[0];
    if (!row) return null;
    const lastSeen = new Date(row.last_seen_at).getTime();
    const expiresAt = new Date(row.expires_at);
    if (expiresAt.getTime() <= now.getTime() || now.getTime() - lastSeen >= this.times.idleMinutes * 60_000) {
      await this.end(id);
      return null;
    }
    if (now.getTime() - lastSeen >= TOUCH_EVERY_MS) {
      await this.db.query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1", [hash(id), now]);
    }
    return {
      person: {
        subject: row.subject,
        name: row.name,
        roles: row.roles.split(" ").filter(Boolean) as Role[],
      },
      csrfToken: row.csrf_token,
      expiresAt,
    };
  }

  /** Ends a session at the service (sign-out): its cookie then names nothing. */
  async end(id: string): Promise<void> {
    await this.db.query("DELETE FROM sessions WHERE id_hash = $1", [hash(id)]);
  }

  /** Keeps a sign-in's PKCE verifier, state and nonce until the provider answers. */
  async beginSignIn(flow: SignInFlow): Promise<string> {
    const id = newId();
    await this.db.query(
      "INSERT INTO sign_ins (id_hash, code_verifier, state, nonce, return_to, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
      [
        hash(id),
        flow.codeVerifier,
        flow.state,
        flow.nonce,
        flow.returnTo,
        new Date(this.now().getTime() + SIGN_IN_MS),
      ],
    );
    return id;
  }

  /** The sign-in a cookie's id names, used once: it is gone after this. */
  async takeSignIn(id: string): Promise<SignInFlow | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
    const rows = await this.db.query<{
      code_verifier: string;
      state: string;
      nonce: string;
      return_to: string;
      expires_at: Date | string;
    }>(
      "DELETE FROM sign_ins WHERE id_hash = $1 RETURNING code_verifier, state, nonce, return_to, expires_at",
      [hash(id)],
    );
    const row = rows[0];
    if (!row || new Date(row.expires_at).getTime() <= this.now().getTime()) return null;
    return { codeVerifier: row.code_verifier, state: row.state, nonce: row.nonce, returnTo: row.return_to };
  }

  /** Forgets sessions and sign-ins past their end (idle or absolute). */
  async purge(): Promise<void> {
    const now = this.now();
    const idleSince = new Date(now.getTime() - this.times.idleMinutes * 60_000);
    await this.db.query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2", [
      now,
      idleSince,
    ]);
    await this.db.query("DELETE FROM sign_ins WHERE expires_at <= $1", [now]);
  }
}
