import { type BillingSchedule, periodInSchedule, scheduleOf } from "@/lib/billing/schedule";
import { lockUsageConfigSql } from "@/lib/billing/usage-config-lock";
import { type PgClient, withPgTransaction } from "@/lib/db/pg-pool";
import type { AggregationKind } from "@/lib/ingest/apply-counter-deltas";
import { Dec as Decimal } from "@/lib/ingest/decimal";
import { lateAdjustmentDelta } from "@/lib/ingest/ingest-events";
import { compareKeys, formatDecimal } from "@/lib/ingest/normalize";
import { storedUniqueValueSql, UNIQUE_VALUE_SQL } from "@/lib/ingest/unique-value";

export interface CounterDifference {
  tenantId: string;
  meterId: string;
  metric: string;
  customerRef: string;
  periodStart: string;
  expected: CounterState | null;
  actual: CounterState | null;
}

export interface CounterState {
  value: string;
  eventCount: string;
  adjustmentTotal: string;
  lastTs: string | null;
  lastKey: string | null;
  uniques: string | null;
  /**
   * unique_count: stored distinct values the ledger has no event for (expected "0"). With the
   * count equal too, the stored value set is the rebuilt one.
   */
  uniquesNotInLedger: string | null;
}

/**
 * A late event whose automatic adjustment is missing, doubled or wrong, or an automatic
 * adjustment without its late event. The counters are rebuilt from the adjustments, so only this
 * check sees such a fault; --fix does not repair it (which open period to move, and whether it
 * was billed already, is a human's call: POST /api/v1/adjustments).
 */
export interface LateEventLinkProblem {
  tenantId: string;
  /** The ledger id of the event named (as a decimal string). */
  eventId: string;
  /** The event's idempotency key; null when the event is not in the ledger. */
  idempotencyKey: string | null;
  /** The automatic adjustments linked to the event. */
  adjustmentIds: string[];
  problem: string;
}

export interface VerifyCountersResult {
  checked: number;
  differences: CounterDifference[];
  fixed: number;
  /** Late events checked against their automatic adjustments. */
  lateEventsChecked: number;
  lateEventLinks: LateEventLinkProblem[];
}

interface Expected {
  tenantId: string;
  meterId: string;
  metric: string;
  aggregation: string;
  customerRef: string;
  periodStart: Date;
  raw: Decimal;
  events: bigint;
  adjustment: Decimal;
  lastTs: Date | null;
  lastKey: string | null;
  uniques: bigint | null;
}

const keyOf = (t: string, m: string, c: string, p: Date) => `${t}\u0000${m}\u0000${c}\u0000${p.getTime()}`;

/**
 * Rebuilds every counter from the ledger (non-late events of its period) plus
 * adjustments, compares with the live counters and, with `fix`, overwrites the ones that
 * differ. The ledger is the source of truth; this is how that claim is checked. A late event
 * reaches its counter only through its automatic adjustment, so each one is also checked to
 * have exactly one, with the delta and target ingest gives it (`lateEventLinks`).
 *
 * Safe while ingest runs. The check reads the ledger, the adjustments and the counters in one
 * snapshot (REPEATABLE READ): an ingest commits its events and their counter moves together,
 * so a write landing during the check can no longer look like a difference. A fix then takes
 * each affected tenant's usage-config lock exclusively (every writer of usage holds it shared,
 * lib/billing/usage-config-lock.ts), rebuilds that tenant again under the lock and writes what
 * still differs: a counter is never overwritten with a state that misses a committed write.
 */
export async function verifyCounters(opts: { tenantId?: string; fix?: boolean } = {}): Promise<VerifyCountersResult> {
  const tenant = opts.tenantId ?? null;
  const found = await withPgTransaction(
    async (client) => ({ ...(await compareCounters(client, tenant)), ...(await checkLateEventLinks(client, tenant)) }),
    { begin: "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY" },
  );
  let fixed = 0;
  if (opts.fix && found.toFix.length > 0) {
    // One tenant at a time: each tenant's writes wait only while its own counters are rebuilt.
    for (const t of [...new Set(found.toFix.map((r) => r.tenantId))].sort(compareKeys)) {
      fixed += await withPgTransaction(async (client) => {
        await client.query(lockUsageConfigSql(t));
        return fixCounters(client, (await compareCounters(client, t)).toFix);
      });
    }
  }
  return {
    checked: found.checked,
    differences: found.differences,
    fixed,
    lateEventsChecked: found.lateEventsChecked,
    lateEventLinks: found.lateEventLinks,
  };
}

