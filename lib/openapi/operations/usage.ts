import { z } from "zod";
import { ZDecimalString, ZTenantIdField } from "@/lib/api/schemas";
import { ZCustomerRef, ZPeriod } from "@/lib/customers/schemas";
import { ZUsageHistory, ZUsageHistoryQuery } from "@/lib/usage/history-schemas";
import type { ApiOperation } from "../registry";

export const ZCurrentUsageQuery = z.strictObject({ customerRef: ZCustomerRef, tenantId: ZTenantIdField });

export const ZCurrentUsage = z.object({
  customerRef: z.string(),
  period: ZPeriod,
  asOf: z.string().meta({ format: "date-time" }),
  metrics: z.array(
    z.object({
      metric: z.string(),
      aggregation: z.string(),
      value: ZDecimalString,
      unit: z.string().nullable(),
      cap: z
        .object({ limit: ZDecimalString, remaining: ZDecimalString, mode: z.string() })
        .optional()
        .meta({ description: "Present only when a cap rule applies." }),
    }),
  ),
});

export const usageOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/usage/current",
    operationId: "getCurrentUsage",
    tag: "Usage",
    summary: "Current period usage",
    description:
      "Every meter's value for the customer's open billing period, read from the live counters (staleness 0).",
    scope: "usage:read",
    query: ZCurrentUsageQuery,
    responses: { 200: { description: "Usage so far in the open period.", schema: ZCurrentUsage } },
    errors: [404],
  },
  {
    method: "get",
    path: "/api/v1/usage/history",
    operationId: "getUsageHistory",
    tag: "Usage",
    summary: "Usage over time",
    description:
      "One customer's usage of one metric per UTC hour or day, each bucket aggregated like the meter. At most 1000 buckets per request. An unknown metric or customer is a 404.",
    scope: "usage:read",
    query: ZUsageHistoryQuery,
    responses: { 200: { description: "Dense series of buckets.", schema: ZUsageHistory } },
    errors: [404],
  },
];
