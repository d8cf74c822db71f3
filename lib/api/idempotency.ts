import "server-only";
import { getPgPool, type PgClient } from "@/lib/db/pg-pool";
import { ApiError } from "./errors";

/**
 * The Idempotency-Key of the create endpoints (POST /api/v1/meters, /prices, /adjustments), as
 * Stripe does it: the first request with a key creates the object, and the 201 body it answers
 * is stored with the key in the same transaction (table idempotency_keys). A retry with the same
 * key and the same request gets that stored body again (`replayed`), even if the object has
 * changed since; the same key with another request, or on another endpoint, is a 409. A request
 * that fails stores nothing (its transaction rolls back), so the key stays free for a corrected
 * retry. Keys are per tenant and do not expire.
 */
export interface IdempotentCreate {
  tenantId: string;
  /** The Idempotency-Key header (idempotencyKeyOf); undefined: every request creates. */
  key: string | undefined;
  /** The endpoint the key is used on, e.g. "POST /api/v1/meters". */
  endpoint: string;
  /** What the endpoint creates, for the 409's message ("meter"). */
  noun: string;
  /**
   * What the request asks for, normalized and validated (defaults filled in, amounts in one
   * canonical form): two requests asking for the same object have equal ones. Compared as
   * canonical JSON (object keys sorted).
   */
  request: unknown;
}

/** Runs one statement in the creating transaction, whatever its client (pgSql, prismaSql). */
export type SqlExec = (text: string, values: unknown[]) => Promise<unknown>;

/** Stores the answer with the key; the creator calls it inside its transaction, last. */
export type Remember<T> = (exec: SqlExec, response: T) => Promise<void>;

export const pgSql =
  (client: PgClient): SqlExec =>
  (text, values) =>
    client.query(text, values);

export const prismaSql =
  (tx: { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> }): SqlExec =>
  (text, values) =>
    tx.$executeRawUnsafe(text, ...values);

/**
 * Runs `create` unless `req.key` already has an answer: then that answer, replayed. `create`
 * must call `remember` in the transaction that creates the object, after creating it. Two
 * requests with one key racing: the one committing second fails (on the key, or on the object's
 * own uniqueness first) and rolls back, and then answers the first one's stored answer.
 */
export async function createOnce<T>(
  req: IdempotentCreate,
  create: (remember: Remember<T>) => Promise<T>,
): Promise<{ result: T; replayed: boolean }> {
  const { key } = req;
  if (key === undefined) return { result: await create(async () => {}), replayed: false };
  const fingerprint = canonicalJson(req.request);
  const earlier = await storedAnswer<T>(req, key, fingerprint);
  if (earlier !== null) return { result: earlier, replayed: true };
  let remembered = false;
  try {
    const result = await create(async (exec, response) => {
      await exec(
        `INSERT INTO idempotency_keys (tenant_id, key, endpoint, request_fingerprint, response)
         VALUES ($1, $2, $3, $4, $5)`,
        [req.tenantId, key, req.endpoint, fingerprint, JSON.stringify(response)],
      );
      remembered = true;
    });
    if (!remembered) throw new Error(`${req.endpoint}: created without remembering its Idempotency-Key`);
    return { result, replayed: false };
  } catch (err) {
    // Rolled back. A request with the same key that committed meanwhile holds the answer.
    let raced: T | null;
    try {
      raced = await storedAnswer<T>(req, key, fingerprint);
    } catch (lookupErr) {
      if (lookupErr instanceof ApiError) throw lookupErr; // the key's 409
      throw err; // e.g. the database is down: the request's own error says so
    }
    if (raced !== null) return { result: raced, replayed: true };
    throw err;
  }
}

/** The answer stored under the key, if any; a 409 when it was stored for another request. */
async function storedAnswer<T>(req: IdempotentCreate, key: string, fingerprint: string): Promise<T | null> {
  const { rows } = await getPgPool().query<{ endpoint: string; request_fingerprint: string; response: string }>(
    "SELECT endpoint, request_fingerprint, response FROM idempotency_keys WHERE tenant_id = $1 AND key = $2",
    [req.tenantId, key],
  );
  if (rows.length === 0) return null;
  const stored = rows[0];
  if (stored.endpoint !== req.endpoint) {
    throw new ApiError({
      code: "conflict",
      message: `Idempotency-Key "${key}" was already used for ${stored.endpoint}; use a new key for a new request.`,
    });
  }
  const response = JSON.parse(stored.response) as T;
  if (stored.request_fingerprint !== fingerprint) {
    const id = (response as { id?: unknown }).id;
    throw new ApiError({
      code: "conflict",
      message: `Idempotency-Key "${key}" was already used for a different ${req.noun}${typeof id === "string" ? ` (${id})` : ""}; use a new key for a new ${req.noun}.`,
    });
  }
  return response;
}

/** The 201 of a create endpoint; a replay is marked `Idempotent-Replayed: true`, as Stripe does. */
export function createdResponse<T>({ result, replayed }: { result: T; replayed: boolean }): Response {
  return Response.json(result, { status: 201, headers: replayed ? { "idempotent-replayed": "true" } : {} });
}

/** JSON with object keys sorted (arrays keep their order; undefined members are left out). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