/** The counters that differ from their rebuild, as seen by the statements of `client`'s transaction. */
async function compareCounters(
  client: PgClient,
  tenant: string | null,
): Promise<{ checked: number; differences: CounterDifference[]; toFix: Expected[] }> {
  const expected = new Map<string, Expected>();
  const scope = "($1::text IS NULL OR e.tenant_id = $1)";
  const aggregates: Array<[string, string]> = [
    ["sum", "sum(e.quantity)"],
    ["count", "count(*)"],
    ["max", "max(e.quantity)"],
    ["unique_count", `count(DISTINCT ${UNIQUE_VALUE_SQL})`],
  ];
  const groupRows: Array<{
    tenant_id: string;
    meter_id: string;
    metric: string;
    aggregation: string;
    customer_ref: string;
    period_start: Date;
    raw: string;
    n: string;
    last_ts: Date | null;
    last_key: string | null;
  }> = [];
  for (const [agg, expr] of aggregates) {
    const res = await client.query(
      `SELECT e.tenant_id, m.id AS meter_id, m.metric, m.aggregation::text AS aggregation, e.customer_ref,
         e.period_start, (${expr})::text AS raw, count(*)::text AS n, NULL::timestamptz AS last_ts, NULL AS last_key
       FROM events e JOIN meters m ON m.tenant_id = e.tenant_id AND m.metric = e.metric
       WHERE ${scope} AND NOT e.late AND m.aggregation = '${agg}'
       GROUP BY e.tenant_id, m.id, m.metric, m.aggregation, e.customer_ref, e.period_start`,
      [tenant],
    );
    groupRows.push(...res.rows);
  }
  const last = await client.query(
    `SELECT DISTINCT ON (e.tenant_id, m.id, e.customer_ref, e.period_start)
       e.tenant_id, m.id AS meter_id, m.metric, 'last' AS aggregation, e.customer_ref, e.period_start,
       e.quantity::text AS raw,
       (count(*) OVER (PARTITION BY e.tenant_id, m.id, e.customer_ref, e.period_start))::text AS n,
       e.ts AS last_ts, e.idempotency_key AS last_key
     FROM events e JOIN meters m ON m.tenant_id = e.tenant_id AND m.metric = e.metric
     WHERE ${scope} AND NOT e.late AND m.aggregation = 'last'
     ORDER BY e.tenant_id, m.id, e.customer_ref, e.period_start, e.ts DESC, e.idempotency_key COLLATE "C" DESC`,
    [tenant],
  );
  groupRows.push(...last.rows);
  for (const r of groupRows) {
    expected.set(keyOf(r.tenant_id, r.meter_id, r.customer_ref, r.period_start), {
      tenantId: r.tenant_id,
      meterId: r.meter_id,
      metric: r.metric,
      aggregation: r.aggregation,
      customerRef: r.customer_ref,
      periodStart: r.period_start,
      raw: new Decimal(r.raw),
      events: BigInt(r.n),
      adjustment: new Decimal(0),
      lastTs: r.last_ts,
      lastKey: r.last_key,
      uniques: r.aggregation === "unique_count" ? BigInt(new Decimal(r.raw).toFixed()) : null,
    });
  }

  const adjustments = await client.query<{
    tenant_id: string;
    meter_id: string;
    metric: string;
    aggregation: string;
    customer_ref: string;
    period_start: Date;
    total: string;
  }>(
    `SELECT a.tenant_id, a.meter_id, m.metric, m.aggregation::text AS aggregation, a.customer_ref, a.period_start,
       sum(a.delta)::text AS total
     FROM adjustments a JOIN meters m ON m.tenant_id = a.tenant_id AND m.id = a.meter_id
     WHERE ($1::text IS NULL OR a.tenant_id = $1)
     GROUP BY a.tenant_id, a.meter_id, m.metric, m.aggregation, a.customer_ref, a.period_start`,
    [tenant],
  );
  for (const a of adjustments.rows) {
    const k = keyOf(a.tenant_id, a.meter_id, a.customer_ref, a.period_start);
    let e = expected.get(k);
    if (!e) {
      e = {
        tenantId: a.tenant_id,
        meterId: a.meter_id,
        metric: a.metric,
        aggregation: a.aggregation,
        customerRef: a.customer_ref,
        periodStart: a.period_start,
        raw: new Decimal(0),
        events: 0n,
        adjustment: new Decimal(0),
        lastTs: null,
        lastKey: null,
        uniques: a.aggregation === "unique_count" ? 0n : null,
      };
      expected.set(k, e);
    }
    e.adjustment = e.adjustment.plus(a.total);
  }

  const counters = await client.query<{
    tenant_id: string;
    meter_id: string;
    metric: string | null;
    aggregation: string | null;
    customer_ref: string;
    period_start: Date;
    value: string;
    event_count: string;
    adjustment_total: string;
    last_ts: Date | null;
    last_key: string | null;
    uniques: string;
  }>(
    `SELECT c.tenant_id, c.meter_id, m.metric, m.aggregation::text AS aggregation, c.customer_ref, c.period_start,
       c.value::text AS value, c.event_count::text AS event_count, c.adjustment_total::text AS adjustment_total,
       c.last_ts, c.last_key,
       (SELECT count(*) FROM counter_uniques u WHERE u.tenant_id = c.tenant_id AND u.meter_id = c.meter_id
          AND u.customer_ref = c.customer_ref AND u.period_start = c.period_start)::text AS uniques
     FROM counters c LEFT JOIN meters m ON m.tenant_id = c.tenant_id AND m.id = c.meter_id
     WHERE ($1::text IS NULL OR c.tenant_id = $1)`,
    [tenant],
  );

  // Same size is not same set: a wrong stored value would let its real value count again.
  const strays = await client.query<{
    tenant_id: string;
    meter_id: string;
    customer_ref: string;
    period_start: Date;
    n: string;
  }>(
    `SELECT tenant_id, meter_id, customer_ref, period_start, count(*)::text AS n FROM (
       SELECT u.tenant_id, u.meter_id, u.customer_ref, u.period_start, u.value FROM counter_uniques u
       WHERE ($1::text IS NULL OR u.tenant_id = $1)
       EXCEPT
       ${ledgerUniquesSql(`${scope} AND m.aggregation = 'unique_count'`)}
     ) x GROUP BY tenant_id, meter_id, customer_ref, period_start`,
    [tenant],
  );
  const strayCount = new Map<string, string>();
  for (const r of strays.rows) strayCount.set(keyOf(r.tenant_id, r.meter_id, r.customer_ref, r.period_start), r.n);

  const differences: CounterDifference[] = [];
  const toFix: Expected[] = [];
  const seen = new Set<string>();
  for (const c of counters.rows) {
    const k = keyOf(c.tenant_id, c.meter_id, c.customer_ref, c.period_start);
    seen.add(k);
    const e = expected.get(k);
    const actual: CounterState = {
      value: formatDecimal(c.value),
      eventCount: c.event_count,
      adjustmentTotal: formatDecimal(c.adjustment_total),
      lastTs: c.aggregation === "last" ? (c.last_ts?.toISOString() ?? null) : null,
      lastKey: c.aggregation === "last" ? c.last_key : null,
      uniques: c.aggregation === "unique_count" ? c.uniques : null,
      uniquesNotInLedger: c.aggregation === "unique_count" ? (strayCount.get(k) ?? "0") : null,
    };
    const want = e ? stateOf(e) : zeroState(c.aggregation);
    if (!sameState(want, actual)) {
      differences.push({
        tenantId: c.tenant_id,
        meterId: c.meter_id,
        metric: c.metric ?? "(deleted meter)",
        customerRef: c.customer_ref,
        periodStart: c.period_start.toISOString(),
        expected: e ? want : null,
        actual,
      });
      toFix.push(
        e ?? {
          tenantId: c.tenant_id,
          meterId: c.meter_id,
          metric: c.metric ?? "",
          aggregation: c.aggregation ?? "sum",
          customerRef: c.customer_ref,
          periodStart: c.period_start,
          raw: new Decimal(0),
          events: 0n,
          adjustment: new Decimal(0),
          lastTs: null,
          lastKey: null,
          uniques: c.aggregation === "unique_count" ? 0n : null,
        },
      );
    }
  }
  for (const [k, e] of expected) {
    // No counter row and nothing to count (e.g. only a zero-delta late-event adjustment) agree.
    if (seen.has(k) || sameState(stateOf(e), zeroState(e.aggregation))) continue;
    differences.push({
      tenantId: e.tenantId,
      meterId: e.meterId,
      metric: e.metric,
      customerRef: e.customerRef,
      periodStart: e.periodStart.toISOString(),
      expected: stateOf(e),
      actual: null,
    });
    toFix.push(e);
  }

  return {
    checked:
      expected.size +
      counters.rows.filter((c) => !expected.has(keyOf(c.tenant_id, c.meter_id, c.customer_ref, c.period_start))).length,
    differences,
    toFix,
  };
}

