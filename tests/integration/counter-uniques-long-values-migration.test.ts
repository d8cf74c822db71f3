// Migration 20261203110000_counter_uniques_long_values: a distinct value over 1 KiB stored as
// its text before (only compressible ones fitted the btree key) takes the form ingest now
// stores (storedUniqueValue), so the same value in a later event is not counted again.
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { migrateDatabase } from "@/lib/db/migrate";
import { storedUniqueValue } from "@/lib/ingest/unique-value";

const MIGRATIONS = path.join(process.cwd(), "prisma", "migrations");
const THIS_ONE = "20261203110000_counter_uniques_long_values";
const DB = "sm_counter_uniques_long_values_migration";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function migrationsUpTo(name: string, including: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sm-migrations-"));
  dirs.push(dir);
  for (const d of readdirSync(MIGRATIONS)) {
    if (d < name || (including && d === name)) symlinkSync(path.join(MIGRATIONS, d), path.join(dir, d));
  }
  return dir;
}

describe(`migration ${THIS_ONE}`, () => {
  it("rewrites values over 1 KiB as ingest stores them and leaves the others", async () => {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${DB}"`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL as string);
    url.pathname = `/${DB}`;
    await migrateDatabase(url.toString(), migrationsUpTo(THIS_ONE, false));

    const values = ["short", "é".repeat(512), "é".repeat(513), "x".repeat(4000)];
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      for (const v of values) {
        await client.query(
          `INSERT INTO counter_uniques (tenant_id, meter_id, customer_ref, period_start, value)
           VALUES ('ten_a', 'mtr_1', 'c', '2026-12-01T00:00:00Z', $1)`,
          [v],
        );
      }
      const after = await migrateDatabase(url.toString(), migrationsUpTo(THIS_ONE, true));
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
