import { adjustmentAuditData } from "@/lib/adjustments/schemas";
import { ApiError } from "@/lib/api/errors";
import type { PeriodMs } from "@/lib/billing/period";
import { type BillingSchedule, periodInSchedule, scheduleOf } from "@/lib/billing/schedule";
import { usageWriteBeginSql } from "@/lib/billing/usage-config-lock";
import { fromEpochMs, toEpochMsText } from "@/lib/db/epoch-ms";
import { scalarArray, textArray } from "@/lib/db/pg-arrays";
import { type PgClient, type PgTransaction, withPgTransaction } from "@/lib/db/pg-pool";
import { newId } from "@/lib/ids";
import { logger } from "@/lib/log";
import { type AggregationKind, applyCounterDeltas, type CounterDelta } from "./apply-counter-deltas";
import type { InexactNumbers } from "./inexact-numbers";
import { formatMicros, toMicros } from "./micros";
import { canonicalJson, compareKeys, type EventPayload, formatDecimal, samePayload } from "./normalize";
import { storedUniqueValue, uniqueValueOf } from "./unique-value";
import { type RefusalCode, type ValidEvent, validateEvent } from "./validate-event";

export type IngestStatus = "accepted" | "duplicate" | "conflict" | "rejected";

export interface IngestEventResult {
  index: number;
  idempotencyKey: string | null;
  status: IngestStatus;
  late?: true;
  error?: { code: RefusalCode | "conflict"; message: string };
}

export interface IngestOutcome {
  accepted: number;
  duplicates: number;
  conflicts: number;
  rejected: number;
  results: IngestEventResult[];
}

export interface IngestEventsOptions {
  tenantId: string;
  events: unknown[];
  /** Stored for events that do not name their own source (e.g. "csv", "demo"). */
  source?: string;
  /**
   * The events whose `quantity`, or a number in whose `meta`, JSON.parse did not keep exactly
   * (inexactNumbers, from the request's text): refused per event.
   */
  inexactNumbers?: InexactNumbers;
  /** For tests: the server clock. */
  now?: Date;
}

export const LATE_EVENT_ACTOR = "system:late-event";
const CALENDAR_MONTHS: BillingSchedule = { anchorMs: null, history: null };
const RETRYABLE_PG_CODES = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 3;
/** SQLSTATE of sm_ingest_expect_new (migration 20261204090000): the batch held an event already in the ledger. */
const NOT_ALL_NEW = "SM001";

interface MeterRow {
  id: string;
  metric: string;
  aggregation: AggregationKind;
  unique_by: string | null;
}

interface Placed {
  event: ValidEvent;
  meter: MeterRow;
  period: PeriodMs;
  openPeriod: PeriodMs;
  late: boolean;
}

/**
 * Ingests a batch in one transaction: ledger insert with ON CONFLICT DO NOTHING, duplicate
 * vs conflict by comparing payloads, counters moved only for rows really inserted. When this
 * resolves, the transaction has committed: events are durable and counters include them.
 */
