// Where the CPU went, 100 ms at a time, during a paced run: the server, Postgres (all its
// processes), the load generator, and the whole machine. A latency phase's p99 is decided by a
// few stalls of 100–250 ms (docs/ingest.md); this tells which process was busy in them. Sampled
// by a child process, so the sampling's reads of /proc never block the load generator's loop.
import { spawn } from "node:child_process";

/** [ms since the run's start, server, Postgres, load generator (CPU ms in the interval), machine busy %, iowait %]. */
export type CpuSample = [number, number, number, number, number, number];

const SAMPLER = String.raw`
const fs = require("node:fs");
const [serverPid, lgPid, everyMs] = process.argv.slice(1).map(Number);
// schedstat's first field: ns on a CPU (exact, where /proc/<pid>/stat counts 10 ms ticks), per
// thread: a Node process's GC helpers and worker threads are tasks of their own.
const threadMs = (path) => { try { return Number(fs.readFileSync(path, "utf8").split(" ")[0]) / 1e6; } catch { return 0; } };
const onCpu = (pid) => { try { return fs.readdirSync("/proc/" + pid + "/task").reduce((ms, t) => ms + threadMs("/proc/" + pid + "/task/" + t + "/schedstat"), 0); } catch { return 0; } };
const postgresPids = () => fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && (() => { try { return fs.readFileSync("/proc/" + p + "/comm", "utf8").trim() === "postgres"; } catch { return false; } })());
const machine = () => fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
let pids = postgresPids();
let prev = null;
const sample = () => {
  if (prev && prev.n % 10 === 0) pids = postgresPids();
  const pg = new Map(pids.map((p) => [p, onCpu(p)]));
  const now = { n: prev ? prev.n + 1 : 0, t: performance.timeOrigin + performance.now(), server: onCpu(serverPid), lg: onCpu(lgPid), pg, m: machine() };
  if (prev) {
    let pgMs = 0;
    for (const [p, ms] of pg) pgMs += ms - (prev.pg.get(p) ?? ms);
    const d = now.m.map((v, i) => v - (prev.m[i] ?? 0));
    const total = d.reduce((a, b) => a + b, 0) || 1;
    const idle = d[3] + (d[4] ?? 0);
    process.stdout.write(JSON.stringify([now.t, now.server - prev.server, pgMs, now.lg - prev.lg, 100 * (1 - idle / total), 100 * (d[4] ?? 0) / total]) + "\n");
  }
  prev = now;
};
sample();
setInterval(sample, everyMs);
`;

export interface CpuTimeline {
  /** Stops the sampler; the samples from `fromEpochMs` on, their times relative to it. */
  stop(fromEpochMs: number): Promise<CpuSample[]>;
}

/** Starts sampling every `everyMs` ms; `stop` ends it. Without /proc it yields no samples. */
export function startCpuTimeline(serverPid: number | undefined, everyMs = 100): CpuTimeline {
  const child = spawn(process.execPath, ["-e", SAMPLER, String(serverPid ?? 0), String(process.pid), String(everyMs)], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    async stop(fromEpochMs) {
      child.kill();
      await exited;
      const round = (n: number) => Math.round(n * 10) / 10;
      return out
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line) as number[])
        .filter(([t]) => t >= fromEpochMs)
        .map(([t, ...rest]) => [Math.round(t - fromEpochMs), ...rest.map(round)] as CpuSample);
    },
  };
}

/**
 * The samples covering the worst stall of a paced run: from 300 ms before the slowest request
 * was due to 100 ms after it answered.
 */
export function aroundSlowest(samples: CpuSample[], slowest: Array<[number, number]> | undefined): CpuSample[] {
  if (!slowest || slowest.length === 0) return [];
  const [dueSeconds, latencyMs] = slowest.reduce((a, b) => (b[1] > a[1] ? b : a));
  const from = dueSeconds * 1000 - 300;
  const to = dueSeconds * 1000 + latencyMs + 100;
  return samples.filter(([t]) => t >= from && t <= to);
}
