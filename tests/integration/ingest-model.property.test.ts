// Property: random sequences of ingests (with retries, retries with another meta, duplicate
// keys, conflicts, late events), adjustments and reverts leave every counter equal to a simple
// in-memory model, for every aggregation (unique_count of resourceId and of a meta field), and
// every acknowledgement matches the model's.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createAdjustment } from "@/lib/adjustments/create-adjustment";
import { periodFor } from "@/lib/billing/period";
import { db } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg-pool";
import { newId } from "@/lib/ids";
import { Dec } from "@/lib/ingest/decimal";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { compareKeys, formatDecimal } from "@/lib/ingest/normalize";
import { createMeterRow, expectCountersVerified, verifyCountersAfterEach } from "../helpers/ingest";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

// "u" counts distinct resourceIds, "um" distinct values of meta.user (UNIQUE_BY).
const METERS = { s: "sum", c: "count", mx: "max", l: "last", u: "unique_count", um: "unique_count" } as const;
const UNIQUE_BY: Partial<Record<Metric, string>> = { um: "user" };
const OTHER_USER: Record<string, string | null> = { a: "b", b: "c", c: null, "": "a" };
type Metric = keyof typeof METERS;
const ANCHORS: Record<string, Date | null> = { c1: null, c2: new Date("2026-01-05T00:00:00Z") };
const CLOCKS = [new Date("2026-11-02T12:00:00Z"), new Date("2026-11-10T12:00:00Z")];
const TIMES = ["2026-10-20T10:00:00Z", "2026-10-31T23:00:00Z", "2026-11-02T10:00:00Z", "2026-11-01T06:00:00Z"].map(
  (s) => new Date(s).getTime(),
);
const WINDOW_MS = 48 * 3_600_000;

interface ModelEvent {
  metric: Metric;
  customerRef: string;
  quantity: string;
  tsMs: number;
  resourceId: string | null;
  /** meta.user; null: no meta. */
  user: string | null;
  key: string;
  late: boolean;
  periodStart: number;
}

const eventArb = fc.record({
  key: fc.option(fc.constantFrom("k0", "k1", "k2", "k3", "k4"), { nil: undefined }),
  metric: fc.constantFrom<Metric>("s", "c", "mx", "l", "u", "um"),
  customerRef: fc.constantFrom("c1", "c2"),
  quantity: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom("0.5", "2.25", "7.000001")),
  t: fc.integer({ min: 0, max: TIMES.length - 1 }),
  resourceId: fc.constantFrom("r1", "r2", null),
  // Meta is part of the payload but not of a derived key: the same event with another meta conflicts.
  user: fc.constantFrom("a", "b", "c", null),
});
const commandArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("ingest" as const),
      clock: fc.integer({ min: 0, max: 1 }),
      events: fc.array(eventArb, { minLength: 1, maxLength: 6 }),
      // Sent again as is, or with every event's meta changed (a conflict, whatever its key).
      retry: fc.constantFrom("none", "same", "otherMeta"),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("adjust" as const),
      metric: fc.constantFrom<Metric>("s", "c", "mx", "l", "u", "um"),
      customerRef: fc.constantFrom("c1", "c2"),
      delta: fc.constantFrom("1", "-1", "2.5", "-3"),
      clock: fc.integer({ min: 0, max: 1 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("revert" as const), pick: fc.nat() }) },
);

class Model {
  ledger = new Map<string, ModelEvent>();
  adjustments: Array<{
    id: string;
    metric: Metric;
    customerRef: string;
    periodStart: number;
    delta: string;
    reverted: boolean;
  }> = [];

  counterKey(metric: Metric, customerRef: string, periodStart: number) {
    return `${metric}|${customerRef}|${new Date(periodStart).toISOString()}`;
  }

  ingest(raw: ModelEvent): { status: string; late?: boolean } {
    const existing = this.ledger.get(raw.key);
    if (existing) {
      const same =
        existing.metric === raw.metric &&
        existing.customerRef === raw.customerRef &&
        new Dec(existing.quantity).eq(raw.quantity) &&
        existing.tsMs === raw.tsMs &&
        existing.resourceId === raw.resourceId &&
        existing.user === raw.user;
      return same ? { status: "duplicate", late: existing.late } : { status: "conflict" };
    }
    this.ledger.set(raw.key, raw);
    return { status: "accepted", late: raw.late };
  }

