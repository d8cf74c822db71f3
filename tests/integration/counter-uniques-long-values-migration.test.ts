// Migration 20261203110000_counter_uniques_long_values: a distinct value over 1 KiB stored as
// its text before (only compressible ones fitted the btree key) takes the form ingest now
// stores (storedUniqueValue), so the same value in a later event is not counted again.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migrateDatabase } from "@/lib/db/migrate";
import { storedUniqueValue } from "@/lib/ingest/unique-value";
import { freshDatabase, migrationsUpTo } from "../helpers/migrations";

const THIS_ONE = "20261203110000_counter_uniques_long_values";
const DB = "sm_counter_uniques_long_values_migration";

describe(`migration ${THIS_ONE}`, () => {
  it("rewrites values over 1 KiB as ingest stores them and leaves the others", async () => {
    const url = await freshDatabase(DB);
    await migrateDatabase(url, migrationsUpTo(THIS_ONE, false));

    const values = ["short", "é".repeat(512), "é".repeat(513), "x".repeat(4000)];
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const v of values) {
        await client.query(
          `INSERT INTO counter_uniques (tenant_id, meter_id, customer_ref, period_start, value)
           VALUES ('ten_a', 'mtr_1', 'c', '2026-12-01T00:00:00Z', $1)`,
          [v],
        );
      }
      const after = await migrateDatabase(url, migrationsUpTo(THIS_ONE, true));
      expect(after.applied).toEqual([THIS_ONE]);
      const { rows } = await client.query<{ value: string }>("SELECT value FROM counter_uniques ORDER BY value");
      const expected = values.map(storedUniqueValue);
      expect(expected.filter((v) => v.startsWith("sha256:"))).toHaveLength(2);
      expect(rows.map((r) => r.value).sort()).toEqual([...expected].sort());
    } finally {
      await client.end();
    }
  });
});
