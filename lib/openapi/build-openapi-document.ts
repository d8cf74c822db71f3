import { z } from "zod";
import { ERROR_STATUS } from "@/lib/api/errors";
import { API_MODELS, API_OPERATIONS, API_TAGS, type ApiOperation } from "./registry";

// Builds the OpenAPI 3.1 document from the operation list and the routes' own zod schemas
// (zod 4's z.toJSONSchema, JSON Schema 2020-12 = OpenAPI 3.1's dialect). Request schemas
// are converted as input (defaults optional, coercions as their target type), answers as
// output, so each side documents what actually crosses the wire.

export type JsonSchema = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: Array<{ url: string }>;
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, JsonSchema>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

const SCHEMA_REF = "#/components/schemas/";

export const ZApiErrorBody = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...Array<keyof typeof ERROR_STATUS>]),
    message: z.string().meta({ examples: ["events[3].quantity: must be ≥ 0"] }),
    details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().meta({ examples: ["req_4f0Xk2…"] }),
  }),
});

const ERROR_RESPONSES = {
  400: [
    "InvalidJson",
    "The body is not valid JSON or not UTF-8 (`invalid_json`), or the path is not valid percent-encoded UTF-8 (`invalid_path`).",
  ],
  401: [
    "Unauthorized",
    "Missing, unknown, revoked or expired API key, or a Bearer credential that is not exactly one key (`unauthorized`).",
  ],
  403: ["Forbidden", "The key lacks the scope, or a tenantId names another tenant (`forbidden`)."],
  404: ["NotFound", "No such object in the key's tenant (`not_found`)."],
  409: ["Conflict", "The request conflicts with the current state (`conflict`)."],
  413: ["PayloadTooLarge", "Body larger than 1 MiB (`payload_too_large`)."],
  422: ["ValidationFailed", "Input failed validation; `details` lists each path and problem (`validation_failed`)."],
  429: [
    "RateLimited",
    "Too many requests for this API key, or too many failed authentications (unknown, revoked or expired keys) from this client address; retry after `Retry-After` seconds (`rate_limited`).",
  ],
  500: ["InternalError", "Unexpected error; no internals are leaked (`internal_error`)."],
  503: [
    "Unavailable",
    "The database is unavailable or did not answer in time; retry after `Retry-After` seconds (`unavailable`).",
  ],
} as const;
type ErrorStatus = keyof typeof ERROR_RESPONSES;
const COMMON_ERRORS: ErrorStatus[] = [401, 403, 422, 429, 500, 503];

const REQUEST_ID_HEADER = { description: "Request id, also in error bodies and logs.", schema: { type: "string" } };

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}

function toSchemas(registry: z.core.$ZodRegistry<{ id: string }>, io: "input" | "output"): Record<string, JsonSchema> {
  const out = z.toJSONSchema(registry, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => `${SCHEMA_REF}${id}`,
    // API.md lets answers gain fields; don't let strict clients reject them.
    override: (ctx) => {
      if (io === "output" && ctx.jsonSchema.additionalProperties === false) delete ctx.jsonSchema.additionalProperties;
    },
  }) as { schemas: Record<string, JsonSchema> };
  const schemas: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(out.schemas)) {
    const { $schema: _s, $id: _i, ...rest } = schema;
    schemas[id] = rest;
  }
  return schemas;
}

