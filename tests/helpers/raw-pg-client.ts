import pg from "pg";
import { afterAll, beforeAll } from "vitest";

/** A plain pg client on the test database for one file's tests: connected before them, closed after. */
export function useRawPgClient(): () => pg.Client {
  let client: pg.Client | undefined;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });
  return () => {
    if (!client) throw new Error("the pg client connects in beforeAll; use it inside a test");
    return client;
  };
}