/**
 * Every late event has exactly one automatic adjustment, on its meter and customer, with the
 * delta ingest gives it (lateAdjustmentDelta), and every automatic adjustment has its late event.
 */
async function checkLateEventLinks(
  client: PgClient,
  tenant: string | null,
): Promise<{ lateEventsChecked: number; lateEventLinks: LateEventLinkProblem[] }> {
  const late = await client.query<{
    tenant_id: string;
    event_id: string;
    idempotency_key: string;
    aggregation: string | null;
    quantity: string;
    adjustment_ids: string[];
    deltas: string[];
    on_target: boolean | null;
  }>(
    `SELECT e.tenant_id, e.id::text AS event_id, e.idempotency_key, m.aggregation::text AS aggregation,
       e.quantity::text AS quantity,
       coalesce(array_agg(a.id ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}') AS adjustment_ids,
       coalesce(array_agg(a.delta::text ORDER BY a.id) FILTER (WHERE a.id IS NOT NULL), '{}') AS deltas,
       bool_and(a.meter_id = m.id AND a.customer_ref = e.customer_ref) AS on_target
     FROM events e
     LEFT JOIN meters m ON m.tenant_id = e.tenant_id AND m.metric = e.metric
     LEFT JOIN adjustments a ON a.tenant_id = e.tenant_id AND a.event_id = e.id
     WHERE ($1::text IS NULL OR e.tenant_id = $1) AND e.late
     GROUP BY e.tenant_id, e.id, e.idempotency_key, m.aggregation, e.quantity`,
    [tenant],
  );
  const problems: LateEventLinkProblem[] = [];
  for (const r of late.rows) {
    const problem = (text: string) =>
      problems.push({
        tenantId: r.tenant_id,
        eventId: r.event_id,
        idempotencyKey: r.idempotency_key,
        adjustmentIds: r.adjustment_ids,
        problem: text,
      });
    if (r.adjustment_ids.length !== 1) {
      problem(`late event with ${r.adjustment_ids.length} automatic adjustments instead of 1`);
      continue;
    }
    if (r.aggregation === null) {
      problem("late event of a metric without a meter");
      continue;
    }
    if (!r.on_target) problem("its automatic adjustment moves another meter or customer than the event's");
    const want = lateAdjustmentDelta(r.aggregation as AggregationKind, formatDecimal(r.quantity));
    if (!new Decimal(r.deltas[0]).eq(want))
      problem(`its automatic adjustment's delta is ${formatDecimal(r.deltas[0])} instead of ${want}`);
  }
  const orphans = await client.query<{
    tenant_id: string;
    id: string;
    event_id: string;
    idempotency_key: string | null;
  }>(
    `SELECT a.tenant_id, a.id, a.event_id::text AS event_id, e.idempotency_key
     FROM adjustments a LEFT JOIN events e ON e.tenant_id = a.tenant_id AND e.id = a.event_id
     WHERE ($1::text IS NULL OR a.tenant_id = $1) AND a.event_id IS NOT NULL AND (e.id IS NULL OR NOT e.late)`,
    [tenant],
  );
  for (const o of orphans.rows) {
    problems.push({
      tenantId: o.tenant_id,
      eventId: o.event_id,
      idempotencyKey: o.idempotency_key,
      adjustmentIds: [o.id],
      problem:
        o.idempotency_key === null
          ? "automatic adjustment of an event that is not in the ledger"
          : "automatic adjustment of an event that is not late (the event already counts in its own period)",
    });
  }
  return { lateEventsChecked: late.rows.length, lateEventLinks: problems };
}

