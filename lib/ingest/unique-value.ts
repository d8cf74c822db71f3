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
