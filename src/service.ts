/**
 * The service seam: every operation the adapters offer, by name, taking plain input and the actor
 * asking, returning domain results or throwing a domain error (src/errors.ts). The JSON API
 * (src/http, each feature's http.ts) and the pages (src/web, each feature's web.ts) sit on top of
 * it and never call the features below it, nor each other.
 *
 * Who may do what is decided here, in `authorize`, once for both adapters.
 */
import type { Core } from "./core.js";
import { Forbidden } from "./errors.js";
import { assessmentOperations, type Advice } from "./assessments/service.js";
import { caseOperations } from "./cases/service.js";
import {
  caseTimelineOperations,
  DEFAULT_CASE_FILE_OPTIONS,
  type CaseFileOptions,
} from "./cases/case-timeline.js";
import { caseListOperations } from "./cases/list.js";
import type { RecordStore } from "./cases/store.js";
import { QA_DATE_NAMES } from "./quality/library.js";
import { qualityOperations } from "./quality/service.js";
import { rulesetOperations } from "./rulesets/service.js";
import { editionInForce } from "./rulesets/select.js";
import type { Country } from "./rulesets/types.js";
import { timelineOperations } from "./timelines/service.js";

/**
 * What someone may do with cases. `member`: answer the questionnaire, save advice to a case, read
 * cases. `chair`: also record and correct the chair's decision.
 */
export type Role = "member" | "chair";
export const ROLES: readonly Role[] = ["member", "chair"];

/**
 * Who is asking, as the adapter established it:
 * - `anyone`: whoever can reach the service, with no sign-in (loopback only, nothing configured);
 * - `api-client`: an application that presented a configured API key, by the key's name (never
 *   the key), with the roles the key carries;
 * - `person`: someone signed in with the board's identity provider, by the token's subject and
 *   display name, with the roles read from the token.
 * `address` is the client's network address, kept only in the case's access log.
 */
export type Actor =
  | { kind: "anyone"; address?: string }
  | { kind: "api-client"; name: string; roles: readonly Role[]; address?: string }
  | { kind: "person"; subject: string; name: string; roles: readonly Role[]; address?: string };

export const ANYONE: Actor = { kind: "anyone" };

/** Who made a record, as the record keeps it: never more than the sign-in or the key gave. */
export interface MadeBy {
  kind: Actor["kind"];
  /** The token's subject, or the key's name; absent for anyone on loopback. */
  id?: string;
  /** The display name from the token, or the key's name. */
  name?: string;
  roles?: readonly Role[];
}

export function madeBy(actor: Actor): MadeBy {
  switch (actor.kind) {
    case "anyone":
      return { kind: "anyone" };
    case "api-client":
      return { kind: "api-client", id: actor.name, name: actor.name, roles: actor.roles };
    case "person":
      return { kind: "person", id: actor.subject, name: actor.name, roles: actor.roles };
  }
}

/** What an operation does with a case's records, which is what permissions turn on. */
type Access = "advise" | "read-case" | "write-case" | "decide";

const ACCESS = {
  assess: "advise",
  timeline: "advise",
  checkQuality: "advise",
  checkActionPlan: "advise",
  readRules: "advise",
  openCase: "write-case",
  recordAdvice: "write-case",
  recordDecision: "decide",
  readCase: "read-case",
  // The access log says who read a case: the chair's to see, as deciding is (anyone on loopback).
  readAccessLog: "decide",
  // The case file (issue 14): the list and timeline are read by members; dates and "mark done" are
  // written by members, as advice is; closing a case for retention is the chair's, as deciding is.
  listCases: "read-case",
  recordCaseDates: "write-case",
  markMilestoneDone: "write-case",
  closeCase: "decide",
} as const satisfies Record<string, Access>;

export type Operation = keyof typeof ACCESS;

/** Who may use case records without a key. */
export interface AccessPolicy {
  /**
   * True only when neither API keys nor sign-in are configured, which the service allows on
   * loopback alone (config.ts refuses to start otherwise). Then anyone on this machine may use
   * cases; otherwise a case is read or written only with a key or after signing in.
   */
  anyoneMayUseCases: boolean;
}

/**
 * The one place that decides whether an actor may perform an operation, for the API and the pages
 * alike. Advice (assessments, timelines, quality checks, the rules) needs no case: anyone may have
 * it where anyone reaches the service, and a key or a signed-in person needs a role for it. A
 * case's records are sensitive: read or written by anyone only on loopback, otherwise only by a
 * client with a key. An actor of a kind this function does not know is refused, so a new kind of
 * actor (a signed-in person) cannot slip through unchecked.
 */
/** The chair's operations other than deciding, in the words a refusal names them. */
const CHAIRS_WORK: Partial<Record<Operation, string>> = {
  closeCase: "closing a case",
  readAccessLog: "reading a case's access log",
};

export function authorize(actor: Actor, operation: Operation, policy: AccessPolicy): void {
  const access = ACCESS[operation];
  if (actor.kind === "anyone") {
    if (access === "advise") return;
    if (policy.anyoneMayUseCases) return;
    throw new Forbidden("case records can be read or written here only after signing in or with an API key");
  }
  if (actor.kind === "api-client" || actor.kind === "person") {
    // A chair may do all a member may; recording or correcting a decision is the chair's alone.
    // Someone signed in with neither role may do nothing, not even ask for advice: the board's
    // identity provider, not the service, says who its members are.
    const needed: Role = access === "decide" ? "chair" : "member";
    if (actor.roles.includes(needed) || actor.roles.includes("chair")) return;
    throw new Forbidden(
      access === "decide"
        ? `${CHAIRS_WORK[operation] ?? "recording or correcting a decision"} needs the chair role`
        : access === "advise"
          ? "using Threshold needs the member or chair role"
          : "reading or writing a case needs the member or chair role",
      needed,
    );
  }
  throw new Forbidden(`${(actor as { kind: string }).kind} may not ${operation}`);
}