function parameters(op: ApiOperation): JsonSchema[] {
  const params: JsonSchema[] = [];
  const add = (obj: z.ZodObject | undefined, where: "path" | "query" | "header") => {
    if (!obj) return;
    const js = z.toJSONSchema(obj, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    for (const [name, schema] of Object.entries(js.properties ?? {})) {
      const { description, ...rest } = schema;
      params.push({
        name,
        in: where,
        required: where === "path" || (js.required ?? []).includes(name),
        ...(typeof description === "string" ? { description } : {}),
        schema: rest,
      });
    }
  };
  add(op.pathParams, "path");
  add(op.query, "query");
  add(op.requestHeaders, "header");
  return params;
}

export function buildOpenApiDocument(opts: { serverUrl?: string } = {}): OpenApiDocument {
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  outputs.add(ZApiErrorBody, { id: "Error" });
  for (const [schema, id] of API_MODELS) outputs.add(schema, { id });

  const named = (reg: typeof inputs, schema: z.ZodType, id: string): string => {
    const existing = reg.get(schema)?.id;
    if (existing) return existing;
    reg.add(schema, { id });
    return id;
  };

  const paths: OpenApiDocument["paths"] = {};
  for (const op of API_OPERATIONS) {
    const responses: Record<string, JsonSchema> = {};
    const statuses = Object.keys(op.responses).map(Number);
    for (const status of statuses) {
      const spec = op.responses[status];
      const contentType = spec.contentType ?? "application/json";
      const schema = spec.schema
        ? {
            $ref: `${SCHEMA_REF}${named(outputs, spec.schema, `${pascal(op.operationId)}Response${statuses.length > 1 ? status : ""}`)}`,
          }
        : { type: "string" };
      responses[String(status)] = {
        description: spec.description,
        headers: { "x-request-id": REQUEST_ID_HEADER, ...(spec.headers ?? {}) },
        content: { [contentType]: { schema } },
      };
    }
    if (op.scope) {
      const errors = new Set<ErrorStatus>([...COMMON_ERRORS, ...(op.errors ?? [])]);
      // Every JSON body is parsed with the same reader: malformed JSON is a 400, over 1 MiB a 413.
      if (op.body) for (const status of [400, 413] as const) errors.add(status);
      for (const status of [...errors].sort((a, b) => a - b)) {
        responses[String(status)] = { $ref: `#/components/responses/${ERROR_RESPONSES[status][0]}` };
      }
    }
    const operation: JsonSchema = {
      operationId: op.operationId,
      tags: [op.tag],
      summary: op.summary,
      description: [op.description, op.scope ? `Requires an API key with the \`${op.scope}\` scope.` : "Public."]
        .filter(Boolean)
        .join("\n\n"),
      ...(op.scope ? { security: [{ bearerAuth: [] }, { apiKeyHeader: [] }], "x-scope": op.scope } : { security: [] }),
      parameters: parameters(op),
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: {
                "application/json": {
                  schema: {
                    $ref: `${SCHEMA_REF}${named(inputs, op.body, op.bodyName ?? `${pascal(op.operationId)}Request`)}`,
                  },
                },
              },
            },
          }
        : {}),
      responses,
    };
    paths[op.path] ??= {};
    paths[op.path][op.method] = operation;
  }

  const errorResponses: Record<string, JsonSchema> = {};
  for (const [status, [name, description]] of Object.entries(ERROR_RESPONSES)) {
    errorResponses[name] = {
      description: `${description} HTTP ${status}.`,
      headers: {
        "x-request-id": REQUEST_ID_HEADER,
        ...(status === "429"
          ? { "Retry-After": { description: "Seconds to wait before retrying.", schema: { type: "integer" } } }
          : {}),
      },
      content: { "application/json": { schema: { $ref: `${SCHEMA_REF}Error` } } },
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "StripeMeter API",
      version: "1.0.0",
      description:
        "Usage metering for SaaS companies billing through Stripe. Every `/api/v1` route also answers under `/v1`. Authenticate with `Authorization: Bearer sm_live_…` (or `x-api-key`); the key decides the tenant. Lists are cursor-paginated (`limit` 1–1000, default 100; `cursor` from `nextCursor`). Quantities in answers are exact decimal strings (ingest also takes a JSON number of at most 15 significant digits); money is integer minor units.",
    },
    servers: [{ url: opts.serverUrl ?? "/" }],
    tags: API_TAGS.map((t) => ({ ...t })),
    paths,
    components: {
      // Output models first, so a name used on both sides describes the answer.
      schemas: { ...toSchemas(inputs, "input"), ...toSchemas(outputs, "output") },
      responses: errorResponses,
      securitySchemes: {
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          description: "API key as a bearer token: `sm_live_…` / `sm_test_…`.",
        },
        apiKeyHeader: { type: "apiKey", in: "header", name: "x-api-key" },
      },
    },
  };
}
