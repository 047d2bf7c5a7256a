/**
 * Roles from what the board's identity provider says about a person. The provider is the one
 * place roles are given: a claim (default `roles`) holding role names, or group names or ids that
 * OIDC_ROLE_MAP turns into roles. Anything else in the claim is ignored; a person the claim gives
 * neither role is signed in but may do nothing with cases (the pages then say which role is missing).
 */
import { ROLES, type Role } from "../service.js";

export interface RoleReading {
  /** The claim's name; a dotted path ("realm_access.roles") reads a nested claim. */
  claim: string;
  /** Claim values to roles; absent, "member" and "chair" are the roles themselves. */
  map?: ReadonlyMap<string, readonly Role[]>;
}

/** The claim's value, or undefined when the claims do not carry it. */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let at: unknown = claims;
  for (const part of path.split(".")) {
    if (at === null || typeof at !== "object" || !(part in at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/** The claim's values as strings: a list, or one value, or a space-separated string. */
function values(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  if (typeof v === "string") return v.split(/[\s,]+/).filter(Boolean);
  return [];
}

export function rolesFrom(claims: Record<string, unknown>, reading: RoleReading): Role[] {
  const found = new Set<Role>();
  for (const value of values(claimAt(claims, reading.claim))) {
    if (reading.map) {
      for (const r of reading.map.get(value) ?? []) found.add(r);
    } else if ((ROLES as readonly string[]).includes(value)) {
      found.add(value as Role);
    }
  }
  // Listed in a fixed order, so a record's roles read the same whatever order the claim had.
  return ROLES.filter((r) => found.has(r));
}
