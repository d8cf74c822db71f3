// Demo prices for the Acme tenant, so projections and the widget show real amounts:
// graduated API calls (first 10,000 free, then 0.05¢, then 0.02¢) and storage at 25¢/GB.
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { type TPriceFieldsInput, ZPriceDefinition } from "@/lib/pricing/price-schema";
import { definitionToColumns } from "@/lib/pricing/schemas";

const DEMO_PRICES: Array<[string, TPriceFieldsInput]> = [
  [
    "api_calls",
    {
      currency: "usd",
      billing_scheme: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 10000, unit_amount: 0 },
        { up_to: 1000000, unit_amount_decimal: "0.05" },
        { up_to: "inf", unit_amount_decimal: "0.02" },
      ],
    },
  ],
  ["storage_gb", { currency: "usd", unit_amount: 25 }],
];

/** Idempotent: a metric that already has a price keeps it. */
export async function seedDemoPrices(tenantId: string): Promise<void> {
  await db.price.createMany({
    data: DEMO_PRICES.map(([metric, fields]) => ({
      tenantId,
      id: newId("prc"),
      metric,
      ...definitionToColumns(ZPriceDefinition.parse(fields)),
    })),
    skipDuplicates: true,
  });
}