function stateOf(e: Expected): CounterState {
  return {
    value: e.raw.plus(e.adjustment).toFixed(),
    eventCount: e.events.toString(),
    adjustmentTotal: e.adjustment.toFixed(),
    lastTs: e.aggregation === "last" ? (e.lastTs?.toISOString() ?? null) : null,
    lastKey: e.aggregation === "last" ? e.lastKey : null,
    uniques: e.uniques === null ? null : e.uniques.toString(),
    uniquesNotInLedger: e.uniques === null ? null : "0",
  };
}

function zeroState(aggregation: string | null): CounterState {
  return {
    value: "0",
    eventCount: "0",
    adjustmentTotal: "0",
    lastTs: null,
    lastKey: null,
    uniques: aggregation === "unique_count" ? "0" : null,
    uniquesNotInLedger: aggregation === "unique_count" ? "0" : null,
  };
}

function sameState(a: CounterState, b: CounterState): boolean {
  return (
    new Decimal(a.value).eq(b.value) &&
    a.eventCount === b.eventCount &&
    new Decimal(a.adjustmentTotal).eq(b.adjustmentTotal) &&
    a.lastTs === b.lastTs &&
    a.lastKey === b.lastKey &&
    a.uniques === b.uniques &&
    a.uniquesNotInLedger === b.uniquesNotInLedger
  );
}

