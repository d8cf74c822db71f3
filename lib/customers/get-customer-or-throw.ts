import "server-only";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { type CustomerDto, toCustomerDto } from "./schemas";

export async function getCustomerOrThrow(tenantId: string, customerRef: string): Promise<CustomerDto> {
  const row = await db.customer.findUnique({ where: { tenantId_customerRef: { tenantId, customerRef } } });
  if (!row) throw customerNotFound(customerRef);
  return toCustomerDto(row);
}

export function customerNotFound(customerRef: string): ApiError {
  return new ApiError({ code: "not_found", message: `Customer "${customerRef}" not found.` });
}
