import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { periodForMs } from "@/lib/billing/period";
import {
  type AnchorRegime,
  parseAnchorHistory,
  periodInSchedule,
  sameAnchorPeriods,
  scheduleOf,
  scheduleSince,
} from "@/lib/billing/schedule";
import { lockUsageConfig } from "@/lib/billing/usage-config-lock";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import type { Actor } from "@/lib/meters/create-meter";
import { customerNotFound } from "./get-customer-or-throw";
import { type CustomerDto, toCustomerDto, type UpdateCustomerInput } from "./schemas";

/**
 * Updates a customer's name, Stripe id and billing anchor, creating the customer first when
 * it does not exist yet (`created`). Ingest creates customers at their first event, which is
 * usage: the anchor could then never be set, so a tenant registers a customer (typically its
 * Stripe subscription's anchor) before its first event this way.
 *
 * An anchor change keeps every period already drawn (lib/billing/schedule.ts): the old anchor
 * goes on applying before the start of the open period, and the new one from there on (its
 * first period runs to its next boundary). The open period is redrawn, so it must not hold
 * usage yet: a change then is refused (409), as it would split that usage across periods.
 */
export async function updateCustomer(opts: {
  tenantId: string;
  customerRef: string;
  input: UpdateCustomerInput;
  actor: Actor;
  now?: Date;
}): Promise<CustomerDto & { created: boolean }> {
  const { tenantId, customerRef, input } = opts;
  // Read again once the usage-config lock is held (below), like ingest's clock.
  let now = opts.now ?? new Date();
  let created = false;
  const row = await db.$transaction(async (tx) => {
    // An anchor change waits for the tenant's usage writes in flight and holds off new ones
    // (lib/billing/usage-config-lock.ts): its usage check below then sees every event and
    // adjustment filed under the old anchor, and none is filed under it after the move.
    if (input.billingAnchor !== undefined) {
      await lockUsageConfig(tx, tenantId);
      if (!opts.now) now = new Date();
    }
    const lockRow = () => tx.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM customers WHERE tenant_id = ${tenantId} AND customer_ref = ${customerRef} FOR UPDATE`;
    let id = (await lockRow())[0]?.id;
    if (!id) {
      // As ingest creates it (a concurrent first event may win: then this updates its row).
      const inserted = await tx.customer.createMany({
        data: [{ tenantId, id: newId("cst"), customerRef }],
        skipDuplicates: true,
      });
      created = inserted.count === 1;
      id = (await lockRow())[0]?.id;
      if (!id) throw customerNotFound(customerRef);
      if (created) {
        await recordAudit(tx, {
          tenantId,
          actor: opts.actor,
          action: "customer.created",
          target: { type: "customer", id },
          data: { customerRef },
        });
      }
    }
    const current = await tx.customer.findUniqueOrThrow({ where: { tenantId_id: { tenantId, id } } });

    const data: Prisma.CustomerUpdateInput = {};
    if (input.name !== undefined) data.name = input.name;
    if (input.stripeCustomerId !== undefined) data.stripeCustomerId = input.stripeCustomerId;
    if (input.billingAnchor !== undefined) {
      const next = input.billingAnchor === null ? null : new Date(input.billingAnchor);
      const nextMs = next?.getTime() ?? null;
      const currentMs = current.billingAnchor?.getTime() ?? null;
      if (nextMs !== currentMs) {
        data.billingAnchor = next;
        // An anchor that draws the same periods (same day of month and time) changes nothing.
        if (!sameAnchorPeriods(currentMs, nextMs)) {
          const history = await anchorChangeHistory(tx, { tenantId, customerRef, current, nextAnchorMs: nextMs, now });
          data.billingAnchorHistory = history.length > 0 ? history.map((r) => ({ ...r })) : Prisma.DbNull;
        }
      }
    }
    const updated = Object.keys(data).length
      ? await tx.customer.update({ where: { tenantId_id: { tenantId, id } }, data })
      : current;
    if (Object.keys(data).length) {
      await recordAudit(tx, {
        tenantId,
        actor: opts.actor,
        action: "customer.updated",
        target: { type: "customer", id },
        data: {
          customerRef,
          changes: Object.keys(data),
          ...(data.billingAnchor !== undefined
            ? { billingAnchor: { from: current.billingAnchor?.toISOString() ?? null, to: input.billingAnchor } }
            : {}),
        },
      });
    }
    return updated;
  });
  return { ...toCustomerDto(row, now), created };
}

/**
 * The anchor history after changing the current anchor at `now` (callers hold the customer's
 * row lock and the tenant's usage-config lock). Refuses (409) when the open period has usage.
 */
async function anchorChangeHistory(
  tx: Prisma.TransactionClient,
  opts: {
    tenantId: string;
    customerRef: string;
    current: { billingAnchor: Date | null; billingAnchorHistory: unknown };
    nextAnchorMs: number | null;
    now: Date;
  },
): Promise<AnchorRegime[]> {
  const { tenantId, customerRef, current } = opts;
  const schedule = scheduleOf(current.billingAnchor, current.billingAnchorHistory);
  const since = scheduleSince(schedule);
  // Never before the current anchor's start (a replica whose clock is behind the one that made
  // the last change): the history must only grow forwards.
  const at = since !== null && opts.now.getTime() < since ? since : opts.now.getTime();
  const open = periodInSchedule(at, schedule);
  const openStart = new Date(open.startMs);
  // Usage of the open period, or of a later one (an event may be up to 5 minutes ahead). A late
  // max/last/unique_count event leaves only a delta-0 adjustment (and a counter with no event
  // and no adjustment total) in the open period: that moves nothing, and its rows keep their
  // period start, which stays the start of the new anchor's first period. It does not count
  // here; it does below, where any row means the old anchor has drawn periods.
  const usageFrom = async (from: Date | null) =>
    (await tx.counter.findFirst({
      where: {
        tenantId,
        customerRef,
        ...(from
          ? { periodStart: { gte: from }, OR: [{ eventCount: { gt: 0 } }, { adjustmentTotal: { not: 0 } }] }
          : {}),
      },
      select: { meterId: true },
    })) ??
    (await tx.adjustment.findFirst({
      where: { tenantId, customerRef, ...(from ? { periodStart: { gte: from }, delta: { not: 0 } } : {}) },
      select: { id: true },
    }));
  if (await usageFrom(openStart)) {
    throw new ApiError({
      code: "conflict",
      message: `Customer "${customerRef}" already has usage in its current billing period (${openStart.toISOString()} – ${new Date(open.endMs).toISOString()}); changing the billing anchor now would split that usage across periods. Change it before usage is recorded in a period.`,
    });
  }
  // Nothing billed yet under any anchor: the new one applies to all time.
  if (!(await usageFrom(null))) return [];
  // The new anchor's first period: from the open period's start to the end of its own period
  // containing now (lib/billing/schedule.ts).
  const nextFirstEndMs = periodForMs(at, opts.nextAnchorMs).endMs;
  const history = [...(schedule.history ?? [])];
  if (since === open.startMs) {
    // The open period is the current anchor's first (and still empty): the new anchor replaces it.
    history[history.length - 1] = { ...history[history.length - 1], nextFirstEndMs };
    return history;
  }
  history.push({ untilMs: open.startMs, anchorMs: current.billingAnchor?.getTime() ?? null, nextFirstEndMs });
  // The stored shape is checked on every read; check it before it is written too.
  parseAnchorHistory(history);
  return history;
}
