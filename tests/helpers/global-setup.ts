// Starts a throwaway embedded PostgreSQL for the test run (or uses DATABASE_URL, which
// must point at this machine), applies the migrations, and hands the URL to the tests.
import { rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { type ResolvedDatabase, startEmbeddedPostgres } from "../../lib/db/embedded";
import { migrateDatabase } from "../../lib/db/migrate";
import { assertLocalDatabase } from "./local-db";

let db: ResolvedDatabase | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (url) {
    assertLocalDatabase(url);
  } else {
    const port = Number(process.env.SM_TEST_PG_PORT ?? 54335);
    const dataDir = path.resolve(".data", `pg-test-${port}`);
    rmSync(dataDir, { recursive: true, force: true });
    db = await startEmbeddedPostgres({ port, dataDir, database: "stripemeter_test" });
    url = db.url;
  }
  await migrateDatabase(url);
  project.provide("databaseUrl", url);
}

export async function teardown(): Promise<void> {
  await db?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}
