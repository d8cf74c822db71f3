import { isUtf8 } from "node:buffer";
import type { z } from "zod";
import { ApiError, validationError } from "./errors";

export const DEFAULT_BODY_LIMIT = 1024 * 1024; // 1 MiB (API.md)

/** Reads the body as text with a hard byte limit, without trusting content-length. */
export async function readBodyText(req: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<string> {
  return (await readBodyBytes(req, maxBytes)).toString("utf8");
}

async function readBodyBytes(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Requests whose body is already in memory (withBufferedBody, lib/api/pages-route.ts). */
const inMemory = new WeakSet<Request>();

/** Whether reading `req`'s body still waits on the client. */
export function bodyPending(req: Request): boolean {
  return req.body !== null && !inMemory.has(req);
}

export function markBodyInMemory(req: Request): Request {
  inMemory.add(req);
  return req;
}

/**
 * The request with its whole body received (within the limit, else 413), for the wrappers to
 * call before they decide who may act. Checked first and acted on after a body the client
 * could hold back at will, a key revoked or a member removed meanwhile still acted (an
 * admin removed mid-upload created an admin API key).
 */
export async function withBufferedBody(req: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<Request> {
  if (!bodyPending(req)) return req;
  const body = await readBodyBytes(req, maxBytes);
  return markBodyInMemory(
    new Request(req.url, { method: req.method, headers: req.headers, body: body as Uint8Array<ArrayBuffer> }),
  );
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError({ code: "payload_too_large", message: `Request body exceeds ${maxBytes} bytes.` });
}

export async function readJson(req: Request, maxBytes = DEFAULT_BODY_LIMIT): Promise<unknown> {
  return (await readJsonWithText(req, maxBytes)).value;
}

/** readJson, also returning the body's text (for checks JSON.parse's values cannot answer). */
export async function readJsonWithText(
  req: Request,
  maxBytes = DEFAULT_BODY_LIMIT,
): Promise<{ value: unknown; text: string }> {
  const bytes = await readBodyBytes(req, maxBytes);
  // JSON between systems is UTF-8 (RFC 8259 §8.1). Decoded leniently, every invalid byte
  // became U+FFFD, so two different customer refs or keys were stored as one.
  if (!isUtf8(bytes)) throw new ApiError({ code: "invalid_json", message: "Request body is not valid UTF-8." });
  const text = bytes.toString("utf8");
  if (text.trim() === "")
    throw new ApiError({ code: "invalid_json", message: "Request body is empty; expected JSON." });
  try {
    return { value: JSON.parse(text), text };
  } catch {
    throw new ApiError({ code: "invalid_json", message: "Request body is not valid JSON." });
  }
}

/**
 * Why Postgres cannot store `s` as given, or null. text and jsonb refuse U+0000. An unpaired
 * surrogate is not Unicode at all: jsonb refuses it, and text would silently store U+FFFD in
 * its place, so two different keys or customer refs would become one.
 */
export function unstorableText(s: string): string | null {
  if (s.includes("\u0000")) return "must not contain U+0000";
  if (!s.isWellFormed()) return "must be valid Unicode (no unpaired surrogate)";
  return null;
}

// No API body nests anywhere near this deep; a 1 MiB body can nest ~500,000 levels, and
// walking that recursively overflowed the stack (a 500). Ingest's meta is bounded the same way
// (lib/ingest/validate-event.ts: each level costs at least 2 of its 4,096 bytes).
export const MAX_JSON_DEPTH = 2048;

/**
 * The first string (value or key) in `value` that Postgres cannot store (see unstorableText):
 * its path and the reason, or null. Such input is refused at the edge with a 422 instead of
 * failing in the database with a 500 or being stored altered. A value nested deeper than
 * MAX_JSON_DEPTH levels is refused too, at the first level past it.
 */
export function findUnstorable(value: unknown, path = "", depth = 0): { path: string; message: string } | null {
  if (typeof value === "string") {
    const message = unstorableText(value);
    return message === null ? null : { path, message };
  }
  if (typeof value !== "object" || value === null) return null;
  if (depth >= MAX_JSON_DEPTH) {
    // The path itself is thousands of "[0]"s: its start says where.
    return { path: `${path.slice(0, 40)}…`, message: `must not nest more than ${MAX_JSON_DEPTH} levels deep` };
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUnstorable(value[i], `${path}[${i}]`, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    const message = unstorableText(k);
    if (message !== null) return { path: at, message };
    const found = findUnstorable(v, at, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/** 422 if any string in `input` cannot be stored as given (see findUnstorable). */
export function refuseUnstorable(input: unknown): void {
  const found = findUnstorable(input);
  if (found !== null) {
    throw new ApiError({
      code: "validation_failed",
      message: `${found.path || "body"}: ${found.message}`,
      details: [{ path: found.path, message: found.message }],
    });
  }
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  refuseUnstorable(input);
  const result = schema.safeParse(input);
  if (!result.success) throw validationError(result.error);
  return result.data;
}

/** Parses the JSON body with a zod schema (422 with paths on failure). */
export async function parseBody<S extends z.ZodType>(req: Request, schema: S, maxBytes?: number): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(req, maxBytes));
}

/**
 * Parses the query string with a zod schema. A parameter given twice (`?customerRef=a&customerRef=b`)
 * is refused: no parameter takes a list, and which of the two applies would be a guess.
 */
export function parseQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const params = new Map<string, string>();
  for (const [k, v] of new URL(req.url).searchParams) {
    if (params.has(k)) {
      throw new ApiError({
        code: "validation_failed",
        message: `${k}: given more than once`,
        details: [{ path: k, message: "given more than once" }],
      });
    }
    params.set(k, v);
  }
  return parseWith(schema, Object.fromEntries(params));
}

/** API.md: a tenantId in body or query is optional, but must be the caller's own. */
export function assertOwnTenant(tenantId: string, claimed: unknown): void {
  if (claimed !== undefined && claimed !== null && claimed !== tenantId) {
    throw new ApiError({ code: "forbidden", message: "tenantId does not match the API key's tenant." });
  }
}
