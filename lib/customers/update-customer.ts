import "server-only";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { periodFor } from "@/lib/billing/period";
import { lockUsageConfig } from "@/lib/billing/usage-config-lock";
import { db } from "@/lib/db/client";
import type { Prisma } from "@/lib/generated/prisma/client";
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
 * Counters are keyed by billing period. Moving the anchor while the open period already
 * holds usage would leave that usage in a period that no longer exists for the customer
 * (usage/current would read the new period's empty counter), so it is refused. So is a move
 * whose new open period would overlap a closed period with usage (an anchor moved back): that
 * usage would be billed in neither. Other closed periods keep their stored boundaries.
 */
export async function updateCustomer(opts: {
  tenantId: string;
  customerRef: string;
  input: UpdateCustomerInput;
  actor: Actor;
  now?: Date;
}): Promise<CustomerDto & { created: boolean }> {
  const { tenantId, customerRef, input } = opts;
  const now = opts.now ?? new Date();
  let created = false;
  const row = await db.$transaction(async (tx) => {
    // An anchor change waits for the tenant's usage writes in flight and holds off new ones
    // (lib/billing/usage-config-lock.ts): its usage check below then sees every event and
    // adjustment filed under the old anchor, and none is filed under it after the move.
    if (input.billingAnchor !== undefined) await lockUsageConfig(tx, tenantId);
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
      if ((next?.getTime() ?? null) !== (current.billingAnchor?.getTime() ?? null)) {
        const open = periodFor(now, current.billingAnchor);
        const nextOpen = periodFor(now, next);
        // Usage the move would split: the open period's (under the old anchor), and that of any
        // closed period the new open period would overlap (moving the anchor back puts part of
        // the last closed period inside the new open one).
        const since = new Date(Math.min(open.start.getTime(), nextOpen.start.getTime()));
        const usage =
          (await tx.counter.findFirst({
            where: { tenantId, customerRef, periodEnd: { gt: since } },
            select: { meterId: true },
          })) ??
          (await tx.adjustment.findFirst({
            where: { tenantId, customerRef, periodStart: { gte: open.start } },
            select: { id: true },
          }));
        if (usage) {
          throw new ApiError({
            code: "conflict",
            message: `Customer "${customerRef}" already has usage in its current billing period (${open.start.toISOString()} – ${open.end.toISOString()}) or in a period the new anchor's current period (${nextOpen.start.toISOString()} – ${nextOpen.end.toISOString()}) would overlap; changing the billing anchor now would split that usage across periods. Change it before usage is recorded or once no such usage remains in the open period.`,
          });
        }
        data.billingAnchor = next;
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
