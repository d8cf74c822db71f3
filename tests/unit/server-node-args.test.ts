import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEFAULT_SEMI_SPACE_MB, serverNodeArgs, serverNodeOptions } from "@/lib/server/node-args";

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

describe("serverNodeArgs", () => {
  it("gives next start a 4 MB semi-space unless told otherwise", () => {
    expect(DEFAULT_SEMI_SPACE_MB).toBe(4);
    expect(serverNodeArgs({})).toEqual(["--max-semi-space-size=4"]);
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: "" })).toEqual(["--max-semi-space-size=4"]);
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: "  " })).toEqual(["--max-semi-space-size=4"]);
  });

  it("takes SM_SEMI_SPACE_MB, and 0 leaves V8 its own sizing", () => {
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: "8" })).toEqual(["--max-semi-space-size=8"]);
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: " 2 " })).toEqual(["--max-semi-space-size=2"]);
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: "1024" })).toEqual(["--max-semi-space-size=1024"]);
    expect(serverNodeArgs({ SM_SEMI_SPACE_MB: "0" })).toEqual([]);
  });

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
    const withOurs = heapLimit(serverNodeArgs({}));
    expect(withDefault - withOurs).toBe(3 * (16 - DEFAULT_SEMI_SPACE_MB) * mib);
    expect(heapLimit(serverNodeArgs({ SM_SEMI_SPACE_MB: "0" }))).toBe(heapLimit([]));
  });

  it("puts the flags after the caller's own NODE_OPTIONS, where node applies them", () => {
    expect(serverNodeOptions({})).toBe("--max-semi-space-size=4");
    expect(serverNodeOptions({ NODE_OPTIONS: " --enable-source-maps " })).toBe(
      "--enable-source-maps --max-semi-space-size=4",
    );
    expect(serverNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=16" })).toBe(
      "--max-semi-space-size=16 --max-semi-space-size=4",
    );
    expect(serverNodeOptions({ SM_SEMI_SPACE_MB: "0" })).toBe("");
    expect(() => serverNodeOptions({ SM_SEMI_SPACE_MB: "x" })).toThrow("SM_SEMI_SPACE_MB must be");
    // The last of a repeated flag wins: the server gets 4 MB even if the caller asked for 16.
    const mib = 1024 * 1024;
    const caller16 = serverNodeOptions({ NODE_OPTIONS: "--max-semi-space-size=16" });
    expect(heapLimit([], "--max-semi-space-size=16") - heapLimit([], caller16)).toBe(3 * 12 * mib);
  });
});
