import { describe, expect, it } from "vitest";
import { GET as exportEvents } from "@/app/api/v1/events/export/route";
import { GET as listEvents } from "@/app/api/v1/events/route";
import { getPgPool } from "@/lib/db/pg-pool";
import { EXPORT_COLUMNS, EXPORT_PAGE_SIZE } from "@/lib/events/export-events-csv";
import { ZLedgerEvent } from "@/lib/events/schemas";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const HOUR = 3_600_000;
const BASE = Date.now() - 10 * 24 * HOUR;
const at = (hours: number) => new Date(BASE + hours * HOUR).toISOString();

async function ingest(tenantId: string, events: Array<Record<string, unknown>>) {
  const out = await ingestEvents({ tenantId, events });
  expect(out.rejected, JSON.stringify(out.results.filter((r) => r.status === "rejected"))).toBe(0);
  return out;
}

async function allPages(key: string, query: string, limit: number) {
  const seen: Array<{ id: string; idempotencyKey: string; ts: string }> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const c: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const res = await callRoute(listEvents, { path: `/api/v1/events?limit=${limit}${query}${c}`, key });
    expect(res.status).toBe(200);
    seen.push(...res.body.data);
    cursor = res.body.nextCursor;
    pages++;
  } while (cursor && pages < 1000);
  return { seen, pages };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF records). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  if (cell !== "" || row.length) throw new Error("CSV does not end with CRLF");
  return rows;
}

describe("GET /api/v1/events", () => {
  runCommonRouteTests({ handler: listEvents, method: "GET", path: "/api/v1/events", scope: "usage:read" });
});
describe("GET /api/v1/events/export", () => {
  runCommonRouteTests({
    handler: exportEvents,
    method: "GET",
    path: `/api/v1/events/export?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(1))}`,
    scope: "usage:read",
  });
});

