import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEFAULT_SEMI_SPACE_MB, defaultV8PoolSize, serverNodeArgs, serverNodeOptions } from "@/lib/server/node-args";

/** The heap limit, in bytes, of a node process started with `args` (and NODE_OPTIONS, if given). */
function heapLimit(args: string[], nodeOptions?: string): number {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions ?? "" };
  const out = execFileSync(
    process.execPath,
    [...args, "-e", "process.stdout.write(String(require('v8').getHeapStatistics().heap_size_limit))"],
    { env },
  );
  return Number(out.toString());
}

/** The number of threads of a node process started with NODE_OPTIONS, once it has started (Linux). */
function threadCount(nodeOptions: string): number {
  const env = { ...process.env, NODE_OPTIONS: nodeOptions };
  const script =
    "setTimeout(() => process.stdout.write(String(require('fs').readdirSync('/proc/self/task').length)), 200)";
  return Number(execFileSync(process.execPath, ["-e", script], { env }).toString());
}

// Semi-space only: these cases pin SM_V8_POOL_SIZE to 0 (no pool flag).
const semi = (value?: string) => serverNodeArgs({ SM_SEMI_SPACE_MB: value, SM_V8_POOL_SIZE: "0" });

describe("serverNodeArgs", () => {
  it("gives next start a 4 MB semi-space unless told otherwise", () => {
    expect(DEFAULT_SEMI_SPACE_MB).toBe(4);
    expect(semi(undefined)).toEqual(["--max-semi-space-size=4"]);
    expect(semi("")).toEqual(["--max-semi-space-size=4"]);
    expect(semi("  ")).toEqual(["--max-semi-space-size=4"]);
  });

  it("takes SM_SEMI_SPACE_MB, and 0 leaves V8 its own sizing", () => {
    expect(semi("8")).toEqual(["--max-semi-space-size=8"]);
    expect(semi(" 2 ")).toEqual(["--max-semi-space-size=2"]);
    expect(semi("1024")).toEqual(["--max-semi-space-size=1024"]);
    expect(semi("0")).toEqual([]);
  });

  it("gives V8 a worker pool of half the cores, 1 to 4, unless told otherwise", () => {
    expect([1, 2, 3, 4, 5, 8, 16, 64].map((cores) => defaultV8PoolSize(cores))).toEqual([1, 1, 1, 2, 2, 4, 4, 4]);
    expect(serverNodeArgs({}, 2)).toEqual(["--max-semi-space-size=4", "--v8-pool-size=1"]);
    expect(serverNodeArgs({ SM_V8_POOL_SIZE: " " }, 8)).toEqual(["--max-semi-space-size=4", "--v8-pool-size=4"]);
    expect(serverNodeArgs({ SM_V8_POOL_SIZE: "3" }, 2)).toEqual(["--max-semi-space-size=4", "--v8-pool-size=3"]);
    expect(serverNodeArgs({ SM_V8_POOL_SIZE: "64" }, 2)).toEqual(["--max-semi-space-size=4", "--v8-pool-size=64"]);
    expect(serverNodeArgs({ SM_V8_POOL_SIZE: "0" }, 2)).toEqual(["--max-semi-space-size=4"]);
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: "0", SM_V8_POOL_SIZE: "0" }, 2)).toEqual([]);
  });

  it.each(["abc", "-1", "1.5", "2x", "65", "0x10", "1e1"])(
    "refuses SM_V8_POOL_SIZE=%s with a message naming it",
    (v) => {
      expect(() => serverNodeArgs({ SM_V8_POOL_SIZE: v })).toThrow(
        `SM_V8_POOL_SIZE must be a whole number of threads from 1 to 64, or 0 for Node's default (got "${v}")`,
      );
    },
  );

  it.each(["abc", "-1", "1.5", "4MB", "1025", "0x10", "1e3"])(
    "refuses SM_SEMI_SPACE_MB=%s with a message naming it",
    (v) => {
      expect(() => serverNodeArgs({ SM_SEMI_SPACE_MB: v })).toThrow(
        `SM_SEMI_SPACE_MB must be a whole number of megabytes from 1 to 1024, or 0 for V8's own sizing (got "${v}")`,
      );
    },
  );

  it("is a flag node accepts and V8 applies: the young generation's share of the heap limit shrinks", () => {
    // V8 reserves three semi-spaces of the young generation in heap_size_limit.
    const mib = 1024 * 1024;
    const withDefault = heapLimit(["--max-semi-space-size=16"]);
    const withOurs = heapLimit(semi(undefined));
    expect(withDefault - withOurs).toBe(3 * (16 - DEFAULT_SEMI_SPACE_MB) * mib);
    expect(heapLimit(semi("0"))).toBe(heapLimit([]));
  });

  it("is a pool size node accepts in NODE_OPTIONS and applies: three fewer V8 worker threads than Node's 4", () => {
    const nodeDefault = threadCount("");
    expect(threadCount("--v8-pool-size=4")).toBe(nodeDefault);
    expect(nodeDefault - threadCount(serverNodeOptions({}, 2))).toBe(3);
    expect(nodeDefault - threadCount(serverNodeOptions({ SM_V8_POOL_SIZE: "2" }, 2))).toBe(2);
    expect(threadCount(serverNodeOptions({ SM_V8_POOL_SIZE: "0" }, 2))).toBe(nodeDefault);
  });

  it("puts the flags after the caller's own NODE_OPTIONS, where node applies them", () => {
    expect(serverNodeOptions({}, 2)).toBe("--max-semi-space-size=4 --v8-pool-size=1");
    expect(serverNodeOptions({ NODE_OPTIONS: " --enable-source-maps " }, 2)).toBe(
      "--enable-source-maps --max-semi-space-size=4 --v8-pool-size=1",
    );
    expect(serverNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=16" }, 4)).toBe(
      "--max-semi-space-size=16 --max-semi-space-size=4 --v8-pool-size=2",
    );
    expect(serverNodeOptions({ SM_SEMI_SPACE_MB: "0", SM_V8_POOL_SIZE: "0" })).toBe("");
    expect(() => serverNodeOptions({ SM_SEMI_SPACE_MB: "x" })).toThrow("SM_SEMI_SPACE_MB must be");
    expect(() => serverNodeOptions({ SM_V8_POOL_SIZE: "x" })).toThrow("SM_V8_POOL_SIZE must be");
    // The last of a repeated flag wins: the server gets 4 MB even if the caller asked for 16.
    const mib = 1024 * 1024;
    const caller16 = serverNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=16" });
    expect(heapLimit([], "--max-semi-space-size=16") - heapLimit([], caller16)).toBe(3 * 12 * mib);
  });
});
