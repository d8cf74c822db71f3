// `npm test`: everything CI runs, in order, stopping at the first failure.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const steps: Array<[string, string]> = [
  ["setup", "node scripts/setup.mjs"],
  ["lint", "npx biome check ."],
  ["typecheck", "npx tsc --noEmit"],
  ["migrations match schema", "npx tsx scripts/check-migrations.ts"],
  ["unit + integration tests", "npx vitest run"],
  ["production build", "npx next build"],
  ["crash test (kill -9 next start under load)", "npx tsx tests/crash/ingest-crash.ts"],
  ["end-to-end tests (Chromium)", "npx playwright test"],
];

const only = process.env.TEST_STEPS?.split(",");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if ((!only || only.some((o) => o.startsWith("end"))) && !existsSync(chromium)) {
  console.error(
    `The end-to-end tests need Chromium at ${chromium}: install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}
const results: Array<[string, boolean, number]> = [];
for (const [name, cmd] of steps) {
  if (only && !only.some((o) => name.startsWith(o))) continue;
  console.log(`\n=== ${name}: ${cmd}`);
  const started = Date.now();
  const res = spawnSync(cmd, { shell: true, stdio: "inherit", env: process.env });
  const ok = res.status === 0;
  results.push([name, ok, Math.round((Date.now() - started) / 1000)]);
  if (!ok) break;
}
console.log("\n=== summary");
for (const [name, ok, s] of results) console.log(`${ok ? "ok  " : "FAIL"} ${name} (${s}s)`);
const failed = results.filter(([, ok]) => !ok).length;
process.exit(failed > 0 || results.length === 0 ? 1 : 0);
