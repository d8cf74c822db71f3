import { z } from "zod";
import { ZTenantIdField } from "@/lib/api/schemas";

export const METRIC_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
export const AGGREGATIONS = ["sum", "count", "max", "last", "unique_count"] as const;

export const ZMetric = z
  .string()
  .regex(METRIC_PATTERN, "must match ^[a-z][a-z0-9_.-]{0,63}$")
  .meta({ examples: ["api_calls"] });
export const ZAggregation = z.enum(AGGREGATIONS).meta({
  description:
    "How events become a period's value: sum of quantities, count of events, max quantity, last quantity (latest event time), or count of distinct resourceId / meta[uniqueBy].",
});
export type Aggregation = z.infer<typeof ZAggregation>;

const ZDisplayName = z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters");
const ZUnit = z.string().trim().min(1, "must not be empty").max(32, "must be at most 32 characters");
// Stripe meter event names: what `stripe-push` sends as `event_name`.
const ZStripeEventName = z
  .string()
  .regex(/^[A-Za-z0-9_.:-]{1,100}$/, "must be 1–100 characters of letters, digits, _ . : -");
const ZUniqueBy = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, "must be a meta field name (letters, digits, _ . -; ≤ 64)")
  .meta({ description: "unique_count only: the meta field whose distinct values are counted (default resourceId)." });

export const ZCreateMeterBody = z
  .strictObject({
    metric: ZMetric,
    displayName: ZDisplayName.optional().meta({ description: "Defaults to the metric." }),
    aggregation: ZAggregation.default("sum"),
    unit: ZUnit.nullable().optional(),
    stripeEventName: ZStripeEventName.nullable().optional(),
    uniqueBy: ZUniqueBy.nullable().optional(),
    tenantId: ZTenantIdField,
  })
  .refine((b) => b.uniqueBy == null || b.aggregation === "unique_count", {
    path: ["uniqueBy"],
    message: "only allowed when aggregation is unique_count",
  });
export type CreateMeterInput = z.infer<typeof ZCreateMeterBody>;

export const ZUpdateMeterBody = z.strictObject({
  displayName: ZDisplayName.optional(),
  aggregation: ZAggregation.optional(),
  unit: ZUnit.nullable().optional(),
  stripeEventName: ZStripeEventName.nullable().optional(),
  uniqueBy: ZUniqueBy.nullable().optional(),
  tenantId: ZTenantIdField,
});
export type UpdateMeterInput = z.infer<typeof ZUpdateMeterBody>;

export const ZMeterParams = z.strictObject({ metric: ZMetric });

export const ZMeter = z.object({
  id: z.string().meta({ examples: ["mtr_4f0Xk2…"] }),
  metric: z.string(),
  displayName: z.string(),
  aggregation: ZAggregation,
  unit: z.string().nullable(),
  stripeEventName: z.string().nullable(),
  uniqueBy: z.string().nullable(),
  createdAt: z.string().meta({ format: "date-time" }),
  updatedAt: z.string().meta({ format: "date-time" }),
});
export type MeterDto = z.infer<typeof ZMeter>;

export interface MeterRow {
  id: string;
  metric: string;
  displayName: string;
  aggregation: Aggregation;
  unit: string | null;
  stripeEventName: string | null;
  uniqueBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toMeterDto(row: MeterRow): MeterDto {
  return {
    id: row.id,
    metric: row.metric,
    displayName: row.displayName,
    aggregation: row.aggregation,
    unit: row.unit,
    stripeEventName: row.stripeEventName,
    uniqueBy: row.uniqueBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
