import { describe, expect, it } from "vitest";
import { getPgPool } from "@/lib/db/pg-pool";
import { newId } from "@/lib/ids";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { POST } from "@/pages/api/v1/events/ingest";
import {
  counterValue,
  createMeterRow,
  isoNow,
  ledgerCount,
  postIngest,
  verifyCountersAfterEach,
} from "../helpers/ingest";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const good = (over: Record<string, unknown> = {}) => ({
  metric: "api_calls",
  customerRef: "cus_1",
  quantity: 1,
  ts: isoNow(),
  ...over,
});

describe("POST /api/v1/events/ingest — security", () => {
  runCommonRouteTests({
    handler: POST,
    method: "POST",
    path: "/api/v1/events/ingest",
    scope: "events:write",
    body: { events: [good({ idempotencyKey: "sec-1" })] },
  });
});

describe("POST /api/v1/events/ingest — request-level validation (nothing stored)", () => {
  const cases: Array<[string, unknown, number, string]> = [
    ["malformed JSON", '{"events": [', 400, "invalid_json"],
    ["an empty body", "", 400, "invalid_json"],
    ["a JSON array body", [good()], 422, "validation_failed"],
    ["a JSON string body", '"events"', 422, "validation_failed"],
    ["a body without events", { evnts: [good()] }, 422, "validation_failed"],
    ["events that is not an array", { events: good() }, 422, "validation_failed"],
    ["an empty events array", { events: [] }, 422, "validation_failed"],
    [
      "1001 events",
      { events: Array.from({ length: 1001 }, (_, i) => good({ idempotencyKey: `k${i}` })) },
      422,
      "validation_failed",
    ],
    ["an unknown top-level field", { events: [good()], dryRun: true }, 422, "validation_failed"],
  ];
  for (const [name, body, status, code] of cases) {
    it(`answers ${status} ${code} to ${name}`, async () => {
      const t = await createTestTenant();
      const res = await postIngest(t.apiKey, body);
      expect(res.status).toBe(status);
      expect(res.body.error.code).toBe(code);
      expect(res.body.error.requestId).toMatch(/^req_/);
      expect(await ledgerCount(t.tenantId)).toBe(0);
    });
  }

  it("answers 413 to a body over 1 MiB, even without a content-length", async () => {
    const t = await createTestTenant();
    const big = JSON.stringify({ events: [good({ meta: { pad: "x".repeat(1024 * 1024) } })] });
    const res = await postIngest(t.apiKey, big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
    expect(await ledgerCount(t.tenantId)).toBe(0);
  });

  it("answers 400 invalid_json to a body that is not UTF-8 instead of storing U+FFFD in its place", async () => {
    const t = await createTestTenant();
    // JSON between systems must be UTF-8 (RFC 8259 §8.1). Decoded leniently, 0xFF and 0xFE
    // both became U+FFFD: two different customers were stored as one, the second a "duplicate".
    const send = (byte: number) =>
      POST(
        new Request("http://localhost/api/v1/events/ingest", {
          method: "POST",
          headers: {
            authorization: `Bearer ${t.apiKey}`,
            "content-type": "application/json",
            origin: "http://localhost",
          },
          body: Buffer.concat([
            Buffer.from('{"events":[{"metric":"api_calls","customerRef":"cus_'),
            Buffer.from([byte]),
            Buffer.from(`","quantity":1,"ts":"${isoNow(-1000)}"}]}`),
          ]),
        }),
        { params: Promise.resolve({}) },
      );
    for (const byte of [0xff, 0xfe]) {
      const res = await send(byte);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe("invalid_json");
    }
    expect(await ledgerCount(t.tenantId)).toBe(0);
  });

  it("answers 403 when the body or an event names another tenant", async () => {
    const t = await createTestTenant();
    const top = await postIngest(t.apiKey, { tenantId: newId("ten"), events: [good()] });
    expect(top.status).toBe(403);
    expect(top.body.error.code).toBe("forbidden");
    const inEvent = await postIngest(t.apiKey, { events: [good(), good({ tenantId: newId("ten"), quantity: 2 })] });
    expect(inEvent.status).toBe(403);
    expect(await ledgerCount(t.tenantId)).toBe(0);
    const own = await postIngest(t.apiKey, { tenantId: t.tenantId, events: [good({ tenantId: t.tenantId })] });
    expect(own.status).toBe(200);
    expect(own.body.accepted).toBe(1);
  });

  it("accepts exactly 1000 events in one request", async () => {
    const t = await createTestTenant();
    const events = Array.from({ length: 1000 }, (_, i) => good({ idempotencyKey: `k${i}` }));
    const res = await postIngest(t.apiKey, { events });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(1000);
    expect(await ledgerCount(t.tenantId)).toBe(1000);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("1000");
  });
});

describe("POST /api/v1/events/ingest — per-event validation", () => {
  const bad: Array<[string, Record<string, unknown>, string, string]> = [
    ["an uppercase metric", { metric: "API_calls" }, "validation_failed", "events[1].metric"],
    ["a metric starting with a digit", { metric: "1calls" }, "validation_failed", "events[1].metric"],
    ["a 65-character metric", { metric: `a${"b".repeat(64)}` }, "validation_failed", "events[1].metric"],
    ["a missing metric", { metric: undefined }, "validation_failed", "events[1].metric"],
    ["an empty customerRef", { customerRef: "" }, "validation_failed", "events[1].customerRef"],
    ["a 256-character customerRef", { customerRef: "c".repeat(256) }, "validation_failed", "events[1].customerRef"],
    ["a numeric customerRef", { customerRef: 42 }, "validation_failed", "events[1].customerRef"],
    [
      'the customerRef "."',
      { customerRef: "." },
      "validation_failed",
      'events[1].customerRef: must not be "." or ".."',
    ],
    [
      'the customerRef ".."',
      { customerRef: ".." },
      "validation_failed",
      'events[1].customerRef: must not be "." or ".."',
    ],
    ["a negative quantity", { quantity: -1 }, "validation_failed", "events[1].quantity: must be ≥ 0"],
    [
      "a negative decimal-string quantity",
      { quantity: "-0.5" },
      "validation_failed",
      "events[1].quantity: must be ≥ 0",
    ],
    ["7 decimal places", { quantity: 1.1234567 }, "validation_failed", "events[1].quantity: at most 6 decimal places"],
    ["7 decimal places as a string", { quantity: "0.0000001" }, "validation_failed", "events[1].quantity: at most 6"],
    ["an exponent string", { quantity: "1e3" }, "validation_failed", "events[1].quantity"],
    ["a non-numeric string", { quantity: "ten" }, "validation_failed", "events[1].quantity"],
    ["a boolean quantity", { quantity: true }, "validation_failed", "events[1].quantity"],
    ["a missing quantity", { quantity: undefined }, "validation_failed", "events[1].quantity"],
    ["a quantity too large for numeric(38,6)", { quantity: 1e40 }, "validation_failed", "events[1].quantity"],
    [
      "a JSON number beyond 15 significant digits",
      { quantity: 12345678901.123455 },
      "validation_failed",
      "events[1].quantity: a JSON number with more than 15 significant digits is not exact",
    ],
    ["a JSON integer beyond 2^53 − 1", { quantity: 2 ** 53 }, "validation_failed", "events[1].quantity: a JSON number"],
    ["a ts without offset", { ts: "2026-11-27T14:30:00" }, "validation_failed", "events[1].ts"],
    ["a date-only ts", { ts: "2026-11-27" }, "validation_failed", "events[1].ts"],
    ["an impossible date", { ts: "2026-02-30T00:00:00Z" }, "validation_failed", "events[1].ts"],
    ["an epoch-number ts", { ts: 1764253800000 }, "validation_failed", "events[1].ts"],
    ["a missing ts", { ts: undefined }, "validation_failed", "events[1].ts"],
    ["a ts 6 minutes in the future", { ts: isoNow(6 * 60_000) }, "ts_in_future", "events[1].ts"],
    ["an empty idempotencyKey", { idempotencyKey: "" }, "validation_failed", "events[1].idempotencyKey"],
    ["a 256-character idempotencyKey", { idempotencyKey: "k".repeat(256) }, "validation_failed", "idempotencyKey"],
    ["a numeric idempotencyKey", { idempotencyKey: 7 }, "validation_failed", "events[1].idempotencyKey"],
    ["a misspelt idempotencyKey", { idempotencykey: "abc" }, "validation_failed", "events[1].idempotencykey: unknown"],
    ["an array meta", { meta: [1, 2] }, "validation_failed", "events[1].meta"],
    ["a string meta", { meta: "x" }, "validation_failed", "events[1].meta"],
    ["a meta over 4 KiB", { meta: { pad: "x".repeat(4100) } }, "validation_failed", "events[1].meta"],
    ["an empty resourceId", { resourceId: "" }, "validation_failed", "events[1].resourceId"],
    ["a numeric resourceId", { resourceId: 5 }, "validation_failed", "events[1].resourceId"],
    ["a 65-character source", { source: "s".repeat(65) }, "validation_failed", "events[1].source"],
    // Postgres text and jsonb cannot hold U+0000: refused per event, never a failed batch.
    ["a NUL in customerRef", { customerRef: "cus\u0000x" }, "validation_failed", "events[1].customerRef"],
    ["a NUL in idempotencyKey", { idempotencyKey: "k\u0000" }, "validation_failed", "events[1].idempotencyKey"],
    ["a NUL in resourceId", { resourceId: "r\u0000" }, "validation_failed", "events[1].resourceId"],
    ["a NUL in source", { source: "s\u0000" }, "validation_failed", "events[1].source"],
    ["a NUL in a meta value", { meta: { a: { b: ["ok", "x\u0000"] } } }, "validation_failed", "events[1].meta"],
    ["a NUL in a meta key", { meta: { "k\u0000": 1 } }, "validation_failed", "events[1].meta"],
    [
      "a NUL in a meta value names its path",
      { meta: { a: { b: ["ok", "x\u0000"] } } },
      "validation_failed",
      "events[1].meta.a.b[1]: must not contain U+0000",
    ],
    // An unpaired surrogate is not Unicode: jsonb refused it (the whole batch failed with a
    // 500) and text stored U+FFFD in its place (two different keys became one).
    [
      "an unpaired surrogate in customerRef",
      { customerRef: "cus\ud800" },
      "validation_failed",
      "events[1].customerRef",
    ],
    [
      "an unpaired surrogate in idempotencyKey",
      { idempotencyKey: "k\udc00" },
      "validation_failed",
      "events[1].idempotencyKey",
    ],
    ["an unpaired surrogate in resourceId", { resourceId: "r\ud83d" }, "validation_failed", "events[1].resourceId"],
    ["an unpaired surrogate in source", { source: "\udfffs" }, "validation_failed", "events[1].source"],
    [
      "an unpaired surrogate in a meta value",
      { meta: { a: ["ok", "x\ud800y"] } },
      "validation_failed",
      "events[1].meta.a[1]: must be valid Unicode (no unpaired surrogate)",
    ],
    [
      "an unpaired surrogate in a meta key",
      { meta: { "k\udfff": 1 } },
      "validation_failed",
      "events[1].meta.k\udfff: must be valid Unicode",
    ],
    // 2,100 characters but 4,200 UTF-8 bytes: the limit is on bytes.
    ["a multi-byte meta over 4 KiB", { meta: { pad: "é".repeat(2100) } }, "validation_failed", "events[1].meta"],
  ];
  for (const [name, over, code, message] of bad) {
    it(`rejects ${name} and still accepts the rest of the batch`, async () => {
      const t = await createTestTenant();
      const event = { ...good({ quantity: 5 }), ...over };
      for (const k of Object.keys(event))
        if (event[k as keyof typeof event] === undefined) delete event[k as keyof typeof event];
      const res = await postIngest(t.apiKey, { events: [good({ quantity: 2, idempotencyKey: "ok-1" }), event] });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ accepted: 1, duplicates: 0, conflicts: 0, rejected: 1 });
      expect(res.body.results[0]).toEqual({ index: 0, idempotencyKey: "ok-1", status: "accepted" });
      expect(res.body.results[1].status).toBe("rejected");
      expect(res.body.results[1].index).toBe(1);
      expect(res.body.results[1].error.code).toBe(code);
      expect(res.body.results[1].error.message).toContain(message);
      expect(await ledgerCount(t.tenantId)).toBe(1);
      expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("2");
    });
  }

  it("accepts customerRefs that only contain dots among other characters (they are addressable)", async () => {
    const t = await createTestTenant();
    const refs = ["...", ".a", "a.", "./x", "%2e"];
    const res = await postIngest(t.apiKey, { events: refs.map((customerRef) => good({ customerRef })) });
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(refs.map(() => "accepted"));
    const rows = await getPgPool().query(
      "SELECT customer_ref FROM customers WHERE tenant_id = $1 ORDER BY customer_ref",
      [t.tenantId],
    );
    expect(rows.rows.map((r) => r.customer_ref)).toEqual([...refs].sort());
  });

  it("accepts characters outside the BMP (surrogate pairs) in every text field and stores them exactly", async () => {
    const t = await createTestTenant();
    const e = good({
      customerRef: "cus_😀",
      idempotencyKey: "k_𝄞",
      resourceId: "r_🎉",
      source: "s_😀",
      meta: { "😀": "𝄞" },
    });
    const res = await postIngest(t.apiKey, { events: [e] });
    expect(res.body.results).toEqual([{ index: 0, idempotencyKey: "k_𝄞", status: "accepted" }]);
    const row = await getPgPool().query(
      "SELECT customer_ref, idempotency_key, resource_id, source, meta FROM events WHERE tenant_id = $1",
      [t.tenantId],
    );
    expect(row.rows).toEqual([
      { customer_ref: "cus_😀", idempotency_key: "k_𝄞", resource_id: "r_🎉", source: "s_😀", meta: { "😀": "𝄞" } },
    ]);
  });

  it("refuses a meta nested deeper than 4 KiB can hold per event, where it used to overflow the stack (500)", async () => {
    const t = await createTestTenant();
    // 100,000 levels in 500 KB: valid JSON, but no meta of ≤ 4096 bytes nests beyond 2048 levels.
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    const body = `{"events":[${JSON.stringify(good({ quantity: 2, idempotencyKey: "ok-1" }))},${JSON.stringify(good()).replace(/}$/, `,"meta":${deep}}`)}]}`;
    const res = await postIngest(t.apiKey, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect(res.body.results[1]).toMatchObject({ index: 1, status: "rejected", error: { code: "validation_failed" } });
    expect(res.body.results[1].error.message).toContain("events[1].meta: must be at most 4096 bytes serialized");
    // As deep as 4 KiB allows (2,040 arrays, 4,080 bytes): stored, and its retry is a duplicate.
    const deepest = `${"[".repeat(2040)}${"]".repeat(2040)}`;
    const ok = `{"events":[${JSON.stringify(good({ idempotencyKey: "deep" })).replace(/}$/, `,"meta":{"a":${deepest}}}`)}]}`;
    expect((await postIngest(t.apiKey, ok)).body.results[0].status).toBe("accepted");
    expect((await postIngest(t.apiKey, ok)).body.results[0].status).toBe("duplicate");
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("3");
  });

  it("a batch of only refused events stores nothing and creates no meter or counter", async () => {
    const t = await createTestTenant();
    const res = await postIngest(t.apiKey, { events: [good({ metric: "new_metric", quantity: -1 })] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, rejected: 1 });
    expect(await ledgerCount(t.tenantId)).toBe(0);
    expect(await counterValue(t.tenantId, "new_metric", "cus_1")).toBeNull();
  });

  it("accepts a ts 4 minutes in the future, offsets other than Z, and fractional seconds", async () => {
    const t = await createTestTenant();
    const res = await postIngest(t.apiKey, {
      events: [good({ ts: isoNow(4 * 60_000) }), good({ ts: "2026-11-27T15:30:00.123456+01:00", quantity: 2 })],
    });
    expect(res.body.accepted).toBe(2);
  });

  it("stores quantities exactly: decimal strings and numbers with 6 decimals add up without float error", async () => {
    const t = await createTestTenant();
    const res = await postIngest(t.apiKey, {
      events: [
        good({ quantity: 0.1, idempotencyKey: "a" }),
        good({ quantity: 0.2, idempotencyKey: "b" }),
        good({ quantity: "0.000001", idempotencyKey: "c" }),
        good({ quantity: "12345678901234567890.123456", idempotencyKey: "d" }),
      ],
    });
    expect(res.body.accepted).toBe(4);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("12345678901234567890.423457");
  });

  it("never lets JSON's doubles change a quantity: a lossy number is refused, its decimal string counts exactly", async () => {
    const t = await createTestTenant();
    const ts = isoNow(-1000);
    // As a client's serializer writes it: JSON.parse would make this 12345678901.123455.
    const lossy = `{"events":[{"metric":"api_calls","customerRef":"cus_1","quantity":12345678901.123456,"ts":"${ts}"}]}`;
    const refused = await postIngest(t.apiKey, lossy);
    expect(refused.status).toBe(200);
    expect(refused.body.results[0]).toMatchObject({ status: "rejected", error: { code: "validation_failed" } });
    expect(refused.body.results[0].error.message).toContain("send it as a decimal string");
    const exact = await postIngest(t.apiKey, {
      events: [
        good({ quantity: "12345678901.123456", ts, idempotencyKey: undefined }),
        good({ quantity: 9_007_199_254_740_991, ts, idempotencyKey: "max-safe" }), // 2^53 − 1: exact
      ],
    });
    expect(exact.body.accepted).toBe(2);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("9007211600419892.123456");
    expect(await ledgerCount(t.tenantId)).toBe(2);
  });

  it("refuses a JSON number that arrives as a shorter decimal than was sent, and stores the others exactly", async () => {
    const t = await createTestTenant();
    const ts = isoNow(-1000);
    // Each parses to a double whose shortest form is another, short decimal: 1e17, 1, 0.3, 0.
    const lossy = ["100000000000000001", "1.0000000000000001", "0.30000000000000001", "1e-400"];
    const exact = ["100000000000000000", "1e17", "0.3", "2.5E0"];
    const event = (q: string, i: number) =>
      `{"metric":"api_calls","customerRef":"cus_1","quantity":${q},"ts":"${ts}","idempotencyKey":"k${i}","meta":{"quantity":${q}}}`;
    const res = await postIngest(t.apiKey, `{"events":[${[...lossy, ...exact].map(event).join(",")}]}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 4, rejected: 4 });
    for (const i of lossy.keys()) {
      expect(res.body.results[i]).toMatchObject({ index: i, status: "rejected", error: { code: "validation_failed" } });
      expect(res.body.results[i].error.message).toContain(`events[${i}].quantity`);
      expect(res.body.results[i].error.message).toContain("send it as a decimal string");
    }
    expect(res.body.results.slice(4).map((r: { status: string }) => r.status)).toEqual(exact.map(() => "accepted"));
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe("200000000000000002.8");
  });

  it("sums past a single quantity's 32 integer digits without overflowing the counter", async () => {
    const t = await createTestTenant();
    const big = `${"9".repeat(32)}.999999`;
    const events = ["a", "b", "c"].map((k) => good({ quantity: big, idempotencyKey: `big-${k}` }));
    expect((await postIngest(t.apiKey, { events: events.slice(0, 1) })).body.accepted).toBe(1);
    // Each batch after the first pushes the sum to 33 digits: it used to fail with a 500.
    expect((await postIngest(t.apiKey, { events: events.slice(1, 2) })).body.accepted).toBe(1);
    expect((await postIngest(t.apiKey, { events: events.slice(2) })).body.accepted).toBe(1);
    expect(await counterValue(t.tenantId, "api_calls", "cus_1")).toBe(`2${"9".repeat(31)}9.999997`);
  });
});

describe("POST /api/v1/events/ingest — limits at their edges", () => {
  it("accepts every field at its maximum, and refuses one unit more", async () => {
    const t = await createTestTenant();
    // {"pad":"…"} is 10 bytes around the padding: 4,086 characters make exactly 4,096 bytes.
    const at = [
      good({ metric: `m${"x".repeat(63)}`, idempotencyKey: "metric-64" }),
      good({ customerRef: "c".repeat(255), idempotencyKey: "ref-255" }),
      good({ idempotencyKey: "k".repeat(255) }),
      good({ resourceId: "r".repeat(255), idempotencyKey: "res-255" }),
      good({ source: "s".repeat(64), idempotencyKey: "source-64" }),
      good({ meta: { pad: "x".repeat(4086) }, idempotencyKey: "meta-4096" }),
      good({ meta: { pad: "é".repeat(2043) }, idempotencyKey: "meta-4096-utf8" }), // 10 + 4,086 bytes
    ];
    const over = [
      good({ meta: { pad: "x".repeat(4087) }, idempotencyKey: "meta-4097" }),
      good({ meta: { pad: `${"é".repeat(2043)}x` }, idempotencyKey: "meta-4097-utf8" }),
    ];
    const res = await postIngest(t.apiKey, { events: [...at, ...over] });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: at.length, rejected: over.length });
    for (const r of res.body.results.slice(at.length)) {
      expect(r).toMatchObject({ status: "rejected", error: { code: "validation_failed" } });
      expect(r.error.message).toContain(".meta: must be at most 4096 bytes serialized");
    }
    expect(await ledgerCount(t.tenantId)).toBe(at.length);
    const stored = await getPgPool().query<{ n: number }>(
      "SELECT octet_length(meta::text) AS n FROM events WHERE tenant_id = $1 AND idempotency_key = 'meta-4096'",
      [t.tenantId],
    );
    expect(stored.rows[0].n).toBeGreaterThanOrEqual(4096); // jsonb's text adds a space after the colon
  });

  it("accepts a ts exactly 5 minutes ahead of the server's clock and refuses one a millisecond later", async () => {
    const t = await createTestTenant();
    const now = new Date("2026-11-27T14:30:00.000Z");
    const res = await ingestEvents({
      tenantId: t.tenantId,
      now,
      events: [
        good({ ts: "2026-11-27T14:35:00.000Z", idempotencyKey: "at" }),
        good({ ts: "2026-11-27T14:35:00.001Z", idempotencyKey: "over" }),
        good({ ts: "2026-11-27T15:35:00.001+01:00", idempotencyKey: "over-offset" }),
      ],
    });
    expect(res.results.map((r) => [r.idempotencyKey, r.status, r.error?.code])).toEqual([
      ["at", "accepted", undefined],
      ["over", "rejected", "ts_in_future"],
      ["over-offset", "rejected", "ts_in_future"],
    ]);
  });

  it("rejects events that are not objects, each on its own, and accepts the rest", async () => {
    const t = await createTestTenant();
    const res = await postIngest(t.apiKey, {
      events: [null, 5, "event", [good()], true, good({ idempotencyKey: "ok" })],
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, rejected: 5 });
    for (const i of [0, 1, 2, 3, 4]) {
      expect(res.body.results[i]).toEqual({
        index: i,
        idempotencyKey: null,
        status: "rejected",
        error: { code: "validation_failed", message: `events[${i}]: must be an object` },
      });
    }
    expect(res.body.results[5]).toEqual({ index: 5, idempotencyKey: "ok", status: "accepted" });
    expect(await ledgerCount(t.tenantId)).toBe(1);
  });
});

describe("POST /api/v1/events/ingest — numbers in meta", () => {
  it("refuses a meta number JSON.parse would store as another value, so two ids never count as one", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "seats", "unique_count", "userId");
    const ts = isoNow(-1000);
    const event = (key: string, meta: string) =>
      `{"metric":"seats","customerRef":"cus_1","quantity":1,"ts":"${ts}","idempotencyKey":"${key}","meta":${meta}}`;
    // Both ids parse to the double 12345678901234567000: stored, they would be one seat.
    const lossy = [
      event("u1", `{"userId":12345678901234567890}`),
      event("u2", `{"userId":12345678901234567891}`),
      event("deep", `{"ctx":{"ids":[1,9007199254740993]}}`),
      event("huge", `{"cost":1e400}`),
    ];
    const res = await postIngest(t.apiKey, `{"events":[${lossy.join(",")}]}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, rejected: 4 });
    expect(res.body.results.map((r: { error: { message: string } }) => r.error.message)).toEqual([
      "events[0].meta.userId: this JSON number is not exact as a double (it arrives as 12345678901234567000); send it as a string",
      "events[1].meta.userId: this JSON number is not exact as a double (it arrives as 12345678901234567000); send it as a string",
      "events[2].meta.ctx.ids[1]: this JSON number is not exact as a double (it arrives as 9007199254740992); send it as a string",
      "events[3].meta.cost: this JSON number is not exact as a double (it arrives as null); send it as a string",
    ]);
    expect(await ledgerCount(t.tenantId)).toBe(0);
    // As strings, or as numbers a double holds, they are stored as sent and counted apart.
    const exact = [
      event("u1", `{"userId":"12345678901234567890"}`),
      event("u2", `{"userId":"12345678901234567891"}`),
      event("u3", `{"userId":9007199254740991,"rate":0.1,"big":1e21}`),
    ];
    const ok = await postIngest(t.apiKey, `{"events":[${exact.join(",")}]}`);
    expect(ok.body).toMatchObject({ accepted: 3, rejected: 0 });
    expect(await counterValue(t.tenantId, "seats", "cus_1")).toBe("3");
    const stored = await getPgPool().query<{ meta: Record<string, unknown> }>(
      "SELECT meta FROM events WHERE tenant_id = $1 AND idempotency_key = 'u1'",
      [t.tenantId],
    );
    expect(stored.rows[0].meta).toEqual({ userId: "12345678901234567890" });
  });
});
