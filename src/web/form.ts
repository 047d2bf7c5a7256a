/**
 * Reading form posts: one text value per field, and the GOV.UK date-input pattern (<name>-day,
 * -month, -year) read into an ISO date or a GOV.UK error message keyed by the field.
 */
import { isoDate } from "../contract/validation.js";
import type { FormError } from "./errors.js";

export type { FormError };

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
  if (!isoDate.safeParse(iso).success) {
    errors.push({ href: `#${name}-day`, field: name, text: `${label} must be a real date` });
    return undefined;
  }
  return iso;
}
