/**
 * The questionnaire's form, read into the same input the API takes. Form fields are named by
 * question id with the API's values (childDied = yes / no / unknown), so a form post and an API
 * call carry the same answers; dates use the GOV.UK date-input pattern (<name>-day, -month, -year).
 * Problems come back as GOV.UK error messages keyed by the field they belong to.
 */
import type { AssessmentRequest } from "../contract/validation.js";
import { buildAssessmentSchema, CASE_REFERENCE, fieldErrors } from "../contract/validation.js";
import { DATE_NAMES, MAX_CHILD_AGE, type DateName, type RuleLibrary } from "../rulesets/types.js";
import { parseIsoDate } from "../timelines/calendar.js";

export const DATE_LABELS: Record<DateName, string> = {
  becameAware: "Date the local authority became aware of the incident",
  referral: "Date of the referral to the sub-group",
  decision: "Date of the chair's decision",
  publication: "Date of publication",
};

export interface FormError {
  /** The id of the element the error summary links to. */
  href: string;
  field: string;
  text: string;
}

export interface FormState {
  edition: string;
  /** Raw values, to show the form again as it was filled in. */
  values: Record<string, string>;
  errors: FormError[];
  /** The API input, when there are no errors. */
  input?: AssessmentRequest;
}

export type FormBody = Record<string, unknown>;

export function text(v: unknown): string {
  return typeof v === "string" ? v.trim() : Array.isArray(v) && typeof v[0] === "string" ? v[0].trim() : "";
}

/**
 * One GOV.UK date input (<name>-day, -month, -year): the ISO date, nothing when all three are
 * blank, or an error in the GOV.UK style pushed to `errors`. Raw parts go to `values`.
 */
export function readDateParts(
  body: FormBody,
  name: string,
  label: string,
  values: Record<string, string>,
  errors: FormError[],
): string | undefined {
  const names = ["day", "month", "year"] as const;
  const parts = names.map((p) => text(body[`${name}-${p}`]));
  parts.forEach((p, i) => (values[`${name}-${names[i]}`] = p));
  const [day, month, year] = parts as [string, string, string];
  if (!day && !month && !year) return undefined;
  const missing = names.filter((_, i) => !parts[i]);
  if (missing.length) {
    errors.push({
      href: `#${name}-${missing[0]}`,
      field: name,
      text: `${label} must include a ${missing.join(" and a ")}`,
    });
    return undefined;
  }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    errors.push({
      href: `#${name}-day`,
      field: name,
      text: `${label} must be a real date, written in numbers`,
    });
    return undefined;
  }
  const iso = `${year}-${month.padStart(2, "0")}-${day.padStart(2, "0")}`;
  if (!parseIsoDate(iso)) {
    errors.push({ href: `#${name}-day`, field: name, text: `${label} must be a real date` });
    return undefined;
  }
  return iso;
}

export function readForm(
  library: RuleLibrary,
  body: FormBody,
  schema = buildAssessmentSchema(library),
): FormState {
  const values: Record<string, string> = {};
  const errors: FormError[] = [];
  const edition = library.editions.has(text(body.edition)) ? text(body.edition) : library.defaultEdition;

  const reference = text(body.reference);
  values.reference = reference;
  if (reference && !CASE_REFERENCE.test(reference)) {
    errors.push({
      href: "#reference",
      field: "reference",
      text: 'Enter the board\'s case reference using letters, digits, "-" and "/" (at most 40), never a name',
    });
  }

  const answers: Record<string, unknown> = {};
  for (const q of library.questions) {
    const v = text(body[q.id]);
    values[q.id] = v;
    if (v === "") continue;
    if (q.kind === "age") {
      if (/^\d{1,2}$/.test(v) && Number(v) <= MAX_CHILD_AGE) answers[q.id] = Number(v);
      else
        errors.push({
          href: `#${q.id}`,
          field: q.id,
          text: `Enter the child's age as a whole number from 0 to ${MAX_CHILD_AGE}, or leave it blank if it is not known`,
        });
    } else {
      answers[q.id] = v;
    }
  }

  const dates: Record<string, string> = {};
  for (const d of DATE_NAMES) {
    const iso = readDateParts(body, d, DATE_LABELS[d], values, errors);
    if (iso) dates[d] = iso;
  }
  if (errors.length) return { edition, values, errors };

  // The same validation as the API, so the page cannot accept what the API would refuse.
  const parsed = schema.safeParse({ edition, answers, dates });
  if (!parsed.success) {
    for (const e of fieldErrors(parsed.error)) {
      const [, where, field] = e.pointer.split("/");
      const id = field ?? where ?? "";
      const href = where === "dates" ? `#${id}-day` : `#${id}`;
      const label = where === "dates" ? (DATE_LABELS[id as DateName] ?? id) : id;
      errors.push({ href, field: id, text: `${label} ${e.detail}` });
    }
    return { edition, values, errors };
  }
  const input: AssessmentRequest = { edition, answers: {}, dates: {} };
  for (const [k, v] of Object.entries(parsed.data.answers))
    if (v !== undefined) input.answers[k] = v as never;
  for (const [k, v] of Object.entries(parsed.data.dates ?? {}))
    if (typeof v === "string") input.dates[k as DateName] = parseIsoDate(v)!;
  return { edition, values, errors: [], input };
}
