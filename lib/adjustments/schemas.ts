import { z } from "zod";
import { ZCursor, ZLimit } from "@/lib/api/pagination";
import { ZRfc3339, zChars } from "@/lib/api/schemas";
import { Dec as Decimal } from "@/lib/ingest/decimal";
import { inexactJsonNumber, MAX_QUANTITY_DECIMALS } from "@/lib/ingest/normalize";
import { METRIC_PATTERN } from "@/lib/ingest/validate-event";

const ZDelta = z
  .union([z.number(), z.string()])
  .transform((v, ctx) => {
    const text = typeof v === "number" ? String(v) : v;
    if (typeof v === "string" && !/^-?\d+(\.\d+)?$/.test(v)) {
      ctx.addIssue({ code: "custom", message: 'must be a decimal number like "-12.5"' });
      return z.NEVER;
    }
    const d = new Decimal(text);
    // As for an ingested quantity (docs/ingest.md, "Quantities").
    const inexact = typeof v === "number" ? inexactJsonNumber(v, d) : null;
    if (inexact !== null) {
      ctx.addIssue({ code: "custom", message: inexact });
      return z.NEVER;
    }
    if (!d.isFinite() || d.isZero()) {
      ctx.addIssue({ code: "custom", message: "must be a finite, non-zero number" });
      return z.NEVER;
    }
    if (d.decimalPlaces() > MAX_QUANTITY_DECIMALS) {
      ctx.addIssue({ code: "custom", message: `at most ${MAX_QUANTITY_DECIMALS} decimal places` });
      return z.NEVER;
    }
    if (d.abs().trunc().toFixed().length > 32) {
      ctx.addIssue({ code: "custom", message: "too large" });
      return z.NEVER;
    }
    return d.toFixed();
  })
  .meta({
    description:
      "Signed decimal (≤ 6 decimals); added to the counter. A JSON number of more than 15 significant digits is refused (not exact): send it as a string.",
  });

export const ZCreateAdjustment = z
  .strictObject({
    metric: z.string().regex(METRIC_PATTERN, `must match ${METRIC_PATTERN.source}`).optional(),
    customerRef: zChars(255, "must be 1–255 characters").optional(),
    delta: ZDelta.optional(),
    reason: z.string({ error: "required" }).trim().min(1, "required").max(500, "at most 500 characters"),
    periodStart: ZRfc3339.optional(),
    revertsId: z.string().min(1).max(64).optional(),
    tenantId: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.revertsId !== undefined) {
      for (const f of ["metric", "customerRef", "delta", "periodStart"] as const) {
        if (v[f] !== undefined)
          ctx.addIssue({ code: "custom", path: [f], message: "not allowed with revertsId (taken from the original)" });
      }
      return;
    }
    for (const f of ["metric", "customerRef", "delta"] as const) {
      if (v[f] === undefined) ctx.addIssue({ code: "custom", path: [f], message: "required" });
    }
  });
export type TCreateAdjustment = z.infer<typeof ZCreateAdjustment>;

export const ZListAdjustmentsQuery = z.strictObject({
  customerRef: zChars(255, "must be 1–255 characters").optional(),
  metric: z.string().min(1).max(64).optional(),
  limit: ZLimit,
  cursor: ZCursor.optional(),
  tenantId: z.string().optional(),
});

export interface AdjustmentView {
  id: string;
  metric: string;
  customerRef: string;
  periodStart: string;
  delta: string;
  reason: string;
  actor: string;
  eventId: string | null;
  revertsId: string | null;
  createdAt: string;
}

/** The `data` of an adjustment's audit row (adjustment.created / adjustment.reverted), wherever it is made. */
export function adjustmentAuditData(a: {
  metric: string;
  customerRef: string;
  periodStart: Date;
  delta: string;
  reason: string;
  revertsId: string | null;
}) {
  return {
    metric: a.metric,
    customerRef: a.customerRef,
    periodStart: a.periodStart.toISOString(),
    delta: a.delta,
    reason: a.reason,
    revertsId: a.revertsId,
  };
}
