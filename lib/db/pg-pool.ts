import pg from "pg";

// A plain `pg` pool for the hot paths (ingest, usage reads): multi-row `unnest` statements
// through it cost far less per call than going through the Prisma adapter.
const globalForPg = globalThis as unknown as { __smPgPool?: pg.Pool };

export function getPgPool(): pg.Pool {
  if (!globalForPg.__smPgPool) {
    const connectionString = process.env.DATABASE_URL;
    if (!connectionString) throw new Error("DATABASE_URL is not set (start the app with `npm run dev` or `npm start`)");
    const pool = new pg.Pool({
      connectionString,
      max: Number(process.env.DB_POOL_SIZE ?? 10),
      // The hot paths use named (prepared) statements, cached per connection. A migration that
      // changes a table under a running server makes such a cached plan fail ("cached plan
      // must not change result type"); retiring connections after a while bounds how long.
      // Restarting the app after migrating avoids it entirely.
      maxLifetimeSeconds: Number(process.env.DB_CONN_LIFETIME_SECONDS ?? 300),
      // pg closes a connection after 10 s idle by default. A server that paused for longer
      // then opened connections under its next burst (authentication, a new backend, every
      // prepared statement parsed again), and the requests queued behind them: 50–110 ms
      // each for the first ~100 single-event ingests after a 25 s pause (bench/ingest.ts).
      // Idle connections cost Postgres little; keep them until they retire.
      idleTimeoutMillis: Number(process.env.DB_IDLE_TIMEOUT_MS ?? 300_000),
    });
    // An idle client losing its connection must not crash the process.
    pool.on("error", () => {});
    globalForPg.__smPgPool = pool;
  }
  return globalForPg.__smPgPool;
}

export type PgClient = pg.PoolClient;

/**
 * Runs `fn` in one READ COMMITTED transaction; commits before resolving. `begin` replaces
 * the plain BEGIN, e.g. to take a lock in the same round trip (simple protocol, no parameters).
 */
export async function withPgTransaction<T>(
  fn: (client: PgClient) => Promise<T>,
  opts: { begin?: string } = {},
): Promise<T> {
  const client = await getPgPool().connect();
  try {
    await client.query(opts.begin ?? "BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
