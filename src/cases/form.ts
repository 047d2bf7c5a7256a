/**
 * The chair's decision as a form (issue 14): read into the body the API takes, with what the form
 * itself can tell (nothing chosen, a date with a part missing) as GOV.UK error messages, and the
 * service's refusals (a date in the future or before the referral) placed beside their fields. The
 * values travel from the form to the check-answers page and on to recording as hidden fields, so
 * nothing is kept between the steps but what the page holds.
 */
import { InvalidInput } from "../errors.js";
import { formErrors, type FormError } from "../web/errors.js";
import { readDateParts, text, type FormBody } from "../web/form.js";

export interface DecisionForm {
  /** Raw values, to show the form again as it was filled in, and to carry as hidden fields. */
  values: Record<string, string>;
  errors: FormError[];
  /** The body for the service when the form itself found nothing wrong. */
  body?: Record<string, string>;
  idempotencyKey?: string;
}

const LABELS: Record<string, string> = {
  decidedOn: "The date of the decision",
  decision: "The decision",
  decidedBy: "The capacity the chair decided in",
  reasons: "The reasons",
  corrects: "The decision corrected",
  adviceId: "The advice",
  recommendation: "The recommendation",
};

/** Reads the decision form. The capacity (decidedBy) is optional: who recorded it comes from sign-in. */
export function readDecisionForm(body: FormBody): DecisionForm {
  const values: Record<string, string> = {
    adviceId: text(body.adviceId),
    decision: text(body.decision),
    decidedBy: text(body.decidedBy),
    reasons: text(body.reasons),
    corrects: text(body.corrects),
    // Where the advice's edition records one (cspr-2018: the rapid review's recommendation).
    recommendation: text(body.recommendation),
  };
  const errors: FormError[] = [];
  const decidedOn = readDateParts(body, "decidedOn", "Date of the decision", values, errors);
  if (!decidedOn && !errors.some((e) => e.field === "decidedOn"))
    errors.push({ href: "#decidedOn-day", field: "decidedOn", text: "Enter the date of the decision" });
  if (!values.decision)
    errors.push({ href: "#decision", field: "decision", text: "Select what was decided" });
  if (!values.reasons)
    errors.push({ href: "#reasons", field: "reasons", text: "Enter the reasons for the decision" });
  const key = text(body.idempotencyKey);
  const out: DecisionForm = { values, errors, ...(key ? { idempotencyKey: key } : {}) };
  if (errors.length > 0) return out;
  out.body = {
    adviceId: values.adviceId!,
    decision: values.decision!,
    decidedOn: decidedOn!,
    ...(values.decidedBy ? { decidedBy: values.decidedBy } : {}),
    reasons: values.reasons!,
    ...(values.corrects ? { corrects: values.corrects } : {}),
    ...(values.recommendation ? { recommendation: values.recommendation } : {}),
  };
  return out;
}

/** The service's refusal of a decision, as errors beside the form's fields. */
export function decisionErrors(e: InvalidInput): FormError[] {
  return formErrors(e, (pointer) => {
    const field = pointer.replace(/^\//, "");
    if (!LABELS[field]) return null;
    return { field, href: `#${field === "decidedOn" ? "decidedOn-day" : field}`, label: LABELS[field]! };
  });
}

/** The values the check-answers page carries on as hidden fields. */
export function hiddenDecision(values: Record<string, string>): Record<string, string> {
  const names = [
    "adviceId",
    "decision",
    "decidedOn-day",
    "decidedOn-month",
    "decidedOn-year",
    "decidedBy",
    "reasons",
    "corrects",
    "recommendation",
  ];
  return Object.fromEntries(names.filter((n) => values[n]).map((n) => [n, values[n]!]));
}
