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
  type Country,
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
  /** Left out when the service is to choose the edition in force (incidentDate and country). */
  edition?: string;
  incidentDate?: string;
  country?: Country;
  answers: Record<string, string | number>;
  dates: Record<string, string>;
}

/** The edition radio's value that lets the service choose the edition by date and place. */
export const IN_FORCE = "in-force";

export interface FormState {
  /** The edition whose questions the form shows: the one named, or the one in force. */
  edition: string;
  /** Raw values, to show the form again as it was filled in. */
  values: Record<string, string>;
  errors: FormError[];
  /** The request body, when the form itself found no errors (the service checks the rest). */
  body?: AssessmentBody;
}

/** The edition in force on a date in a country, or why none is (the service's editionInForce). */
export type InForce = (date: string, country: Country) => { edition: string } | { problem: string };

export function readForm(library: RuleLibrary, form: FormBody, inForceOn?: InForce): FormState {
  const values: Record<string, string> = {};
  const errors: FormError[] = [];
  const asked = text(form.edition);
  const inForce = asked === IN_FORCE;
  values.edition = inForce || library.editions.has(asked) ? asked : "";
  // Choosing by date and place: the questions shown stay those last shown until the date and
  // country give an edition (the form's hidden `shown`).
  const shown = text(form.shown);
  let edition = library.editions.has(asked)
    ? asked
    : library.editions.has(shown)
      ? shown
      : library.defaultEdition;
  // The incident's date and country: with "in-force" they choose the edition; with an edition
  // named they go with it, and the service says whether it is the one in force (and counts a
  // child practice review's focus period from the date).
  const incidentDate = readDateParts(form, "incidentDate", DATE_LABELS.incident, values, errors);
  const countryText = text(form.country);
  values.country = countryText;
  const country: Country | undefined =
    countryText === "england" || countryText === "wales" ? countryText : undefined;
  let incident: Pick<AssessmentBody, "incidentDate" | "country"> | undefined;
  if (inForce && !incidentDate && !errors.some((e) => e.field === "incidentDate"))
    errors.push({
      href: "#incidentDate-day",
      field: "incidentDate",
      text: "Enter the date of the incident, or choose an edition",
    });
  if (!country && (inForce || incidentDate))
    errors.push({
      href: "#country",
      field: "country",
      text: "Select the country where the incident happened, England or Wales",
    });
  if (incidentDate && country) {
    incident = { incidentDate, country };
    if (inForce && inForceOn) {
      const found = inForceOn(incidentDate, country);
      if ("edition" in found) edition = found.edition;
      else errors.push({ href: "#incidentDate-day", field: "incidentDate", text: found.problem });
    }
  }

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
  return {
    edition,
    values,
    errors,
    body: { ...(inForce ? {} : { edition }), ...incident, answers, dates },
  };
}

/** The service's refusal of a form's answers, as errors beside the questionnaire's fields. */
export function questionnaireErrors(e: InvalidInput): FormError[] {
  return formErrors(e, (pointer) => {
    const [, where, field] = pointer.split("/");
    if (!where) return null;
    // The edition chosen by date and place (rulesets/select.ts) names the incident's date or country.
    if (where === "incidentDate")
      return { field: where, href: "#incidentDate-day", label: DATE_LABELS.incident };
    if (where === "country") return { field: where, href: "#country", label: "Country" };
    const id = field ?? where;
    if (where === "dates") return { field: id, href: `#${id}-day`, label: DATE_LABELS[id as DateName] ?? id };
    return { field: id, href: `#${id}`, label: id };
  });
}