export async function ingestEvents(opts: IngestEventsOptions): Promise<IngestOutcome> {
  const { tenantId } = opts;
  const nowMs = (opts.now ?? new Date()).getTime();
  // Read again once the batch holds its locks: a wait behind an anchor change or a
  // `counters verify --fix` must not file an event as on time after its window closed.
  const clock = opts.now ? () => nowMs : () => Date.now();
  for (const raw of opts.events) {
    const claimed = (raw as { tenantId?: unknown } | null)?.tenantId;
    if (typeof raw === "object" && raw !== null && claimed !== undefined && claimed !== tenantId) {
      throw new ApiError({ code: "forbidden", message: "tenantId does not match the API key's tenant." });
    }
  }

  const results: IngestEventResult[] = new Array(opts.events.length);
  const valid: ValidEvent[] = [];
  for (let i = 0; i < opts.events.length; i++) {
    const check = validateEvent(opts.events[i], i, tenantId, nowMs, opts.inexactNumbers);
    if (check.ok) {
      if (check.event.source === null && opts.source) check.event.source = opts.source;
      valid.push(check.event);
    } else {
      const r = check.rejected;
      results[i] = {
        index: i,
        idempotencyKey: r.idempotencyKey,
        status: "rejected",
        error: { code: r.code, message: r.message },
      };
    }
  }

  // The first occurrence of a key is the candidate; later ones in the batch are retries.
  const candidates = new Map<string, ValidEvent>();
  for (const e of valid) if (!candidates.has(e.idempotencyKey)) candidates.set(e.idempotencyKey, e);
  // Unsorted: every statement that takes row locks orders its own rows (ORDER BY … COLLATE
  // "C"), and no aggregation depends on the order events are met in.
  const batch = [...candidates.values()];

  let stored = new Map<string, Stored>();
  if (batch.length > 0) {
    // First as if every event were new (writeBatch); a batch holding one that is not is
    // written again without that assumption.
    let assumeNew = true;
    for (let attempt = 1; ; ) {
      try {
        // The shared usage-config lock (lib/billing/usage-config-lock.ts): no aggregation or
        // billing anchor change commits between this batch reading them and writing its counters.
        stored = await withPgTransaction((client, tx) => writeBatch(client, tx, tenantId, batch, clock, assumeNew), {
          begin: usageWriteBeginSql(tenantId),
        });
        break;
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (assumeNew && code === NOT_ALL_NEW) {
          assumeNew = false;
          continue;
        }
        if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE_PG_CODES.has(code)) throw err;
        // Batches sharing counters queue on one lock, so this should not happen: say so when it does.
        logger.warn("ingest: batch written again after a deadlock or serialization failure", {
          tenantId,
          code,
          attempt,
        });
        attempt++;
      }
    }
  }

  const firstIndex = new Map<string, number>();
  for (const e of valid) {
    const s = stored.get(e.idempotencyKey);
    if (!s) throw new Error(`ingest: no stored state for key ${e.idempotencyKey}`);
    const isFirst = !firstIndex.has(e.idempotencyKey);
    if (isFirst) firstIndex.set(e.idempotencyKey, e.index);
    const base = { index: e.index, idempotencyKey: e.idempotencyKey, ...(s.late ? { late: true as const } : {}) };
    if (isFirst && s.inserted) results[e.index] = { ...base, status: "accepted" };
    else if (samePayload(s.payload, e)) results[e.index] = { ...base, status: "duplicate" };
    else
      results[e.index] = {
        index: e.index,
        idempotencyKey: e.idempotencyKey,
        status: "conflict",
        error: {
          code: "conflict",
          message: `events[${e.index}]: idempotencyKey already used with a different payload; not stored`,
        },
      };
  }

  const outcome: IngestOutcome = { accepted: 0, duplicates: 0, conflicts: 0, rejected: 0, results };
  for (const r of results) {
    if (r.status === "accepted") outcome.accepted++;
    else if (r.status === "duplicate") outcome.duplicates++;
    else if (r.status === "conflict") outcome.conflicts++;
    else outcome.rejected++;
  }
  return outcome;
}

/** What the ledger holds for a key of the batch: its payload, whether it is late, and whether this batch inserted it. */
interface Stored {
  payload: EventPayload;
  late: boolean;
  inserted: boolean;
}

interface StoredRow {
  idempotency_key: string;
  id: string;
  late: boolean;
  mine: boolean;
  metric: string;
  customer_ref: string;
  quantity: string;
  ts_ms: string;
  resource_id: string | null;
  meta: string | null;
}

/** A ledger row's payload in the normalized form ingest compares (see samePayload). */
function storedPayload(row: StoredRow): EventPayload {
  return {
    metric: row.metric,
    customerRef: row.customer_ref,
    quantity: formatDecimal(row.quantity),
    tsMs: Number(row.ts_ms),
    resourceId: row.resource_id,
    // jsonb keeps its own key order and spacing: back to the canonical text ingest stores.
    metaJson: row.meta === null ? null : canonicalJson(JSON.parse(row.meta)),
  };
}