/**
 * Overwrites the differing counters (and their distinct-value sets) with the rebuilt state,
 * in the caller's transaction, which holds their tenants' usage-config locks.
 */
async function fixCounters(client: PgClient, rows: Expected[]): Promise<number> {
  const schedules = new Map<string, BillingSchedule>();
  for (const r of rows) {
    const k = `${r.tenantId}\u0000${r.customerRef}`;
    if (schedules.has(k)) continue;
    const c = await client.query<{ billing_anchor: Date | null; billing_anchor_history: unknown }>(
      "SELECT billing_anchor, billing_anchor_history FROM customers WHERE tenant_id = $1 AND customer_ref = $2",
      [r.tenantId, r.customerRef],
    );
    schedules.set(k, scheduleOf(c.rows[0]?.billing_anchor ?? null, c.rows[0]?.billing_anchor_history ?? null));
  }
  for (const r of rows) {
    // The period's end as ingest drew it, across anchor changes (lib/billing/schedule.ts).
    const schedule = schedules.get(`${r.tenantId}\u0000${r.customerRef}`) as BillingSchedule;
    const periodEnd = new Date(periodInSchedule(r.periodStart.getTime(), schedule).endMs);
    const params = [r.tenantId, r.meterId, r.customerRef, r.periodStart.toISOString()];
    await client.query(
      `INSERT INTO counters (tenant_id, meter_id, customer_ref, period_start, period_end, value, event_count,
           last_ts, last_key, adjustment_total, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, now())
         ON CONFLICT (tenant_id, meter_id, customer_ref, period_start) DO UPDATE SET
           value = excluded.value, event_count = excluded.event_count, last_ts = excluded.last_ts,
           last_key = excluded.last_key, adjustment_total = excluded.adjustment_total, updated_at = now()`,
      [
        ...params,
        periodEnd.toISOString(),
        r.raw.plus(r.adjustment).toFixed(),
        r.events.toString(),
        r.lastTs?.toISOString() ?? null,
        r.lastKey,
        r.adjustment.toFixed(),
      ],
    );
    if (r.aggregation === "unique_count") {
      await client.query(
        `DELETE FROM counter_uniques WHERE tenant_id = $1 AND meter_id = $2 AND customer_ref = $3 AND period_start = $4`,
        params,
      );
      await client.query(
        `INSERT INTO counter_uniques (tenant_id, meter_id, customer_ref, period_start, value)
           ${ledgerUniquesSql("e.tenant_id = $1 AND m.id = $2 AND e.customer_ref = $3 AND e.period_start = $4")}`,
        params,
      );
    }
  }
  return rows.length;
}

/**
 * SQL: the distinct values the ledger holds for unique_count counters, in the form
 * counter_uniques stores them (tenant_id, meter id, customer_ref, period_start, value): the
 * counted (not late) events matching `where` (over `e` events and `m` meters).
 */
function ledgerUniquesSql(where: string): string {
  return `SELECT DISTINCT e.tenant_id, m.id, e.customer_ref, e.period_start, ${storedUniqueValueSql("v.value")}
    FROM events e JOIN meters m ON m.tenant_id = e.tenant_id AND m.metric = e.metric
    CROSS JOIN LATERAL (SELECT ${UNIQUE_VALUE_SQL} AS value) v
    WHERE ${where} AND NOT e.late AND v.value IS NOT NULL`;
}