describe("events list", () => {
  it("lists the tenant's events newest first, with decimal-string quantities, and none of another tenant's", async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    await ingest(other.tenantId, [{ metric: "api_calls", customerRef: "cus_1", quantity: 9, ts: at(5) }]);
    await ingest(t.tenantId, [
      { metric: "api_calls", customerRef: "cus_1", quantity: "0.000001", ts: at(1), idempotencyKey: "k1" },
      {
        metric: "api_calls",
        customerRef: "cus_1",
        quantity: 12345678901234.5,
        ts: at(3),
        idempotencyKey: "k3",
        resourceId: "proj_1",
        meta: { endpoint: "/v1/search" },
        source: "sdk",
      },
      { metric: "storage", customerRef: "cus_2", quantity: 2, ts: at(2), idempotencyKey: "k2" },
    ]);
    const res = await callRoute(listEvents, { path: "/api/v1/events", key: t.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const data = res.body.data.map((e: unknown) => ZLedgerEvent.parse(e));
    expect(data.map((e: { idempotencyKey: string }) => e.idempotencyKey)).toEqual(["k3", "k2", "k1"]);
    expect(data[0]).toMatchObject({
      quantity: "12345678901234.5",
      resourceId: "proj_1",
      meta: { endpoint: "/v1/search" },
      source: "sdk",
      ts: at(3),
      customerRef: "cus_1",
      metric: "api_calls",
    });
    expect(data[2].quantity).toBe("0.000001");
  });

  it("filters by customerRef, metric and [from, to)", async () => {
    const t = await createTestTenant();
    const events = [];
    for (let h = 0; h < 12; h++) {
      events.push({
        metric: h % 2 ? "api_calls" : "storage",
        customerRef: h % 3 ? "cus_A" : "cus_B",
        quantity: h,
        ts: at(h),
        idempotencyKey: `e${h}`,
      });
    }
    await ingest(t.tenantId, events);
    const keys = async (q: string) => {
      const res = await callRoute(listEvents, { path: `/api/v1/events?${q}`, key: t.apiKey });
      expect(res.status, q).toBe(200);
      return res.body.data.map((e: { idempotencyKey: string }) => e.idempotencyKey);
    };
    expect(await keys("customerRef=cus_B")).toEqual(["e9", "e6", "e3", "e0"]);
    expect(await keys("metric=api_calls&customerRef=cus_A")).toEqual(["e11", "e7", "e5", "e1"]);
    expect(await keys(`from=${encodeURIComponent(at(4))}&to=${encodeURIComponent(at(7))}`)).toEqual(["e6", "e5", "e4"]);
    expect(await keys(`metric=storage&from=${encodeURIComponent(at(8))}`)).toEqual(["e10", "e8"]);
    expect(await keys("customerRef=cus_nobody")).toEqual([]);
  });

  it("refuses bad filters with 422: unknown parameter, bad metric, timestamp without offset, from after to", async () => {
    const t = await createTestTenant();
    for (const q of [
      "customer_ref=cus_A",
      "metric=Bad%20Metric",
      "from=2026-01-01T00:00:00",
      `from=${encodeURIComponent(at(2))}&to=${encodeURIComponent(at(1))}`,
      "limit=5000",
      "cursor=%7B%7D",
    ]) {
      const res = await callRoute(listEvents, { path: `/api/v1/events?${q}`, key: t.apiKey });
      expect(res.status, q).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
    }
  });

  it("refuses a parameter given twice instead of silently taking one (the key's own tenantId included)", async () => {
    const t = await createTestTenant();
    await ingest(t.tenantId, [{ metric: "api_calls", customerRef: "cus_b", quantity: 1, ts: at(1) }]);
    for (const q of [
      "customerRef=cus_a&customerRef=cus_b",
      `tenantId=${t.tenantId}&tenantId=ten_other`,
      "limit=1&limit=2",
    ]) {
      const res = await callRoute(listEvents, { path: `/api/v1/events?${q}`, key: t.apiKey });
      expect(res.status, q).toBe(422);
      expect(res.body.error).toMatchObject({
        code: "validation_failed",
        message: `${q.split("=")[0]}: given more than once`,
      });
    }
    const once = await callRoute(listEvents, { path: "/api/v1/events?customerRef=cus_b", key: t.apiKey });
    expect(once.status).toBe(200);
    expect(once.body.data).toHaveLength(1);
  });

  it("pages with no duplicates and no gaps, including events that share a timestamp", async () => {
    const t = await createTestTenant();
    const events = Array.from({ length: 45 }, (_, i) => ({
      metric: "api_calls",
      customerRef: "cus_P",
      quantity: 1,
      // groups of 5 events on the same millisecond exercise the (ts, id) tie-break
      ts: at(Math.floor(i / 5)),
      idempotencyKey: `p${String(i).padStart(2, "0")}`,
    }));
    await ingest(t.tenantId, events);
    const { seen, pages } = await allPages(t.apiKey, "", 7);
    expect(pages).toBe(7);
    expect(seen).toHaveLength(45);
    expect(new Set(seen.map((e) => e.id)).size).toBe(45);
    expect(new Set(seen.map((e) => e.idempotencyKey))).toEqual(new Set(events.map((e) => e.idempotencyKey)));
    for (let i = 1; i < seen.length; i++) {
      const a = seen[i - 1];
      const b = seen[i];
      const ordered = a.ts > b.ts || (a.ts === b.ts && BigInt(a.id) > BigInt(b.id));
      expect(ordered, `${a.ts}/${a.id} before ${b.ts}/${b.id}`).toBe(true);
    }
  });

  it("orders and pages by the numeric id where ids gain a digit (999 → 1000), list and export alike", async () => {
    const t = await createTestTenant();
    // Ledger ids come from one sequence: move it to just below the next power of ten, so the
    // events below straddle it (text order would put "1000" before "999").
    const seq = await getPgPool().query<{ v: string }>(
      "SELECT nextval(pg_get_serial_sequence('events', 'id'))::text AS v",
    );
    const below = 10n ** BigInt(seq.rows[0].v.length) - 5n;
    await getPgPool().query("SELECT setval(pg_get_serial_sequence('events', 'id'), $1::bigint)", [String(below)]);
    const ts = at(2);
    const events = Array.from({ length: 12 }, (_, i) => ({
      metric: "api_calls",
      customerRef: "cus_DIGITS",
      quantity: 1,
      ts, // all on one millisecond: the id alone orders them
      idempotencyKey: `d${i}`,
    }));
    await ingest(t.tenantId, events);
    const { seen } = await allPages(t.apiKey, "", 5);
    const ids = seen.map((e) => BigInt(e.id));
    expect(ids).toHaveLength(12);
    expect(ids.some((id) => id < below + 5n) && ids.some((id) => id >= below + 5n)).toBe(true);
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    expect(new Set(seen.map((e) => e.idempotencyKey)).size).toBe(12);
    const res = await callRoute(exportEvents, {
      path: `/api/v1/events/export?from=${encodeURIComponent(at(1))}&to=${encodeURIComponent(at(3))}`,
      key: t.apiKey,
    });
    const exported = parseCsv(res.body as string)
      .slice(1)
      .map((r) => r[EXPORT_COLUMNS.indexOf("id")]);
    expect(exported).toEqual([...seen].reverse().map((e) => e.id));
  });

  it("refuses a cursor whose id is beyond a bigint, or whose time is in year 0000, with 422, not a 500", async () => {
    const t = await createTestTenant();
    for (const position of [
      { t: at(0), i: "9999999999999999999" },
      { t: "0000-01-01T00:00:00.000Z", i: "1" },
    ]) {
      const cursor = Buffer.from(JSON.stringify(position)).toString("base64url");
      const res = await callRoute(listEvents, { path: `/api/v1/events?cursor=${cursor}`, key: t.apiKey });
      expect(res.status, position.t).toBe(422);
      expect(res.body.error.details).toEqual([{ path: "cursor", message: "invalid cursor" }]);
    }
  });

  it("never hands out a cursor it refuses: an event time before year 0001 (UTC) is refused at ingest", async () => {
    const t = await createTestTenant();
    // Year 0000 (or year 0001 at a positive offset, an instant of year 0000 in UTC) is no year
    // the API takes back: a page ending on such an event had a nextCursor answered with 422.
    const out = await ingestEvents({
      tenantId: t.tenantId,
      events: [
        { metric: "api_calls", customerRef: "cus_Y", quantity: 1, ts: at(1), idempotencyKey: "a" },
        { metric: "api_calls", customerRef: "cus_Y", quantity: 1, ts: "0000-06-01T00:00:00Z", idempotencyKey: "y0" },
        {
          metric: "api_calls",
          customerRef: "cus_Y",
          quantity: 1,
          ts: "0001-01-01T00:00:00+01:00",
          idempotencyKey: "y0b",
        },
        { metric: "api_calls", customerRef: "cus_Y", quantity: 1, ts: "0001-01-01T00:00:00Z", idempotencyKey: "y1" },
        {
          metric: "api_calls",
          customerRef: "cus_Y",
          quantity: 1,
          ts: "0001-01-01T00:00:00-01:00",
          idempotencyKey: "y1b",
        },
      ],
    });
    expect(out.results.map((r) => r.status)).toEqual(["accepted", "rejected", "rejected", "accepted", "accepted"]);
    expect(out.results[1].error).toEqual({
      code: "validation_failed",
      message: "events[1].ts: must be in year 0001 or later (UTC)",
    });
    const { seen } = await allPages(t.apiKey, "&customerRef=cus_Y", 1);
    expect(seen.map((e) => e.idempotencyKey)).toEqual(["a", "y1b", "y1"]);
    // and a filter at such an instant is refused like a year-0000 one
    const res = await callRoute(listEvents, {
      path: `/api/v1/events?from=${encodeURIComponent("0001-01-01T00:00:00+01:00")}`,
      key: t.apiKey,
    });
    expect(res.status).toBe(422);
  });

  it("stays stable while events are inserted between pages: every pre-existing event exactly once", async () => {
    const t = await createTestTenant();
    const initial = Array.from({ length: 30 }, (_, i) => ({
      metric: "api_calls",
      customerRef: "cus_S",
      quantity: 1,
      ts: at(i),
      idempotencyKey: `s${i}`,
    }));
    await ingest(t.tenantId, initial);
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const c: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
      const res = await callRoute(listEvents, { path: `/api/v1/events?limit=4${c}`, key: t.apiKey });
      seen.push(...res.body.data.map((e: { idempotencyKey: string }) => e.idempotencyKey));
      cursor = res.body.nextCursor;
      // New events land both newer than everything and in the middle of the range.
      await ingest(t.tenantId, [
        { metric: "api_calls", customerRef: "cus_S", quantity: 1, ts: at(40 + round), idempotencyKey: `new${round}` },
        { metric: "api_calls", customerRef: "cus_S", quantity: 1, ts: at(14.5), idempotencyKey: `mid${round}` },
      ]);
      round++;
    } while (cursor);
    const preExisting = seen.filter((k) => k.startsWith("s"));
    expect(preExisting).toHaveLength(30);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((k) => k.startsWith("new"))).toEqual([]);
  });
});

