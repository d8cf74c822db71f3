// Migration 20261203100000_idempotency_keys moves the adjustments' Idempotency-Keys into the
// shared idempotency_keys table, with the answer each was made with written out in SQL: it must
// be the body POST /api/v1/adjustments answered (toAdjustmentView), or a retry would see another.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { type AdjustmentRow, toAdjustmentView } from "@/lib/adjustments/list-adjustments";
import { migrateDatabase } from "@/lib/db/migrate";
import { freshDatabase, migrationsUpTo } from "../helpers/migrations";

const THIS_ONE = "20261203100000_idempotency_keys";
const DB = "sm_idempotency_keys_migration";

describe(`migration ${THIS_ONE}`, () => {
  it("stores each keyed adjustment's answer exactly as the API gave it, and drops the old columns", async () => {
    const url = await freshDatabase(DB);
    const before = await migrateDatabase(url, migrationsUpTo(THIS_ONE, false));
    expect(before.applied).toContain("20261202100000_adjustment_idempotency_key");
    expect(before.applied).not.toContain(THIS_ONE);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`INSERT INTO tenants (id, name) VALUES ('ten_a', 'A')`);
      await client.query(
        `INSERT INTO meters (tenant_id, id, metric, display_name) VALUES ('ten_a', 'mtr_1', 'api_calls', 'API calls')`,
      );
      const seeded: Array<[string, string, string | null, string | null, string | null, string | null]> = [
        // id, delta, event_id, reverts_id, idempotency_key, request_fingerprint
        ["adj_1", "-10", null, null, "k-1", '["api_calls","c","-10","goodwill",null,null]'],
        ["adj_2", "0.5", "42", null, "k-2", '["api_calls","c","0.5","late",1764547200000,null]'],
        ["adj_3", "10", null, "adj_1", "k-3", '[null,null,null,"undo",null,"adj_1"]'],
        ["adj_4", "-0.000001", null, null, 'k/ä"4', '["api_calls","c","-0.000001","tiny",null,null]'],
        ["adj_5", "123456789012.125", null, null, null, null], // no key: not carried over
      ];
      for (const [id, delta, eventId, revertsId, key, fp] of seeded) {
        await client.query(
          `INSERT INTO adjustments (tenant_id, id, meter_id, customer_ref, period_start, delta, reason, actor,
             event_id, reverts_id, idempotency_key, request_fingerprint, created_at)
           VALUES ('ten_a', $1, 'mtr_1', 'c', '2025-12-01T00:00:00.000Z', $2, 'why "quoted" ✓', 'api_key:key_1',
             $3, $4, $5, $6, '2026-12-03T10:11:12.345Z')`,
          [id, delta, eventId, revertsId, key, fp],
        );
      }
      const { rows: adjustments } = await client.query<AdjustmentRow & { idempotency_key: string }>(
        `SELECT a.id, m.metric, a.customer_ref, a.period_start, a.delta::text AS delta, a.reason, a.actor,
           a.event_id::text AS event_id, a.reverts_id, a.created_at, a.idempotency_key
         FROM adjustments a JOIN meters m ON m.tenant_id = a.tenant_id AND m.id = a.meter_id
         WHERE a.idempotency_key IS NOT NULL ORDER BY a.id`,
      );
      expect(adjustments).toHaveLength(4);

      // Up to this one: later migrations are not this test's subject.
      const after = await migrateDatabase(url, migrationsUpTo(THIS_ONE, true));
      expect(after.applied).toEqual([THIS_ONE]);

      const { rows: keys } = await client.query<{
        tenant_id: string;
        key: string;
        endpoint: string;
        request_fingerprint: string;
        response: string;
        created_at: Date;
      }>("SELECT * FROM idempotency_keys ORDER BY key");
      expect(keys.map((k) => k.key).sort()).toEqual(["k-1", "k-2", "k-3", 'k/ä"4'].sort());
      for (const a of adjustments) {
        const k = keys.find((r) => r.key === a.idempotency_key);
        expect(k?.tenant_id).toBe("ten_a");
        expect(k?.endpoint).toBe("POST /api/v1/adjustments");
        expect(k?.request_fingerprint).toBe(seeded.find((s) => s[0] === a.id)?.[5]);
        expect(k?.created_at.toISOString()).toBe("2026-12-03T10:11:12.345Z");
        // As replayed: parsed and written out again, it is byte for byte what the API answered.
        expect(JSON.stringify(JSON.parse(k?.response as string))).toBe(JSON.stringify(toAdjustmentView(a)));
      }
      expect(JSON.parse(keys.find((k) => k.key === "k-1")?.response as string)).toMatchObject({
        delta: "-10",
        eventId: null,
        periodStart: "2025-12-01T00:00:00.000Z",
      });
      expect(JSON.parse(keys.find((k) => k.key === 'k/ä"4')?.response as string).delta).toBe("-0.000001");

      const { rows: cols } = await client.query<{ column_name: string }>(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'adjustments'
           AND column_name IN ('idempotency_key', 'request_fingerprint')`,
      );
      expect(cols).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
