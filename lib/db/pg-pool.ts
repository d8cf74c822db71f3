import pg from "pg";
import { poolTimeouts } from "./pool-config";

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
      // A statement is sent without waiting for the previous one's answer; withPgTransaction
      // uses it to save round trips. Postgres answers in order; pg matches the answers up.
      pipeline: true,
      // Bounded waits (lib/db/pool-config.ts). A statement timing out on a pipelining connection
      // destroys that connection, so no later answer can be matched to the wrong statement.
      ...poolTimeouts(),
    });
    // An idle client losing its connection must not crash the process.
    pool.on("error", () => {});
    globalForPg.__smPgPool = pool;
  }
  return globalForPg.__smPgPool;
}

export type PgClient = pg.PoolClient;

/** Inside withPgTransaction: statements whose answers the transaction does not need. */
export interface PgTransaction {
  /**
   * Sends a statement without waiting for its answer; the COMMIT follows it in the same round
   * trip. If it fails, the transaction fails with its error and nothing commits.
   */
  send(query: pg.QueryConfig): void;
}

const ignore = () => {};

/**
 * Runs `fn` in one READ COMMITTED transaction; commits before resolving. `begin` replaces
 * the plain BEGIN, e.g. to take a lock in the same statement (simple protocol, no parameters).
 *
 * The pool's connections pipeline (`pipeline: true` above): BEGIN goes out with `fn`'s first
 * statement, and COMMIT with the statements `fn` sent through `tx.send`: a transaction whose
 * only awaited statement is its first waits for 2 round trips (a new single-event ingest).
 * Postgres still runs the statements one after another, in the order they were sent; only the
 * waiting between them is gone. Once one of
 * them fails, Postgres refuses the rest ("current transaction is aborted") and turns the COMMIT
 * into a ROLLBACK; the error thrown is the first statement's own, so a deadlock (40P01) is seen
 * as one by the callers that retry it. A ROLLBACK is sent only if the COMMIT was not answered.
 */
export async function withPgTransaction<T>(
  fn: (client: PgClient, tx: PgTransaction) => Promise<T>,
  opts: { begin?: string } = {},
): Promise<T> {
  const client = await getPgPool().connect();
  // A checked-out client whose connection drops emits "error"; unheard, it was an
  // uncaughtException (the statements in flight fail with it anyway, and are handled here).
  client.on("error", ignore);
  let broken = false;
  // In the order they were sent, which is the order Postgres answers them.
  const sent: Array<Promise<unknown>> = [];
  const track = <R>(answer: Promise<R>): Promise<R> => {
    answer.catch(ignore); // awaited below; a failure must not surface as unhandled meanwhile
    sent.push(answer);
    return answer;
  };
  const coalesce = coalesceWrites(client);
  // Once Postgres has answered the COMMIT, the transaction is over (committed, or rolled back
  // after a failed statement): no ROLLBACK round trip is needed.
  let ended = false;
  try {
    coalesce();
    track(client.query(opts.begin ?? "BEGIN"));
    let result: T;
    try {
      result = await fn(client, {
        send: (query) => {
          coalesce();
          track(client.query(query));
        },
      });
    } catch (err) {
      throw (await firstFailure(sent)) ?? err;
    }
    const commit = track(client.query("COMMIT"));
    const failure = await firstFailure(sent);
    // Every answer is in, the COMMIT's too. Answered (as COMMIT, or as ROLLBACK after a failed
    // statement), it ended the transaction; an error instead (e.g. the connection dropped) leaves
    // the ROLLBACK below to find out whether the connection can still be used.
    ended = await commit.then(
      () => true,
      () => false,
    );
    if (failure !== undefined) throw failure;
    // Without a failed statement the COMMIT commits; anything else must not pass as success.
    const tag = (await commit).command;
    if (tag !== "COMMIT") throw new Error(`transaction ended with ${tag} instead of COMMIT`);
    return result;
  } catch (err) {
    if (!ended) {
      await client.query("ROLLBACK").catch(() => {
        broken = true; // the connection is gone or unusable: the pool must not hand it out again
      });
    }
    throw err;
  } finally {
    client.off("error", ignore);
    client.release(broken);
  }
}

/**
 * Returns a function that holds the connection's outgoing bytes until the current burst of
 * synchronous code and promise continuations has run (process.nextTick runs after them), so the
 * statements it sends leave in one write: the BEGIN with `fn`'s first statement, and the
 * statements sent through `tx.send` with the COMMIT. pg writes each extended-protocol statement
 * with a write of its own (it corks and uncorks the socket around it, which nests inside this
 * cork), and on this VM each write to a socket cost ~70 µs of server CPU: a quarter of a single
 * event's server time was `writev` (CPU profile, session 16). Nothing waits on a held write: a
 * statement whose answer is awaited ends the burst, and the tick flushes it.
 */
function coalesceWrites(client: PgClient): () => void {
  const stream = (client as unknown as { connection?: { stream?: { cork?(): void; uncork?(): void } } }).connection
    ?.stream;
  let held = false;
  const release = () => {
    held = false;
    stream?.uncork?.();
  };
  return () => {
    if (held || !stream?.cork) return;
    held = true;
    stream.cork();
    process.nextTick(release);
  };
}

/** Postgres' answer to every statement after a failed one in the same transaction. */
const IN_FAILED_TRANSACTION = "25P02";

/**
 * Once all have been answered, the error of the first of these statements that failed by
 * itself; the ones refused after it ("current transaction is aborted") are never the cause.
 */
async function firstFailure(answers: Array<Promise<unknown>>): Promise<unknown> {
  for (const settled of await Promise.allSettled(answers)) {
    if (settled.status === "rejected" && (settled.reason as { code?: string }).code !== IN_FAILED_TRANSACTION) {
      return settled.reason;
    }
  }
  return undefined;
}
