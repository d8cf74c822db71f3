import { z } from "zod";
import { ApiError } from "./errors";

const RULE = "1 to 255 visible ASCII characters (no spaces)";

/** The `Idempotency-Key` request header, as the route checks it and the OpenAPI document shows it. */
export const ZIdempotencyKeyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, RULE)
    .optional()
    .meta({
      description: `${RULE}, per tenant. A retry with the same key and request answers the first result again (\`Idempotent-Replayed: true\`); the same key with another request is a 409.`,
    }),
});

/**
 * The request's `Idempotency-Key` header, or undefined when absent. Anything else is a 422
 * naming the header: a key silently ignored would make the retry it was meant for a second write.
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers.get("idempotency-key");
  if (raw === null) return undefined;
  const parsed = ZIdempotencyKeyHeader.shape["Idempotency-Key"].safeParse(raw);
  if (!parsed.success) {
    throw new ApiError({
      code: "validation_failed",
      message: `Idempotency-Key: ${RULE}`,
      details: [{ path: "Idempotency-Key", message: RULE }],
    });
  }
  return parsed.data;
}
