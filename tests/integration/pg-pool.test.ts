import pg from "pg";
import { describe, expect, it } from "vitest";
import { getPgPool } from "@/lib/db/pg-pool";

describe("the hot-path Postgres pool", () => {
  it("retires connections after 5 minutes, so a prepared plan broken by a migration does not live on", async () => {
    expect((getPgPool() as unknown as { options: { maxLifetimeSeconds: number } }).options.maxLifetimeSeconds).toBe(
      300,
    );
    // The failure mode it bounds: a named statement prepared before a column type changed.
    const url = process.env.DATABASE_URL as string;
    const table = `pool_test_${Date.now()}`;
    const first = new pg.Client({ connectionString: url });
    await first.connect();
    try {
      await first.query(`CREATE TABLE ${table} (v int)`);
      await first.query(`INSERT INTO ${table} VALUES (1)`);
      const stmt = { name: "sm_pool_test", text: `SELECT * FROM ${table}` };
      expect((await first.query(stmt)).rows).toEqual([{ v: 1 }]);
      await first.query(`ALTER TABLE ${table} ALTER COLUMN v TYPE text`);
      await expect(first.query(stmt)).rejects.toThrow(/cached plan must not change result type/);
      // A new connection prepares it afresh.
      const fresh = new pg.Client({ connectionString: url });
      await fresh.connect();
      expect((await fresh.query(stmt)).rows).toEqual([{ v: "1" }]);
      await fresh.end();
    } finally {
      await first.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
      await first.end();
    }
  });

  it("keeps an idle connection until it retires, instead of pg's 10 s", async () => {
    const pool = getPgPool();
    expect((pool as unknown as { options: { idleTimeoutMillis: number } }).options.idleTimeoutMillis).toBe(300_000);
    // The same backend answers after a pause: no new connection, no statement prepared again.
    const pidOf = async () => (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    const before = await pidOf();
    await new Promise((r) => setTimeout(r, 200));
    expect(await pidOf()).toBe(before);
  });
});
