import { z } from "zod";

/** 0001-01-01T00:00:00Z: instants before it have no year Postgres or ZRfc3339 accepts back. */
export const FIRST_YEAR_MS = Date.parse("0001-01-01T00:00:00Z");
/** 10000-01-01T00:00:00Z: instants from it have no 4-digit year (RFC 3339 §5.6 `date-fullyear`). */
export const PAST_LAST_YEAR_MS = Date.parse("+010000-01-01T00:00:00Z");

/**
 * RFC 3339 timestamp with an explicit offset (`Z` or `±hh:mm`), as API.md requires. Year 0000
 * is RFC 3339 but not a year Postgres accepts (there is no year 0): refused here, not a 500.
 * So is an instant past year 9999 in UTC (`9999-12-31T23:59:59-23:59`): Prisma refused to send
 * it (a 500), and no RFC 3339 timestamp in UTC could answer it back.
 */
export const ZRfc3339 = z.iso
  .datetime({ offset: true, message: "must be an RFC 3339 timestamp with an offset, e.g. 2026-11-27T14:30:00Z" })
  // By instant, not by text: 0001-01-01T00:00:00+01:00 is an instant of year 0000 in UTC.
  .refine((v) => !v.startsWith("0000") && Date.parse(v) >= FIRST_YEAR_MS, "must be in year 0001 or later")
  .refine((v) => !(Date.parse(v) >= PAST_LAST_YEAR_MS), "must be in year 9999 or earlier (in UTC)")
  .meta({ format: "date-time", examples: ["2026-11-27T14:30:00Z"] });

/** Exact decimals travel as strings (never floats) in answers. */
export const ZDecimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .meta({ description: "Exact decimal number as a string.", examples: ["1250.5"] });

/** The optional tenantId API.md allows in bodies and queries (must be the key's own). */
export const ZTenantIdField = z
  .string()
  .optional()
  .meta({ description: "Optional; if present it must be the API key's tenant, else 403." });

/**
 * How many characters `s` has as API.md and JSON Schema's maxLength count them: Unicode code
 * points. String.length counts UTF-16 units, two for a character outside the BMP (😀, 𠀋): a
 * customerRef of 200 such characters is 400 units long and still within "1–255 characters".
 */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++; // a string iterates by code point
  return n;
}

/** Whether `s` has at most `max` characters (code points; charCount only when the units exceed it). */
export const withinChars = (s: string, max: number): boolean => s.length <= max || charCount(s) <= max;

/** A string of 1–`max` characters, counted as code points (charCount); the OpenAPI document says maxLength. */
export function zChars(max: number, message: string, required = message) {
  return z
    .string({ error: required })
    .min(1, required)
    .refine((s) => withinChars(s, max), message)
    .meta({ maxLength: max });
}

/** A required customerRef in a usage request's query or body (usage/current, usage/projection). */
export const ZCustomerRefInput = zChars(255, "at most 255 characters", "required");
