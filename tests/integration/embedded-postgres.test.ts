import { rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { type ResolvedDatabase, startEmbeddedPostgres } from "@/lib/db/embedded";

// The embedded server the app starts when DATABASE_URL is unset: started here on its own port,
// whatever database the rest of the suite uses.
describe("embedded PostgreSQL", () => {
  const port = Number(process.env.SM_TEST_EMBEDDED_PG_PORT ?? 54337);
  const dataDir = path.resolve(".data", `pg-test-embedded-${port}`);
  let db: ResolvedDatabase | undefined;

  afterAll(async () => {
    await db?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs durable, with backends' writes handed to the kernel every 256 kB", async () => {
    rmSync(dataDir, { recursive: true, force: true });
    db = await startEmbeddedPostgres({ port, dataDir, database: "stripemeter_embedded" });
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const show = async (name: string) => (await client.query(`SHOW ${name}`)).rows[0][name];
      expect(await show("fsync")).toBe("on");
      expect(await show("synchronous_commit")).toBe("on");
      expect(await show("max_connections")).toBe("200");
      // Without it, commits stall 50–170 ms when the kernel writes back what vacuum left dirty.
      expect(await show("backend_flush_after")).toBe(process.platform === "linux" ? "256kB" : "0");
    } finally {
      await client.end();
    }
  }, 120_000);

  it("says why when PostgreSQL exits before it is ready (here: its port is taken), after one more try", async () => {
    const taken = net.createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    const busyPort = (taken.address() as net.AddressInfo).port;
    const busyDir = path.resolve(".data", `pg-test-embedded-busy-${busyPort}`);
    try {
      const started = Date.now();
      const err = await startEmbeddedPostgres({ port: busyPort, dataDir: busyDir }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(
        new RegExp(`PostgreSQL on port ${busyPort} .* exited before it was ready: .*`),
      );
      expect((err as Error).message).toMatch(/could not bind|Address already in use/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000); // it tried again
    } finally {
      taken.close();
      rmSync(busyDir, { recursive: true, force: true });
    }
  }, 60_000);
});