/** The ledger insert of a batch; a key already in the ledger is skipped, not an error. */
const INSERT_EVENTS_SQL = `INSERT INTO events (tenant_id, idempotency_key, metric, customer_ref, quantity, ts, resource_id, meta, source,
       period_start, late)
     SELECT $1, u.k, u.m, u.c, u.q, ${fromEpochMs("u.t")}, u.r, NULLIF(u.mt, 'null'::jsonb), u.s, ${fromEpochMs("u.p")}, u.l
     FROM ROWS FROM (unnest($2::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::numeric[]),
       unnest($6::bigint[]), unnest($7::text[]), jsonb_array_elements($8::jsonb), unnest($9::text[]),
       unnest($10::bigint[]), unnest($11::bool[])) AS u(k, m, c, q, t, r, mt, s, p, l)
     ORDER BY u.k COLLATE "C"
     ON CONFLICT (tenant_id, idempotency_key) DO NOTHING`;

async function writeBatch(
  client: PgClient,
  tx: PgTransaction,
  tenantId: string,
  events: ValidEvent[],
  clock: () => number,
  assumeNew: boolean,
): Promise<Map<string, Stored>> {
  const metrics = [...new Set(events.map((e) => e.metric))];
  const refs = [...new Set(events.map((e) => e.customerRef))];
  // One round trip for the tenant's lateness window, the meters and the customers.
  // Joined against `unnest` rather than `= ANY($n)`: this prepared statement keeps the generic
  // plan it made when the tables were small, and for `= ANY` that plan is a sequential scan
  // testing every row against every ref (12 ms for 200 refs once a tenant has 5,200
  // customers, until autovacuum's next ANALYZE). The join's worst plan is a hash join
  // (0.9 ms there); with current statistics both forms take the same time (docs/ingest.md).
  const lookup = await client.query<{
    kind: "t" | "m" | "c";
    k: string | null;
    a: string | null;
    b: string | null;
    c: string | null;
  }>({
    name: "sm_ingest_lookup",
    text: `SELECT 't' AS kind, NULL AS k, lateness_window_hours::text AS a, NULL AS b, NULL AS c FROM tenants WHERE id = $1
     UNION ALL
     SELECT 'm', x.metric, x.id, x.aggregation::text, x.unique_by
       FROM unnest($2::text[]) AS u(metric) JOIN meters x ON x.tenant_id = $1 AND x.metric = u.metric
     UNION ALL
     SELECT 'c', x.customer_ref, ${toEpochMsText("x.billing_anchor")}, x.billing_anchor_history::text, NULL
       FROM unnest($3::text[]) AS u(ref) JOIN customers x ON x.tenant_id = $1 AND x.customer_ref = u.ref`,
    values: [tenantId, textArray(metrics), textArray(refs)],
  });
  let windowHours: number | null = null;
  const foundMeters = new Map<string, MeterRow>();
  const foundSchedules = new Map<string, BillingSchedule>();
  for (const r of lookup.rows) {
    if (r.kind === "t") windowHours = Number(r.a);
    else if (r.kind === "m")
      foundMeters.set(r.k as string, {
        metric: r.k as string,
        id: r.a as string,
        aggregation: r.b as AggregationKind,
        unique_by: r.c,
      });
    else foundSchedules.set(r.k as string, scheduleOf(r.a === null ? null : Number(r.a), r.b));
  }
  if (windowHours === null) throw new ApiError({ code: "not_found", message: "Tenant not found." });
  // 0–72 h: the table refuses more (Stripe finalizes invoices up to 72 h after a period ends;
  // lib/tenants/tenant-settings.ts).
  const windowMs = windowHours * 3_600_000;
  // The lookup ran after the usage-config lock was granted (same pipeline, in order).
  const nowMs = clock();
  const meters = await ensureMeters(client, tenantId, metrics, foundMeters);
  const schedules = await ensureCustomers(client, tenantId, refs, foundSchedules);

  const openPeriods = new Map<string, PeriodMs>();
  const lastPeriods = new Map<string, PeriodMs>();
  const placed: Placed[] = events.map((event) => {
    const schedule = schedules.get(event.customerRef) ?? CALENDAR_MONTHS;
    let openPeriod = openPeriods.get(event.customerRef);
    if (!openPeriod) {
      openPeriod = periodInSchedule(nowMs, schedule);
      openPeriods.set(event.customerRef, openPeriod);
    }
    // Most events of a batch fall in their customer's latest-seen period: reuse it.
    let period = lastPeriods.get(event.customerRef);
    if (!period || event.tsMs < period.startMs || event.tsMs >= period.endMs) {
      period = periodInSchedule(event.tsMs, schedule);
      lastPeriods.set(event.customerRef, period);
    }
    const meter = meters.get(event.metric);
    if (!meter) throw new Error(`ingest: meter ${event.metric} missing after upsert`);
    // Within the window after a period ends, the event still lands in that period.
    const late = nowMs >= period.endMs + windowMs;
    return { event, meter, period, openPeriod, late };
  });

  const values = [
    tenantId,
    textArray(placed.map((p) => p.event.idempotencyKey)),
    textArray(placed.map((p) => p.event.metric)),
    textArray(placed.map((p) => p.event.customerRef)),
    textArray(placed.map((p) => p.event.quantity)),
    scalarArray(placed.map((p) => p.event.tsMs)),
    textArray(placed.map((p) => p.event.resourceId)),
    // One JSON array of the canonical texts (null for none): joined as is, where a text[]
    // literal had to escape every quote of every meta. jsonb keeps no key order, so it
    // stores the same value.
    `[${placed.map((p) => p.event.metaJson ?? "null").join(",")}]`,
    textArray(placed.map((p) => p.event.source)),
    scalarArray(placed.map((p) => p.period.startMs)),
    scalarArray(placed.map((p) => p.late)),
  ];

  const state = new Map<string, Stored>();
  // Ledger ids, only needed to link late events to their adjustments.
  const ids = new Map<string, string>();
  const lateKeys = placed.filter((p) => p.late).map((p) => p.event.idempotencyKey);
  let allInserted: boolean;
  if (assumeNew && lateKeys.length === 0) {
    // Sent with the counter updates and the COMMIT, without waiting for its answer: a single
    // event waits for 2 round trips instead of 3. If a row was already there, the guard fails
    // the statement, Postgres refuses the rest and rolls back, and ingestEvents writes the
    // batch again without the assumption. (A late event's adjustment needs its ledger id, so a
    // batch holding one is never sent this way.)
    tx.send({
      name: "sm_ingest_insert_new_events",
      text: `WITH ins AS (${INSERT_EVENTS_SQL} RETURNING 1) SELECT sm_ingest_expect_new(count(*), $12) FROM ins`,
      values: [...values, placed.length],
    });
    allInserted = true;
  } else {
    const inserted = await client.query({ name: "sm_ingest_insert_events", text: INSERT_EVENTS_SQL, values });
    allInserted = inserted.rowCount === placed.length;
  }
  if (allInserted) {
    // The common case: every row is new, and the row count (or the guard) alone says so.
    // Returning 500 rows to learn it cost more than this whole branch.
    for (const p of placed) state.set(p.event.idempotencyKey, { payload: p.event, late: p.late, inserted: true });
  }
  if (!allInserted || lateKeys.length > 0) {
    // Rows this transaction inserted carry its xid as xmin; READ COMMITTED also shows the
    // rows a concurrent batch committed while our INSERT waited on the unique index.
    const found = await client.query<StoredRow>({
      name: "sm_ingest_existing",
      text: `SELECT idempotency_key, id, late, xmin = pg_current_xact_id()::xid AS mine, metric, customer_ref,
          quantity::text AS quantity, ${toEpochMsText("ts")} AS ts_ms, resource_id, meta::text AS meta
        FROM events WHERE tenant_id = $1 AND idempotency_key = ANY($2::text[])`,
      values: [tenantId, textArray(allInserted ? lateKeys : placed.map((p) => p.event.idempotencyKey))],
    });
    for (const row of found.rows) {
      if (row.mine) ids.set(row.idempotency_key, row.id);
      if (!allInserted) {
        state.set(row.idempotency_key, { payload: storedPayload(row), late: row.late, inserted: row.mine });
      }
    }
  }

  const fresh = placed.filter((p) => state.get(p.event.idempotencyKey)?.inserted === true);
  if (fresh.length > 0) {
    await applyInserted(client, tx, tenantId, fresh, ids);
  }
  return state;
}

