import { ApiError } from "./errors";

/**
 * The request's `Idempotency-Key` header (1–255 visible ASCII characters), or undefined when
 * absent. Anything else is a 422 naming the header: a key silently ignored would make the
 * retry it was meant for a second write.
 */
export function idempotencyKeyOf(req: Request): string | undefined {
  const raw = req.headers.get("idempotency-key");
  if (raw === null) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(raw)) {
    throw new ApiError({
      code: "validation_failed",
      message: "Idempotency-Key: 1 to 255 visible ASCII characters (no spaces)",
      details: [{ path: "Idempotency-Key", message: "1 to 255 visible ASCII characters (no spaces)" }],
    });
  }
  return raw;
}
