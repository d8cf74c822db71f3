// A database that is down, frozen, out of connections or too slow: requests fail within the
// configured time as 503 `unavailable` with Retry-After, never hang, never a 500 (ops audit 10).
import net from "node:net";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { toApiError } from "@/lib/api/errors";
import { getPgPool, withPgTransaction } from "@/lib/db/pg-pool";
import { poolTimeouts } from "@/lib/db/pool-config";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { useRawPgClient } from "../helpers/raw-pg-client";

const url = () => process.env.DATABASE_URL as string;

/** What the API answers for an error (status, code, Retry-After). */
function answer(err: unknown) {
  const e = toApiError(err);
  return { status: e.status, code: e.code, retryAfter: e.headers?.["retry-after"] };
}
const UNAVAILABLE = { status: 503, code: "unavailable", retryAfter: "2" };

describe("a database that cannot answer", () => {
  const servers: net.Server[] = [];
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it("reads the limits from the environment, and refuses a bad value", () => {
    expect(poolTimeouts({})).toEqual({
      connectionTimeoutMillis: 10_000,
      query_timeout: 30_000,
      statement_timeout: 30_000,
      keepAlive: true,
    });
    expect(poolTimeouts({ DB_QUERY_TIMEOUT_MS: "0", DB_CONNECT_TIMEOUT_MS: "500" })).toEqual({
      connectionTimeoutMillis: 500,
      keepAlive: true,
    });
    expect(() => poolTimeouts({ DB_QUERY_TIMEOUT_MS: "30s" })).toThrow(/DB_QUERY_TIMEOUT_MS must be a whole number/);
    expect(getPgPool().options).toMatchObject({ connectionTimeoutMillis: 10_000, query_timeout: 30_000 });
  });

  it("a statement over the time limit fails (Postgres cancels it) as 503", async () => {
    const pool = new pg.Pool({ connectionString: url(), ...poolTimeouts({ DB_QUERY_TIMEOUT_MS: "300" }) });
    try {
      const started = Date.now();
      const err = await pool.query("SELECT pg_sleep(5)").catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(isDatabaseUnavailable(err)).toBe(true);
      expect(answer(err)).toEqual(UNAVAILABLE);
    } finally {
      await pool.end();
    }
  });

  it("a server that accepts connections and never answers fails the connect in time, as 503", async () => {
    const silent = net.createServer(() => {}); // holds every socket, says nothing
    servers.push(silent);
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    const port = (silent.address() as net.AddressInfo).port;
    const pool = new pg.Pool({
      connectionString: `postgres://u:p@127.0.0.1:${port}/db`,
      ...poolTimeouts({ DB_CONNECT_TIMEOUT_MS: "300" }),
    });
    pool.on("error", () => {});
    try {
      const started = Date.now();
      const err = await pool.query("SELECT 1").catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(3_000);
      expect(answer(err)).toEqual(UNAVAILABLE);
    } finally {
      await pool.end();
    }
  });

  it("a refused connection and an exhausted pool are 503 too", async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const refused = new pg.Pool({ connectionString: `postgres://u:p@127.0.0.1:${port}/db`, ...poolTimeouts({}) });
    expect(answer(await refused.query("SELECT 1").catch((e: unknown) => e))).toEqual(UNAVAILABLE);
    await refused.end();

    const one = new pg.Pool({ connectionString: url(), max: 1, ...poolTimeouts({ DB_CONNECT_TIMEOUT_MS: "200" }) });
    const held = await one.connect();
    try {
      expect(answer(await one.query("SELECT 1").catch((e: unknown) => e))).toEqual(UNAVAILABLE);
    } finally {
      held.release();
      await one.end();
    }
  });

  const admin = useRawPgClient();
  it("a connection killed inside a transaction fails that transaction (503), is dropped, and nothing crashes", async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const err = await withPgTransaction(async (client) => {
        const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await admin().query("SELECT pg_terminate_backend($1)", [rows[0].pid]);
        await client.query("SELECT 1");
      }).catch((e: unknown) => e);
      expect(answer(err)).toEqual(UNAVAILABLE);
      await new Promise((r) => setTimeout(r, 100));
      expect(uncaught).toEqual([]);
      // the pool goes on serving with healthy connections
      for (let i = 0; i < 5; i++) expect((await getPgPool().query("SELECT 1 AS one")).rows[0].one).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });

  it("other errors stay 500 internal_error, without Retry-After", () => {
    expect(answer(new Error("boom"))).toEqual({ status: 500, code: "internal_error", retryAfter: undefined });
    expect(answer(Object.assign(new Error("dup"), { code: "23505" }))).toMatchObject({ status: 500 });
    expect(answer(Object.assign(new Error("syntax"), { code: "42601" }))).toMatchObject({ status: 500 });
    // a protocol violation is a bug (e.g. a wrong number of bind parameters), not an outage
    expect(answer(Object.assign(new Error("bind message supplies 1 parameters"), { code: "08P01" }))).toMatchObject({
      status: 500,
    });
  });

  it("recognises an outage behind Prisma's wrappers: a raw query's statement timeout (P2010) and a driver cause", () => {
    expect(answer(Object.assign(new Error("Raw query failed"), { code: "P2010", meta: { code: "57014" } }))).toEqual(
      UNAVAILABLE,
    );
    expect(
      answer(Object.assign(new Error("Raw query failed"), { code: "P2010", meta: { code: "23505" } })),
    ).toMatchObject({ status: 500 });
    expect(
      answer(new Error("driver failed", { cause: Object.assign(new Error("x"), { code: "ECONNRESET" }) })),
    ).toEqual(UNAVAILABLE);
    expect(answer(Object.assign(new Error("Can't reach database server"), { code: "P1001" }))).toEqual(UNAVAILABLE);
  });
});
