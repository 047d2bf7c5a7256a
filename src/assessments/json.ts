/**
 * An assessment as JSON bytes, encoded once. Most of an answer is the guidance itself (quotes,
 * summaries, citations, the alternatives, the sources), the same in every answer under a rule
 * set; its text is full of typographic quotes and dashes, which make JSON.stringify and the UTF-8
 * encoding of the whole answer slow. Here each such part is encoded the first time it is seen and
 * copied after that, and only what the answers change (statuses, bases, dates, the one-page
 * minutes) is encoded per request, straight into one buffer. The result parses to exactly what
 * JSON.stringify of the same object gives (tested).
 */
import type { ActionReport, Assessment, CriterionReport, DecisiveQuestion, TriggerReport } from "./assess.js";
import type { TensionReport } from "./tensions.js";
import { adviceHead } from "./service.js";

/**
 * A scratch buffer the encoders write into, kept between answers: encoding is synchronous, so one
 * answer is written at a time, and each answer then takes a copy of exactly its own size.
 */
let scratch = Buffer.allocUnsafe(128 * 1024);

/** Bytes written one after another into the scratch buffer, which grows as needed. */
class Bytes {
  private buf = scratch;
  private n = 0;

  private room(bytes: number): void {
    if (this.n + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.n + bytes));
    this.buf.copy(bigger, 0, 0, this.n);
    this.buf = scratch = bigger;
  }

  /** Text, as UTF-8 (at most three bytes for each UTF-16 unit). */
  text(s: string): this {
    this.room(s.length * 3);
    this.n += this.buf.write(s, this.n, "utf8");
    return this;
  }

  json(value: unknown): this {
    return this.text(JSON.stringify(value));
  }

  bytes(b: Buffer): this {
    this.room(b.length);
    this.n += b.copy(this.buf, this.n);
    return this;
  }

  /** The answer's bytes, copied out of the scratch buffer. */
  done(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.n));
  }
}

/** Parts that do not change between answers, by the loaded object they are made from. */
const constant = new WeakMap<object, Buffer>();
const heads = new WeakMap<object, Map<string, Buffer>>();

/** The JSON of a value that never changes once loaded (an array of alternatives, the sources). */
function once(value: object): Buffer {
  let part = constant.get(value);
  if (!part) constant.set(value, (part = Buffer.from(JSON.stringify(value))));
  return part;
}

/**
 * The fields of a report that come from its rule or timescale file, as `{"id":…,…,` (an object
 * left open), keyed by the loaded citation object they share, which no other rule has and which a
 * reloaded rule set replaces.
 */
function head(kind: string, id: string, citation: object, fields: () => Record<string, unknown>): Buffer {
  let byId = heads.get(citation);
  if (!byId) heads.set(citation, (byId = new Map()));
  const key = `${kind}:${id}`;
  let part = byId.get(key);
  if (!part) byId.set(key, (part = Buffer.from(`${JSON.stringify(fields()).slice(0, -1)},`)));
  return part;
}

function list<T>(out: Bytes, items: readonly T[], each: (item: T) => void): void {
  out.text("[");
  items.forEach((item, i) => {
    if (i > 0) out.text(",");
    each(item);
  });
  out.text("]");
}

/**
 * A rule's report, encoded whole the first time it is seen: assess.ts shares one frozen report
 * among every assessment that gives the rule the same answers.
 */
const reportBytes = new WeakMap<object, Buffer>();

function encoded(r: CriterionReport | TriggerReport, fields: () => Record<string, unknown>): Buffer {
  let part = reportBytes.get(r);
  if (!part) {
    const { status, basis, assumptions } = r;
    part = Buffer.from(JSON.stringify({ ...fields(), status, basis, assumptions }));
    reportBytes.set(r, part);
  }
  return part;
}

const criterion = (out: Bytes) => (c: CriterionReport) => {
  const { id, title, level, outcome, summary, citation, quote, law } = c;
  out.bytes(
    encoded(c, () => ({ id, title, level, outcome, ...(law ? { law } : {}), summary, citation, quote })),
  );
};

