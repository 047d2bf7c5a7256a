import type { LeafCondition } from "../rulesets/types.js";

function list(values: Array<string | number>): string {
  if (values.length === 1) return String(values[0]);
  return `${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}`;
}

/** A leaf condition in plain words: what the answer must be for it to hold. */
export function describeCondition(c: LeafCondition): string {
  const v = c.value;
  switch (c.operator) {
    case "equal":
      return String(v);
    case "notEqual":
      return v === "no" ? "yes or unknown (anything but no)" : `anything but ${String(v)}`;
    case "in":
      return list(v as Array<string | number>);
    case "notIn":
      return `anything but ${list(v as Array<string | number>)}`;
    case "lessThan":
      return `under ${String(v)}`;
    case "lessThanInclusive":
      return `${String(v)} or under`;
    case "greaterThan":
      return `over ${String(v)}`;
    case "greaterThanInclusive":
      return `${String(v)} or over`;
  }
}
