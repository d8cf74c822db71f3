// Shared by the benchmarks: a database per run, `next start` under test, two load shapes
// (closed-loop saturation with autocannon here; open-loop paced requests in bench/paced.ts)
// and CPU accounting per process from /proc.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { embeddedUrl, startEmbeddedPostgres } from "../lib/db/embedded";
import { migrateDatabase } from "../lib/db/migrate";
import { serverNodeOptions } from "../lib/server/node-args";
import { type ClientStalls, type LoadResult, type RequestSpec, round2, WINDOW_SECONDS } from "./paced";

export { type ClientStalls, type LoadResult, paced, type RequestSpec } from "./paced";

export const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);

/**
 * Reuses an embedded Postgres already listening on `port` or starts one; (re)creates `dbName`,
 * migrated. `stop` drops it (unless BENCH_KEEP_DB=1) and stops a Postgres this call started.
 */
export async function startBenchDatabase(
  port: number,
  dbName: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  let stop = async () => {};
  let admin = new pg.Client({ connectionString: embeddedUrl(port, "postgres") });
  try {
    await admin.connect();
  } catch {
    admin = new pg.Client({ connectionString: embeddedUrl(port, "postgres") });
    const dataDir = path.resolve(process.env.SM_PG_DATA ?? path.join(".data", `pg-bench-${port}`));
    log(`starting embedded Postgres on ${port} (${dataDir})`);
    const started = await startEmbeddedPostgres({ port, dataDir, database: "postgres" });
    stop = started.stop;
    await admin.connect();
  }
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const url = embeddedUrl(port, dbName);
  await migrateDatabase(url);
  return {
    url,
    stop: async () => {
      await dropUnlessKept(port, dbName);
      await stop();
    },
  };
}

/**
 * The database goes when the run ends, not when the next one starts: dropping the 5 M rows of a
 * full run frees ~1.5 GB of files and page cache, and that work must not land in the next run's
 * first latency phase. BENCH_KEEP_DB=1 keeps it for inspection.
 */
async function dropUnlessKept(port: number, dbName: string): Promise<void> {
  if (process.env.BENCH_KEEP_DB === "1") return;
  await runSql(embeddedUrl(port, "postgres"), `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
}

/** Runs statements in turn on a connection of their own; the last one's rows. */
export async function runSql(url: string, ...statements: string[]): Promise<Array<Record<string, string>>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    let rows: Array<Record<string, string>> = [];
    for (const statement of statements) rows = (await c.query(statement)).rows;
    return rows;
  } finally {
    await c.end();
  }
}

/**
 * A copy of database `from` as `to` (CREATE DATABASE … TEMPLATE), dropped by `stop` unless
 * BENCH_KEEP_DB=1. The copy needs `from` without sessions: the caller closes its own first, and
 * any left are ended.
 */
export async function cloneBenchDatabase(
  port: number,
  from: string,
  to: string,
): Promise<{ url: string; stop: () => Promise<void> }> {
  // Database names are the benchmark's own constants, not input: safe to inline.
  await runSql(
    embeddedUrl(port, "postgres"),
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${from}'`,
    `DROP DATABASE IF EXISTS ${to} WITH (FORCE)`,
    `CREATE DATABASE ${to} TEMPLATE ${from}`,
  );
  return { url: embeddedUrl(port, to), stop: () => dropUnlessKept(port, to) };
}

export interface NextServer {
  child: ChildProcess;
  base: string;
  stop: () => Promise<void>;
}

/**
 * `next start` of an existing build (NEXT_DIST_DIR) in production mode, rate limiting off
 * (the benchmarks measure capacity, not the limiter), with the node flags `npm start` uses
 * (lib/server/node-args.ts; SM_SEMI_SPACE_MB and SM_V8_POOL_SIZE apply here too).
 * BENCH_SERVER_NODE_ARGS adds command-line flags, which node applies after NODE_OPTIONS: e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the server under load, or
 * `--max-semi-space-size=16` to compare with V8's default young generation.
 * BENCH_SERVER_STDOUT names a file for the server's stdout (ignored otherwise), e.g. to keep
 * what `--trace-gc-nvp` prints.
 */