const trigger = (out: Bytes) => (t: TriggerReport) => {
  const { id, title, requires, summary, citation, quote } = t;
  out.bytes(encoded(t, () => ({ id, title, requires, summary, citation, quote })));
};

const action = (out: Bytes) => (a: ActionReport) => {
  const { id, text: words, from, citation, quote } = a;
  const { applies, appliesWhen, rule, fromDate, due } = a;
  out.bytes(head("action", id, citation, () => ({ id, text: words, from, citation, quote })));
  out.text(JSON.stringify({ applies, appliesWhen, rule, fromDate, due }).slice(1));
};

/**
 * A decisive question: its wording, the reading the advice assumes and the criterion it belongs to
 * come from the rule set (encoded once per rule set, question and reading), its rank and what each
 * answer would leave possible from the answers.
 */
const questionParts = new Map<string, Buffer>();

function decisiveQuestion(out: Bytes, hash: string, d: DecisiveQuestion): void {
  const key = `${hash}|${d.id}|${d.assumption?.rule ?? ""}|${d.partOf?.criterion ?? ""}`;
  let part = questionParts.get(key);
  if (!part) {
    const { id, wording, assumption, partOf } = d;
    part = Buffer.from(`${JSON.stringify({ id, wording, assumption, partOf }).slice(0, -1)},`);
    questionParts.set(key, part);
  }
  out.bytes(part).text(`"bearsOn":"${d.bearsOn}","ifAnswered":`).json(d.ifAnswered).text("}");
}

/** A tension: only the rule statuses it arises from are the answers'; the rest is its file's. */
const tensionParts = new WeakMap<object, [Buffer, Buffer]>();

function tension(out: Bytes, t: TensionReport): void {
  let parts = tensionParts.get(t.sides);
  if (!parts) {
    const { id, title, summary, sides, reading } = t;
    parts = [
      Buffer.from(`${JSON.stringify({ id, title, summary }).slice(0, -1)},"because":`),
      Buffer.from(`,${JSON.stringify({ sides, reading }).slice(1)}`),
    ];
    tensionParts.set(t.sides, parts);
  }
  out.bytes(parts[0]).json(t.because).bytes(parts[1]);
}

/** The answer as POST /v1/assessments gives it: the assessment, its edition reference and minutes. */
export function assessmentJson(a: Assessment, minutes: string): Buffer {
  const out = new Bytes();
  const { decisiveQuestions, answers, openQuestions, ...head } = adviceHead(a);
  out.text(JSON.stringify(head).slice(0, -1));
  out.text(',"decisiveQuestions":');
  list(out, decisiveQuestions, (d) => decisiveQuestion(out, a.ruleset.hash, d));
  out.text(',"answers":').json(answers);
  out.text(',"openQuestions":').json(openQuestions);
  out.text(',"criteria":');
  list(out, a.criteria, criterion(out));
  out.text(',"triggers":');
  list(out, a.triggers, trigger(out));
  out.text(',"actions":');
  list(out, a.actions, action(out));
  out.text(',"tensions":');
  list(out, a.tensions, (t) => tension(out, t));
  out.text(',"alternatives":').bytes(once(a.alternatives));
  out.text(',"recordKeeping":').bytes(once(a.recordKeeping));
  out.text(',"sources":').bytes(once(a.sources));
  out.text(',"minutes":').json(minutes);
  return out.text("}").done();
}

/**
 * The summary an integrator asks for (?view=summary, or Prefer: return=minimal): the outcome and
 * what it rests on, the decisive questions, and the triggers and actions by id, status and date:
 * no minutes, no criteria, no guidance text beyond titles.
 */
export function summaryAdvice(a: Assessment) {
  // What every view leads with, but for how the edition was chosen and the answers given back.
  const { editionChoice, answers, openQuestions, ...head } = adviceHead(a);
  return {
    ...head,
    view: "summary" as const,
    triggers: a.triggers.map((t) => ({ id: t.id, title: t.title, status: t.status })),
    actions: a.actions.map((x) => ({ id: x.id, text: x.text, applies: x.applies, due: x.due })),
  };
}
export type SummaryAdvice = ReturnType<typeof summaryAdvice>;
