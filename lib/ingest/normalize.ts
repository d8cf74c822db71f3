import * as crypto from "node:crypto";
import { Dec as Decimal } from "@/lib/ingest/decimal";

export const MAX_QUANTITY_DECIMALS = 6;
// numeric(38, 6): at most 32 digits before the decimal point.
const MAX_INTEGER_DIGITS = 32;
const DECIMAL_STRING = /^\d+(\.\d+)?$/;

export type QuantityResult = { ok: true; value: string } | { ok: false; message: string };

/** A JSON number or decimal string → the exact, normalized decimal string ("1.5", "100"). */
export function normalizeQuantity(raw: unknown): QuantityResult {
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return { ok: false, message: "must be a finite number" };
    if (raw < 0) return { ok: false, message: "must be ≥ 0" };
    if (Number.isSafeInteger(raw)) return { ok: true, value: String(raw) };
    return checkDecimal(new Decimal(String(raw)));
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

// RFC 3339 date-time: full date, "T", time with optional fraction, and a mandatory offset.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp with offset to epoch milliseconds (fraction truncated to ms), or null. */
export function parseRfc3339(raw: string): number | null {
  const m = RFC3339.exec(raw);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
  if (d > monthDays) return null;
  let offsetMin = 0;
  const off = m[8];
  if (off !== "Z" && off !== "z") {
    const oh = Number(off.slice(1, 3));
    const om = Number(off.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMin = (off[0] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Number(m[7].slice(1, 4).padEnd(3, "0")) : 0;
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000;
}

/** JSON with object keys sorted at every level, so equal payloads hash equally. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
}

// One-shot hashing (Node ≥ 20.12) skips a Hash object per call: ingest hashes every event.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: "base64url") => string }).hash;

function sha256(parts: string[]): string {
  // A separator that cannot appear in JSON-escaped text keeps field boundaries unambiguous.
  const text = parts.join("\u0000");
  return oneShot ? oneShot("sha256", text, "base64url") : crypto.createHash("sha256").update(text).digest("base64url");
}

export interface HashableEvent {
  metric: string;
  customerRef: string;
  quantity: string;
  tsMs: number;
  resourceId: string | null;
  metaJson: string | null;
}

/** Same idempotency key + different hash = conflict. `source` is transport metadata, not payload. */
export function payloadHash(e: HashableEvent): string {
  return sha256([e.metric, e.customerRef, e.quantity, String(e.tsMs), e.resourceId ?? "", e.metaJson ?? ""]);
}

/** API.md: the key derived from tenant, metric, customerRef, resourceId, ts (ms) and quantity. */
export function deriveIdempotencyKey(tenantId: string, e: Omit<HashableEvent, "metaJson">): string {
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
