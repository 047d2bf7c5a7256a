/**
 * Checking an action plan (000 Appendices F and G): each row gets its findings, each with a stable
 * code and the column it is about. Only mechanical checks are made: a column left empty, a
 * timescale that is not a date or has passed, a RAG status the board's definitions rule out given
 * the dates. Whether an action is specific, a measure tangible or a timescale realistic remains a
 * judgement: the answer lists those questions, quoted, for the board, and never scores them.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { InvalidInput } from "../errors.js";
import type { components } from "../contract/openapi.js";
import type { Citation } from "../rulesets/types.js";
import { formatIsoDate, parseIsoDate } from "../timelines/calendar.js";
import type { ActionPlanRules, ColumnId } from "./library.js";

/** One row of the plan, with the columns of 000 Appendix F, as the contract defines it. */
export type PlanRow = components["schemas"]["PlanRow"];

/** The finding codes are the contract's (openapi/openapi.yaml, Finding.code). */
export type FindingCode = components["schemas"]["Finding"]["code"];

export interface Finding {
  code: FindingCode;
  column: ColumnId;
  message: string;
  citation: Citation;
  quote: string;
}

export interface RowReport {
  row: number;
  recommendation: string;
  due: string | null;
  overdue: boolean;
  complete: boolean;
  rag: "red" | "amber" | "green" | null;
  findings: Finding[];
}

/** A timescale as boards write them: 2025-03-31, or 31/03/2025 in a UK spreadsheet. */
function readTimescale(value: string): Date | null {
  const v = value.trim();
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (uk) return parseIsoDate(`${uk[3]}-${uk[2]!.padStart(2, "0")}-${uk[1]!.padStart(2, "0")}`);
  return parseIsoDate(v);
}

export function checkPlan(rules: ActionPlanRules, rows: PlanRow[], asOf: Date): RowReport[] {
  const today = formatIsoDate(asOf);
  const has = rules.recommendationHas;
  const column = new Map(rules.columns.map((c) => [c.id, c]));
  const colCite = (id: ColumnId) => ({ citation: rules.columnsCitation, quote: column.get(id)!.guidance });
  const hasQuote = (part: string) => ({
    citation: has.citation,
    quote: `Each recommendation has: … ${part}`,
  });

  return rows.map((r, i) => {
    const findings: Finding[] = [];
    const add = (
      code: FindingCode,
      col: ColumnId,
      message: string,
      source: { citation: Citation; quote: string },
    ) => findings.push({ code, column: col, message, ...source });
    const blank = (v: string | undefined) => v === undefined || v.trim() === "";

    if (blank(r.recommendation))
      add(
        "missing-recommendation",
        "recommendation",
        "No recommendation is given.",
        colCite("recommendation"),
      );
    if (blank(r.action))
      add(
        "missing-action",
        "action",
        "No specific action is given.",
        hasQuote("A specific action designed to implement the recommendation"),
      );
    if (blank(r.responsible))
      add(
        "missing-responsible",
        "responsible",
        "No responsible agency or lead officer is named.",
        hasQuote("An identified responsible lead officer"),
      );
    if (blank(r.monitoring))
      add(
        "missing-monitoring",
        "monitoring",
        "No one is named to monitor the action.",
        colCite("monitoring"),
      );
    if (blank(r.measure))
      add(
        "missing-measure",
        "measure",
        "No measure of success (desired outcome) is given.",
        hasQuote("A desired outcome in terms of changed practice/improved outcome"),
      );

    let due: Date | null = null;
    if (blank(r.timescale))
      add(
        "missing-timescale",
        "timescale",
        "No timescale is given.",
        hasQuote("A clear timescale for implementation"),
      );
    else {
      due = readTimescale(r.timescale!);
      if (!due)
        add(
          "invalid-timescale",
          "timescale",
          `"${r.timescale!.trim()}" is not a date (write 2025-03-31 or 31/03/2025).`,
          colCite("timescale"),
        );
    }

    const ragText = (r.rag ?? "").trim().toLowerCase();
    const rag = ragText === "red" || ragText === "amber" || ragText === "green" ? ragText : null;
    const ragSource = (k: "red" | "amber" | "green") => ({
      citation: rules.rag.citation,
      quote: rules.rag[k],
    });
    if (ragText === "") add("missing-rag", "rag", "No RAG status is given.", colCite("rag"));
    else if (!rag)
      add("invalid-rag", "rag", `"${r.rag!.trim()}" is not Red, Amber or Green.`, colCite("rag"));

    const complete = r.complete === true;
    const dueIso = due ? formatIsoDate(due) : null;
    const overdue = dueIso !== null && !complete && dueIso < today;
    if (overdue)
      add("overdue", "timescale", `Due ${dueIso} and not complete as of ${today}.`, colCite("timescale"));
    if (overdue && rag === "green") {
      add(
        "rag-green-but-overdue",
        "rag",
        "Green, but the due date has passed and the action is not complete: Green means on track or achieved by the due date.",
        ragSource("green"),
      );
    }
    if (overdue && rag === "amber") {
      add(
        "rag-amber-but-overdue",
        "rag",
        "Amber, but the due date has passed: Amber means still hoped to be achieved by the due date.",
        ragSource("amber"),
      );
    }
    if (complete && rag === "amber") {
      add(
        "rag-amber-but-complete",
        "rag",
        "Amber, but the action is complete: an action achieved by its due date is Green.",
        ragSource("green"),
      );
    }
    return {
      row: i + 1,
      recommendation: (r.recommendation ?? "").trim(),
      due: dueIso,
      overdue,
      complete,
      rag,
      findings,
    };
  });
}

const HEADERS: Array<[RegExp, keyof PlanRow | null]> = [
  [/^no\.?$|^number$|^#$/, null],
  [/monitor/, "monitoring"],
  [/^recommendation/, "recommendation"],
  [/^action/, "action"],
  [/^timescale|^due/, "timescale"],
  [/^status|^rag/, "rag"],
  [/^responsible/, "responsible"],
  [/^measure/, "measure"],
  [/^complete/, "complete"],
];

/** Reads an action plan kept as a spreadsheet, exported as CSV with a header row. */
export function readCsvPlan(text: string): PlanRow[] {
  let records: string[][];
  try {
    records = parseCsv(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (e) {
    throw new InvalidInput([{ pointer: "", detail: `is not readable CSV: ${(e as Error).message}` }]);
  }
  if (records.length === 0)
    throw new InvalidInput([
      { pointer: "", detail: "is empty: expected a header row and one row per action" },
    ]);
  const [header, ...body] = records;
  const map = header!.map((h) => {
    const key = h.toLowerCase().replace(/\s+/g, " ").trim();
    const found = HEADERS.find(([re]) => re.test(key));
    if (!found) {
      throw new InvalidInput([
        {
          pointer: `header "${h}"`,
          detail:
            "is not a column of the action plan (000 Appendix F): recommendation, action, timescale, status (RAG), responsible, monitoring, measure, complete",
        },
      ]);
    }
    return found[1];
  });
  if (body.length > 500) throw new InvalidInput([{ pointer: "", detail: "has more than 500 rows" }]);
  return body.map((cells) => {
    const row: PlanRow = {};
    map.forEach((key, i) => {
      const v = cells[i] ?? "";
      if (key === null) return;
      if (key === "complete") row.complete = /^(y|yes|true|complete|completed|done|1)$/i.test(v);
      else row[key] = v;
    });
    return row;
  });
}
