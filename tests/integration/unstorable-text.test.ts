// Postgres text and jsonb cannot store U+0000, and an unpaired surrogate is not Unicode (jsonb
// refuses it, text stores U+FFFD instead). Every API edge refuses both with a 422 naming the
// field, instead of a 500 from the database or a silently altered value.
import { describe, expect, it } from "vitest";
import { GET as adjustmentsGet, POST as adjustmentsPost } from "@/app/api/v1/adjustments/route";
import { GET as customerGet, PATCH as customerPatch } from "@/app/api/v1/customers/[customerRef]/route";
import { GET as eventsGet } from "@/app/api/v1/events/route";
import { PATCH as meterPatch } from "@/app/api/v1/meters/[metric]/route";
import { POST as metersPost } from "@/app/api/v1/meters/route";
import { GET as usageHistory } from "@/app/api/v1/usage/history/route";
import { findUnstorable, MAX_JSON_DEPTH } from "@/lib/api/request";
import { GET as usageCurrent } from "@/pages/api/v1/usage/current";
import { POST as projection } from "@/pages/api/v1/usage/projection";
import { verifyCountersAfterEach } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

verifyCountersAfterEach();

const NUL = "a\u0000b";
const q = encodeURIComponent(NUL);

type Case = [name: string, call: ReturnType<typeof callRoute>, path: string];

/** Requests carrying `bad` in a JSON body field (a URL cannot carry an unpaired surrogate). */
function bodyCases(key: string, bad: string): Case[] {
  return [
    [
      "PATCH body",
      callRoute(customerPatch, {
        method: "PATCH",
        path: "/x",
        key,
        params: { customerRef: "c1" },
        body: { name: bad },
      }),
      "name",
    ],
    [
      "adjustment reason",
      callRoute(adjustmentsPost, {
        method: "POST",
        path: "/x",
        key,
        body: { metric: "api_calls", customerRef: "c", delta: 1, reason: bad },
      }),
      "reason",
    ],
    [
      "nested body field",
      callRoute(metersPost, { method: "POST", path: "/x", key, body: { metric: "m1", displayName: bad } }),
      "displayName",
    ],
    [
      "projection body",
      callRoute(projection, { method: "POST", path: "/x", key, body: { customerRef: bad } }),
      "customerRef",
    ],
  ];
}

describe("text Postgres cannot store, in API input", () => {
  it("findUnstorable names the first string holding one, in values and in keys", () => {
    const nul = "must not contain U+0000";
    const lone = "must be valid Unicode (no unpaired surrogate)";
    expect(findUnstorable({ a: "ok", b: [1, { c: NUL }] })).toEqual({ path: "b[1].c", message: nul });
    expect(findUnstorable({ [NUL]: 1 })).toEqual({ path: NUL, message: nul });
    expect(findUnstorable(NUL)).toEqual({ path: "", message: nul });
    expect(findUnstorable({ a: ["x", "\ud800"] })).toEqual({ path: "a[1]", message: lone });
    expect(findUnstorable({ "\udc00k": 1 })).toEqual({ path: "\udc00k", message: lone });
    expect(findUnstorable({ a: "😀 \ud83d\ude00", b: null, c: 3, d: true })).toBeNull(); // pairs are fine
    expect(findUnstorable({ a: "a\\u0000b\\ud800" })).toBeNull(); // the escape text, not the character
  });

  it("refuses a body nested deeper than MAX_JSON_DEPTH with a 422, not a stack overflow (500)", async () => {
    const t = await createTestTenant();
    const key = await t.keyWith(["admin"]);
    const deep = (levels: number) =>
      `{"metric":"m_deep","displayName":"D","unit":${"[".repeat(levels)}${"]".repeat(levels)}}`;
    for (const levels of [100_000, MAX_JSON_DEPTH + 1]) {
      const res = await callRoute(metersPost, { method: "POST", path: "/x", key, body: deep(levels) });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toBe(
        `unit[0][0][0][0][0][0][0][0][0][0][0][0]…: must not nest more than ${MAX_JSON_DEPTH} levels deep`,
      );
    }
    // At the bound itself the walk completes, and the schema answers (unit must be a string).
    const atBound = await callRoute(metersPost, { method: "POST", path: "/x", key, body: deep(MAX_JSON_DEPTH - 1) });
    expect(atBound.status).toBe(422);
    expect(atBound.body.error.message).not.toContain("levels deep");
    expect(findUnstorable(JSON.parse(deep(MAX_JSON_DEPTH - 1)))).toBeNull();
  });

  it("is refused with 422 validation_failed naming the field, on every kind of input", async () => {
    const t = await createTestTenant();
    const key = await t.keyWith(["admin", "usage:read", "events:write"]);
    const cases: Case[] = [
      ["path parameter", callRoute(customerGet, { path: "/x", key, params: { customerRef: NUL } }), "customerRef"],
      [
        "meter path parameter",
        callRoute(meterPatch, { method: "PATCH", path: "/x", key, params: { metric: NUL }, body: {} }),
        "metric",
      ],
      ["events query", callRoute(eventsGet, { path: `/api/v1/events?customerRef=${q}`, key }), "customerRef"],
      ["usage query", callRoute(usageCurrent, { path: `/api/v1/usage/current?customerRef=${q}`, key }), "customerRef"],
      [
        "history query",
        callRoute(usageHistory, { path: `/api/v1/usage/history?customerRef=${q}`, key }),
        "customerRef",
      ],
      [
        "adjustments query",
        callRoute(adjustmentsGet, { path: `/api/v1/adjustments?customerRef=${q}`, key }),
        "customerRef",
      ],
      ...bodyCases(key, NUL),
    ];
    for (const [name, call, path] of cases) {
      const res = await call;
      expect(res.status, name).toBe(422);
      expect(res.body.error.code, name).toBe("validation_failed");
      expect(res.body.error.message, name).toBe(`${path}: must not contain U+0000`);
      expect(res.body.error.details, name).toEqual([{ path, message: "must not contain U+0000" }]);
    }
  });

  it("refuses an unpaired surrogate in a body the same way (a URL cannot carry one)", async () => {
    const t = await createTestTenant();
    const key = await t.keyWith(["admin", "usage:read", "events:write"]);
    for (const [name, call, path] of bodyCases(key, "a\ud800b")) {
      const res = await call;
      expect(res.status, name).toBe(422);
      expect(res.body.error.code, name).toBe("validation_failed");
      expect(res.body.error.message, name).toBe(`${path}: must be valid Unicode (no unpaired surrogate)`);
    }
  });
});