async function ensureMeters(
  client: PgClient,
  tenantId: string,
  metrics: string[],
  byMetric: Map<string, MeterRow>,
): Promise<Map<string, MeterRow>> {
  const sql = `SELECT id, metric, aggregation::text AS aggregation, unique_by FROM meters
    WHERE tenant_id = $1 AND metric = ANY($2::text[])`;
  const absent = metrics.filter((m) => !byMetric.has(m)).sort(compareKeys);
  if (absent.length > 0) {
    // API.md: an event for a metric with no meter creates a `sum` meter.
    // Sent together (pipelined): the SELECT runs after the INSERT and sees a concurrent
    // batch's meter too, once the INSERT has waited for it.
    const [, again] = await Promise.all([
      client.query(
        `INSERT INTO meters (tenant_id, id, metric, display_name, aggregation, updated_at)
         SELECT $1, u.id, u.metric, u.metric, 'sum', now() FROM unnest($2::text[], $3::text[]) AS u(metric, id)
         ORDER BY u.metric COLLATE "C"
         ON CONFLICT (tenant_id, metric) DO NOTHING`,
        [tenantId, absent, absent.map(() => newId("mtr"))],
      ),
      client.query<MeterRow>(sql, [tenantId, absent]),
    ]);
    for (const m of again.rows) byMetric.set(m.metric, m);
  }
  return byMetric;
}

