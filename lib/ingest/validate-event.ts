import { findUnstorable, unstorableText } from "@/lib/api/request";
import { FIRST_YEAR_MS, withinChars } from "@/lib/api/schemas";
import type { InexactNumbers } from "./inexact-numbers";
import {
  canonicalJsonWithin,
  deriveIdempotencyKey,
  type EventPayload,
  normalizeQuantity,
  parseRfc3339,
} from "./normalize";

export const METRIC_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
export const MAX_FUTURE_MS = 5 * 60_000;
export const MAX_META_BYTES = 4096;
const MAX_META_DEPTH = MAX_META_BYTES / 2;
const MAX_KEY_LENGTH = 255;
const MAX_SOURCE_LENGTH = 64;
const ALLOWED_FIELDS = new Set([
  "metric",
  "customerRef",
  "quantity",
  "ts",
  "idempotencyKey",
  "resourceId",
  "meta",
  "source",
  "tenantId",
]);

export interface ValidEvent extends EventPayload {
  index: number;
  idempotencyKey: string;
  source: string | null;
  meta: Record<string, unknown> | null;
}

export type RefusalCode = "validation_failed" | "ts_in_future";

export interface RejectedEvent {
  index: number;
  idempotencyKey: string | null;
  code: RefusalCode;
  message: string;
}

export type EventCheck = { ok: true; event: ValidEvent } | { ok: false; rejected: RejectedEvent };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// Postgres cannot store U+0000 or an unpaired surrogate as given (unstorableText): such a
// value is refused per event instead of failing the whole batch's insert or being altered.
function stringField(v: unknown, min: number, max: number): boolean {
  return typeof v === "string" && v.length >= min && withinChars(v, max) && unstorableText(v) === null;
}

/**
 * Validates and normalizes one event of an ingest batch. A refusal names the field
 * (`events[3].quantity: must be ≥ 0`) and never sinks the rest of the batch.
 */
export function validateEvent(
  raw: unknown,
  index: number,
  tenantId: string,
  nowMs: number,
  inexact?: InexactNumbers,
): EventCheck {
  const checked = checkEvent(raw, index, tenantId, nowMs, inexact);
  if (!("refusal" in checked)) return { ok: true, event: checked };
  // Built only for a refused event: the accepted path allocates no message or closure.
  const clientKey =
    isPlainObject(raw) && stringField(raw.idempotencyKey, 1, MAX_KEY_LENGTH) ? (raw.idempotencyKey as string) : null;
  return {
    ok: false,
    rejected: { index, idempotencyKey: clientKey, code: checked.code, message: `events[${index}]${checked.refusal}` },
  };
}

/** A refusal: the field path after `events[i]` and the message (".quantity: must be ≥ 0"), and its code. */
interface Refusal {
  refusal: string;
  code: RefusalCode;
}

// A URL cannot name these as a path segment: clients resolve /customers/. to /customers/ (the
// list) and /customers/.. to /api/v1, percent-encoded or not (WHATWG URL). Such a customer
// could never be read or given a billing anchor through /api/v1/customers/{customerRef}.
const UNADDRESSABLE_REF =
  '.customerRef: must not be "." or "..", which no URL can carry as /api/v1/customers/{customerRef}';

const refuse = (refusal: string, code: RefusalCode = "validation_failed"): Refusal => ({ refusal, code });

