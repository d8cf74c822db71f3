import * as crypto from "node:crypto";
import { Dec as Decimal } from "@/lib/ingest/decimal";
import { daysInMonth, utcMs } from "@/lib/time/calendar";

export const MAX_QUANTITY_DECIMALS = 6;
// numeric(38, 6): at most 32 digits before the decimal point.
const MAX_INTEGER_DIGITS = 32;
const DECIMAL_STRING = /^\d+(\.\d+)?$/;
// A double holds every decimal of up to 15 significant digits exactly (DBL_DIG).
const MAX_EXACT_NUMBER_DIGITS = 15;

/**
 * Why the JSON number `raw` (a double from JSON.parse; `d`, the same as a Decimal) may not be
 * what the client sent, or null. Beyond 15 significant digits it may have changed
 * (12345678901.123456 arrives as 12345678901.123455), and a quantity or a delta must never
 * change silently; every decimal of up to 15 digits, and every safe integer, survives a double
 * exactly.
 */
export function inexactJsonNumber(raw: number, d: Decimal): string | null {
  if (Number.isSafeInteger(raw) || !Number.isFinite(raw) || d.sd() <= MAX_EXACT_NUMBER_DIGITS) return null;
  return `a JSON number with more than ${MAX_EXACT_NUMBER_DIGITS} significant digits is not exact; send it as a decimal string like "12345678901.123456"`;
}

export type QuantityResult = { ok: true; value: string } | { ok: false; message: string };

/** A JSON number or decimal string → the exact, normalized decimal string ("1.5", "100"). */
export function normalizeQuantity(raw: unknown): QuantityResult {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return { ok: false, message: "must be a finite number" };
    if (raw < 0) return { ok: false, message: "must be ≥ 0" };
    if (Number.isSafeInteger(raw)) return { ok: true, value: String(raw) };
    const d = new Decimal(String(raw));
    const inexact = inexactJsonNumber(raw, d);
    if (inexact !== null) return { ok: false, message: inexact };
    return checkDecimal(d);
  }
  if (typeof raw === "string") {
    if (raw.startsWith("-") && DECIMAL_STRING.test(raw.slice(1))) return { ok: false, message: "must be ≥ 0" };
    if (!DECIMAL_STRING.test(raw)) return { ok: false, message: 'must be a number or a decimal string like "12.5"' };
    return checkDecimal(new Decimal(raw));
  }
  return { ok: false, message: "must be a number or a decimal string" };
}

function checkDecimal(d: Decimal): QuantityResult {
  if (!d.isFinite()) return { ok: false, message: "must be a finite number" };
  if (d.isNegative() && !d.isZero()) return { ok: false, message: "must be ≥ 0" };
  if (d.decimalPlaces() > MAX_QUANTITY_DECIMALS)
    return { ok: false, message: `at most ${MAX_QUANTITY_DECIMALS} decimal places` };
  if (d.abs().trunc().toFixed().length > MAX_INTEGER_DIGITS)
    return { ok: false, message: `at most ${MAX_INTEGER_DIGITS} digits before the decimal point` };
  return { ok: true, value: d.abs().toFixed() };
}

/** `n` ASCII digits of `s` from `at` as a number, or -1 if any is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let k = at; k < at + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

/**
 * Parses an RFC 3339 date-time with a mandatory offset — `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`,
 * `T`/`Z` in either case, 1–9 fraction digits — to epoch milliseconds (fraction truncated to
 * ms), or null. Scanned by hand: ingest parses one per event, and the regex with its capture
 * array was a per-batch cost in profiles (tests/unit/ingest-normalize.test.ts checks it against
 * the regex).
 */
