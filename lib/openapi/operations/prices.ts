import {
  IDEMPOTENCY_KEY_DESCRIPTION,
  IDEMPOTENT_REPLAYED_HEADER,
  ZIdempotencyKeyHeader,
} from "@/lib/api/idempotency-key";
import { ZPage, ZPaginationQuery } from "@/lib/api/pagination";
import { ZCreatePriceBody, ZPrice, ZPriceParams, ZUpdatePriceBody } from "@/lib/pricing/schemas";
import type { ApiOperation } from "../registry";

export const priceOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/prices",
    operationId: "listPrices",
    tag: "Prices",
    summary: "List prices",
    scope: "admin",
    query: ZPaginationQuery,
    responses: { 200: { description: "A page of prices.", schema: ZPage(ZPrice) } },
  },
  {
    method: "post",
    path: "/api/v1/prices",
    operationId: "createPrice",
    tag: "Prices",
    summary: "Create a price",
    description: `One price per metric (a second one is a 409), with Stripe's price fields and meanings (billing_scheme, unit_amount or unit_amount_decimal, tiers_mode, tiers, transform_quantity). ${IDEMPOTENCY_KEY_DESCRIPTION}`,
    scope: "admin",
    body: ZCreatePriceBody,
    requestHeaders: ZIdempotencyKeyHeader,
    responses: { 201: { description: "The created price.", schema: ZPrice, headers: IDEMPOTENT_REPLAYED_HEADER } },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/api/v1/prices/{id}",
    operationId: "getPrice",
    tag: "Prices",
    summary: "Get a price",
    scope: "admin",
    pathParams: ZPriceParams,
    responses: { 200: { description: "The price.", schema: ZPrice } },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/prices/{id}",
    operationId: "updatePrice",
    tag: "Prices",
    summary: "Update a price",
    scope: "admin",
    pathParams: ZPriceParams,
    body: ZUpdatePriceBody,
    responses: { 200: { description: "The updated price.", schema: ZPrice } },
    errors: [400, 404],
  },
];
