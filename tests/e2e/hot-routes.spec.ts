import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { gunzipSync, inflateSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { serverNodeOptions } from "../../lib/server/node-args";

// `next start` answers the three hot routes with their compiled page handlers before Next's
// router (lib/server/hot-routes.ts). Two more `next start` servers of the same build and the
// e2e database (playwright.config.ts), one each way, get the same requests — good ones and bad
// ones of every kind — and must answer them the same: status, the headers a client reads, body.
const DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:54340/stripemeter";
const BASE_PORT = Number(process.env.E2E_PORT ?? 3100);

interface Server {
  base: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function startServer(port: number, viaNext: boolean): Promise<Server> {
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)],
    {
      env: {
        ...process.env,
        NODE_OPTIONS: serverNodeOptions(),
        DATABASE_URL,
        NEXTAUTH_SECRET: "e2e-hot-routes",
        NEXTAUTH_URL: `http://localhost:${port}`,
        SM_HOT_ROUTES_VIA_NEXT: viaNext ? "1" : "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.on("data", (d) => {
    output += d;
  });
  child.stderr?.on("data", (d) => {
    output += d;
  });
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start on ${port} exited: ${output}`);
    const up = await fetch(`${base}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error(`next start on ${port} did not answer: ${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** A tenant and an all-scopes key, through the CLI, plus a key that may only read usage. */
function tenantWithKeys(name: string): { all: string; readOnly: string } {
  const cli = (...args: string[]) =>
    JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args, "--json"], {
        env: { ...process.env, DATABASE_URL },
      }).toString(),
    );
  const { tenantId, apiKey } = cli("tenant", "create", "--name", name);
  const { apiKey: readOnly } = cli("keys", "create", "--tenant", tenantId, "--scopes", "usage:read");
  return { all: apiKey, readOnly };
}

interface Call {
  name: string;
  method: string;
  path: string;
  key?: "all" | "readOnly";
  headers?: Record<string, string>;
  /** Several parts: sent chunked, without a content-length. */
  body?: string | Uint8Array | string[];
}

const json = (v: unknown) => JSON.stringify(v);
const ingestTs = new Date(Date.now() - 60_000).toISOString();
const fixed = (idempotencyKey: string, quantity: number | string) => ({
  metric: "api_calls",
  customerRef: "cus_hot",
  quantity,
  ts: ingestTs,
  idempotencyKey,
});

const CALLS: Call[] = [
  {
    name: "ingest",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "all",
    body: json({ events: [fixed("k1", 5), fixed("k2", "2.5")] }),
  },
  {
    name: "retry",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "all",
    body: json({ events: [fixed("k1", 5), fixed("k2", "2.5")] }),
  },
  {
    name: "conflict + one bad event",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "all",
    body: json({ events: [fixed("k1", 6), { ...fixed("k3", -1) }] }),
  },
  {
    name: "/v1 alias",
    method: "POST",
    path: "/v1/events/ingest",
    key: "all",
    body: json({ events: [fixed("k4", 1)] }),
  },
  {
    name: "chunked body",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "all",
    body: (() => {
      const text = json({ events: [fixed("k5", 3)] });
      return [text.slice(0, 10), text.slice(10)];
    })(),
  },
  // 20 events: an answer over 1 KiB, compressed for a client that accepts it.
  ...(["gzip, deflate, br", "deflate"] as const).map(
    (accept): Call => ({
      name: `${accept.split(",")[0]} accepted, 20 events`,
      method: "POST",
      path: "/api/v1/events/ingest",
      key: "all",
      headers: { "accept-encoding": accept },
      body: json({ events: Array.from({ length: 20 }, (_, i) => fixed(`g${i}`, 1)) }),
    }),
  ),
  {
    name: "usage, gzip accepted",
    method: "GET",
    path: "/api/v1/usage/current?customerRef=cus_hot",
    key: "all",
    headers: { "accept-encoding": "gzip" },
  },
  { name: "no key", method: "POST", path: "/api/v1/events/ingest", body: json({ events: [fixed("k6", 1)] }) },
  {
    name: "bad key",
    method: "POST",
    path: "/api/v1/events/ingest",
    headers: { authorization: "Bearer sm_test_nope" },
    body: "{}",
  },
  {
    name: "read-only key",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "readOnly",
    body: json({ events: [fixed("k7", 1)] }),
  },
  { name: "malformed JSON", method: "POST", path: "/api/v1/events/ingest", key: "all", body: '{"events": [' },
  {
    name: "not UTF-8",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "all",
    body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d]),
  },
  {
    name: "over 1 MiB",
    method: "POST",
    path: "/api/v1/events/ingest",
    key: "all",
    body: json({ events: [], pad: "x".repeat(1_100_000) }),
  },
  { name: "no events", method: "POST", path: "/api/v1/events/ingest", key: "all", body: json({ events: [] }) },
  { name: "an array", method: "POST", path: "/api/v1/events/ingest", key: "all", body: "[]" },
  { name: "GET on ingest", method: "GET", path: "/api/v1/events/ingest", key: "all" },
  { name: "OPTIONS on ingest", method: "OPTIONS", path: "/api/v1/events/ingest" },
  {
    name: "caller's request id",
    method: "POST",
    path: "/api/v1/events/ingest",
    headers: { "x-request-id": "trace-hot-1" },
    body: "{}",
  },
  { name: "usage", method: "GET", path: "/api/v1/usage/current?customerRef=cus_hot", key: "all" },
  { name: "usage, /v1 alias", method: "GET", path: "/v1/usage/current?customerRef=cus_hot", key: "readOnly" },
  { name: "usage, HEAD", method: "HEAD", path: "/api/v1/usage/current?customerRef=cus_hot", key: "all" },
  { name: "usage, unknown customer", method: "GET", path: "/api/v1/usage/current?customerRef=cus_nobody", key: "all" },
  { name: "usage, no customerRef", method: "GET", path: "/api/v1/usage/current", key: "all" },
  {
    name: "usage, customerRef twice",
    method: "GET",
    path: "/api/v1/usage/current?customerRef=a&customerRef=b",
    key: "all",
  },
  {
    name: "usage, unknown parameter",
    method: "GET",
    path: "/api/v1/usage/current?customerRef=cus_hot&custmerRef=x",
    key: "all",
  },
  { name: "usage, bad encoding", method: "GET", path: "/api/v1/usage/current?customerRef=%zz", key: "all" },
  { name: "usage, DELETE", method: "DELETE", path: "/api/v1/usage/current", key: "all" },
  {
    name: "usage, trailing slash (Next's)",
    method: "GET",
    path: "/api/v1/usage/current/?customerRef=cus_hot",
    key: "all",
  },
  {
    name: "usage, encoded path (Next's)",
    method: "GET",
    path: "/api/v1/usage/%63urrent?customerRef=cus_hot",
    key: "all",
  },
  {
    name: "projection",
    method: "POST",
    path: "/api/v1/usage/projection",
    key: "all",
    body: json({ customerRef: "cus_hot" }),
  },
  {
    name: "projection, /v1 alias",
    method: "POST",
    path: "/v1/usage/projection",
    key: "all",
    body: json({ customerRef: "cus_hot" }),
  },
  {
    name: "projection, unknown field",
    method: "POST",
    path: "/api/v1/usage/projection",
    key: "all",
    body: json({ customerRef: "cus_hot", extra: 1 }),
  },
  { name: "projection, PUT", method: "PUT", path: "/api/v1/usage/projection", key: "all", body: "{}" },
  {
    name: "ingest path, bad encoding (Next's)",
    method: "POST",
    path: "/api/v1/events/ingest%zz",
    key: "all",
    body: "{}",
  },
];

/**
 * A JSON body without what differs between two answers by nature: request ids, the time of the
 * answer, and the forecast computed from it (a run rate over a few milliseconds more).
 */
function comparable(text: string, requestId: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text.replaceAll(requestId || "\u0000", "<request id>");
  }
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !/^(requestId|asOf|forecast|projected[A-Za-z]*)$/.test(k))
        .map(([k, x]) => [k, strip(x)]),
    );
  };
  return strip(value);
}

/** What a client reads of an answer. */
async function answer(server: Server, keys: { all: string; readOnly: string }, call: Call) {
  const headers: Record<string, string> = { ...call.headers };
  if (call.key) headers.authorization = `Bearer ${keys[call.key]}`;
  if (call.body !== undefined) headers["content-type"] ??= "application/json";
  const parts = call.body === undefined ? [] : Array.isArray(call.body) ? call.body : [call.body];
  if (!Array.isArray(call.body) && call.body !== undefined)
    headers["content-length"] = String(Buffer.byteLength(call.body));
  // A connection of its own each time (agent: false): a kept-alive one the server is closing
  // at that moment would fail the request for a reason that is not the route's.
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = http.request(`${server.base}${call.path}`, { method: call.method, headers, agent: false }, resolve);
    req.on("error", reject);
    for (const part of parts) req.write(part);
    req.end();
  });
  const chunks: Buffer[] = [];
  for await (const chunk of res) chunks.push(chunk as Buffer);
  const header = (name: string) => {
    const v = res.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  };
  const raw = Buffer.concat(chunks);
  const coding = header("content-encoding");
  const text = (coding === "gzip" ? gunzipSync(raw) : coding === "deflate" ? inflateSync(raw) : raw).toString("utf8");
  const requestId = header("x-request-id") ?? "";
  const shown: Record<string, string | null> = {};
  // Not content-length: Next.js sends these answers chunked, the direct way with their length.
  for (const h of [
    "content-type",
    "content-encoding",
    "vary",
    "allow",
    "cache-control",
    "retry-after",
    "location",
    "x-frame-options",
    "content-security-policy",
  ]) {
    shown[h] = header(h);
  }
  const seen = {
    status: res.statusCode,
    headers: shown,
    requestId: call.headers?.["x-request-id"] ?? (/^req_[0-9A-Za-z]{20}$/.test(requestId) ? "req_*" : requestId),
    body: comparable(text, requestId),
  };
  return { ...seen, seen, text };
}

test.describe.configure({ mode: "serial" });

let direct: Server;
let viaNext: Server;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  [direct, viaNext] = await Promise.all([startServer(BASE_PORT + 2, false), startServer(BASE_PORT + 3, true)]);
});

test.afterAll(async () => {
  await Promise.all([direct?.stop(), viaNext?.stop()]);
});

test("next start serves the hot routes directly unless SM_HOT_ROUTES_VIA_NEXT=1, and says which", () => {
  const said = (s: Server) => s.output().includes('"msg":"serving the hot routes directly');
  expect(said(direct)).toBe(true);
  expect(said(viaNext)).toBe(false);
  expect(direct.output()).not.toContain('"level":"warn"');
});

test("the hot routes answer every request the same, directly or through Next.js", async () => {
  test.setTimeout(120_000);
  // One tenant each, so each server sees its own first ingest, retry and conflict.
  const keys = { direct: tenantWithKeys("Hot direct"), viaNext: tenantWithKeys("Hot via Next") };
  for (const call of CALLS) {
    const a = await answer(direct, keys.direct, call);
    const b = await answer(viaNext, keys.viaNext, call);
    expect(a.seen, call.name).toEqual(b.seen);
  }
  // And the answers are the product's, not two equal failures.
  const byName = async (name: string) => answer(direct, keys.direct, CALLS.find((c) => c.name === name) as Call);
  const usage = await byName("usage");
  expect(usage.status).toBe(200);
  expect(JSON.parse(usage.text).metrics).toEqual([expect.objectContaining({ metric: "api_calls", value: "31.5" })]);
  expect(JSON.parse((await byName("retry")).text)).toMatchObject({ accepted: 0, duplicates: 2 });
  expect((await byName("malformed JSON")).status).toBe(400);
  expect((await byName("over 1 MiB")).status).toBe(413);
  expect((await byName("read-only key")).status).toBe(403);
  expect((await byName("OPTIONS on ingest")).headers.allow).toBe("POST, OPTIONS");
  expect((await byName("caller's request id")).requestId).toBe("trace-hot-1");
  expect((await byName("usage, trailing slash (Next's)")).status).toBe(308);
  const gzipped = await byName("gzip accepted, 20 events");
  expect(gzipped.headers["content-encoding"]).toBe("gzip");
  expect(JSON.parse(gzipped.text)).toMatchObject({ duplicates: 20 });
  expect((await byName("deflate accepted, 20 events")).headers["content-encoding"]).toBe("deflate");
  expect(usage.headers.vary).toBe("Accept-Encoding");
});
