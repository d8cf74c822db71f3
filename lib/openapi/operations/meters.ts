import {
  IDEMPOTENCY_KEY_DESCRIPTION,
  IDEMPOTENT_REPLAYED_HEADER,
  ZIdempotencyKeyHeader,
} from "@/lib/api/idempotency-key";
import { ZPage, ZPaginationQuery } from "@/lib/api/pagination";
import { ZCreateMeterBody, ZMeter, ZMeterParams, ZUpdateMeterBody } from "@/lib/meters/schemas";
import type { ApiOperation } from "../registry";

export const meterOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/meters",
    operationId: "listMeters",
    tag: "Meters",
    summary: "List meters",
    description: "The tenant's meters ordered by metric, cursor-paginated.",
    scope: "admin",
    query: ZPaginationQuery,
    responses: { 200: { description: "A page of meters.", schema: ZPage(ZMeter) } },
  },
  {
    method: "post",
    path: "/api/v1/meters",
    operationId: "createMeter",
    tag: "Meters",
    summary: "Create a meter",
    description: `Defines how events of a metric aggregate. Ingesting an event for a metric without a meter creates a \`sum\` meter automatically. A metric that has a meter is a 409. ${IDEMPOTENCY_KEY_DESCRIPTION}`,
    scope: "admin",
    body: ZCreateMeterBody,
    requestHeaders: ZIdempotencyKeyHeader,
    responses: { 201: { description: "The created meter.", schema: ZMeter, headers: IDEMPOTENT_REPLAYED_HEADER } },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/api/v1/meters/{metric}",
    operationId: "getMeter",
    tag: "Meters",
    summary: "Get a meter",
    scope: "admin",
    pathParams: ZMeterParams,
    responses: { 200: { description: "The meter.", schema: ZMeter } },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/meters/{metric}",
    operationId: "updateMeter",
    tag: "Meters",
    summary: "Update a meter",
    description:
      "Absent fields keep their value; `null` clears a nullable field. Once a meter has usage, changing its `aggregation` (or the `uniqueBy` field of a unique_count meter) is refused with 409: it would change the meaning of existing counters.",
    scope: "admin",
    pathParams: ZMeterParams,
    body: ZUpdateMeterBody,
    responses: { 200: { description: "The updated meter.", schema: ZMeter } },
    errors: [400, 404, 409],
  },
];