async function ensureCustomers(
  client: PgClient,
  tenantId: string,
  refs: string[],
  schedules: Map<string, BillingSchedule>,
): Promise<Map<string, BillingSchedule>> {
  const sql = `SELECT customer_ref, billing_anchor, billing_anchor_history FROM customers
    WHERE tenant_id = $1 AND customer_ref = ANY($2::text[])`;
  const absent = refs.filter((r) => !schedules.has(r)).sort(compareKeys);
  if (absent.length > 0) {
    const [, again] = await Promise.all([
      client.query(
        `INSERT INTO customers (tenant_id, id, customer_ref, updated_at)
         SELECT $1, u.id, u.ref, now() FROM unnest($2::text[], $3::text[]) AS u(ref, id)
         ORDER BY u.ref COLLATE "C"
         ON CONFLICT (tenant_id, customer_ref) DO NOTHING`,
        [tenantId, absent, absent.map(() => newId("cst"))],
      ),
      client.query<{ customer_ref: string; billing_anchor: Date | null; billing_anchor_history: unknown }>(sql, [
        tenantId,
        absent,
      ]),
    ]);
    for (const c of again.rows) {
      schedules.set(c.customer_ref, scheduleOf(c.billing_anchor, c.billing_anchor_history));
    }
  }
  return schedules;
}

interface Acc {
  delta: CounterDelta;
  /** sum: the exact running total in millionths (quantities have ≤ 6 decimals). */
  micros: bigint;
  /** max: the batch maximum in millionths. */
  maxMicros: bigint | null;
  uniques: Set<string> | null;
}

