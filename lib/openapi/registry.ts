import type { z } from "zod";
import type { ApiKeyScope } from "@/lib/auth/api-keys";
import { ZCustomer, ZPeriod } from "@/lib/customers/schemas";
import { ZLedgerEvent } from "@/lib/events/schemas";
import { ZMeter } from "@/lib/meters/schemas";
import { ZPrice } from "@/lib/pricing/schemas";
import { ZUsageHistory } from "@/lib/usage/history-schemas";
import { adjustmentOperations, ZAdjustment } from "./operations/adjustments";
import { customerOperations } from "./operations/customers";
import { eventOperations } from "./operations/events";
import { ingestOperations, ZIngestResponse } from "./operations/ingest";
import { meterOperations } from "./operations/meters";
import { operationsOperations } from "./operations/operations";
import { priceOperations } from "./operations/prices";
import { projectionOperations, ZUsageProjection } from "./operations/projection";
import { usageOperations, ZCurrentUsage } from "./operations/usage";

// The OpenAPI document (GET /api/openapi.json, /docs) is generated from this list and the
// same zod schemas the routes parse with. Adding a route under app/api/v1? Describe it in
// lib/openapi/operations/<domain>.ts and list that array below;
// tests/integration/openapi.test.ts fails for any route file not described here.

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

export interface ApiResponseSpec {
  description: string;
  /** JSON body schema (converted as output). Omit for bodies that are not JSON. */
  schema?: z.ZodType;
  /** Defaults to application/json when a schema is given. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: { type: "string" | "integer" } }>;
}

export interface ApiOperation {
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/api/v1/meters/{metric}` (the route file's [metric]). */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** API-key scope the route requires; null for public routes. */
  scope: ApiKeyScope | null;
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the operation reads (besides authentication). */
  requestHeaders?: z.ZodObject;
  /** JSON request body schema (converted as input). */
  body?: z.ZodType;
  /** Name for the body schema in components (default `<OperationId>Request`). */
  bodyName?: string;
  /** Success responses; the shared error responses are added automatically. */
  responses: Record<number, ApiResponseSpec>;
  /** Error statuses specific to this operation (beyond 401/403/422/429/500). */
  errors?: Array<400 | 404 | 409 | 413>;
}

export const API_OPERATIONS: readonly ApiOperation[] = [
  ...ingestOperations,
  ...usageOperations,
  ...projectionOperations,
  ...eventOperations,
  ...adjustmentOperations,
  ...meterOperations,
  ...customerOperations,
  ...priceOperations,
  ...operationsOperations,
];

/** Tags in the order the reference presents them, with a line each. */
export const API_TAGS: ReadonlyArray<{ name: string; description: string }> = [
  {
    name: "Ingest",
    description: "Send usage events. Exactly-once per idempotency key; counters move in the same transaction.",
  },
  { name: "Usage", description: "Read live counters and usage over time." },
  { name: "Events", description: "The immutable ledger of ingested events: list and CSV export." },
  {
    name: "Adjustments",
    description: "Corrections to counters, with reason and actor; reverts are opposite adjustments.",
  },
  { name: "Meters", description: "What is metered and how events aggregate into a period's value." },
  { name: "Customers", description: "Your customers, their Stripe ids and billing periods." },
  { name: "Prices", description: "Stripe-compatible prices per metric, used by projections." },
  { name: "Operations", description: "Health checks and this document. No API key needed." },
];

/**
 * Schemas shown as named models (components.schemas) wherever they appear in answers.
 * Request bodies are named after their operation (`CreateMeterRequest`).
 */
export const API_MODELS: ReadonlyArray<readonly [z.ZodType, string]> = [
  [ZMeter, "Meter"],
  [ZCustomer, "Customer"],
  [ZLedgerEvent, "LedgerEvent"],
  [ZAdjustment, "Adjustment"],
  [ZPrice, "Price"],
  [ZCurrentUsage, "CurrentUsage"],
  [ZUsageHistory, "UsageHistory"],
  [ZIngestResponse, "IngestResponse"],
  [ZUsageProjection, "UsageProjection"],
  [ZPeriod, "BillingPeriod"],
];