function checkEvent(
  raw: unknown,
  index: number,
  tenantId: string,
  nowMs: number,
  inexact: InexactNumbers | undefined,
): ValidEvent | Refusal {
  if (!isPlainObject(raw)) return refuse(": must be an object");
  for (const field of Object.keys(raw)) {
    if (!ALLOWED_FIELDS.has(field)) return refuse(`.${field}: unknown field`);
  }
  const { metric, customerRef, quantity, ts, idempotencyKey, resourceId, meta, source } = raw;
  if (typeof metric !== "string" || !METRIC_PATTERN.test(metric))
    return refuse(`.metric: must match ${METRIC_PATTERN.source}`);
  if (!stringField(customerRef, 1, 255))
    return refuse(".customerRef: must be a string of 1–255 characters of valid Unicode without U+0000");
  if (customerRef === "." || customerRef === "..") return refuse(UNADDRESSABLE_REF);
  const q = normalizeQuantity(quantity);
  if (!q.ok) return refuse(`.quantity: ${q.message}`);
  // The number sent was not the double JSON.parse made of it (lib/ingest/inexact-numbers.ts).
  if (inexact?.quantity.has(index))
    return refuse(
      `.quantity: this JSON number is not exact as a double (it arrives as ${q.value}); send it as a decimal string`,
    );
  if (typeof ts !== "string") return refuse(".ts: must be an RFC 3339 timestamp with offset");
  const tsMs = parseRfc3339(ts);
  if (tsMs === null) return refuse(".ts: must be an RFC 3339 timestamp with offset, e.g. 2026-11-27T14:30:00Z");
  if (tsMs > nowMs + MAX_FUTURE_MS) return refuse(".ts: more than 5 minutes in the future", "ts_in_future");
  // As every other timestamp the API takes (ZRfc3339): an event of year 0000 (UTC) would be
  // listed with a time, and a GET /events cursor, that no request can pass back.
  if (tsMs < FIRST_YEAR_MS) return refuse(".ts: must be in year 0001 or later (UTC)");
  if (idempotencyKey !== undefined && !stringField(idempotencyKey, 1, MAX_KEY_LENGTH))
    return refuse(".idempotencyKey: must be a string of 1–255 characters of valid Unicode without U+0000");
  if (resourceId !== undefined && resourceId !== null && !stringField(resourceId, 1, 255))
    return refuse(".resourceId: must be a string of 1–255 characters of valid Unicode without U+0000");
  if (source !== undefined && source !== null && !stringField(source, 1, MAX_SOURCE_LENGTH))
    return refuse(`.source: must be a string of 1–${MAX_SOURCE_LENGTH} characters of valid Unicode without U+0000`);
  let metaJson: string | null = null;
  if (meta !== undefined && meta !== null) {
    if (!isPlainObject(meta)) return refuse(".meta: must be an object");
    // Sorted keys change no byte count: the canonical text is as long as JSON.stringify's.
    // Every level of nesting adds at least 2 bytes (its brackets), so a meta deeper than
    // MAX_META_DEPTH is over the limit without serializing it (or overflowing the stack).
    metaJson = canonicalJsonWithin(meta, MAX_META_DEPTH);
    if (
      metaJson === null ||
      (metaJson.length > MAX_META_BYTES / 3 && Buffer.byteLength(metaJson, "utf8") > MAX_META_BYTES)
    )
      return refuse(`.meta: must be at most ${MAX_META_BYTES} bytes serialized`);
    // JSON writes U+0000 and unpaired surrogates as escapes (\u0000, \ud800…): without a
    // `\u` in the text there is nothing to look for.
    const unstorable = metaJson.includes("\\u") ? findUnstorable(meta) : null;
    if (unstorable !== null)
      return refuse(`.meta${unstorable.path ? `.${unstorable.path}` : ""}: ${unstorable.message}`);
    // Stored, it would be another value than the one sent (lib/ingest/inexact-numbers.ts).
    const inexactMeta = inexact?.meta.get(index);
    if (inexactMeta)
      return refuse(
        `${inexactMeta.path}: this JSON number is not exact as a double (it arrives as ${inexactMeta.arrivesAs}); send it as a string`,
      );
  }
  const event: ValidEvent = {
    metric,
    customerRef: customerRef as string,
    quantity: q.value,
    tsMs,
    resourceId: (resourceId as string | null | undefined) ?? null,
    metaJson,
    index,
    idempotencyKey: "",
    source: (source as string | null | undefined) ?? null,
    meta: (meta as Record<string, unknown> | null | undefined) ?? null,
  };
  event.idempotencyKey = (idempotencyKey as string | undefined) ?? deriveIdempotencyKey(tenantId, event);
  return event;
}
