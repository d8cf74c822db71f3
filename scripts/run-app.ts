// `npm run dev` / `npm start`: database (embedded unless DATABASE_URL), migrations,
// demo data (dev, or SEED_DEMO=1), then `next dev|start` with the environment it needs.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bootstrapDatabase } from "../lib/db/bootstrap";
import { getDb } from "../lib/db/client";
import { seedDemo } from "../lib/demo/seed-demo";
import { millisFromEnv } from "../lib/env-millis";
import { trustProxyHopsFromEnv } from "../lib/server/client-address";
import { hotRoutesViaNext } from "../lib/server/hot-routes";
import { serverNodeOptions } from "../lib/server/node-args";

const mode = process.argv[2] === "start" ? "start" : "dev";
const port = process.env.PORT ?? "3000";
// Checked before the database starts, so a bad SM_SEMI_SPACE_MB, SM_V8_POOL_SIZE,
// SM_SHUTDOWN_GRACE_MS, TRUST_PROXY_HOPS or SM_HOT_ROUTES_VIA_NEXT fails at once (the server
// checks the last two again when it starts: instrumentation.ts).
const serverEnv = mode === "start" ? { NODE_OPTIONS: serverNodeOptions() } : {};
// After SIGTERM/SIGINT, how long the server may finish before it is killed (see shutdown below).
const graceMs = millisFromEnv(process.env, "SM_SHUTDOWN_GRACE_MS", 10_000);
trustProxyHopsFromEnv();
hotRoutesViaNext();

/** " at host:port/db" of DATABASE_URL, without its credentials. */
function describeTarget(): string {
  try {
    const u = new URL(process.env.DATABASE_URL ?? "");
    return ` at ${u.hostname}:${u.port || "5432"}${u.pathname}`;
  } catch {
    return "";
  }
}

function authSecret(): string {
  if (process.env.NEXTAUTH_SECRET) return process.env.NEXTAUTH_SECRET;
  if (mode === "start") {
    console.warn(
      "[auth] NEXTAUTH_SECRET is not set: console sessions are signed with a secret kept in .data/auth-secret on this machine only. Set NEXTAUTH_SECRET (the same on every replica) in production.",
    );
  }
  // A stable per-checkout secret so sessions survive restarts; production sets its own.
  const file = path.join(process.cwd(), ".data", "auth-secret");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(path.dirname(file), { recursive: true });
  const secret = randomBytes(32).toString("base64url");
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

const database = await bootstrapDatabase((l) => console.log(`[db] ${l}`)).catch((err: unknown) => {
  // A one-line reason naming the setting to check, not a stack dump (ops audit 10).
  console.error(`[db] could not prepare the database${describeTarget()}: ${(err as Error)?.message ?? String(err)}`);
  console.error(
    process.env.DATABASE_URL
      ? "[db] check DATABASE_URL (host, port, user, password, database; for TLS see README, Production)"
      : "[db] the embedded PostgreSQL did not start: check SM_PG_PORT / SM_PG_DATA",
  );
  process.exit(1);
});
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

// On SIGTERM/SIGINT Next stops accepting connections but serves the keep-alive ones it has
// until their clients stop sending: one ran 35 s after SIGTERM (ops audit 10), longer than a
// typical 30 s grace period. After SM_SHUTDOWN_GRACE_MS it is killed: a request cut off is
// never acknowledged, and its client's retry is counted once.
let stopping = false;
let killed = false;
async function shutdown(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
  setTimeout(() => {
    if (!exited) {
      console.warn(`[app] still running ${graceMs} ms after ${signal}: stopping it`);
      killed = true;
      child.kill("SIGKILL");
    }
  }, graceMs).unref();
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
child.on("exit", async (code) => {
  await database.stop().catch(() => {});
  // Killed after the grace period: not a clean stop, whatever the signal's exit status.
  process.exit(killed ? 1 : (code ?? 0));
});