export interface ServiceOptions extends AccessPolicy {
  /** The decision records; absent, the case operations answer Unavailable. */
  records?: RecordStore;
  /** How the case file counts due-soon deadlines and retention (src/config.ts). */
  caseFile?: CaseFileOptions;
}

export function createService(core: Core, options: ServiceOptions) {
  const assessments = assessmentOperations(core);
  const timelines = timelineOperations(core);
  const caseTimelines = caseTimelineOperations(
    core,
    options.records,
    timelines.timeline,
    options.caseFile ?? DEFAULT_CASE_FILE_OPTIONS,
  );
  // The case's minutes give its deadlines as the case's timeline counts them (one calculation).
  const cases = caseOperations(
    core,
    options.records,
    assessments.advise,
    assessments.parse,
    caseTimelines.timelineOf,
  );
  const caseList = caseListOperations(core, options.records, caseTimelines, options.caseFile?.listScanLimit);
  const quality = qualityOperations(core);
  const rules = rulesetOperations(core);

  /** An operation that first asks `authorize`. */
  const op =
    <A extends unknown[], R>(operation: Operation, f: (...args: A) => R) =>
    (actor: Actor, ...args: A): R => {
      authorize(actor, operation, options);
      return f(...args);
    };
  /** A case operation: authorized, and handed the actor, whom its records name. */
  const caseOp =
    <A extends unknown[], R>(operation: Operation, f: (actor: Actor, ...args: A) => R) =>
    (actor: Actor, ...args: A): R => {
      authorize(actor, operation, options);
      return f(actor, ...args);
    };

  return {
    /** The loaded rules, for adapters that render questions, wordings and citations. */
    library: core.library,
    qualityLibrary: core.quality,
    /** The dates a quality-assurance check reads, in the order a review meets them. */
    qualityDateNames: QA_DATE_NAMES,
    /** The decisions one may record on advice given under an edition (its decisions.yaml). */
    decisionsFor: (edition: string) =>
      core.decisions.byEdition.get(edition) ?? core.decisions.byEdition.get(core.library.defaultEdition)!,
    openapi: core.openapi,

    rulesets: op("readRules", rules.rulesets),
    ruleset: op("readRules", rules.ruleset),
    rulesetVersions: op("readRules", rules.versions),

    /** Advice for a set of answers, with its minutes. */
    assess: op("assess", async (body: unknown): Promise<Advice> =>
      assessments.advise(assessments.parse(body)),
    ),
    /** The same advice without minutes, for applications that do not file them. */
    assessLean: op("assess", async (body: unknown) => assessments.adviseLean(assessments.parse(body))),
    /** The quoted rules of an edition that read a question, for the questionnaire's help. */
    questionGuidance: assessments.questionGuidance,
    /** The edition in force on an incident's date in its country, or why none is (for forms). */
    editionInForce: (date: string, country: Country) => editionInForce(core.library, date, country),

    timeline: op("timeline", timelines.timeline),
    timelineCalendar: op("timeline", timelines.timelineCalendar),

    checkQuality: op("checkQuality", quality.checkQuality),
    checkActionPlan: op("checkActionPlan", quality.checkActionPlan),
    checkActionPlanCsv: op("checkActionPlan", quality.checkActionPlanCsv),

    openCase: caseOp("openCase", cases.openCase),
    recordAdvice: caseOp("recordAdvice", cases.recordAdvice),
    saveAdvice: caseOp("recordAdvice", cases.saveAdvice),
    recordDecision: caseOp("recordDecision", cases.recordDecision),
    /** What recording a decision would store, for the chair to check first: the chair's, as recording is. */
    previewDecision: caseOp("recordDecision", cases.previewDecision),
    caseDecision: caseOp("readCase", cases.caseDecision),
    reassessFrom: caseOp("readCase", cases.reassessFrom),
    reassess: caseOp("readCase", cases.reassess),
    caseMinutesAs: caseOp("readCase", cases.caseMinutesAs),
    caseMinutesHtml: caseOp("readCase", cases.caseMinutesHtml),
    caseFile: caseOp("readCase", cases.caseFile),
    caseRecords: caseOp("readCase", cases.caseRecords),
    verifyCase: caseOp("readCase", cases.verifyCase),
    exportCase: caseOp("readCase", cases.exportCase),
    caseAnchor: caseOp("readCase", cases.caseAnchor),
    accessLog: caseOp("readAccessLog", cases.accessLog),

    listCases: caseOp("listCases", caseList.listCases),
    caseTimeline: caseOp("readCase", caseTimelines.caseTimeline),
    caseTimelineCalendar: caseOp("readCase", caseTimelines.caseTimelineCalendar),
    recordCaseDates: caseOp("recordCaseDates", caseTimelines.recordCaseDates),
    markMilestoneDone: caseOp("markMilestoneDone", caseTimelines.markMilestoneDone),
    closeCase: caseOp("closeCase", caseTimelines.closeCase),
  };
}

export type Service = ReturnType<typeof createService>;
export type { Advice };
