/**
 * An assessment as JSON bytes, encoded once. Most of an answer is the guidance itself (quotes,
 * summaries, citations, the alternatives, the sources), the same in every answer under a rule
 * set; its text is full of typographic quotes and dashes, which make JSON.stringify and the UTF-8
 * encoding of the whole answer slow. Here each such part is encoded the first time it is seen and
 * reused, and only what the answers change (statuses, bases, dates, the minutes) is encoded per
 * request. The result parses to exactly what JSON.stringify of the same object gives (tested).
 */
import type { ActionReport, Assessment, CriterionReport, TriggerReport } from "./assess.js";
import { adviceHead, type LeanAdvice } from "./service.js";

type Part = Buffer;

const encode = (value: unknown): Part => Buffer.from(JSON.stringify(value));
const text = (s: string): Part => Buffer.from(s);

/** Parts that do not change between answers, by the loaded object they are made from. */
const constant = new WeakMap<object, Part>();
const heads = new WeakMap<object, Map<string, Part>>();

/** The JSON of a value that never changes once loaded (an array of alternatives, the sources). */
function once(value: object): Part {
  let part = constant.get(value);
  if (!part) constant.set(value, (part = encode(value)));
  return part;
}

/**
 * The fields of a report that come from its rule or timescale file, as `{"id":…,…,` (an object
 * left open), keyed by the loaded citation object they share, which no other rule has and which a
 * reloaded rule set replaces.
 */
function head(kind: string, id: string, citation: object, fields: () => Record<string, unknown>): Part {
  let byId = heads.get(citation);
  if (!byId) heads.set(citation, (byId = new Map()));
  const key = `${kind}:${id}`;
  let part = byId.get(key);
  if (!part) byId.set(key, (part = text(`${JSON.stringify(fields()).slice(0, -1)},`)));
  return part;
}

function criterion(c: CriterionReport): Part[] {
  const { id, title, level, outcome, summary, citation, quote } = c;
  return [
    head("criterion", id, citation, () => ({ id, title, level, outcome, summary, citation, quote })),
    text(`"status":${JSON.stringify(c.status)},"basis":${JSON.stringify(c.basis)},"assumptions":`),
    encode(c.assumptions),
    text("}"),
  ];
}

function trigger(t: TriggerReport): Part[] {
  const { id, title, requires, summary, citation, quote } = t;
  return [
    head("trigger", id, citation, () => ({ id, title, requires, summary, citation, quote })),
    text(`"status":${JSON.stringify(t.status)},"basis":${JSON.stringify(t.basis)},"assumptions":`),
    encode(t.assumptions),
    text("}"),
  ];
}

function action(a: ActionReport): Part[] {
  const { id, text: words, from, citation, quote } = a;
  const { applies, appliesWhen, rule, fromDate, due } = a;
  return [
    head("action", id, citation, () => ({ id, text: words, from, citation, quote })),
    encode({ applies, appliesWhen, rule, fromDate, due }).subarray(1),
  ];
}

function list(items: Part[][]): Part[] {
  const out: Part[] = [text("[")];
  items.forEach((parts, i) => {
    if (i > 0) out.push(text(","));
    out.push(...parts);
  });
  out.push(text("]"));
  return out;
}

/** The answer as POST /v1/assessments gives it: the assessment, its edition reference and minutes. */
export function assessmentJson(a: Assessment, minutes: string): Buffer {
  const parts: Part[] = [
    text("{"),
    encode(adviceHead(a)).subarray(1, -1),
    text(',"criteria":'),
    ...list(a.criteria.map(criterion)),
    text(',"triggers":'),
    ...list(a.triggers.map(trigger)),
    text(',"actions":'),
    ...list(a.actions.map(action)),
    text(',"alternatives":'),
    once(a.alternatives),
    text(',"recordKeeping":'),
    once(a.recordKeeping),
    text(',"sources":'),
    once(a.sources),
    text(',"minutes":'),
    encode(minutes),
    text("}"),
  ];
  return Buffer.concat(parts);
}

/** The lean answer (POST /v1/assessments?view=lean), its citations encoded once. */
export function leanJson(a: LeanAdvice): Buffer {
  const rule = (r: LeanAdvice["criteria"][number]) => [
    head("lean", r.id, r.citation, () => ({ id: r.id, citation: r.citation })),
    text(`"status":${JSON.stringify(r.status)}}`),
  ];
  const { criteria, triggers, ...rest } = a;
  return Buffer.concat([
    encode(rest).subarray(0, -1),
    text(',"criteria":'),
    ...list(criteria.map(rule)),
    text(',"triggers":'),
    ...list(triggers.map(rule)),
    text("}"),
  ]);
}
