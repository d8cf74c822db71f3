// Node/V8 flags for the `next start` process, passed in NODE_OPTIONS (which, unlike the command
// line, outlives Next's renaming of its process, so they can be checked on the running server)
// by `npm start` and by the benchmarks, which so measure what ships.
import os from "node:os";

// A smaller young generation than V8's default (16 MB semi-spaces). Every request through
// Next's Pages API path gets accessor properties defined on `req` with per-request closures
// (apiResolver's lazy `cookies`, `previewData`, `preview`, `draftMode`). V8 allocates each
// accessor pair directly in the old generation (`Factory::NewAccessorPair`, AllocationType::kOld),
// and a scavenge treats every old-to-young pointer as a root: until the next mark-compact finds
// those pairs dead, their closures keep the whole request (req, res, headers, closure contexts)
// alive, and every scavenge copies and promotes all requests served since the one before
// (~11 KB each). A scavenge's pause is that copy, so it grows with the young generation:
// with 16 MB semi-spaces ~1.5 MB per scavenge and 4–11 ms pauses at 200 req/s, with 4 MB
// ~0.36 MB and 1.5–2 ms pauses, four times as often (docs/ingest.md, "Session 7").
export const DEFAULT_SEMI_SPACE_MB = 4;
const MAX_SEMI_SPACE_MB = 1024;

// V8's worker pool: half the cores, from 1 to 4. Node starts 4 workers whatever the machine,
// and V8 runs concurrent marking, parallel scavenges and sweeping on all of them. The old
// generation those promoted requests fill is marked every few seconds; on 2 cores, four
// marking threads plus the server's own thread took both cores from Postgres and the load
// for 100–250 ms, and every request in flight waited (perf record -a; docs/ingest.md,
// "Session 8"). With one worker the same marking leaves a core free.
const MAX_V8_POOL_SIZE = 64;
export function defaultV8PoolSize(cores: number = os.availableParallelism()): number {
  return Math.min(4, Math.max(1, Math.floor(cores / 2)));
}

type Env = Record<string, string | undefined>;

/** A whole number from 0 to `max` in `env[name]`, or undefined when unset or blank. */
function wholeNumber(env: Env, name: string, unit: string, max: number, zeroMeans: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > max) {
    throw new Error(`${name} must be a whole number of ${unit} from 1 to ${max}, or 0 for ${zeroMeans} (got "${raw}")`);
  }
  return Number(raw);
}

/**
 * The server's flags. `SM_SEMI_SPACE_MB`: unset → 4; `0` → V8's own sizing; otherwise 1–1024 (MB).
 * `SM_V8_POOL_SIZE`: unset → half of `cores`, 1 to 4; `0` → Node's default (4); otherwise 1–64.
 */
export function serverNodeArgs(env: Env = process.env, cores: number = os.availableParallelism()): string[] {
  const semiSpace =
    wholeNumber(env, "SM_SEMI_SPACE_MB", "megabytes", MAX_SEMI_SPACE_MB, "V8's own sizing") ?? DEFAULT_SEMI_SPACE_MB;
  const pool =
    wholeNumber(env, "SM_V8_POOL_SIZE", "threads", MAX_V8_POOL_SIZE, "Node's default") ?? defaultV8PoolSize(cores);
  return [
    ...(semiSpace === 0 ? [] : [`--max-semi-space-size=${semiSpace}`]),
    ...(pool === 0 ? [] : [`--v8-pool-size=${pool}`]),
  ];
}

/** NODE_OPTIONS for the server: the caller's own options, then the server's flags (the last of a flag wins). */
export function serverNodeOptions(env: Env = process.env, cores: number = os.availableParallelism()): string {
  return [env.NODE_OPTIONS?.trim(), ...serverNodeArgs(env, cores)].filter(Boolean).join(" ");
}
