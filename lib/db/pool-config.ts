// Time limits shared by both of a process's Postgres pools (the hot paths' `pg` pool and
// Prisma's): without them a frozen or unreachable database made every request hang (one ingest
// waited 150 s, and SIGTERM could not finish either; ops audit 10).
import { millisFromEnv } from "@/lib/env-millis";

type Env = Record<string, string | undefined>;

export interface PoolTimeouts {
  /** Waiting for a connection: opening one, or a free one from a full pool (pg: 0 = forever). */
  connectionTimeoutMillis: number;
  /** Client side: a statement not answered in time fails (a frozen server included). */
  query_timeout?: number;
  /** Server side: Postgres cancels a statement running (or waiting for a lock) longer. */
  statement_timeout?: number;
  /** TCP keepalive: a connection to a vanished host is noticed. */
  keepAlive: true;
}

/**
 * `DB_CONNECT_TIMEOUT_MS` (default 10000) and `DB_QUERY_TIMEOUT_MS` (default 30000; `0` = no
 * limit, which the CLI uses: `counters verify` over millions of events runs longer).
 */
export function poolTimeouts(env: Env = process.env): PoolTimeouts {
  const connect = millisFromEnv(env, "DB_CONNECT_TIMEOUT_MS", 10_000);
  const query = millisFromEnv(env, "DB_QUERY_TIMEOUT_MS", 30_000);
  return {
    connectionTimeoutMillis: connect,
    ...(query > 0 ? { query_timeout: query, statement_timeout: query } : {}),
    keepAlive: true,
  };
}
