import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useRawPgClient } from "../helpers/raw-pg-client";

// Two properties of the schema that Prisma's schema language cannot state, set by
// hand-written migrations, and that ingest throughput depends on.
describe("ledger schema", () => {
  const clientOf = useRawPgClient();

  it('compares every identifier column byte-wise (COLLATE "C"), whatever the database default', async () => {
    const sql = readFileSync(
      path.join(process.cwd(), "prisma/migrations/20261128000000_identifier_collation_c/migration.sql"),
      "utf8",
    );
    const expected: string[] = [];
    for (const m of sql.matchAll(/ALTER TABLE "(\w+)" ((?:ALTER COLUMN "\w+" TYPE TEXT COLLATE "C",?\s*)+);/g)) {
      for (const c of m[2].matchAll(/ALTER COLUMN "(\w+)"/g)) expected.push(`${m[1]}.${c[1]}`);
    }
    expect(expected.length).toBe(39);
    expect(expected).toContain("events.idempotency_key");
    expect(expected).toContain("counters.customer_ref");

    const { rows } = await clientOf().query<{ col: string; collation_name: string | null }>(
      `SELECT table_name || '.' || column_name AS col, collation_name FROM information_schema.columns
       WHERE table_schema = 'public' AND table_name || '.' || column_name = ANY($1::text[])`,
      [expected],
    );
    expect(rows.map((r) => r.col).sort()).toEqual([...expected].sort());
    expect(rows.filter((r) => r.collation_name !== "C")).toEqual([]);

    // Byte order, as compareKeys and the ingest's sorts assume: "B" (0x42) before "a" (0x61).
    const order = await clientOf().query<{ ref: string }>(
      `SELECT customer_ref AS ref FROM (VALUES ('a'::text COLLATE "C"), ('B'), ('é'), ('Z')) AS v(customer_ref)
       ORDER BY customer_ref`,
    );
    expect(order.rows.map((r) => r.ref)).toEqual(["B", "Z", "a", "é"]);
  });

  it("keys the ledger by (tenant_id, ts, id) and keeps exactly three indexes", async () => {
    const { rows } = await clientOf().query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'events' ORDER BY indexname",
    );
    expect(rows.map((r) => r.indexdef.replace(/^.* USING /, ""))).toEqual([
      "btree (tenant_id, ts, id)",
      "btree (tenant_id, customer_ref, ts)",
      "btree (tenant_id, idempotency_key)",
    ]);
  });

  it("can serve a tenant's newest events from the primary key without sorting", async () => {
    // On a small test table the planner may rightly prefer to sort; with sorting priced out,
    // a plan without a Sort node exists only if an index yields (ts DESC, id DESC) itself.
    const c = clientOf();
    await c.query("BEGIN");
    try {
      await c.query("SET LOCAL enable_sort = off");
      await c.query("SET LOCAL enable_bitmapscan = off");
      const plan = await c.query<{ "QUERY PLAN": string }>(
        `EXPLAIN SELECT id FROM events WHERE tenant_id = 'tnt_x' ORDER BY ts DESC, id DESC LIMIT 51`,
      );
      const text = plan.rows.map((r) => r["QUERY PLAN"]).join("\n");
      expect(text).toContain("Scan Backward using events_pkey");
      expect(text).not.toMatch(/Sort/);
    } finally {
      await c.query("ROLLBACK");
    }
  });
});
