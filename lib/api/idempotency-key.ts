import { z } from "zod";
import { ApiError } from "./errors";

const RULE = "1 to 255 visible ASCII characters (no spaces)";

/**
 * The `Idempotency-Key` request header of the create endpoints (POST /api/v1/meters, /prices,
 * /adjustments; lib/api/idempotency.ts), as the routes check it and the OpenAPI document shows it.
 */
export const ZIdempotencyKeyHeader = z.object({
  "Idempotency-Key": z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, RULE)
    .optional()
    .meta({
      description: `${RULE}, per tenant (one namespace for all endpoints), never expiring. A retry with the same key and request answers the first 201 again, as it was then (\`Idempotent-Replayed: true\`), even if the object has changed since; the same key with another request, or on another endpoint, is a 409. A request that fails does not use up its key.`,
    }),
});

/** The 201 of a create endpoint that takes an Idempotency-Key: the header a replay carries. */
export const IDEMPOTENT_REPLAYED_HEADER = {
  "Idempotent-Replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: { type: "string" as const },
  },
};

/** The sentence the create operations' descriptions end with. */
export const IDEMPOTENCY_KEY_DESCRIPTION =
  "An optional `Idempotency-Key` header (1–255 visible ASCII characters) makes retries safe: the same key and request answer the first 201 again, as it was then (`Idempotent-Replayed: true`), the same key with another request is a 409, a malformed key a 422.";

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
