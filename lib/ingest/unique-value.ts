import { createHash } from "node:crypto";

/**
 * The value a unique_count meter counts for one event: `resourceId`, or the meta field the
 * meter names (`Meter.uniqueBy`). Only strings, booleans and safe integers count, the
 * types whose text form is the same in JavaScript and in Postgres' `meta->>field` (so
 * `counters verify` can rebuild the count in SQL); anything else is not counted.
 */
export function uniqueValueOf(
  uniqueBy: string | null,
  resourceId: string | null,
  meta: Record<string, unknown> | null,
): string | null {
  if (!uniqueBy) return resourceId;
  const v = meta?.[uniqueBy];
  if (typeof v === "string" || typeof v === "boolean") return String(v);
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  return null;
}

/** The same rule in SQL, over an `events e` joined to `meters m`. */
export const UNIQUE_VALUE_SQL = `CASE WHEN m.unique_by IS NULL THEN e.resource_id
  WHEN jsonb_typeof(e.meta -> m.unique_by) IN ('string', 'boolean') THEN e.meta ->> m.unique_by
  WHEN jsonb_typeof(e.meta -> m.unique_by) = 'number' AND (e.meta ->> m.unique_by) ~ '^-?[0-9]+$'
    AND abs((e.meta ->> m.unique_by)::numeric) <= 9007199254740991 THEN e.meta ->> m.unique_by
  END`;

// counter_uniques keys its rows by (tenant, meter, customer, period, value), and a btree entry
// holds at most 2,704 bytes: a meta string up to meta's 4 KiB failed the whole batch (500).
// Beyond 1 KiB (with a customerRef of at most 765 bytes the key stays well under the limit)
// the value is kept as its SHA-256, which counts the same distinct values.
export const MAX_STORED_UNIQUE_BYTES = 1024;

/** What counter_uniques stores for a distinct value: itself, or "sha256:" + hex when long. */
export function storedUniqueValue(value: string): string {
  if (value.length <= MAX_STORED_UNIQUE_BYTES / 3 || Buffer.byteLength(value, "utf8") <= MAX_STORED_UNIQUE_BYTES)
    return value;
  return `sha256:${createHash("sha256").update(value, "utf8").digest("hex")}`;
}

/** storedUniqueValue in SQL, of a text expression. */
export const storedUniqueValueSql = (expr: string) =>
  `CASE WHEN octet_length(${expr}) > ${MAX_STORED_UNIQUE_BYTES}
    THEN 'sha256:' || encode(sha256(convert_to(${expr}, 'UTF8')), 'hex') ELSE ${expr} END`;
