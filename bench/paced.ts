// The open-loop load shape: requests at a fixed rate, latency counted from each one's due time.
// It runs on a worker thread of its own (bench/paced-worker.ts): there its timers, sockets and
// latencies live in a small heap, and a collection of the orchestrating thread's large one (Prisma,
// pg, tsx's caches) cannot stop its clock. In session 17 a 22 ms pause of that heap delayed every
// request due during it.
import { appendFileSync } from "node:fs";
import http from "node:http";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";
import vm from "node:vm";
import { Worker } from "node:worker_threads";
import { type Done, HttpClientPool, serializeRequest } from "./http-client";

export interface LoadResult {
  requests: number;
  non2xx: number;
  errors: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** A paced run's start (epoch ms, the time its first request was due). */
  startedAtEpochMs?: number;
  /** The 20 slowest requests of a paced run: [seconds after the start it was due, latency ms], by time. */
  slowest?: Array<[number, number]>;
  /**
   * A paced run longer than one window: the p99 of each consecutive WINDOW_SECONDS of it, by due
   * time. It tells one stall (a single window over) from a steady tail (every window over).
   */
  windowP99?: number[];
  /** The load generator's own stalls during a paced run, which count against every latency above. */
  client?: ClientStalls;
}

export interface ClientStalls {
  /** Event-loop delay of this process (sampled every 10 ms): p99 and max, ms. */
  loopDelayP99: number;
  loopDelayMax: number;
  /** Garbage-collection pauses of this process: count, total and longest, ms. */
  gcCount: number;
  gcTotal: number;
  gcMax: number;
}

const LOOP_SAMPLE_MS = 10;

/** Watches this process's event-loop delay and GC pauses until the returned function is called. */
function watchClientStalls(): () => ClientStalls {
  // Sampled every 10 ms: a 1 ms timer cost this process ~13 ms of CPU per second, on the cores
  // the server needs, and a stall worth reporting is longer than 10 ms anyway.
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  let gcCount = 0;
  let gcTotal = 0;
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gcCount++;
      gcTotal += e.duration;
      gcMax = Math.max(gcMax, e.duration);
    }
  });
  gc.observe({ entryTypes: ["gc"] });
  loop.enable();
  return () => {
    loop.disable();
    gc.disconnect();
    return {
      // Node records the time between two samples, the interval included: the delay is the rest.
      loopDelayP99: round2(Math.max(0, loop.percentile(99) / 1e6 - LOOP_SAMPLE_MS)),
      loopDelayMax: round2(Math.max(0, loop.max / 1e6 - LOOP_SAMPLE_MS)),
      gcCount,
      gcTotal: round2(gcTotal),
      gcMax: round2(gcMax),
    };
  };
}

