/**
 * The questionnaire's form, read into the body the API takes. Form fields are named by question id
 * with the API's values (childDied = yes / no / unknown), so a form post and an API call carry the
 * same answers and are checked by the same contract, in the service; dates use the GOV.UK
 * date-input pattern. What the form itself can tell (an age that is not a number, a date with a
 * part missing) comes back as GOV.UK error messages keyed by the field they belong to.
 */
import { CASE_REFERENCE } from "../contract/validation.js";
import type { InvalidInput } from "../errors.js";
import {
  DATE_NAMES,
  MAX_CHILD_AGE,
  type DateName,
  type FromDateName,
  type RuleLibrary,
} from "../rulesets/types.js";
import { formErrors, type FormError } from "../web/errors.js";
import { readDateParts, text, type FormBody } from "../web/form.js";

export const DATE_LABELS: Record<FromDateName, string> = {
  incident: "Date of the incident",
  becameAware: "Date the local authority became aware of the incident",
  referral: "Date of the referral to the sub-group",
  decision: "Date of the chair's decision",
  publication: "Date of publication",
};

/** The body of an assessment request, as POST /v1/assessments takes it. */
export interface AssessmentBody {
  edition: string;
  answers: Record<string, string | number>;
  dates: Record<string, string>;
}

export interface FormState {
  edition: string;
  /** Raw values, to show the form again as it was filled in. */
  values: Record<string, string>;
  errors: FormError[];
  /** The request body, when the form itself found no errors (the service checks the rest). */
  body?: AssessmentBody;
}

export function readForm(library: RuleLibrary, form: FormBody): FormState {
  const values: Record<string, string> = {};
  const errors: FormError[] = [];
  const edition = library.editions.has(text(form.edition)) ? text(form.edition) : library.defaultEdition;

  const reference = text(form.reference);
  values.reference = reference;
  if (reference && !CASE_REFERENCE.test(reference)) {
    errors.push({
      href: "#reference",
      field: "reference",
      text: 'Enter the board\'s case reference using letters, digits, "-" and "/" (at most 40), never a name',
    });
  }

  const answers: Record<string, string | number> = {};
  for (const q of library.questions) {
    const v = text(form[q.id]);
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
    const iso = readDateParts(form, d, DATE_LABELS[d], values, errors);
    if (iso) dates[d] = iso;
  }
  if (errors.length) return { edition, values, errors };
  return { edition, values, errors, body: { edition, answers, dates } };
}

/** The service's refusal of a form's answers, as errors beside the questionnaire's fields. */
export function questionnaireErrors(e: InvalidInput): FormError[] {
  return formErrors(e, (pointer) => {
    const [, where, field] = pointer.split("/");
    if (!where) return null;
    const id = field ?? where;
    if (where === "dates") return { field: id, href: `#${id}-day`, label: DATE_LABELS[id as DateName] ?? id };
    return { field: id, href: `#${id}`, label: id };
  });
}
