import { z } from "zod";
import { ZCreateAdjustment, ZListAdjustmentsQuery } from "@/lib/adjustments/schemas";
import {
  IDEMPOTENCY_KEY_DESCRIPTION,
  IDEMPOTENT_REPLAYED_HEADER,
  ZIdempotencyKeyHeader,
} from "@/lib/api/idempotency-key";
import { ZPage } from "@/lib/api/pagination";
import { ZDecimalString } from "@/lib/api/schemas";
import type { ApiOperation } from "../registry";

export const ZAdjustment = z.object({
  id: z.string(),
  metric: z.string(),
  customerRef: z.string(),
  periodStart: z.string().meta({ format: "date-time" }),
  delta: ZDecimalString,
  reason: z.string(),
  actor: z.string(),
  eventId: z.string().nullable().meta({ description: "The late event this adjustment applies, if any." }),
  revertsId: z.string().nullable(),
  createdAt: z.string().meta({ format: "date-time" }),
});

export const adjustmentOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/adjustments",
    operationId: "createAdjustment",
    tag: "Adjustments",
    summary: "Adjust a counter",
    description: `Adds \`delta\` to the customer's counter for the period (default: the open period) at once, audit-logged. \`revertsId\` reverts an earlier adjustment with the opposite delta (once). ${IDEMPOTENCY_KEY_DESCRIPTION}`,
    scope: "admin",
    body: ZCreateAdjustment,
    requestHeaders: ZIdempotencyKeyHeader,
    responses: { 201: { description: "The adjustment.", schema: ZAdjustment, headers: IDEMPOTENT_REPLAYED_HEADER } },
    errors: [400, 404, 409],
  },
  {
    method: "get",
    path: "/api/v1/adjustments",
    operationId: "listAdjustments",
    tag: "Adjustments",
    summary: "List adjustments",
    scope: "admin",
    query: ZListAdjustmentsQuery,
    responses: { 200: { description: "A page of adjustments, newest first.", schema: ZPage(ZAdjustment) } },
  },
];
