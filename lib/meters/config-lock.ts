import { tenantLockKey } from "@/lib/db/tenant-lock-key";

// A meter's aggregation gives its counters their meaning, so it may change only while the
// meter has no usage. Ingest must not read the old aggregation while a change commits: every
// ingest transaction holds this per-tenant advisory lock in shared mode from its BEGIN, and
// a meter update takes it exclusively before it checks for usage. Shared holders never wait
// for each other; an update waits for the batches in flight (then sees their usage), and
// batches arriving meanwhile wait for it (then read the new aggregation — each READ
// COMMITTED statement after the lock sees it). Unlike a row lock on the meter, it writes
// nothing: no tuple lock, no WAL, no multixact on a meter row every batch touches.

/** First key of the two-key advisory lock: "SM" + "mc" (meter config). */
export const METER_CONFIG_LOCK_CLASS = 0x534d_6d63;

/** The statement ingest runs with its BEGIN (integers only: safe to inline, no round trip). */
export function ingestBeginSql(tenantId: string): string {
  return `BEGIN; SELECT pg_advisory_xact_lock_shared(${METER_CONFIG_LOCK_CLASS | 0}, ${tenantLockKey(tenantId)})`;
}
