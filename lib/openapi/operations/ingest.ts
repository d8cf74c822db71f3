import { z } from "zod";
import { ZTenantIdField } from "@/lib/api/schemas";
import { ZCustomerRef } from "@/lib/customers/schemas";
import { MAX_EVENTS_PER_REQUEST } from "@/lib/ingest/parse-ingest-request";
import { MAX_META_BYTES } from "@/lib/ingest/validate-event";
import { ZMetric } from "@/lib/meters/schemas";
import type { ApiOperation } from "../registry";

// The ingest route validates events by hand (lib/ingest/validate-event.ts) so that one bad
// event is a per-event `rejected` result instead of a 422 for the batch; this schema
// documents the same rules for clients.
const ZQuantity = z.union([z.number().min(0), z.string().regex(/^\d{1,32}(\.\d{1,6})?$/)]).meta({
  description:
    "≥ 0, at most 6 decimal places and 32 digits before the point; a decimal string, or a JSON number of at most 15 significant digits (beyond that a JSON parser's double may not hold what was sent, so the event is refused: send such a quantity as a string). Safe integers (≤ 2^53 − 1) are exact as numbers.",
});

// RFC 3339 allows "t" and "z" in lower case, and ingest's parser accepts them
// (lib/ingest/normalize.ts, parseRfc3339); zod's date-time pattern would say upper case only.
const ZEventTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/)
  .meta({
    format: "date-time",
    examples: ["2026-11-27T14:30:00Z"],
    description: "Event time, RFC 3339 with offset, at most 5 minutes in the future and not before year 0001 (UTC).",
  });

export const ZIngestEvent = z.strictObject({
  metric: ZMetric,
  customerRef: ZCustomerRef.meta({
    examples: ["cus_ABC123"],
    description: 'Any 1–255 characters but "." and "..", which no URL can carry as /api/v1/customers/{customerRef}.',
  }),
  quantity: ZQuantity,
  ts: ZEventTime,
  idempotencyKey: z.string().min(1).max(255).optional().meta({
    description:
      "Per-tenant dedupe key. Without one, the server derives it from tenant, metric, customerRef, resourceId, ts (ms) and quantity, and returns it.",
  }),
  resourceId: z.string().min(1).max(255).nullable().optional(),
  meta: z
    .record(z.string(), z.unknown())
    .nullable()
    .optional()
    .meta({
      description: `Free-form object, at most ${MAX_META_BYTES} bytes serialized. A number in it that a JSON parser's double would change (e.g. an integer beyond 2^53 − 1, or 1e400) refuses the event: send such a value as a string.`,
    }),
  source: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .meta({ examples: ["sdk"] }),
  tenantId: ZTenantIdField,
});

export const ZIngestRequest = z.strictObject({
  events: z.array(ZIngestEvent).min(1).max(MAX_EVENTS_PER_REQUEST),
  tenantId: ZTenantIdField,
});

const ZIngestResult = z.object({
  index: z.number().int(),
  idempotencyKey: z.string().nullable(),
  status: z.enum(["accepted", "duplicate", "conflict", "rejected"]),
  late: z
    .literal(true)
    .optional()
    .meta({ description: "Past its period's lateness window: applied as an adjustment to the open period." }),
  error: z
    .object({
      code: z.string().meta({ description: "validation_failed, ts_in_future, cap_exceeded or conflict." }),
      message: z.string(),
    })
    .optional(),
});

export const ZIngestResponse = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  conflicts: z.number().int(),
  rejected: z.number().int(),
  requestId: z.string(),
  results: z.array(ZIngestResult),
});

export const ingestOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/events/ingest",
    operationId: "ingestEvents",
    tag: "Ingest",
    summary: "Ingest usage events",
    description:
      "1–1000 events, body ≤ 1 MiB. A well-formed request answers 200 even if some events are refused: each event gets a result (`accepted`, `duplicate`, `conflict` or `rejected`). When the answer is sent the events are durable and the counters include them.",
    scope: "events:write",
    body: ZIngestRequest,
    responses: { 200: { description: "Per-event results.", schema: ZIngestResponse } },
    errors: [400, 413],
  },
];