/** Counters, distinct values and late-event adjustments for the rows this batch inserted. */
async function applyInserted(
  client: PgClient,
  tx: PgTransaction,
  tenantId: string,
  fresh: Placed[],
  ids: Map<string, string>,
): Promise<void> {
  const accs = new Map<string, Acc>();
  const accFor = (meter: MeterRow, customerRef: string, period: PeriodMs): Acc => {
    const key = `${meter.id}\u0000${customerRef}\u0000${period.startMs}`;
    let acc = accs.get(key);
    if (!acc) {
      acc = {
        delta: {
          meterId: meter.id,
          aggregation: meter.aggregation,
          customerRef,
          periodStartMs: period.startMs,
          periodEndMs: period.endMs,
          events: 0,
          base: "0",
          lastTsMs: null,
          lastKey: null,
          adjustment: "0",
        },
        micros: 0n,
        maxMicros: null,
        uniques: meter.aggregation === "unique_count" ? new Set() : null,
      };
      accs.set(key, acc);
    }
    return acc;
  };

  const adjustments: Array<{
    meterId: string;
    customerRef: string;
    periodStartMs: number;
    delta: string;
    eventId: string;
    reason: string;
    id: string;
    metric: string;
    idempotencyKey: string;
  }> = [];
  const adjustmentMicros = new Map<Acc, bigint>();
  for (const p of fresh) {
    const e = p.event;
    if (p.late) {
      const eventId = ids.get(e.idempotencyKey);
      if (eventId === undefined) throw new Error(`ingest: no ledger id for late event ${e.idempotencyKey}`);
      const delta = lateAdjustmentDelta(p.meter.aggregation, e.quantity);
      adjustments.push({
        meterId: p.meter.id,
        customerRef: e.customerRef,
        periodStartMs: p.openPeriod.startMs,
        delta,
        eventId,
        reason: `late event ${e.idempotencyKey} for the period starting ${new Date(p.period.startMs).toISOString()}`,
        id: newId("adj"),
        metric: e.metric,
        idempotencyKey: e.idempotencyKey,
      });
      const acc = accFor(p.meter, e.customerRef, p.openPeriod);
      adjustmentMicros.set(acc, (adjustmentMicros.get(acc) ?? 0n) + toMicros(delta));
      continue;
    }
    const acc = accFor(p.meter, e.customerRef, p.period);
    const d = acc.delta;
    d.events++;
    switch (p.meter.aggregation) {
      case "sum":
        acc.micros += toMicros(e.quantity);
        break;
      case "max": {
        const q = toMicros(e.quantity);
        if (acc.maxMicros === null || q > acc.maxMicros) {
          acc.maxMicros = q;
          d.base = e.quantity;
        }
        break;
      }
      case "last":
        if (
          d.lastTsMs === null ||
          e.tsMs > d.lastTsMs ||
          (e.tsMs === d.lastTsMs && compareKeys(e.idempotencyKey, d.lastKey ?? "") > 0)
        ) {
          d.lastTsMs = e.tsMs;
          d.lastKey = e.idempotencyKey;
          d.base = e.quantity;
        }
        break;
      case "unique_count": {
        const v = uniqueValueOf(p.meter.unique_by, e.resourceId, e.meta);
        if (v !== null) acc.uniques?.add(storedUniqueValue(v));
        break;
      }
      case "count":
        break;
    }
  }
  for (const [acc, micros] of adjustmentMicros) acc.delta.adjustment = formatMicros(micros);

  const uniqueRows: Array<{ acc: Acc; value: string }> = [];
  for (const acc of accs.values()) {
    if (acc.delta.aggregation === "sum") acc.delta.base = formatMicros(acc.micros);
    if (acc.delta.aggregation === "count") acc.delta.base = String(acc.delta.events);
    if (acc.uniques) for (const value of acc.uniques) uniqueRows.push({ acc, value });
  }
  if (uniqueRows.length > 0) {
    uniqueRows.sort(
      (a, b) =>
        compareKeys(a.acc.delta.meterId, b.acc.delta.meterId) ||
        compareKeys(a.acc.delta.customerRef, b.acc.delta.customerRef) ||
        a.acc.delta.periodStartMs - b.acc.delta.periodStartMs ||
        compareKeys(a.value, b.value),
    );
    const res = await client.query<{ meter_id: string; customer_ref: string; period_ms: string }>({
      name: "sm_ingest_uniques",
      text: `INSERT INTO counter_uniques (tenant_id, meter_id, customer_ref, period_start, value)
       SELECT $1, u.m, u.c, ${fromEpochMs("u.p")}, u.v FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) AS u(m, c, p, v)
       ORDER BY u.m COLLATE "C", u.c COLLATE "C", u.p, u.v COLLATE "C"
       ON CONFLICT DO NOTHING
       RETURNING meter_id, customer_ref, ${toEpochMsText("period_start")} AS period_ms`,
      values: [
        tenantId,
        textArray(uniqueRows.map((r) => r.acc.delta.meterId)),
        textArray(uniqueRows.map((r) => r.acc.delta.customerRef)),
        scalarArray(uniqueRows.map((r) => r.acc.delta.periodStartMs)),
        textArray(uniqueRows.map((r) => r.value)),
      ],
    });
    for (const row of res.rows) {
      const acc = accs.get(`${row.meter_id}\u0000${row.customer_ref}\u0000${row.period_ms}`);
      if (acc) acc.delta.base = String(Number(acc.delta.base) + 1);
    }
  }

  // Neither statement's answer is needed: they go out with the COMMIT.
  if (adjustments.length > 0) {
    tx.send({
      name: "sm_ingest_late_adjustments",
      text: `INSERT INTO adjustments (tenant_id, id, meter_id, customer_ref, period_start, delta, reason, actor, event_id)
       SELECT $1, u.id, u.m, u.c, ${fromEpochMs("u.p")}, u.d, u.r, $2, u.e
       FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::numeric[], $8::text[], $9::bigint[])
         AS u(id, m, c, p, d, r, e)`,
      values: [
        tenantId,
        LATE_EVENT_ACTOR,
        textArray(adjustments.map((a) => a.id)),
        textArray(adjustments.map((a) => a.meterId)),
        textArray(adjustments.map((a) => a.customerRef)),
        scalarArray(adjustments.map((a) => a.periodStartMs)),
        textArray(adjustments.map((a) => a.delta)),
        textArray(adjustments.map((a) => a.reason)),
        textArray(adjustments.map((a) => a.eventId)),
      ],
    });
  }

  // Audit-logged as every adjustment is (lib/adjustments/create-adjustment.ts), by the system.
  if (adjustments.length > 0) {
    tx.send({
      name: "sm_ingest_late_adjustment_audit",
      text: `INSERT INTO audit_logs (tenant_id, id, actor_type, actor_id, action, target_type, target_id, data)
       SELECT $1, u.id, 'system', $2, 'adjustment.created', 'adjustment', u.target, u.data::jsonb
       FROM unnest($3::text[], $4::text[], $5::text[]) AS u(id, target, data)`,
      values: [
        tenantId,
        LATE_EVENT_ACTOR,
        textArray(adjustments.map(() => newId("aud"))),
        textArray(adjustments.map((a) => a.id)),
        textArray(
          adjustments.map((a) =>
            JSON.stringify({
              ...adjustmentAuditData({ ...a, periodStart: new Date(a.periodStartMs), revertsId: null }),
              eventId: a.eventId,
              idempotencyKey: a.idempotencyKey,
            }),
          ),
        ),
      ],
    });
  }

  const deltas: CounterDelta[] = [];
  for (const a of accs.values()) if (a.delta.events > 0 || a.delta.adjustment !== "0") deltas.push(a.delta);
  await applyCounterDeltas(client, tenantId, deltas, tx);
}

/**
 * A late event (its period closed more than the lateness window ago) moves the open
 * period by an adjustment. Only additive aggregations have an additive effect: sum adds
 * the quantity, count adds 1. For max, last and unique_count an event from a closed
 * period says nothing about the open one, so the adjustment records the event with delta 0.
 */
export function lateAdjustmentDelta(aggregation: AggregationKind, quantity: string): string {
  if (aggregation === "sum") return quantity;
  if (aggregation === "count") return "1";
  return "0";
}
