import { ZPage, ZPaginationQuery } from "@/lib/api/pagination";
import { ZCustomer, ZCustomerParams, ZUpdateCustomerBody } from "@/lib/customers/schemas";
import type { ApiOperation } from "../registry";

export const customerOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/customers",
    operationId: "listCustomers",
    tag: "Customers",
    summary: "List customers",
    description: "Customers ordered by customerRef, cursor-paginated. A customer is created by its first event.",
    scope: "admin",
    query: ZPaginationQuery,
    responses: { 200: { description: "A page of customers.", schema: ZPage(ZCustomer) } },
  },
  {
    method: "get",
    path: "/api/v1/customers/{customerRef}",
    operationId: "getCustomer",
    tag: "Customers",
    summary: "Get a customer",
    description: "Includes the billing anchor and the current billing period it implies.",
    scope: "admin",
    pathParams: ZCustomerParams,
    responses: { 200: { description: "The customer.", schema: ZCustomer } },
    errors: [404],
  },
  {
    method: "patch",
    path: "/api/v1/customers/{customerRef}",
    operationId: "updateCustomer",
    tag: "Customers",
    summary: "Create or update a customer",
    description:
      "Sets the name, Stripe customer id and billing anchor (RFC 3339), creating the customer (201) when it does not exist yet — register a customer's anchor before its first event. Moving the anchor while the open period already has usage is refused with 409; a move keeps the periods already drawn (the new anchor applies from the start of the open period), and an anchor that draws the same periods is accepted at any time.",
    scope: "admin",
    pathParams: ZCustomerParams,
    body: ZUpdateCustomerBody,
    responses: {
      200: { description: "The updated customer.", schema: ZCustomer },
      201: { description: "The customer, created by this request.", schema: ZCustomer },
    },
    errors: [400, 409],
  },
];
