// Errors that mean "the database cannot answer right now" (down, restarting, out of connections,
// too slow), as opposed to a bug: the API answers them 503 `unavailable` with Retry-After, so a
// client retries (every write is idempotent) instead of treating them as a 500 (ops audit 10).

// SQLSTATE codes: connection exceptions (08000, 08001, 08003, 08004, 08006, 08007; not 08P01,
// protocol_violation, which is a bug such as a wrong parameter count); 53300 too_many_connections;
// 57P01–57P03 admin/crash shutdown, cannot connect now; 57014 query_canceled (statement_timeout).
const PG_CODES = /^(0800[013467]|53300|57P0[1-3]|57014)$/;
// Node's socket errors, on connecting or on a connection that drops.
const NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "EAI_AGAIN",
]);
// Prisma: can't reach the server, timed out, server closed the connection, pool timeout.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
// pg's own messages: pool wait or connect timed out, statement not answered, connection lost.
const MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Connection ended unexpectedly|Client has encountered a connection error/i;

/** Whether `err` (or an error it wraps, through `cause`) says the database is unavailable. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown; meta?: unknown };
  // Prisma's raw-query failure (P2010) carries Postgres' code in `meta.code`.
  const metaCode = e.meta && typeof e.meta === "object" ? (e.meta as { code?: unknown }).code : undefined;
  for (const code of [e.code, e.originalCode, metaCode]) {
    if (typeof code === "string" && (PG_CODES.test(code) || NODE_CODES.has(code) || PRISMA_CODES.has(code))) {
      return true;
    }
  }
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
