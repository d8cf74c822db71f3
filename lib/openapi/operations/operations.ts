import { z } from "zod";
import type { ApiOperation } from "../registry";

export const operationsOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/health",
    operationId: "getHealth",
    tag: "Operations",
    summary: "Liveness",
    description: "200 while the process is up.",
    scope: null,
    responses: { 200: { description: "The process is up.", schema: z.object({ status: z.literal("ok") }) } },
  },
  {
    method: "get",
    path: "/api/health/ready",
    operationId: "getReadiness",
    tag: "Operations",
    summary: "Readiness",
    description: "200 when the database answers, 503 otherwise.",
    scope: null,
    responses: {
      200: {
        description: "The database answers.",
        schema: z.object({ status: z.literal("ready"), database: z.literal("ok") }),
      },
      503: {
        description: "The database does not answer.",
        schema: z.object({ status: z.literal("unavailable"), database: z.literal("unreachable") }),
      },
    },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "getOpenApiDocument",
    tag: "Operations",
    summary: "This OpenAPI 3.1 document",
    scope: null,
    responses: { 200: { description: "The OpenAPI document.", schema: z.record(z.string(), z.unknown()) } },
  },
];