export async function startNextServer(opts: {
  port: number;
  distDir: string;
  databaseUrl: string;
  appDir?: string;
  /** Polled until it answers 2xx (default /api/health). */
  readyPath?: string;
  /**
   * An experiment, not `next start`: the app's three hot routes on plain node:http
   * (bench/probes/hot-routes-server.ts), to measure what Next.js's request handling costs them.
   */
  bareHotRoutes?: boolean;
}): Promise<NextServer> {
  const appDir = path.resolve(opts.appDir ?? ".");
  const base = `http://127.0.0.1:${opts.port}`;
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const serverArgs = opts.bareHotRoutes
    ? ["--import", "tsx", path.resolve("bench/probes/hot-routes-server.ts"), String(opts.port)]
    : [nextBin(appDir), "start", "-p", String(opts.port)];
  const child = spawn(process.execPath, [...nodeArgs, ...serverArgs], {
    cwd: appDir,
    env: {
      ...process.env,
      NODE_OPTIONS: serverNodeOptions(),
      DATABASE_URL: opts.databaseUrl,
      NEXT_DIST_DIR: opts.distDir,
      NODE_ENV: "production",
      RATE_LIMIT_RPS: "0",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      NEXTAUTH_SECRET: "bench-only-secret-0123456789abcdef0123",
      NEXTAUTH_URL: base,
    },
    stdio: [
      "ignore",
      process.env.BENCH_SERVER_STDOUT ? openSync(process.env.BENCH_SERVER_STDOUT, "a") : "ignore",
      "inherit",
    ],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGINT");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}${opts.readyPath ?? "/api/health"}`)).ok) return { child, base, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`next start did not answer ${opts.readyPath ?? "/api/health"} within 60 s`);
}

/** The app's own Next.js, else this checkout's (bench/next-floor has no node_modules). */
function nextBin(appDir: string): string {
  const own = path.join(appDir, "node_modules", "next", "dist", "bin", "next");
  return existsSync(own) ? own : path.resolve("node_modules", "next", "dist", "bin", "next");
}

/**
 * The framework floor for latency targets: builds bench/next-floor — a bare Next.js app whose
 * one Pages API route runs one indexed SELECT through a pg pool, with no product code — and
 * starts it like the app under test. What it costs is what any route costs on this machine
 * before the product does anything.
 */
export async function startFloorServer(opts: { port: number; databaseUrl: string }): Promise<NextServer> {
  const appDir = path.resolve("bench", "next-floor");
  const distDir = ".next-floor";
  execFileSync(process.execPath, [nextBin(appDir), "build"], {
    cwd: appDir,
    env: { ...process.env, NEXT_DIST_DIR: distDir, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  return startNextServer({ ...opts, appDir, distDir, readyPath: "/api/probe?customerRef=none" });
}

// autocannon ships no types; this is the part of its API used here.
interface CannonResult {
  requests: { total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  latency: { p50: number; p90: number; p99: number; max: number };
}
type Autocannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/**
 * Closed loop: `connections` clients each send the next request as soon as the previous
 * answer arrives. Measures capacity (requests/s at saturation); its latencies are queueing.
 */
export async function saturate(spec: RequestSpec, connections: number, seconds: number): Promise<LoadResult> {
  let i = 0;
  const r = await autocannon({
    url: spec.url,
    connections,
    duration: seconds,
    headers: spec.headers,
    requests: [
      {
        method: spec.method,
        setupRequest: (req: Record<string, unknown>) =>
          spec.bodies ? { ...req, body: spec.bodies[i++ % spec.bodies.length] } : req,
      },
    ],
  });
  return {
    requests: r.requests.total,
    non2xx: r.non2xx,
    errors: r.errors + r.timeouts,
    seconds: r.duration,
    reqPerSec: r.requests.total / r.duration,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
  };
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;
  } catch {
    return 100;
  }
})();

export interface CpuSnapshot {
  server: number;
  /** CPU seconds per live `postgres` process id. */
  postgres: Map<string, number>;
  self: number;
}

/** CPU seconds (user + system) used so far by the server process, each `postgres` process and this one. */
export function cpuSnapshot(serverPid: number | undefined): CpuSnapshot {
  const cpuOf = (pid: string): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      return 0;
    }
  };
  const postgres = new Map<string, number>();
  try {
    for (const pid of readdirSync("/proc")) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") postgres.set(pid, cpuOf(pid));
      } catch {
        // exited meanwhile
      }
    }
  } catch {
    // no /proc: CPU accounting is unavailable, figures stay 0
  }
  const usage = process.cpuUsage();
  return { server: serverPid ? cpuOf(String(serverPid)) : 0, postgres, self: (usage.user + usage.system) / 1e6 };
}

/**
 * Postgres CPU seconds between two snapshots: processes alive at the end count from the
 * start (or from zero if they started meanwhile). A backend that exited meanwhile is lost,
 * so this is a lower bound — the benchmarks keep their pools' connections open.
 */
export function postgresCpuBetween(before: CpuSnapshot, after: CpuSnapshot): number {
  let total = 0;
  for (const [pid, cpu] of after.postgres) total += cpu - (before.postgres.get(pid) ?? 0);
  return total;
}

export interface CpuPerRequest {
  cpuMsPerRequest?: { server: number; postgres: number; loadGenerator: number };
}