export interface RequestSpec {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** Request bodies, used in turn (each at most once if there are enough). */
  bodies?: string[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const round2 = (n: number) => Math.round(n * 100) / 100;

/** The window of the targets' own runs (BENCH_SECONDS' default). */
export const WINDOW_SECONDS = 15;

/** p99 of each whole WINDOW_SECONDS of a paced run's latencies (indexed by due time); undefined for one window. */
function windowP99s(latencies: Float64Array, rate: number): number[] | undefined {
  const size = Math.round(rate * WINDOW_SECONDS);
  if (latencies.length < 2 * size) return undefined;
  const out: number[] = [];
  for (let from = 0; from + size <= latencies.length; from += size) {
    out.push(round2(percentile(latencies.slice(from, from + size).sort(), 99)));
  }
  return out;
}

v8.setFlagsFromString("--expose-gc");
/**
 * A full collection of this process's heap, before each paced run: the orchestration (seeding,
 * Prisma, the pg pool, tsx's caches) leaves old-generation garbage, and a mark-compact of it
 * during a run stops the clock of every request in flight (a 23.6 ms pause in one of session
 * 16's runs). Collected up front, the run's own allocation (a few KB per request) is young.
 */
const collectGarbage = vm.runInNewContext("gc") as () => void;

/**
 * Open loop at a fixed rate: request i is due at start + i/rate whatever happened to the
 * others, and its latency counts from that due time, so a slow server cannot slow the
 * client down and hide its own delay (no coordinated omission).
 *
 * Why not `autocannon --overallRate`: it lets each connection send its whole per-second
 * quota back to back at the top of every second (a burst, then silence), and then adds
 * synthetic samples for every millisecond of each response. At "200 req/s" it measured a
 * database-free health route at p99 78 ms on an idle machine; paced evenly, the same
 * route answers in a few ms.
 */
export async function pacedHere(spec: RequestSpec, rate: number, seconds: number): Promise<LoadResult> {
  const client = process.env.BENCH_CLIENT === "node-http" ? nodeHttpSender(spec) : rawSender(spec);
  const total = Math.round(rate * seconds);
  const interval = 1000 / rate;
  const latencies = new Float64Array(total);
  let sent = 0;
  let done = 0;
  let non2xx = 0;
  let errors = 0;
  collectGarbage();
  const stopWatching = watchClientStalls();
  const start = performance.now() + 20;
  await new Promise<void>((resolve) => {
    const finishOne = (i: number, due: number, status: number | null) => {
      latencies[i] = performance.now() - due;
      if (status === null) errors++;
      else if (status >= 300) non2xx++;
      if (++done === total) resolve();
    };
    const fire = (i: number, due: number) => client.send(i, (status) => finishOne(i, due, status));
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        fire(sent, start + sent * interval);
        sent++;
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
    };
    setTimeout(tick, 20);
  });
  const stalls = stopWatching();
  client.close();
  dumpLatencies(latencies, start, interval);
  const elapsed = (performance.now() - start) / 1000;
  const sorted = latencies.slice().sort();
  const slowest = Array.from(latencies.keys())
    .sort((a, b) => latencies[b] - latencies[a])
    .slice(0, 20)
    .sort((a, b) => a - b)
    .map((i): [number, number] => [round2((i * interval) / 1000), round2(latencies[i])]);
  return {
    requests: total,
    non2xx,
    errors,
    seconds: round2(elapsed),
    reqPerSec: round2(total / elapsed),
    p50: round2(percentile(sorted, 50)),
    p90: round2(percentile(sorted, 90)),
    p99: round2(percentile(sorted, 99)),
    max: round2(sorted[sorted.length - 1] ?? 0),
    startedAtEpochMs: Math.round(performance.timeOrigin + start),
    slowest,
    windowP99: windowP99s(latencies, rate),
    client: stalls,
  };
}

/** Sends request i of a spec (its body i modulo the bodies) and reports its status, or null if it failed. */
interface Sender {
  send(i: number, done: Done): void;
  close(): void;
}

/** The default client (bench/http-client.ts): each request's bytes built once, written as is. */
function rawSender(spec: RequestSpec): Sender {
  const target = new URL(spec.url);
  const pool = new HttpClientPool(target.origin);
  const requests = (spec.bodies ?? [undefined]).map((body) =>
    serializeRequest({ method: spec.method, url: target, headers: spec.headers, body }),
  );
  return { send: (i, done) => pool.send(requests[i % requests.length], done), close: () => pool.destroy() };
}

/**
 * BENCH_CLIENT=node-http: Node's own http client, the paced client up to session 15, to compare
 * (it cost the load generator ~0.15 ms more CPU per request).
 */
function nodeHttpSender(spec: RequestSpec): Sender {
  const target = new URL(spec.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const send = (i: number, done: Done) => {
    const body = spec.bodies ? spec.bodies[i % spec.bodies.length] : undefined;
    const headers: Record<string, string | number> = { ...spec.headers };
    if (body !== undefined) headers["content-length"] = Buffer.byteLength(body);
    const path = target.pathname + target.search;
    const req = http.request(
      { agent, host: target.hostname, port: target.port, path, method: spec.method, headers },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on("end", () => done(status));
        res.on("error", () => done(null));
      },
    );
    req.on("error", () => done(null));
    req.end(body);
  };
  return { send, close: () => agent.destroy() };
}

/**
 * BENCH_LATENCY_DUMP=<file>: appends one line per request of every paced run, "<due> <latency>",
 * the due time in CLOCK_MONOTONIC milliseconds (the clock of `perf record -k CLOCK_MONOTONIC`
 * and of /proc samplers), to line slow requests up with what the machine was doing.
 */
function dumpLatencies(latencies: Float64Array, start: number, interval: number): void {
  const file = process.env.BENCH_LATENCY_DUMP;
  if (!file) return;
  const monoMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  const lines = Array.from(latencies, (l, i) => `${(monoMs + start + i * interval).toFixed(3)} ${l.toFixed(3)}`);
  appendFileSync(file, `${lines.join("\n")}\n`);
}

let worker: Worker | undefined;

/**
 * `pacedHere` on the load generator's worker thread (one for the whole benchmark, so its code
 * stays compiled from one run to the next); BENCH_PACED_IN_PROCESS=1 runs it on this thread.
 */
export async function paced(spec: RequestSpec, rate: number, seconds: number): Promise<LoadResult> {
  if (process.env.BENCH_PACED_IN_PROCESS === "1") return pacedHere(spec, rate, seconds);
  collectGarbage(); // this thread's heap, so that no collection of it runs alongside
  if (!worker) worker = startWorker();
  const w = worker;
  w.ref();
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      const fail = (err: Error) => {
        worker = undefined;
        reject(err);
      };
      w.once("error", fail);
      w.once("message", (result: LoadResult) => {
        w.off("error", fail);
        resolve(result);
      });
      w.postMessage([spec, rate, seconds]);
    });
  } finally {
    w.unref();
  }
}

function startWorker(): Worker {
  // Worker threads do not inherit tsx's loader: the worker registers it, then loads the TypeScript.
  const file = new URL("./paced-worker.ts", import.meta.url).href;
  const w = new Worker(
    `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(file)}); })`,
    { eval: true },
  );
  w.unref();
  return w;
}
