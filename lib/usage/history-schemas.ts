import { z } from "zod";
import { ZDecimalString, ZRfc3339, ZTenantIdField } from "@/lib/api/schemas";
import { ZCustomerRef } from "@/lib/customers/schemas";
import { ZAggregation, ZMetric } from "@/lib/meters/schemas";

export const GRANULARITY_MS = { hour: 3_600_000, day: 86_400_000 } as const;
export type Granularity = keyof typeof GRANULARITY_MS;
/** A history answer holds at most this many buckets (e.g. ~41 days by hour, ~2.7 years by day). */
export const MAX_HISTORY_BUCKETS = 1000;
const LAST_RFC3339_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export const ZUsageHistoryQuery = z
  .strictObject({
    customerRef: ZCustomerRef,
    metric: ZMetric,
    from: ZRfc3339.meta({ description: "Rounded down to the start of its UTC hour/day." }),
    to: ZRfc3339.meta({ description: "Exclusive; rounded up to the end of its UTC hour/day." }),
    granularity: z.enum(["hour", "day"]).default("day"),
    tenantId: ZTenantIdField,
  })
  .superRefine((q, ctx) => {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    if (!(from < to)) {
      ctx.addIssue({ code: "custom", path: ["to"], message: "must be after from" });
      return;
    }
    const size = GRANULARITY_MS[q.granularity];
    // The answer echoes the rounded-up `to`: past year 9999 it has no RFC 3339 form.
    if (Math.ceil(to / size) * size > LAST_RFC3339_MS) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `rounded up to the end of its UTC ${q.granularity}, must stay within year 9999`,
      });
      return;
    }
    const buckets = Math.ceil(to / size) - Math.floor(from / size);
    if (buckets > MAX_HISTORY_BUCKETS) {
      ctx.addIssue({
        code: "custom",
        path: ["to"],
        message: `range spans ${buckets} ${q.granularity} buckets; at most ${MAX_HISTORY_BUCKETS} per request`,
      });
    }
  });
export type UsageHistoryQuery = z.infer<typeof ZUsageHistoryQuery>;

export const ZUsageHistory = z.object({
  customerRef: z.string(),
  metric: z.string(),
  aggregation: ZAggregation,
  granularity: z.enum(["hour", "day"]),
  from: z.string().meta({ format: "date-time" }),
  to: z.string().meta({ format: "date-time" }),
  data: z.array(
    z.object({
      ts: z.string().meta({ format: "date-time", description: "Start of the UTC bucket." }),
      value: ZDecimalString.nullable().meta({
        description:
          "The meter's aggregation over the bucket's events. Empty buckets are \"0\" for sum, count and unique_count, null for max and last.",
      }),
    }),
  ),
});
export type UsageHistoryDto = z.infer<typeof ZUsageHistory>;
