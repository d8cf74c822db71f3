import "server-only";
import { ApiError } from "@/lib/api/errors";
import { type AuditActor, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import { type CreateMeterInput, type MeterDto, toMeterDto } from "./schemas";

export type Actor = AuditActor;

/** Creates a meter; a metric that already has one (created here or by ingest) is a 409. */
export async function createMeter(opts: {
  tenantId: string;
  input: CreateMeterInput;
  actor: Actor;
}): Promise<MeterDto> {
  const { input, tenantId } = opts;
  const id = newId("mtr");
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.meter.create({
        data: {
          tenantId,
          id,
          metric: input.metric,
          displayName: input.displayName ?? input.metric,
          aggregation: input.aggregation,
          unit: input.unit ?? null,
          stripeEventName: input.stripeEventName ?? null,
          uniqueBy: input.uniqueBy ?? null,
        },
      });
      await recordAudit(tx, {
        tenantId,
        actor: opts.actor,
        action: "meter.created",
        target: { type: "meter", id },
        data: { metric: input.metric, aggregation: input.aggregation },
      });
      return created;
    });
    return toMeterDto(row);
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError({ code: "conflict", message: `A meter for metric "${input.metric}" already exists.` });
    }
    throw err;
  }
}
