import "server-only";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { type MeterDto, type MeterRow, toMeterDto } from "./schemas";

export async function getMeterRowOrThrow(tenantId: string, metric: string): Promise<MeterRow> {
  const row = await db.meter.findUnique({ where: { tenantId_metric: { tenantId, metric } } });
  if (!row) throw meterNotFound(metric);
  return row;
}

export async function getMeterOrThrow(tenantId: string, metric: string): Promise<MeterDto> {
  return toMeterDto(await getMeterRowOrThrow(tenantId, metric));
}

export function meterNotFound(metric: string): ApiError {
  return new ApiError({ code: "not_found", message: `Meter "${metric}" not found.` });
}
