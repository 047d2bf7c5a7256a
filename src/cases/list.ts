/**
 * The board's list of cases: each case's reference, edition, stage and next deadline (case-state.ts
 * says how the stage is derived, case-timeline.ts which deadline is next and when it is due soon),
 * filtered by stage and by deadline, newest case first, a page at a time.
 *
 * Stages and deadlines are derived from the records, never stored, so filtering happens after they
 * are worked out: the list reads cases in batches from the cursor on until it has a page of matches.
 * The cursor is opaque to clients: the opening time and reference of the last case on the page.
 */
import { z } from "zod";
import type { Core } from "../core.js";
import { fieldErrors } from "../contract/validation.js";
import { InvalidInput, Unavailable } from "../errors.js";
import type { Actor } from "../service.js";
import { readCaseStates, STAGES, type Stage } from "./case-state.js";
import type { CaseTimeline, DeadlineState, NextDeadline } from "./case-timeline.js";
import type { RecordStore } from "./store.js";

const DEADLINE_STATES: readonly DeadlineState[] = ["overdue", "due-soon", "upcoming", "none"];
/** A page's size as a query or body gives it: a whole number from 1 to `max`, `byDefault` when absent. */
export function pageLimitSchema(max: number, byDefault: number) {
  const error = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(1, { error }).max(max, { error }).default(byDefault);
}

/** The case list's pages (the records' are store.ts's). */
const LIST_PAGE_SIZE = 25;
const LIST_MAX_PAGE_SIZE = 100;
/**
 * How many cases are read at once while looking for a page of matches: one more than a page when
 * nothing is filtered (the one more says whether there is a next page), otherwise more at a time.
 */
const FILTERED_BATCH = 100;
/**
 * At most this many cases are looked at for one page, so a filter few cases match costs a bounded
 * time (some 0.5 s for 500 cases on the embedded store, measured): a page may then hold fewer
 * items than asked for, with a cursor to look further.
 */
const MAX_SCAN = 500;

const cursorPattern = /^[A-Za-z0-9_-]{1,200}$/;

const caseListQuerySchema = z.strictObject({
  stage: z.enum(STAGES as [Stage, ...Stage[]], { error: `must be one of ${STAGES.join(", ")}` }).optional(),
  deadline: z
    .enum(DEADLINE_STATES as [DeadlineState, ...DeadlineState[]], {
      error: `must be one of ${DEADLINE_STATES.join(", ")}`,
    })
    .optional(),
  cursor: z.string().regex(cursorPattern, { error: "must be the cursor a previous page gave" }).optional(),
  limit: pageLimitSchema(LIST_MAX_PAGE_SIZE, LIST_PAGE_SIZE),
});

export interface CaseListItem {
  reference: string;
  openedAt: string;
  edition: { id: string; title: string };
  stage: Stage;
  closed: boolean;
  nextDeadline: NextDeadline | null;
  deadline: DeadlineState;
}

export interface CaseList {
  items: CaseListItem[];
  /** The cursor of the next page; null on the last page. */
  next: string | null;
  asOf: string;
  dueSoonWorkingDays: number;
}

interface Position {
  openedAt: string;
  reference: string;
}

const encodeCursor = (p: Position) =>
  Buffer.from(JSON.stringify([p.openedAt, p.reference])).toString("base64url");

function decodeCursor(cursor: string): Position {
  try {
    const [openedAt, reference] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown[];
    if (typeof openedAt === "string" && typeof reference === "string" && !Number.isNaN(Date.parse(openedAt)))
      return { openedAt, reference };
  } catch {
    // falls through to the error below
  }
  throw new InvalidInput([{ pointer: "cursor", detail: "must be the cursor a previous page gave" }]);
}

const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function caseListOperations(
  core: Core,
  store: RecordStore | undefined,
  timelines: {
    build: (state: Awaited<ReturnType<typeof readCaseStates>>[number]) => CaseTimeline;
    today: () => string;
    dueSoonWorkingDays: number;
  },
  /** At most this many cases looked at for one page (tests make it small). */
  maxScan = MAX_SCAN,
) {
  const { build } = timelines;
  const listCases = async (_actor: Actor, query: unknown = {}): Promise<CaseList> => {
    if (!store) throw new Unavailable("decision records are not configured on this instance");
    const parsed = caseListQuerySchema.safeParse(query);
    // Query parameters are named as they are written, not as JSON Pointers.
    if (!parsed.success)
      throw new InvalidInput(
        fieldErrors(parsed.error).map((f) => ({ ...f, pointer: f.pointer.replace(/^\//, "") })),
      );
    const { stage, deadline, limit } = parsed.data;
    const batch = stage || deadline ? Math.min(FILTERED_BATCH, maxScan) : limit + 1;
    let after = parsed.data.cursor ? decodeCursor(parsed.data.cursor) : null;
    const items: CaseListItem[] = [];
    // Where the next page starts: after the last case listed, or, when the scan stopped at its
    // bound before a page was full, after the last case looked at.
    let resume: Position | null = null;
    let scanned = 0;
    scan: for (;;) {
      const rows = await store.db.query<{ reference: string; created_at: Date | string }>(
        after
          ? "SELECT reference, created_at FROM cases WHERE (created_at, reference) < ($1::timestamptz, $2) ORDER BY created_at DESC, reference DESC LIMIT $3"
          : "SELECT reference, created_at FROM cases ORDER BY created_at DESC, reference DESC LIMIT $1",
        after ? [after.openedAt, after.reference, batch] : [batch],
      );
      const states = await readCaseStates(
        store.db,
        rows.map((r) => ({ reference: r.reference, openedAt: iso(r.created_at) })),
        core.decisions.options,
      );
      for (const state of states) {
        const t = build(state);
        const item: CaseListItem = {
          reference: state.reference,
          openedAt: state.openedAt,
          edition: t.edition,
          stage: state.stage,
          closed: state.closed !== null,
          nextDeadline: t.nextDeadline,
          deadline: t.nextDeadline?.state ?? "none",
        };
        if ((stage && item.stage !== stage) || (deadline && item.deadline !== deadline)) continue;
        if (items.length === limit) {
          resume = items.at(-1)!;
          break scan;
        }
        items.push(item);
      }
      if (rows.length < batch) break;
      const last = rows.at(-1)!;
      after = { openedAt: iso(last.created_at), reference: last.reference };
      scanned += rows.length;
      if (scanned >= maxScan) {
        // A cursor only when there is somewhere further to look.
        const further = await store.db.query(
          "SELECT 1 FROM cases WHERE (created_at, reference) < ($1::timestamptz, $2) LIMIT 1",
          [after.openedAt, after.reference],
        );
        if (further.length) resume = after;
        break;
      }
    }
    return {
      items,
      next: resume ? encodeCursor(resume) : null,
      asOf: timelines.today(),
      dueSoonWorkingDays: timelines.dueSoonWorkingDays,
    };
  };
  return { listCases };
}
