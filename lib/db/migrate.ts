// Applies prisma/migrations/*/migration.sql in order, bookkeeping in Prisma's own
// `_prisma_migrations` table (same columns and checksum), so `prisma migrate status`
// agrees with it. Used at startup and by tests: it takes milliseconds where the Prisma
// CLI takes seconds to boot. Authoring migrations still uses `prisma migrate diff`.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { poolTimeouts } from "./pool-config";

export interface MigrateResult {
  applied: string[];
}

export async function migrateDatabase(
  url: string,
  migrationsDir = path.join(process.cwd(), "prisma", "migrations"),
): Promise<MigrateResult> {
  // Bounded: a host that accepts TCP but never answers made startup hang silently.
  const client = new pg.Client({
    connectionString: url,
    ...poolTimeouts({ ...process.env, DB_QUERY_TIMEOUT_MS: "0" }),
  });
  await client.connect();
  try {
    // One migrator at a time per database (dev server + CLI may start together).
    await client.query("select pg_advisory_lock(727274)");
    await client.query(`create table if not exists "_prisma_migrations" (
      "id" varchar(36) primary key not null,
      "checksum" varchar(64) not null,
      "finished_at" timestamptz,
      "migration_name" varchar(255) not null,
      "logs" text,
      "rolled_back_at" timestamptz,
      "started_at" timestamptz not null default now(),
      "applied_steps_count" integer not null default 0)`);
    const done = await client.query<{ migration_name: string }>(
      `select migration_name from "_prisma_migrations" where finished_at is not null and rolled_back_at is null`,
    );
    const applied = new Set(done.rows.map((r) => r.migration_name));
    const names = readdirSync(migrationsDir)
      .filter((d) => existsSync(path.join(migrationsDir, d, "migration.sql")))
      .sort();
    const result: string[] = [];
    for (const name of names) {
      if (applied.has(name)) continue;
      const sql = readFileSync(path.join(migrationsDir, name, "migration.sql"), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      await client.query("begin");
      try {
        await client.query(sql);
        await client.query(
          `insert into "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) values ($1, $2, now(), $3, 1)`,
          [randomUUID(), checksum, name],
        );
        await client.query("commit");
      } catch (err) {
        await client.query("rollback");
        throw new Error(`migration ${name} failed: ${(err as Error).message}`);
      }
      result.push(name);
    }
    return { applied: result };
  } finally {
    await client.query("select pg_advisory_unlock(727274)").catch(() => {});
    await client.end();
  }
}