  counters(): Map<string, string> {
    const groups = new Map<string, ModelEvent[]>();
    const adj = new Map<string, Dec>();
    const add = (k: string, d: string) => adj.set(k, (adj.get(k) ?? new Dec(0)).plus(d));
    for (const e of this.ledger.values()) {
      if (e.late) continue;
      const k = this.counterKey(e.metric, e.customerRef, e.periodStart);
      groups.set(k, [...(groups.get(k) ?? []), e]);
    }
    for (const a of this.adjustments) add(this.counterKey(a.metric, a.customerRef, a.periodStart), a.delta);
    const out = new Map<string, string>();
    for (const k of new Set([...groups.keys(), ...adj.keys()])) {
      const metric = k.split("|")[0] as Metric;
      const evs = groups.get(k) ?? [];
      let raw = new Dec(0);
      if (evs.length > 0) {
        const agg = METERS[metric];
        if (agg === "sum") raw = evs.reduce((s, e) => s.plus(e.quantity), new Dec(0));
        if (agg === "count") raw = new Dec(evs.length);
        if (agg === "max") raw = Dec.max(...evs.map((e) => new Dec(e.quantity)));
        if (agg === "unique_count") {
          const values = evs.map((e) => (UNIQUE_BY[metric] === "user" ? e.user : e.resourceId));
          raw = new Dec(new Set(values.filter((v) => v !== null)).size);
        }
        if (agg === "last") {
          const win = [...evs].sort((a, b) => b.tsMs - a.tsMs || compareKeys(b.key, a.key))[0];
          raw = new Dec(win.quantity);
        }
      }
      out.set(k, raw.plus(adj.get(k) ?? 0).toFixed());
    }
    return out;
  }
}

