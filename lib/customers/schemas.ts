import { z } from "zod";
import { ZRfc3339, ZTenantIdField, zChars } from "@/lib/api/schemas";
import type { BillingPeriod } from "@/lib/billing/period";
import { billingPeriodAt, scheduleOf } from "@/lib/billing/schedule";

export const ZCustomerRef = zChars(255, "must be 1–255 characters").meta({ examples: ["cus_ABC123"] });

export const ZCustomerParams = z.strictObject({ customerRef: ZCustomerRef });

export const ZUpdateCustomerBody = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters").nullable().optional(),
  stripeCustomerId: z
    .string()
    .regex(/^cus_[A-Za-z0-9]{1,250}$/, "must be a Stripe customer id (cus_…)")
    .nullable()
    .optional(),
  billingAnchor: ZRfc3339.nullable().optional().meta({
    description:
      "Billing periods start on this instant's day-of-month and time (UTC), as Stripe's billing_cycle_anchor; null = UTC calendar months.",
  }),
  tenantId: ZTenantIdField,
});
export type UpdateCustomerInput = z.infer<typeof ZUpdateCustomerBody>;

export const ZPeriod = z.object({
  start: z.string().meta({ format: "date-time" }),
  end: z.string().meta({ format: "date-time", description: "Exclusive." }),
});

export const ZCustomer = z.object({
  id: z.string(),
  customerRef: z.string(),
  name: z.string().nullable(),
  stripeCustomerId: z.string().nullable(),
  billingAnchor: z.string().meta({ format: "date-time" }).nullable(),
  currentPeriod: ZPeriod.meta({ description: "The billing period containing the time of the request." }),
  createdAt: z.string().meta({ format: "date-time" }),
  updatedAt: z.string().meta({ format: "date-time" }),
});
export type CustomerDto = z.infer<typeof ZCustomer>;

export interface CustomerRow {
  id: string;
  customerRef: string;
  name: string | null;
  stripeCustomerId: string | null;
  billingAnchor: Date | null;
  billingAnchorHistory: unknown;
  createdAt: Date;
  updatedAt: Date;
}

export function periodDto(p: BillingPeriod): { start: string; end: string } {
  return { start: p.start.toISOString(), end: p.end.toISOString() };
}

/** The customer's billing period containing `now`, across its anchor changes (lib/billing/schedule.ts). */
export function currentPeriodOf(
  row: Pick<CustomerRow, "billingAnchor" | "billingAnchorHistory">,
  now: Date,
): BillingPeriod {
  return billingPeriodAt(now, scheduleOf(row.billingAnchor, row.billingAnchorHistory));
}

export function toCustomerDto(row: CustomerRow, now = new Date()): CustomerDto {
  return {
    id: row.id,
    customerRef: row.customerRef,
    name: row.name,
    stripeCustomerId: row.stripeCustomerId,
    billingAnchor: row.billingAnchor?.toISOString() ?? null,
    currentPeriod: periodDto(currentPeriodOf(row, now)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