/**
 * " — CPU ms/request: server …, Postgres …, load generator …" for a summary line, then the load
 * generator's own stalls for a paced run ("" without figures).
 */
export function formatCpu(r: CpuPerRequest & { client?: ClientStalls; windowP99?: number[] }): string {
  const c = r.cpuMsPerRequest;
  const cpu = c
    ? ` — CPU ms/request: server ${c.server}, Postgres ${c.postgres}, load generator ${c.loadGenerator}`
    : "";
  const s = r.client;
  const stalls = s
    ? ` — load generator's event-loop delay p99 ${s.loopDelayP99} ms, max ${s.loopDelayMax} ms; its GC ${s.gcCount} pauses, max ${s.gcMax} ms`
    : "";
  const windows = r.windowP99 ? ` — p99 per ${WINDOW_SECONDS} s: ${r.windowP99.join(" · ")} ms` : "";
  return windows + cpu + stalls;
}

/**
 * Runs `fn` and reports the CPU milliseconds per request that the server, Postgres and the
 * load generator (this process) spent on it. Backends that exit during the run are missed,
 * so the Postgres figure is a lower bound; the pool keeps its connections open.
 */
export async function withCpu<T extends LoadResult>(
  serverPid: number | undefined,
  fn: () => Promise<T>,
): Promise<T & { cpuMsPerRequest: { server: number; postgres: number; loadGenerator: number } }> {
  const before = cpuSnapshot(serverPid);
  const result = await fn();
  const after = cpuSnapshot(serverPid);
  const per = (a: number, b: number) => round2(((a - b) * 1000) / Math.max(1, result.requests));
  return {
    ...result,
    cpuMsPerRequest: {
      server: per(after.server, before.server),
      postgres: per(postgresCpuBetween(before, after), 0),
      loadGenerator: per(after.self, before.self),
    },
  };
}

/** 20 prices covering every model: per_unit, decimal, package, graduated, volume, flat fees. */
export function benchPriceFields(i: number): Record<string, unknown> {
  switch (i % 5) {
    case 0:
      return { currency: "usd", unit_amount: 2 };
    case 1:
      return { currency: "usd", unit_amount_decimal: "0.0375" };
    case 2:
      return { currency: "usd", unit_amount: 500, transform_quantity: { divide_by: 1000, round: "up" } };
    case 3:
      return {
        currency: "usd",
        billing_scheme: "tiered",
        tiers_mode: "graduated",
        tiers: [
          { up_to: 1000, flat_amount: 2000 },
          { up_to: 10000, unit_amount_decimal: "0.5" },
          { up_to: 100000, unit_amount_decimal: "0.25", flat_amount: 100 },
          { up_to: "inf", unit_amount_decimal: "0.1" },
        ],
      };
    default:
      return {
        currency: "usd",
        billing_scheme: "tiered",
        tiers_mode: "volume",
        tiers: [
          { up_to: 5000, unit_amount: 3 },
          { up_to: 50000, unit_amount: 2, flat_amount: 1000 },
          { up_to: "inf", unit_amount_decimal: "1.5" },
        ],
      };
  }
}

/** Busy share (0–1) of all CPUs over `ms`, from /proc/stat; null without /proc. */
async function machineBusy(ms: number): Promise<number | null> {
  const read = () => {
    const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = cpu[3] + (cpu[4] ?? 0); // idle + iowait
    return { idle, total: cpu.reduce((a, b) => a + b, 0) };
  };
  try {
    const a = read();
    await new Promise((r) => setTimeout(r, ms));
    const b = read();
    return b.total === a.total ? 0 : 1 - (b.idle - a.idle) / (b.total - a.total);
  } catch {
    return null;
  }
}

/**
 * Waits until the machine has been quiet (under 10 % busy over all cores) for 3 consecutive
 * seconds, at most `maxSeconds`, and says how long it waited. A run started while the page cache
 * still writes back a build, or an earlier run's Postgres drops its database, measured that work:
 * in session 15 the two runs started right after a build gave the two lowest batched figures.
 */
export async function waitForQuietMachine(
  maxSeconds = 120,
): Promise<{ waitedSeconds: number; lastBusy: number | null }> {
  const started = Date.now();
  let quiet = 0;
  let busy: number | null = null;
  while (Date.now() - started < maxSeconds * 1000) {
    busy = await machineBusy(1000);
    if (busy === null) break;
    quiet = busy < 0.1 ? quiet + 1 : 0;
    if (quiet >= 3) break;
  }
  const waitedSeconds = Math.round((Date.now() - started) / 1000);
  log(
    `machine quiet check: waited ${waitedSeconds} s, last second ${busy === null ? "unknown" : `${Math.round(busy * 100)} % busy`}${quiet >= 3 ? "" : " (gave up waiting)"}`,
  );
  return { waitedSeconds, lastBusy: busy };
}