describe("ingest + counters vs an in-memory model (property)", () => {
  it("agree on every acknowledgement and every counter for every aggregation", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 12 }), async (commands) => {
        const t = await createTestTenant();
        for (const [metric, aggregation] of Object.entries(METERS))
          await createMeterRow(t.tenantId, metric, aggregation, UNIQUE_BY[metric as Metric] ?? null);
        for (const [customerRef, billingAnchor] of Object.entries(ANCHORS)) {
          await db.customer.create({ data: { tenantId: t.tenantId, id: newId("cst"), customerRef, billingAnchor } });
        }
        const model = new Model();
        // late events: the model mirrors the documented rule (sum +quantity, count +1, others 0)
        for (const cmd of commands) {
          if (cmd.kind === "ingest") {
            const now = CLOCKS[cmd.clock];
            const rounds = cmd.retry === "none" ? 1 : 2;
            for (let round = 0; round < rounds; round++) {
              const events =
                round === 1 && cmd.retry === "otherMeta"
                  ? cmd.events.map((e) => ({ ...e, user: OTHER_USER[e.user ?? ""] }))
                  : cmd.events;
              const wire = events.map((e) => ({
                metric: e.metric,
                customerRef: e.customerRef,
                quantity: e.quantity,
                ts: new Date(TIMES[e.t]).toISOString(),
                ...(e.key ? { idempotencyKey: e.key } : {}),
                ...(e.resourceId ? { resourceId: e.resourceId } : {}),
                ...(e.user ? { meta: { user: e.user } } : {}),
              }));
              const res = await ingestEvents({ tenantId: t.tenantId, events: wire, now });
              events.forEach((e, i) => {
                const key = res.results[i].idempotencyKey as string;
                if (!e.key) expect(key).toMatch(/^drv_/);
                const tsMs = TIMES[e.t];
                const period = periodFor(new Date(tsMs), ANCHORS[e.customerRef]);
                const late = now.getTime() >= period.end.getTime() + WINDOW_MS;
                const expected = model.ingest({
                  metric: e.metric,
                  customerRef: e.customerRef,
                  quantity: new Dec(e.quantity).toFixed(),
                  tsMs,
                  resourceId: e.resourceId,
                  user: e.user,
                  key,
                  late,
                  periodStart: period.start.getTime(),
                });
                expect(res.results[i].status).toBe(expected.status);
                expect(res.results[i].late ?? false).toBe(expected.status === "conflict" ? false : expected.late);
                if (expected.status === "accepted" && late) {
                  const agg = METERS[e.metric];
                  model.adjustments.push({
                    id: `late:${key}`,
                    metric: e.metric,
                    customerRef: e.customerRef,
                    periodStart: periodFor(now, ANCHORS[e.customerRef]).start.getTime(),
                    delta: agg === "sum" ? new Dec(e.quantity).toFixed() : agg === "count" ? "1" : "0",
                    reverted: false,
                  });
                }
              });
            }
          } else if (cmd.kind === "adjust") {
            const now = CLOCKS[cmd.clock];
            const periodStart = periodFor(now, ANCHORS[cmd.customerRef]).start.getTime();
            const k = model.counterKey(cmd.metric, cmd.customerRef, periodStart);
            const after = new Dec(model.counters().get(k) ?? 0).plus(cmd.delta);
            const call = createAdjustment({
              tenantId: t.tenantId,
              input: { metric: cmd.metric, customerRef: cmd.customerRef, delta: cmd.delta, reason: "property" },
              actor: { type: "system", id: "property-test" },
              now,
            });
            if (after.isNegative()) {
              await expect(call).rejects.toMatchObject({ code: "validation_failed" });
            } else {
              const created = await call;
              model.adjustments.push({
                id: created.id,
                metric: cmd.metric,
                customerRef: cmd.customerRef,
                periodStart,
                delta: cmd.delta,
                reverted: false,
              });
            }
          } else {
            const manual = model.adjustments.filter((a) => !a.id.startsWith("late:"));
            if (manual.length === 0) continue;
            const target = manual[cmd.pick % manual.length];
            const k = model.counterKey(target.metric, target.customerRef, target.periodStart);
            const after = new Dec(model.counters().get(k) ?? 0).minus(target.delta);
            const call = createAdjustment({
              tenantId: t.tenantId,
              input: { revertsId: target.id, reason: "property revert" },
              actor: { type: "system", id: "property-test" },
            });
            if (target.reverted) {
              await expect(call).rejects.toMatchObject({ code: "conflict" });
            } else if (after.isNegative()) {
              await expect(call).rejects.toMatchObject({ code: "validation_failed" });
            } else {
              const created = await call;
              target.reverted = true;
              model.adjustments.push({
                id: created.id,
                metric: target.metric,
                customerRef: target.customerRef,
                periodStart: target.periodStart,
                delta: new Dec(target.delta).negated().toFixed(),
                reverted: false,
              });
            }
          }
        }
        const rows = await getPgPool().query<{
          metric: Metric;
          customer_ref: string;
          period_start: Date;
          value: string;
        }>(
          `SELECT m.metric, c.customer_ref, c.period_start, c.value::text AS value
           FROM counters c JOIN meters m ON m.tenant_id = c.tenant_id AND m.id = c.meter_id WHERE c.tenant_id = $1`,
          [t.tenantId],
        );
        const expected = model.counters();
        const actual = new Map(
          rows.rows.map((r) => [
            model.counterKey(r.metric, r.customer_ref, r.period_start.getTime()),
            formatDecimal(r.value),
          ]),
        );
        for (const [k, v] of actual) expect({ k, v }).toEqual({ k, v: expected.get(k) ?? "0" });
        for (const [k, v] of expected) if (v !== "0") expect({ k, v: actual.get(k) }).toEqual({ k, v });
        const ledger = await getPgPool().query<{ n: string }>(
          "SELECT count(*)::text AS n FROM events WHERE tenant_id = $1",
          [t.tenantId],
        );
        expect(Number(ledger.rows[0].n)).toBe(model.ledger.size);
        await expectCountersVerified(t.tenantId);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