export function parseRfc3339(raw: string): number | null {
  const len = raw.length;
  if (len < 20) return null;
  const t = raw.charCodeAt(10);
  if (raw[4] !== "-" || raw[7] !== "-" || (t !== 84 && t !== 116) || raw[13] !== ":" || raw[16] !== ":") return null;
  const y = digitsAt(raw, 0, 4);
  const mo = digitsAt(raw, 5, 2);
  const d = digitsAt(raw, 8, 2);
  const h = digitsAt(raw, 11, 2);
  const mi = digitsAt(raw, 14, 2);
  const s = digitsAt(raw, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return null;
  if (d > daysInMonth(y, mo - 1)) return null;
  let i = 19;
  let ms = 0;
  if (raw[i] === ".") {
    const from = ++i;
    while (i < len && i - from < 10 && digitsAt(raw, i, 1) >= 0) i++;
    const n = i - from;
    if (n < 1 || n > 9) return null;
    ms = digitsAt(raw, from, Math.min(n, 3)) * (n === 1 ? 100 : n === 2 ? 10 : 1);
  }
  let offsetMin = 0;
  const z = raw.charCodeAt(i);
  if (z === 90 || z === 122) {
    if (i + 1 !== len) return null;
  } else if ((z === 43 || z === 45) && i + 6 === len && raw[i + 3] === ":") {
    const oh = digitsAt(raw, i + 1, 2);
    const om = digitsAt(raw, i + 4, 2);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return null;
    offsetMin = (z === 45 ? -1 : 1) * (oh * 60 + om);
  } else {
    return null;
  }
  return utcMs(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
}

/** JSON with object keys sorted at every level, so equal payloads compare (and hash) equal. */
export function canonicalJson(value: unknown): string {
  return canonicalJsonWithin(value, Number.POSITIVE_INFINITY) as string;
}

/**
 * canonicalJson, or null when `value` nests arrays and objects more than `maxDepth` levels
 * deep. A request body can hold a value 500,000 levels deep, and recursing into it overflowed
 * the stack (a 500 for the whole batch); the bound stops before that.
 */
export function canonicalJsonWithin(value: unknown, maxDepth: number): string | null {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (maxDepth < 1) return null;
  const parts: string[] = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = canonicalJsonWithin(item, maxDepth - 1);
      if (text === null) return null;
      parts.push(text);
    }
    return `[${parts.join(",")}]`;
  }
  const obj = value as Record<string, unknown>;
  for (const k of Object.keys(obj).sort()) {
    const text = canonicalJsonWithin(obj[k], maxDepth - 1);
    if (text === null) return null;
    parts.push(`${JSON.stringify(k)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}

// One-shot hashing (Node ≥ 20.12) skips a Hash object per call: ingest derives a key for
// every event sent without one.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;

function sha256(parts: string[]): string {
  // A separator that cannot appear in JSON-escaped text keeps field boundaries unambiguous.
  const text = parts.join("\u0000");
  return oneShot ? oneShot("sha256", text, "base64url") : crypto.createHash("sha256").update(text).digest("base64url");
}

/** What an event says, normalized: every field but its key and `source`. */
export interface EventPayload {
  metric: string;
  customerRef: string;
  quantity: string;
  tsMs: number;
  resourceId: string | null;
  metaJson: string | null;
}

/**
 * Same idempotency key + different payload = conflict. The payload is every field but the
 * key and `source` (transport metadata), normalized: quantity, time in ms, canonical meta.
 */
export function samePayload(a: EventPayload, b: EventPayload): boolean {
  return (
    a.metric === b.metric &&
    a.customerRef === b.customerRef &&
    a.quantity === b.quantity &&
    a.tsMs === b.tsMs &&
    a.resourceId === b.resourceId &&
    a.metaJson === b.metaJson
  );
}

/** API.md: the key derived from tenant, metric, customerRef, resourceId, ts (ms) and quantity. */
export function deriveIdempotencyKey(tenantId: string, e: Omit<EventPayload, "metaJson">): string {
  return `drv_${sha256([tenantId, e.metric, e.customerRef, e.resourceId ?? "", String(e.tsMs), e.quantity])}`;
}

/** numeric text from Postgres ("1250.000000") → "1250"; "-0.500000" → "-0.5". */
export function formatDecimal(value: string): string {
  if (!value.includes(".")) return value === "-0" ? "0" : value;
  const trimmed = value.replace(/0+$/, "").replace(/\.$/, "");
  return trimmed === "-0" ? "0" : trimmed;
}

/** Byte-wise (UTF-8) order, the same as Postgres' COLLATE "C": the "last" tie-break. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // Below the surrogate range UTF-16 code units order like UTF-8 bytes; above, they may not.
    if (ca < 0xd800 && cb < 0xd800) return ca - cb;
    return Buffer.compare(Buffer.from(a.slice(i), "utf8"), Buffer.from(b.slice(i), "utf8"));
  }
  return a.length - b.length;
}
