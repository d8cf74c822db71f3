import "server-only";
import { ApiError } from "@/lib/api/errors";
import { createOnce, prismaSql, type Remember } from "@/lib/api/idempotency";
import { type AuditActor, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import { type CreateMeterInput, type MeterDto, toMeterDto } from "./schemas";

export type Actor = AuditActor;

export interface CreateMeterOptions {
  tenantId: string;
  input: CreateMeterInput;
  actor: Actor;
  /** The client's Idempotency-Key: a retry with the same key and request gets the same meter. */
  idempotencyKey?: string;
}

/**
 * Creates a meter; a metric that already has one (created here or by ingest) is a 409. The
 * client's Idempotency-Key is honoured (lib/api/idempotency.ts): a retry
 * after a lost 201 answers the meter as first created (`replayed`) instead of the 409 of a
 * metric that has a meter; the same key with another request is a 409.
 */
export async function createMeterOnce(opts: CreateMeterOptions): Promise<{ result: MeterDto; replayed: boolean }> {
  return createOnce<MeterDto>(
    {
      tenantId: opts.tenantId,
      key: opts.idempotencyKey,
      endpoint: "POST /api/v1/meters",
      noun: "meter",
      request: meterRequest(opts.input),
    },
    (remember) => insertMeter(opts, remember),
  );
}

/** The meter the request asks for, defaults filled in (a displayName equal to the metric is the default). */
function meterRequest(input: CreateMeterInput) {
  return {
    metric: input.metric,
    displayName: input.displayName ?? input.metric,
    aggregation: input.aggregation,
    unit: input.unit ?? null,
    stripeEventName: input.stripeEventName ?? null,
    uniqueBy: input.uniqueBy ?? null,
  };
}

async function insertMeter(opts: CreateMeterOptions, remember: Remember<MeterDto>): Promise<MeterDto> {
  const { tenantId } = opts;
  const meter = meterRequest(opts.input);
  const id = newId("mtr");
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.meter.create({ data: { tenantId, id, ...meter } });
      await recordAudit(tx, {
        tenantId,
        actor: opts.actor,
        action: "meter.created",
        target: { type: "meter", id },
        data: { metric: meter.metric, aggregation: meter.aggregation },
      });
      const dto = toMeterDto(created);
      await remember(prismaSql(tx), dto);
      return dto;
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError({ code: "conflict", message: `A meter for metric "${meter.metric}" already exists.` });
    }
    throw err;
  }
}
