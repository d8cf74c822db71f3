import "server-only";
import { ApiError } from "@/lib/api/errors";
import { createOnce, pgSql, type Remember } from "@/lib/api/idempotency";
import { periodInSchedule, scheduleOf } from "@/lib/billing/schedule";
import { usageWriteBeginSql } from "@/lib/billing/usage-config-lock";
import { type PgClient, withPgTransaction } from "@/lib/db/pg-pool";
import { newId } from "@/lib/ids";
import { type AggregationKind, applyCounterDeltas } from "@/lib/ingest/apply-counter-deltas";
import { Dec as Decimal } from "@/lib/ingest/decimal";
import { formatDecimal } from "@/lib/ingest/normalize";
import { type AdjustmentView, adjustmentAuditData, type TCreateAdjustment } from "./schemas";

export interface CreateAdjustmentOptions {
  tenantId: string;
  input: TCreateAdjustment;
  /** Who did it, stored on the adjustment and the audit log (e.g. the API key id). */
  actor: { type: "api_key" | "user" | "cli" | "system"; id: string };
  now?: Date;
  /** The client's Idempotency-Key: a retry with the same key and request gets the same adjustment. */
  idempotencyKey?: string;
}

const REVERTED_ONCE_CONSTRAINT = "adjustments_tenant_id_reverts_id_key";

interface Target {
  meterId: string;
  metric: string;
  aggregation: AggregationKind;
  customerRef: string;
  periodStart: Date;
  periodEnd: Date;
  delta: string;
}

/**
 * Records a correction and moves the counter in the same transaction. For every
 * aggregation the adjustment is an additive offset on top of the aggregate of the events
 * (value = aggregate + Σ deltas): for max/last it shifts the reported value, and later
 * events still compete on their raw quantities. A revert is the exact opposite adjustment
 * of another one, allowed once (a second revert answers 409).
 */
export async function createAdjustment(opts: CreateAdjustmentOptions): Promise<AdjustmentView> {
  return (await createAdjustmentOnce(opts)).adjustment;
}

/**
 * createAdjustment with the client's Idempotency-Key honoured (lib/api/idempotency.ts): the
 * first request with a key makes the adjustment; a retry with the same key and the same request
 * answers that adjustment again (`replayed`), changing nothing; the same key with another
 * request is a 409. Without a key every request makes an adjustment.
 */
export async function createAdjustmentOnce(
  opts: CreateAdjustmentOptions,
): Promise<{ adjustment: AdjustmentView; replayed: boolean }> {
  const { result, replayed } = await createOnce<AdjustmentView>(
    {
      tenantId: opts.tenantId,
      key: opts.idempotencyKey,
      endpoint: "POST /api/v1/adjustments",
      noun: "adjustment",
      request: adjustmentRequest(opts.input),
    },
    (remember) => insertAdjustment(opts, remember),
  );
  return { adjustment: result, replayed };
}

/**
 * What the request asks for, normalised (delta is already canonical, a period start to ms).
 * The keys stored before idempotency_keys (migration 20261203100000) hold this very form.
 */
function adjustmentRequest(input: TCreateAdjustment): unknown[] {
  return [
    input.metric ?? null,
    input.customerRef ?? null,
    input.delta ?? null,
    input.reason,
    input.periodStart ? Date.parse(input.periodStart) : null,
    input.revertsId ?? null,
  ];
}

async function insertAdjustment(
  opts: CreateAdjustmentOptions,
  remember: Remember<AdjustmentView>,
): Promise<AdjustmentView> {
  const { tenantId, input } = opts;
  const now = opts.now ?? new Date();
  const actorLabel = `${opts.actor.type}:${opts.actor.id}`;
  try {
    return await withPgTransaction(
      async (client) => {
        const target = input.revertsId
          ? await revertTarget(client, tenantId, input.revertsId)
          : await directTarget(client, tenantId, input, now);
        const id = newId("adj");
        const inserted = await client.query<{ created_at: Date }>(
          `INSERT INTO adjustments (tenant_id, id, meter_id, customer_ref, period_start, delta, reason, actor, reverts_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING created_at`,
          [
            tenantId,
            id,
            target.meterId,
            target.customerRef,
            target.periodStart.toISOString(),
            target.delta,
            input.reason,
            actorLabel,
            input.revertsId ?? null,
          ],
        );
        await applyCounterDeltas(client, tenantId, [
          {
            meterId: target.meterId,
            aggregation: target.aggregation,
            customerRef: target.customerRef,
            periodStartMs: target.periodStart.getTime(),
            periodEndMs: target.periodEnd.getTime(),
            events: 0,
            base: "0",
            lastTsMs: null,
            lastKey: null,
            adjustment: target.delta,
          },
        ]);
        const counter = await client.query<{ value: string }>(
          `SELECT value::text AS value FROM counters
         WHERE tenant_id = $1 AND meter_id = $2 AND customer_ref = $3 AND period_start = $4`,
          [tenantId, target.meterId, target.customerRef, target.periodStart.toISOString()],
        );
        // Refused when it lowers the counter below zero. A `last` counter can already be below
        // zero (a later, lower reading under its offset: docs/ingest.md, "Adjustments"); an
        // adjustment or revert that raises it makes nothing negative and is let through, or
        // the corrections behind that offset could never be undone one by one.
        if (new Decimal(counter.rows[0].value).isNegative() && new Decimal(target.delta).isNegative()) {
          throw new ApiError({
            code: "validation_failed",
            message: `delta: would make the ${target.metric} counter negative (${formatDecimal(counter.rows[0].value)})`,
            details: [{ path: "delta", message: "would make the counter negative" }],
          });
        }
        await client.query(
          `INSERT INTO audit_logs (tenant_id, id, actor_type, actor_id, action, target_type, target_id, data)
         VALUES ($1, $2, $3, $4, $5, 'adjustment', $6, $7)`,
          [
            tenantId,
            newId("aud"),
            opts.actor.type,
            opts.actor.id,
            input.revertsId ? "adjustment.reverted" : "adjustment.created",
            id,
            JSON.stringify(
              adjustmentAuditData({ ...target, reason: input.reason, revertsId: input.revertsId ?? null }),
            ),
          ],
        );
        const adjustment: AdjustmentView = {
          id,
          metric: target.metric,
          customerRef: target.customerRef,
          periodStart: target.periodStart.toISOString(),
          delta: target.delta,
          reason: input.reason,
          actor: actorLabel,
          eventId: null,
          revertsId: input.revertsId ?? null,
          createdAt: inserted.rows[0].created_at.toISOString(),
        };
        await remember(pgSql(client), adjustment);
        return adjustment;
      },
      // The shared usage-config lock (lib/billing/usage-config-lock.ts): the meter's aggregation
      // and the customer's anchor this adjustment is filed under cannot change before it commits.
      { begin: usageWriteBeginSql(tenantId) },
    );
  } catch (err) {
    const e = err as { code?: string; constraint?: string };
    if (e.code === "23505" && e.constraint === REVERTED_ONCE_CONSTRAINT) {
      throw new ApiError({ code: "conflict", message: `Adjustment ${input.revertsId} has already been reverted.` });
    }
    throw err;
  }
}

