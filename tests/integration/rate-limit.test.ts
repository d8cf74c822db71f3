import { afterEach, describe, expect, it } from "vitest";
import { resetRateLimits, takeToken } from "@/lib/api/rate-limit";
import { withApiKey } from "@/lib/api/with-api-key";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

const echo = withApiKey(async ({ tenantId }) => Response.json({ tenantId }), { scope: "usage:read" });

function configure(rps: string | undefined, burst: string | undefined) {
  if (rps === undefined) delete process.env.RATE_LIMIT_RPS;
  else process.env.RATE_LIMIT_RPS = rps;
  if (burst === undefined) delete process.env.RATE_LIMIT_BURST;
  else process.env.RATE_LIMIT_BURST = burst;
  resetRateLimits();
}

afterEach(() => configure(undefined, undefined));

describe("per-key rate limits", () => {
  it("answers 429 rate_limited with Retry-After once a key's burst is spent, other keys unaffected", async () => {
    configure("0.5", "3");
    const t = await createTestTenant();
    for (let i = 0; i < 3; i++) {
      expect((await callRoute(echo, { path: "/api/v1/echo", key: t.apiKey })).status).toBe(200);
    }
    const limited = await callRoute(echo, { path: "/api/v1/echo", key: t.apiKey });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    expect(limited.body.error.requestId).toMatch(/^req_/);
    // one token refills in 1 / 0.5 rps = 2 s
    expect(limited.headers.get("retry-after")).toBe("2");
    const otherKey = await t.keyWith(["usage:read"]);
    expect((await callRoute(echo, { path: "/api/v1/echo", key: otherKey })).status).toBe(200);
  });

  it("does not spend tokens on requests without a valid key", async () => {
    configure("1", "1");
    const t = await createTestTenant();
    for (let i = 0; i < 5; i++) {
      expect((await callRoute(echo, { path: "/api/v1/echo", key: "sm_test_unknownunknownunknown" })).status).toBe(401);
    }
    expect((await callRoute(echo, { path: "/api/v1/echo", key: t.apiKey })).status).toBe(200);
  });

  it("refills at the configured rate (token bucket arithmetic)", () => {
    configure("10", "2");
    const t0 = 1_000_000;
    expect(takeToken("k", t0).ok).toBe(true);
    expect(takeToken("k", t0).ok).toBe(true);
    const denied = takeToken("k", t0 + 50);
    expect(denied).toEqual({ ok: false, retryAfterSeconds: 1 });
    // 100 ms at 10 rps is one token
    expect(takeToken("k", t0 + 100).ok).toBe(true);
    expect(takeToken("k", t0 + 100).ok).toBe(false);
    // a long pause refills only up to the burst
    expect(takeToken("k", t0 + 60_000)).toEqual({ ok: true, remaining: 1 });
    expect(takeToken("k", t0 + 60_000)).toEqual({ ok: true, remaining: 0 });
    expect(takeToken("k", t0 + 60_000).ok).toBe(false);
  });

  it("is disabled by RATE_LIMIT_RPS=0 and defaults to 1000 rps with a 2000 burst", () => {
    configure("0", undefined);
    for (let i = 0; i < 10_000; i++) expect(takeToken("k", 0).ok).toBe(true);
    configure(undefined, undefined);
    let allowed = 0;
    while (takeToken("k2", 0).ok) allowed++;
    expect(allowed).toBe(2000);
  });

  it("takes under 2 µs per decision with 1000 active keys", () => {
    configure("1000000", "1000000");
    const n = 200_000;
    const started = performance.now();
    for (let i = 0; i < n; i++) takeToken(`key_${i % 1000}`);
    const perCallUs = ((performance.now() - started) * 1000) / n;
    expect(perCallUs).toBeLessThan(2);
  });
});
