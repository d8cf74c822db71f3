import { readdirSync, readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { serverNodeArgs } from "../../lib/server/node-args";

// `npm start` (scripts/run-app.ts, which this suite's web server runs) must start `next start`
// with the server's node flags: the 4 MB young generation is what keeps scavenge pauses short
// under load (lib/server/node-args.ts). Read from the running process's own command line.
test("npm start runs next start with the server's node flags", () => {
  const port = process.env.E2E_PORT ?? "3100";
  const commandLines = readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      } catch {
        return []; // the process ended while we listed
      }
    });
  const server = commandLines.filter(
    (argv) => argv.some((a) => a.endsWith("next/dist/bin/next")) && argv.includes("start") && argv.includes(port),
  );
  expect(server.length).toBeGreaterThan(0);
  const flags = serverNodeArgs(process.env);
  expect(flags).toEqual(["--max-semi-space-size=4"]);
  for (const argv of server) {
    const script = argv.findIndex((a) => a.endsWith("next/dist/bin/next"));
    // Before the script: node reads them as its own options, not as Next's.
    for (const flag of flags) expect(argv.slice(0, script)).toContain(flag);
  }
});