async function directTarget(client: PgClient, tenantId: string, input: TCreateAdjustment, now: Date): Promise<Target> {
  const metric = input.metric as string;
  const customerRef = input.customerRef as string;
  const meter = await client.query<{ id: string; aggregation: AggregationKind }>(
    "SELECT id, aggregation::text AS aggregation FROM meters WHERE tenant_id = $1 AND metric = $2",
    [tenantId, metric],
  );
  if (meter.rowCount === 0) throw new ApiError({ code: "not_found", message: `Meter ${metric} not found.` });
  const customer = await client.query<{ billing_anchor: Date | null; billing_anchor_history: unknown }>(
    "SELECT billing_anchor, billing_anchor_history FROM customers WHERE tenant_id = $1 AND customer_ref = $2",
    [tenantId, customerRef],
  );
  if (customer.rowCount === 0) throw new ApiError({ code: "not_found", message: `Customer ${customerRef} not found.` });
  // Across anchor changes: a period drawn under an earlier anchor can still be corrected.
  const schedule = scheduleOf(customer.rows[0].billing_anchor, customer.rows[0].billing_anchor_history);
  let period = periodInSchedule(now.getTime(), schedule);
  if (input.periodStart) {
    const requested = new Date(input.periodStart).getTime();
    period = periodInSchedule(requested, schedule);
    if (period.startMs !== requested) {
      throw new ApiError({
        code: "validation_failed",
        message: `periodStart: not the start of one of this customer's billing periods (nearest: ${new Date(period.startMs).toISOString()})`,
        details: [{ path: "periodStart", message: "not the start of a billing period" }],
      });
    }
  }
  return {
    meterId: meter.rows[0].id,
    metric,
    aggregation: meter.rows[0].aggregation,
    customerRef,
    periodStart: new Date(period.startMs),
    periodEnd: new Date(period.endMs),
    delta: input.delta as string,
  };
}

async function revertTarget(client: PgClient, tenantId: string, revertsId: string): Promise<Target> {
  const original = await client.query<{
    meter_id: string;
    metric: string;
    aggregation: AggregationKind;
    customer_ref: string;
    period_start: Date;
    delta: string;
    billing_anchor: Date | null;
    billing_anchor_history: unknown;
  }>(
    `SELECT a.meter_id, m.metric, m.aggregation::text AS aggregation, a.customer_ref, a.period_start,
       a.delta::text AS delta, c.billing_anchor, c.billing_anchor_history
     FROM adjustments a
     JOIN meters m ON m.tenant_id = a.tenant_id AND m.id = a.meter_id
     LEFT JOIN customers c ON c.tenant_id = a.tenant_id AND c.customer_ref = a.customer_ref
     WHERE a.tenant_id = $1 AND a.id = $2`,
    [tenantId, revertsId],
  );
  if (original.rowCount === 0) throw new ApiError({ code: "not_found", message: `Adjustment ${revertsId} not found.` });
  const o = original.rows[0];
  return {
    meterId: o.meter_id,
    metric: o.metric,
    aggregation: o.aggregation,
    customerRef: o.customer_ref,
    periodStart: o.period_start,
    periodEnd: new Date(
      periodInSchedule(o.period_start.getTime(), scheduleOf(o.billing_anchor, o.billing_anchor_history)).endMs,
    ),
    delta: new Decimal(o.delta).negated().toFixed(),
  };
}
