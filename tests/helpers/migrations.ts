// For tests of one migration: an empty database, and the migrations up to that one as a
// directory migrateDatabase can read (so the test applies it to data made by the ones before).
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll } from "vitest";

const MIGRATIONS = path.join(process.cwd(), "prisma", "migrations");

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** The migrations before `name` (and `name` itself when `including`), in a temporary directory. */
export function migrationsUpTo(name: string, including: boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sm-migrations-"));
  dirs.push(dir);
  for (const d of readdirSync(MIGRATIONS)) {
    if (d < name || (including && d === name)) symlinkSync(path.join(MIGRATIONS, d), path.join(dir, d));
  }
  return dir;
}

/** Drops and creates database `db` on the test server; its URL. */
export async function freshDatabase(db: string): Promise<string> {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${db}`;
  return url.toString();
}
