// Attribution probe for latency tails: preload it into the server under a benchmark.
//
//   BENCH_PHASES=single BENCH_LEDGER_ROWS=0 \
//   BENCH_SERVER_NODE_ARGS="-r ./bench/probes/query-timing.cjs" npm run bench:ingest
//
// Times every `pg` query from call to result (Postgres time plus any wait of the server's own
// event loop) and every GC pause, and when the server stops writes to
// $PROBE_OUT (default /tmp/query-timing-<pid>.txt), for the last PROBE_WINDOW_SECONDS (default
// 16: the last phase and its warm-up): percentiles per statement, GC pauses by kind, and every
// query slower than PROBE_SLOW_MS (default 10) with the GC pauses that overlapped it — so a
// slow request can be told apart as a COMMIT waiting for the WAL flush, a pause of the server
// thread, or everything stalling at once.
//
// Product code never loads this file.
const { PerformanceObserver, performance } = require("node:perf_hooks");
const { writeFileSync } = require("node:fs");

const pg = require(require.resolve("pg", { paths: [process.cwd()] }));
const windowMs = Number(process.env.PROBE_WINDOW_SECONDS ?? 16) * 1000;
const slowMs = Number(process.env.PROBE_SLOW_MS ?? 10);
const out = process.env.PROBE_OUT ?? `/tmp/query-timing-${process.pid}.txt`;

/** [start ms, statement, duration ms] */
const queries = [];
/** [start ms, kind, duration ms] */
const pauses = [];
const GC_KINDS = { 1: "scavenge", 2: "minor-mark-sweep", 4: "mark-compact", 8: "incremental", 16: "weak-callbacks" };

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function timedQuery(config, values, callback) {
  const name = typeof config === "string" ? config : (config?.name ?? String(config?.text));
  const start = performance.now();
  const result = query.call(this, config, values, callback);
  if (result && typeof result.then === "function") {
    result.then(
      () => queries.push([start, name.replace(/\s+/g, " ").slice(0, 40), performance.now() - start]),
      () => {},
    );
  }
  return result;
};

new PerformanceObserver((list) => {
  for (const e of list.getEntries()) pauses.push([e.startTime, GC_KINDS[e.detail?.kind] ?? "other", e.duration]);
}).observe({ entryTypes: ["gc"] });

/** [start ms, "loop", ms]: stretches longer than BLOCK_MS when the event loop ran no timer. */
const blocks = [];
const BLOCK_MS = 15;
let lastTick = performance.now();
setInterval(() => {
  const now = performance.now();
  if (now - lastTick > BLOCK_MS) blocks.push([lastTick, "loop", now - lastTick]);
  lastTick = now;
}, 2).unref();

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Durations of [start, label, ms] rows started at or after `from`, sorted, by label. */
function durationsSince(rows, from) {
  const byLabel = new Map();
  for (const [start, label, ms] of rows) {
    if (start < from) continue;
    if (!byLabel.has(label)) byLabel.set(label, []);
    byLabel.get(label).push(ms);
  }
  for (const all of byLabel.values()) all.sort((a, b) => a - b);
  return byLabel;
}

/** "offset duration [label] [offset kind ms]…": a stretch of time and the GC pauses that overlapped it. */
function stretchLine(from, start, ms, label) {
  const overlapping = pauses
    .filter(([s, , d]) => s + d >= start && s <= start + ms)
    .map(([s, kind, d]) => `[${(s - from).toFixed(0)} ${kind} ${d.toFixed(1)}]`);
  const head = [(start - from).toFixed(0).padStart(7), ms.toFixed(1).padStart(6)];
  return [...head, ...(label === undefined ? [] : [label]), overlapping.join(" ")].join(" ");
}

function summarize() {
  const from = performance.now() - windowMs;
  const lines = [
    `last ${windowMs / 1000} s before the server stopped, from ${new Date(Date.now() - windowMs).toISOString()} (ms)`,
  ];
  for (const [name, all] of durationsSince(queries, from)) {
    lines.push(
      `${name.padEnd(42)} n=${all.length} p50=${percentile(all, 0.5).toFixed(1)} p99=${percentile(all, 0.99).toFixed(1)} ` +
        `max=${all[all.length - 1].toFixed(1)} >${slowMs}=${all.filter((ms) => ms > slowMs).length}`,
    );
  }
  for (const [kind, all] of durationsSince(pauses, from)) {
    const total = all.reduce((a, b) => a + b, 0);
    lines.push(
      `GC ${kind.padEnd(39)} n=${all.length} p50=${percentile(all, 0.5).toFixed(1)} max=${all[all.length - 1].toFixed(1)} ` +
        `total=${total.toFixed(0)} >5=${all.filter((ms) => ms > 5).length}`,
    );
  }
  lines.push(`queries slower than ${slowMs} ms: offset, duration, statement, overlapping GC pauses [offset, kind, ms]`);
  for (const [start, name, ms] of queries) {
    if (start >= from && ms > slowMs) lines.push(stretchLine(from, start, ms, name));
  }
  lines.push(`event loop blocked more than ${BLOCK_MS} ms: offset, duration, overlapping GC pauses`);
  for (const [start, , ms] of blocks) {
    if (start >= from) lines.push(stretchLine(from, start, ms));
  }
  writeFileSync(out, `${lines.join("\n")}\n`);
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    summarize();
    process.exit(0);
  });
}
