// withPgTransaction pipelines: BEGIN goes out with the first statement, and the statements sent
// through tx.send go out with the COMMIT, unanswered until then (lib/db/pg-pool.ts). These tests
// pin what must not change with that: all or nothing, the failing statement's own error (not
// Postgres' "current transaction is aborted" for the ones after it), and a clean connection after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPgPool, withPgTransaction } from "@/lib/db/pg-pool";
import { countPgWrites } from "../helpers/pg-writes";
import { useRawPgClient } from "../helpers/raw-pg-client";

const table = `pg_tx_test_${process.pid}`;
const insert = (k: string, v: number) => ({ text: `INSERT INTO ${table} (k, v) VALUES ($1, $2)`, values: [k, v] });

describe("withPgTransaction", () => {
  // Another session: it sees only what committed.
  const observer = useRawPgClient();
  const storedKeys = async (): Promise<string[]> =>
    (await observer().query<{ k: string }>(`SELECT k FROM ${table} ORDER BY k COLLATE "C"`)).rows.map((r) => r.k);

  beforeAll(async () => {
    await getPgPool().query(`CREATE TABLE ${table} (k text PRIMARY KEY, v int NOT NULL CHECK (v >= 0))`);
  });
  afterAll(async () => {
    await getPgPool().query(`DROP TABLE IF EXISTS ${table}`);
  });

  it("runs on pipelining connections", () => {
    expect((getPgPool() as unknown as { options: { pipeline: boolean } }).options.pipeline).toBe(true);
  });

  it("commits what it awaited and what it only sent, and resolves with fn's result", async () => {
    const result = await withPgTransaction(async (client, tx) => {
      const { rows } = await client.query<{ n: number }>("SELECT 41 + 1 AS n");
      await client.query(insert("commit-a", 1));
      tx.send(insert("commit-b", 2));
      tx.send(insert("commit-c", 3));
      return rows[0].n;
    });
    expect(result).toBe(42);
    expect(await storedKeys()).toEqual(["commit-a", "commit-b", "commit-c"]);
  });

  it("writes the BEGIN with the first statement, and the sent statements with the COMMIT, in one write each", async () => {
    const { writes } = await countPgWrites(() =>
      withPgTransaction(
        async (client, tx) => {
          await client.query("SELECT 1"); // goes out with the BEGIN
          await client.query(insert("writes-a", 1)); // alone: its answer is awaited
          tx.send(insert("writes-b", 1));
          tx.send(insert("writes-c", 1)); // these two go out with the COMMIT
        },
        { begin: "BEGIN; SELECT 2" },
      ),
    );
    expect(writes).toBe(3);
    expect(await storedKeys()).toEqual(expect.arrayContaining(["writes-a", "writes-b", "writes-c"]));
  });

  it("fails with a sent statement's own error, and keeps nothing of the transaction", async () => {
    const failing = withPgTransaction(async (client, tx) => {
      await client.query(insert("sent-a", 1));
      tx.send(insert("sent-b", -1)); // violates the CHECK
      tx.send(insert("sent-c", 1)); // refused after it: "current transaction is aborted"
      return "not reached";
    });
    await expect(failing).rejects.toMatchObject({ code: "23514" });
    expect((await storedKeys()).filter((k) => k.startsWith("sent-"))).toEqual([]);
  });

  it("ends a transaction whose COMMIT Postgres answered as a ROLLBACK without another round trip", async () => {
    const { result, writes } = await countPgWrites(() =>
      withPgTransaction(async (client, tx) => {
        await client.query(insert("ended-a", 1)); // goes out with the BEGIN
        tx.send(insert("ended-b", -1)); // fails; the COMMIT after it is answered as a ROLLBACK
      }).catch((err: { code?: string }) => err.code),
    );
    expect(result).toBe("23514");
    expect(writes).toBe(2); // no third write: no ROLLBACK sent after the COMMIT's answer
    expect((await storedKeys()).filter((k) => k.startsWith("ended-"))).toEqual([]);
    // fn failing before the COMMIT was sent: the ROLLBACK is still needed, and sent.
    const thrown = await countPgWrites(() =>
      withPgTransaction(async (client) => {
        await client.query(insert("ended-c", 1));
        throw new Error("caller");
      }).catch((err: Error) => err.message),
    );
    expect(thrown).toEqual({ result: "caller", writes: 2 });
    expect((await storedKeys()).filter((k) => k.startsWith("ended-"))).toEqual([]);
  });

  it("reports the sent statement that failed, not the awaited one Postgres then refused", async () => {
    const failing = withPgTransaction(async (client, tx) => {
      tx.send(insert("order-a", 1));
      tx.send(insert("order-a", 2)); // duplicate key
      await client.query(insert("order-b", 1)); // 25P02, after the failure above
      return "not reached";
    });
    await expect(failing).rejects.toMatchObject({ code: "23505" });
    expect((await storedKeys()).filter((k) => k.startsWith("order-"))).toEqual([]);
  });

  it("reports an awaited statement's failure, not the refusal of a statement sent after it", async () => {
    const failing = withPgTransaction(async (client, tx) => {
      const first = client.query(insert("later-a", -1)); // fails
      tx.send(insert("later-b", 1)); // sent behind it: refused with 25P02
      await first;
      return "not reached";
    });
    await expect(failing).rejects.toMatchObject({ code: "23514" });
    expect((await storedKeys()).filter((k) => k.startsWith("later-"))).toEqual([]);
  });

  it("reports a failing BEGIN statement as the cause", async () => {
    const failing = withPgTransaction(
      async (client) => {
        await client.query(insert("begin-a", 1));
        return "not reached";
      },
      { begin: "BEGIN; SELECT 1 / 0" },
    );
    await expect(failing).rejects.toMatchObject({ code: "22012" });
    expect((await storedKeys()).filter((k) => k.startsWith("begin-"))).toEqual([]);
  });

  it("rolls back when fn throws, with fn's error", async () => {
    const failing = withPgTransaction(async (client, tx) => {
      await client.query(insert("throw-a", 1));
      tx.send(insert("throw-b", 1));
      throw new Error("refused by the caller");
    });
    await expect(failing).rejects.toThrow("refused by the caller");
    expect((await storedKeys()).filter((k) => k.startsWith("throw-"))).toEqual([]);
  });

  it("leaves every pooled connection outside a transaction after failures", async () => {
    const failures = Array.from({ length: 6 }, (_, i) =>
      withPgTransaction(async (client, tx) => {
        tx.send(insert(`clean-${i}`, -1));
        await client.query("SELECT 1");
      }).catch((err: { code?: string }) => err.code),
    );
    expect(await Promise.all(failures)).toEqual(Array(6).fill("23514"));
    // Autocommit statements on the same connections: each visible to another session at once,
    // which a connection left inside a transaction would not allow.
    await Promise.all(Array.from({ length: 6 }, (_, i) => getPgPool().query(insert(`clean-ok-${i}`, 1))));
    expect((await storedKeys()).filter((k) => k.startsWith("clean-"))).toEqual(
      Array.from({ length: 6 }, (_, i) => `clean-ok-${i}`),
    );
  });
});
