import { z } from "zod";
import { ZDecimalString, ZTenantIdField } from "@/lib/api/schemas";
import { ZCustomerRef, ZPeriod } from "@/lib/customers/schemas";
import type { ApiOperation } from "../registry";

// Mirrors the route's body schema (pages/api/v1/usage/projection.ts) and UsageProjection
// (lib/projection/project-usage.ts).
export const ZProjectionRequest = z.strictObject({ customerRef: ZCustomerRef, tenantId: ZTenantIdField });

const ZBreakdownEntry = z.object({
  tier: z.number().int().nullable(),
  from: ZDecimalString,
  upTo: ZDecimalString.nullable(),
  quantity: ZDecimalString,
  unitAmountDecimal: ZDecimalString,
  flatAmountDecimal: ZDecimalString,
  amountDecimal: ZDecimalString.meta({ description: "quantity × unit amount + flat amount, exact (minor units)." }),
  label: z.string().meta({ description: "Human-readable line, in major units of the currency." }),
});

const ZForecast = z.object({
  method: z.enum(["run_rate", "current_value"]),
  rateBasis: z.enum(["trailing_7d", "period_to_date"]).optional(),
  periodToDateRatePerDay: ZDecimalString.optional(),
  trailing7dRatePerDay: ZDecimalString.optional(),
  trailingWindow: z.object({ start: z.string(), end: z.string(), quantity: ZDecimalString }).optional(),
  elapsedDays: ZDecimalString.optional(),
  remainingDays: ZDecimalString.optional(),
  description: z.string(),
});

const ZProjectionLineItem = z.object({
  metric: z.string(),
  aggregation: z.string().nullable(),
  unit: z.string().nullable(),
  quantity: ZDecimalString,
  currency: z.string().nullable(),
  amount: z
    .number()
    .int()
    .nullable()
    .meta({ description: "Minor units Stripe would invoice for the usage so far; null when it cannot be priced." }),
  projectedQuantity: ZDecimalString,
  projectedAmount: z.number().int().nullable().meta({
    description:
      "Minor units for the forecast quantity; null when the line cannot be priced, or when this amount exceeds 2^53 − 1 (`reasonCode` `amount_overflow`; `amount` is kept).",
  }),
  reasonCode: z.enum(["no_price", "price_inactive", "currency_mismatch", "amount_overflow"]).optional(),
  reason: z.string().optional().meta({ description: "Why amount or projectedAmount is null (never a silent 0)." }),
  pricing: z
    .object({
      priceId: z.string(),
      source: z.string(),
      billing_scheme: z.enum(["per_unit", "tiered"]),
      tiers_mode: z.enum(["graduated", "volume"]).nullable(),
      transform_quantity: z.object({ divide_by: z.number().int(), round: z.enum(["up", "down"]) }).nullable(),
      billableQuantity: ZDecimalString,
      amountDecimal: ZDecimalString,
      breakdown: z.array(ZBreakdownEntry),
      projectedBreakdown: z.array(ZBreakdownEntry),
    })
    .nullable(),
  forecast: ZForecast,
});

const TOTAL_NULL =
  "Sum of the priced lines, in minor units; null when it exceeds 2^53 − 1, the largest integer a JSON number carries exactly (never rounded).";

export const ZUsageProjection = z.object({
  customerRef: z.string(),
  currency: z.string().nullable(),
  period: ZPeriod,
  lineItems: z.array(ZProjectionLineItem),
  subtotal: z.number().int().nullable().meta({ description: TOTAL_NULL }),
  total: z.number().int().nullable().meta({ description: TOTAL_NULL }),
  projectedTotal: z
    .number()
    .int()
    .nullable()
    .meta({ description: `${TOTAL_NULL} Also null when a line with an amount has a null projectedAmount.` }),
  freshness: z.object({ asOf: z.string().meta({ format: "date-time" }), stalenessSeconds: z.literal(0) }),
});

export const projectionOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/usage/projection",
    operationId: "projectUsage",
    tag: "Usage",
    summary: "Price and project the current period",
    description:
      "`amount`/`total` price the usage so far exactly as Stripe would invoice it (integer minor units); `projected*` forecast the end of the period from the run rate. A metric without a usable price has `amount: null` and a `reason`, and is left out of the totals.",
    scope: "usage:read",
    body: ZProjectionRequest,
    responses: { 200: { description: "Priced usage and projection.", schema: ZUsageProjection } },
    errors: [400, 404],
  },
];
