// `npm run dev` / `npm start`: database (embedded unless DATABASE_URL), migrations,
// demo data (dev, or SEED_DEMO=1), then `next dev|start` with the environment it needs.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { getDb } from "../lib/db/client";
import { seedDemo } from "../lib/demo/seed-demo";
import { serverNodeOptions } from "../lib/server/node-args";

const mode = process.argv[2] === "start" ? "start" : "dev";
const port = process.env.PORT ?? "3000";
// Checked before the database starts, so a bad SM_SEMI_SPACE_MB or SM_V8_POOL_SIZE fails at once.
const serverEnv = mode === "start" ? { NODE_OPTIONS: serverNodeOptions() } : {};

function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  // A stable per-checkout secret so sessions survive restarts; production sets its own.
  const file = path.join(process.cwd(), ".data", "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const database = await bootstrapDatabase((l) => console.log(`[db] ${l}`));
const demo = mode === "dev" || process.env.SEED_DEMO === "1" ? await seedDemo() : null;
await getDb().$disconnect();

const nextBin = path.join(process.cwd(), "node_modules", "next", "dist", "bin", "next");
const child = spawn(process.execPath, [nextBin, mode, "-p", port], {
  stdio: "inherit",
  env: {
    ...process.env,
    ...serverEnv,
    DATABASE_URL: database.url,
    NEXTAUTH_SECRET: authSecret(),
    NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${port}`,
  },
});

let exited = false;
child.on("exit", () => {
  exited = true;
});

// The banner waits until the server answers: printed before, its URLs were refused for the
// second or two Next.js takes to listen.
if (demo) {
  void (async () => {
    const deadline = Date.now() + 180_000;
    while (!exited && Date.now() < deadline) {
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`)
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (exited) return;
    console.log(
      [
        "",
        "  StripeMeter demo tenant is ready",
        `  Console:  http://localhost:${port}  (sign in as ${demo.email} / ${demo.password})`,
        `  Tenant:   ${demo.tenantName} (${demo.tenantId})`,
        `  API key:  ${demo.apiKey}   (new on every start; all scopes)`,
        "",
      ].join("\n"),
    );
  })();
}

let stopping = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
child.on("exit", async (code) => {
  await database.stop().catch(() => {});
  process.exit(code ?? 0);
});
