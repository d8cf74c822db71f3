import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { defaultV8PoolSize } from "../../lib/server/node-args";

// `npm start` (scripts/run-app.ts, which this suite's web server runs) must start `next start`
// with the server's node flags: the 4 MB young generation keeps scavenge pauses short under
// load, and the V8 worker pool of half the cores keeps major GCs from taking every core
// (lib/server/node-args.ts). Next renames its process (`next-server (v…)`), which
// overwrites /proc/<pid>/cmdline, so the flags travel in NODE_OPTIONS and are read from the
// running server's /proc/<pid>/environ.
function readProc(pid: string, file: "cmdline" | "environ"): string[] {
  try {
    return readFileSync(`/proc/${pid}/${file}`, "utf8").split("\0");
  } catch {
    return []; // the process ended while we listed, or is not ours to read
  }
}

test("npm start runs next start with the server's node flags", () => {
  const port = process.env.E2E_PORT ?? "3100";
  const servers = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => readProc(pid, "cmdline")[0]?.startsWith("next-server"))
    .map((pid) => readProc(pid, "environ"))
    .filter((environ) => environ.includes(`PORT=${port}`));
  expect(servers).toHaveLength(1);
  const nodeOptions = servers[0].find((v) => v.startsWith("NODE_OPTIONS=")) ?? "";
  const flags = nodeOptions.slice("NODE_OPTIONS=".length).split(" ");
  expect(flags).toContain("--max-semi-space-size=4");
  expect(flags).toContain(`--v8-pool-size=${defaultV8PoolSize()}`);
});
