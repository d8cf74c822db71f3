import type { QueryConfig } from "pg";
import { fromEpochMs } from "@/lib/db/epoch-ms";
import { scalarArray, textArray } from "@/lib/db/pg-arrays";
import type { PgClient, PgTransaction } from "@/lib/db/pg-pool";
import { tenantLockKey } from "@/lib/db/tenant-lock-key";

export type AggregationKind = "sum" | "count" | "max" | "last" | "unique_count";

/** What one transaction adds to one counter (tenant × meter × customer × period). */
export interface CounterDelta {
  meterId: string;
  aggregation: AggregationKind;
  customerRef: string;
  /** Period bounds in epoch milliseconds. */
  periodStartMs: number;
  periodEndMs: number;
  /** Ledger events aggregated into this counter. */
  events: number;
  /**
   * sum/count/unique_count: the increment; max: the batch maximum; last: the winning
   * quantity. Decimal string, "0" when the delta carries only an adjustment.
   */
  base: string;
  /** last: event time (epoch ms) of the winning event. */
  lastTsMs: number | null;
  lastKey: string | null;
  /** Sum of adjustment deltas (decimal string). */
  adjustment: string;
}

// value = aggregate(events) + adjustment_total for every aggregation. For max/last the raw
// aggregate is value - adjustment_total, which is why the two are stored apart.
const RAW_OLD = "(counters.value - counters.adjustment_total)";
const RAW_NEW = "(excluded.value - excluded.adjustment_total)";
const ADJ = "counters.adjustment_total + excluded.adjustment_total";
const NEWER_LAST = `(excluded.last_ts IS NOT NULL AND (counters.last_ts IS NULL OR excluded.last_ts > counters.last_ts
  OR (excluded.last_ts = counters.last_ts AND excluded.last_key COLLATE "C" > counters.last_key COLLATE "C")))`;

const SET_BY_KIND: Record<"additive" | "max" | "last", string> = {
  additive: `value = counters.value + excluded.value`,
  max: `value = GREATEST(${RAW_OLD}, ${RAW_NEW}) + ${ADJ}`,
  last: `value = (CASE WHEN ${NEWER_LAST} THEN ${RAW_NEW} ELSE ${RAW_OLD} END) + ${ADJ},
    last_ts = CASE WHEN ${NEWER_LAST} THEN excluded.last_ts ELSE counters.last_ts END,
    last_key = CASE WHEN ${NEWER_LAST} THEN excluded.last_key ELSE counters.last_key END`,
};

function upsertSql(kind: keyof typeof SET_BY_KIND): string {
  return `INSERT INTO counters (tenant_id, meter_id, customer_ref, period_start, period_end, value, event_count,
      last_ts, last_key, adjustment_total, updated_at)
    SELECT $1, u.m, u.c, ${fromEpochMs("u.p")}, ${fromEpochMs("u.e")}, u.b + u.a, u.n, ${fromEpochMs("u.lt")}, u.lk, u.a, now()
    FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::numeric[], $7::bigint[],
      $8::bigint[], $9::text[], $10::numeric[]) AS u(m, c, p, e, b, n, lt, lk, a)
    ORDER BY u.m COLLATE "C", u.c COLLATE "C", u.p
    ON CONFLICT (tenant_id, meter_id, customer_ref, period_start) DO UPDATE SET
      ${SET_BY_KIND[kind]},
      event_count = counters.event_count + excluded.event_count,
      adjustment_total = ${ADJ},
      updated_at = now()`;
}

const UPSERT_SQL = {
  additive: upsertSql("additive"),
  max: upsertSql("max"),
  last: upsertSql("last"),
};

const KIND_ORDER: Array<keyof typeof SET_BY_KIND> = ["additive", "max", "last"];

function kindOf(a: AggregationKind): keyof typeof SET_BY_KIND {
  return a === "max" ? "max" : a === "last" ? "last" : "additive";
}

/** First key of the tenant's counter lock: "SM" + "ct" (counters). */
export const COUNTER_LOCK_CLASS = 0x534d_6374;

/**
 * Writes that move many counters (a batch: LOCK_FROM_COUNTERS or more) take this per-tenant
 * lock first and hold it to commit, so they queue on one lock instead of on each other's
 * counter rows. With row locks alone, batches sharing hot counters waited row by row (a
 * convoy: 8 clients sending 500-event batches ingested less than 4). (`counters verify
 * --fix` excludes every writer with the usage-config lock instead.) Small writes (a single event, an adjustment) do not: held through the
 * commit's WAL flush, it would make every small write of a tenant wait for the previous
 * one's flush (single events at 200 req/s: p99 302 ms with it). They lock their one or two
 * counter rows; rows are always locked in key order (the upsert sorts), so the two kinds of
 * writer never deadlock.
 */
export async function lockTenantCounters(client: PgClient, tenantId: string): Promise<void> {
  await client.query(counterLockQuery(tenantId));
}

function counterLockQuery(tenantId: string): QueryConfig {
  return {
    name: "sm_counter_lock",
    text: "SELECT pg_advisory_xact_lock($1::int, $2::int)",
    values: [COUNTER_LOCK_CLASS | 0, tenantLockKey(tenantId)],
  };
}

/** Writes moving at least this many counters take the tenant's counter lock (lockTenantCounters). */
export const LOCK_FROM_COUNTERS = 16;

/**
 * Applies counter deltas inside the caller's transaction. Rows are locked in one global
 * order (statement kind, then meter, customer, period in byte order); a write of many
 * counters first takes the tenant's counter lock. With `tx`, the statements are sent without
 * waiting for their answers (they go out with the COMMIT, see withPgTransaction).
 */
export async function applyCounterDeltas(
  client: PgClient,
  tenantId: string,
  deltas: CounterDelta[],
  tx?: PgTransaction,
): Promise<void> {
  const queries: QueryConfig[] = deltas.length >= LOCK_FROM_COUNTERS ? [counterLockQuery(tenantId)] : [];
  for (const kind of KIND_ORDER) {
    const rows = deltas.filter((d) => kindOf(d.aggregation) === kind);
    if (rows.length === 0) continue;
    // Named: each pooled connection parses and plans the statement once.
    queries.push({
      name: `sm_counter_upsert_${kind}`,
      text: UPSERT_SQL[kind],
      values: [
        tenantId,
        textArray(rows.map((r) => r.meterId)),
        textArray(rows.map((r) => r.customerRef)),
        scalarArray(rows.map((r) => r.periodStartMs)),
        scalarArray(rows.map((r) => r.periodEndMs)),
        textArray(rows.map((r) => r.base)),
        scalarArray(rows.map((r) => r.events)),
        scalarArray(rows.map((r) => r.lastTsMs)),
        textArray(rows.map((r) => r.lastKey)),
        textArray(rows.map((r) => r.adjustment)),
      ],
    });
  }
  for (const query of queries) {
    if (tx) tx.send(query);
    else await client.query(query);
  }
}