describe("events CSV export", () => {
  it("streams a header row and RFC 4180-quoted, injection-safe cells, oldest first", async () => {
    const t = await createTestTenant();
    await ingest(t.tenantId, [
      {
        metric: "api_calls",
        customerRef: '=HYPERLINK("http://evil","x")',
        quantity: "1.5",
        ts: at(2),
        idempotencyKey: "k,with,commas",
        resourceId: "line1\nline2",
        meta: { note: 'say "hi"' },
        source: "@sdk",
      },
      { metric: "api_calls", customerRef: "cus_plain", quantity: 3, ts: at(1), idempotencyKey: "-k2" },
      { metric: "api_calls", customerRef: "cus_outside", quantity: 3, ts: at(30), idempotencyKey: "k3" },
    ]);
    const res = await callRoute(exportEvents, {
      path: `/api/v1/events/export?from=${encodeURIComponent(at(0))}&to=${encodeURIComponent(at(24))}`,
      key: t.apiKey,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="events_\d{4}-\d\d-\d\d_/);
    const text = res.body as string;
    expect(text.startsWith(`${EXPORT_COLUMNS.join(",")}\r\n`)).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    expect(rows).toHaveLength(3);
    const col = (row: string[], name: (typeof EXPORT_COLUMNS)[number]) => row[EXPORT_COLUMNS.indexOf(name)];
    const [first, second] = [rows[1], rows[2]];
    expect(col(first, "idempotency_key")).toBe("'-k2");
    expect(col(first, "ts")).toBe(at(1));
    expect(col(first, "quantity")).toBe("3");
    expect(col(second, "customer_ref")).toBe(`'=HYPERLINK("http://evil","x")`);
    expect(col(second, "idempotency_key")).toBe("k,with,commas");
    expect(col(second, "resource_id")).toBe("line1\nline2");
    expect(col(second, "source")).toBe("'@sdk");
    expect(col(second, "quantity")).toBe("1.5");
    expect(col(second, "late")).toMatch(/^(true|false)$/);
    expect(JSON.parse(col(second, "meta"))).toEqual({ note: 'say "hi"' });
    // the raw text carries the quoting itself
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
  });

  it("exports more rows than one page, each exactly once, filtered by customer and metric", async () => {
    const t = await createTestTenant();
    const n = EXPORT_PAGE_SIZE + 250;
    const batch = (offset: number, count: number) =>
      Array.from({ length: count }, (_, i) => ({
        metric: "api_calls",
        customerRef: "cus_BIG",
        quantity: 1,
        ts: new Date(BASE + (offset + i) * 1000).toISOString(),
        idempotencyKey: `b${offset + i}`,
      }));
    await ingest(t.tenantId, batch(0, 1000));
    await ingest(t.tenantId, batch(1000, n - 1000));
    await ingest(t.tenantId, [
      { metric: "storage", customerRef: "cus_BIG", quantity: 1, ts: at(0.1), idempotencyKey: "other-metric" },
      { metric: "api_calls", customerRef: "cus_OTHER", quantity: 1, ts: at(0.1), idempotencyKey: "other-cus" },
    ]);
    const res = await callRoute(exportEvents, {
      path: `/api/v1/events/export?from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(24))}&customerRef=cus_BIG&metric=api_calls`,
      key: t.apiKey,
    });
    expect(res.status).toBe(200);
    const rows = parseCsv(res.body as string).slice(1);
    expect(rows).toHaveLength(n);
    const keys = rows.map((r) => r[EXPORT_COLUMNS.indexOf("idempotency_key")]);
    expect(new Set(keys).size).toBe(n);
    expect(keys[0]).toBe("b0");
    expect(keys[n - 1]).toBe(`b${n - 1}`);
  });

  it("requires from and to (422)", async () => {
    const t = await createTestTenant();
    const res = await callRoute(exportEvents, { path: "/api/v1/events/export", key: t.apiKey });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
  });
});
