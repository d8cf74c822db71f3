import { z } from "zod";
import { ZTenantIdField } from "@/lib/api/schemas";
import type { Price as PriceRow } from "@/lib/generated/prisma/client";
import { ZMetric } from "@/lib/meters/schemas";
import { formatFixed, parseFixed } from "./fixed";
import {
  checkPriceFields,
  normalizePriceFields,
  type PriceDefinition,
  type PriceTier,
  toStripeFields,
  ZCurrency,
  ZPriceFields,
  ZPriceTier,
  ZTransformQuantity,
} from "./price-schema";

export const ZPriceId = z.string().regex(/^prc_[0-9A-Za-z]{1,64}$/, "must be a price id (prc_…)");
export const ZPriceParams = z.strictObject({ id: ZPriceId });

const ZStripePriceId = z
  .string()
  .regex(/^price_[0-9A-Za-z]{1,255}$/, "must be a Stripe price id (price_…)")
  .meta({ description: "The Stripe price this one mirrors, if any." });

export const ZCreatePriceBody = z
  .strictObject({
    ...ZPriceFields.shape,
    metric: ZMetric,
    active: z.boolean().default(true),
    stripePriceId: ZStripePriceId.nullish(),
    tenantId: ZTenantIdField,
  })
  .superRefine((p, ctx) => checkPriceFields(p, ctx))
  .transform((p) => ({
    metric: p.metric,
    active: p.active,
    stripePriceId: p.stripePriceId ?? null,
    tenantId: p.tenantId,
    definition: normalizePriceFields(p),
  }));
export type CreatePriceInput = z.output<typeof ZCreatePriceBody>;

/**
 * PATCH takes any of the price fields; absent fields keep their value. Setting one form of
 * an amount (unit_amount) replaces the other (unit_amount_decimal), and switching
 * billing_scheme drops the fields of the old scheme; the result is validated as a whole.
 */
export const ZUpdatePriceBody = z.strictObject({
  currency: ZCurrency.optional(),
  billing_scheme: z.enum(["per_unit", "tiered"]).optional(),
  unit_amount: ZPriceFields.shape.unit_amount,
  unit_amount_decimal: ZPriceFields.shape.unit_amount_decimal,
  tiers_mode: ZPriceFields.shape.tiers_mode,
  tiers: z.array(ZPriceTier).min(1).max(250).nullish(),
  transform_quantity: ZTransformQuantity.nullish(),
  active: z.boolean().optional(),
  stripePriceId: ZStripePriceId.nullish(),
  tenantId: ZTenantIdField,
});
export type UpdatePriceInput = z.output<typeof ZUpdatePriceBody>;

const ZStoredTier = z.object({
  up_to: z.union([z.number().int().positive(), z.literal("inf")]),
  unit_amount_decimal: z.string().nullable(),
  flat_amount_decimal: z.string().nullable(),
});
const ZStoredTiers = z.array(ZStoredTier).nullable();
const ZStoredTransform = z.object({ divide_by: z.number().int().positive(), round: z.enum(["up", "down"]) }).nullable();

export interface PriceColumns {
  currency: string;
  billingScheme: string;
  unitAmountDecimal: { toString(): string } | null;
  tiersMode: string | null;
  tiers: unknown;
  transformQuantity: unknown;
}

/** The price definition held by a row (tiers and transform are JSON written by this module). */
export function rowToDefinition(row: PriceColumns): PriceDefinition {
  return {
    currency: row.currency,
    billing_scheme: row.billingScheme === "tiered" ? "tiered" : "per_unit",
    unit_amount_decimal:
      row.unitAmountDecimal === null ? null : formatFixed(parseFixed(row.unitAmountDecimal.toString())),
    tiers_mode: row.tiersMode === "graduated" || row.tiersMode === "volume" ? row.tiersMode : null,
    tiers: ZStoredTiers.parse(row.tiers ?? null) as PriceTier[] | null,
    transform_quantity: ZStoredTransform.parse(row.transformQuantity ?? null),
  };
}

/** Columns for a definition (decimal strings stay strings; the column is numeric). */
export function definitionToColumns(def: PriceDefinition) {
  return {
    currency: def.currency,
    billingScheme: def.billing_scheme,
    unitAmountDecimal: def.unit_amount_decimal,
    tiersMode: def.tiers_mode,
    // Plain objects (not the interface types) so they type as Prisma JSON input.
    tiers: def.tiers?.map((t) => ({ ...t })),
    transformQuantity: def.transform_quantity ? { ...def.transform_quantity } : undefined,
  };
}

export function toPriceDto(row: PriceRow) {
  return {
    id: row.id,
    metric: row.metric,
    ...toStripeFields(rowToDefinition(row)),
    active: row.active,
    source: row.source,
    stripePriceId: row.stripePriceId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type PriceDto = ReturnType<typeof toPriceDto>;

/** OpenAPI description of a price as the API answers it. */
const ZAmountOut = z.string().nullable().meta({ description: "Exact decimal in minor units." });
export const ZPrice = z.object({
  id: z.string().meta({ example: "prc_8f1Xk2…" }),
  metric: z.string(),
  currency: z.string().meta({ example: "usd" }),
  billing_scheme: z.enum(["per_unit", "tiered"]),
  unit_amount: z.number().int().nullable(),
  unit_amount_decimal: ZAmountOut,
  tiers_mode: z.enum(["graduated", "volume"]).nullable(),
  tiers: z
    .array(
      z.object({
        up_to: z.union([z.number().int(), z.literal("inf")]),
        unit_amount: z.number().int().nullable(),
        unit_amount_decimal: ZAmountOut,
        flat_amount: z.number().int().nullable(),
        flat_amount_decimal: ZAmountOut,
      }),
    )
    .nullable(),
  transform_quantity: z.object({ divide_by: z.number().int(), round: z.enum(["up", "down"]) }).nullable(),
  active: z.boolean(),
  source: z.enum(["local", "stripe"]),
  stripePriceId: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
