// Per-client-address throttles (lib/server/client-address.ts): failed API keys, sign-ups, and
// the origin check of cookie-authenticated writes.
import { beforeEach, describe, expect, it } from "vitest";
import * as signupRoute from "@/app/api/signup/route";
import { API_KEY_FAILURE_LIMIT, resetApiKeyFailures, withApiKey } from "@/lib/api/with-api-key";
import { generateApiKey } from "@/lib/auth/api-keys";
import { peerHeaderName } from "@/lib/server/client-address";
import { resetSignupThrottle, SIGNUP_THROTTLE } from "@/lib/users/signup-throttle";
import { callRoute } from "../helpers/route";
import { createTestTenant } from "../helpers/tenant";

const echo = withApiKey(async ({ tenantId }) => Response.json({ tenantId }), { scope: "usage:read" });
const from = (address: string, more: Record<string, string> = {}) => ({ [peerHeaderName()]: address, ...more });
const unknownKey = () => generateApiKey("live").key;
const get = (key: string, headers: Record<string, string>) => callRoute(echo, { path: "/api/v1/echo", key, headers });

describe("failed API keys per client address", () => {
  beforeEach(() => resetApiKeyFailures());

  it("answers 429 with Retry-After in the API's error shape once an address has sent too many bad keys", async () => {
    const bad = "198.51.100.20";
    for (let i = 0; i < API_KEY_FAILURE_LIMIT.LIMIT; i++) {
      expect((await get(unknownKey(), from(bad))).status).toBe(401);
    }
    const refused = await get(unknownKey(), from(bad));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(API_KEY_FAILURE_LIMIT.PERIOD_MS / 1000);
    expect(refused.body).toEqual({
      error: {
        code: "rate_limited",
        message: expect.stringMatching(/retry after \d+ s/),
        requestId: expect.any(String),
      },
    });
    expect(refused.headers.get("x-request-id")).toBe(refused.body.error.requestId);
    // A forged X-Forwarded-For (TRUST_PROXY_HOPS=0) changes nothing.
    expect((await get(unknownKey(), from(bad, { "x-forwarded-for": "203.0.113.99" }))).status).toBe(429);
    // Another address is unaffected.
    expect((await get(unknownKey(), from("198.51.100.21"))).status).toBe(401);
  });

  it("serves a valid key the process has never seen from a throttled address: only failures are refused", async () => {
    // Behind a proxy without TRUST_PROXY_HOPS every client shares one address; one client still
    // sending a revoked key must not lock the others' keys out.
    const bad = "198.51.100.25";
    for (let i = 0; i <= API_KEY_FAILURE_LIMIT.LIMIT; i++) await get(unknownKey(), from(bad));
    expect((await get(unknownKey(), from(bad))).status).toBe(429);
    const t = await createTestTenant();
    const ok = await get(t.apiKey, from(bad));
    expect(ok.status).toBe(200);
    expect(ok.body.tenantId).toBe(t.tenantId);
    expect((await get(unknownKey(), from(bad))).status).toBe(429);
  });

  it("keeps serving a valid key the process has cached, from a throttled address too", async () => {
    const t = await createTestTenant();
    expect((await get(t.apiKey, from("198.51.100.30"))).status).toBe(200);
    const bad = "198.51.100.31";
    for (let i = 0; i <= API_KEY_FAILURE_LIMIT.LIMIT; i++) await get(unknownKey(), from(bad));
    expect((await get(unknownKey(), from(bad))).status).toBe(429);
    const ok = await get(t.apiKey, from(bad));
    expect(ok.status).toBe(200);
    expect(ok.body.tenantId).toBe(t.tenantId);
  });

  it("does not count a request without a key", async () => {
    const addr = "198.51.100.40";
    for (let i = 0; i < API_KEY_FAILURE_LIMIT.LIMIT + 5; i++) {
      expect((await callRoute(echo, { path: "/api/v1/echo", headers: from(addr) })).status).toBe(401);
    }
    expect((await get(unknownKey(), from(addr))).status).toBe(401);
  });
});

describe("sign-up throttle", () => {
  beforeEach(() => resetSignupThrottle());
  let n = 0;
  const signup = (headers: Record<string, string>) =>
    callRoute(signupRoute.POST, {
      method: "POST",
      path: "/api/signup",
      body: { email: `throttled${++n}.${Date.now()}@example.test`, password: "s3cret-enough", tenantName: "T" },
      headers,
    });

  it("allows a few sign-ups per address, then 429 with Retry-After; forged headers do not help", async () => {
    const addr = "198.51.100.50";
    for (let i = 0; i < SIGNUP_THROTTLE.LIMIT; i++) expect((await signup(from(addr))).status).toBe(201);
    const refused = await signup(from(addr));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.body.error).toMatchObject({ code: "rate_limited", requestId: expect.any(String) });
    expect((await signup(from(addr, { "x-forwarded-for": "203.0.113.5", "x-real-ip": "203.0.113.5" }))).status).toBe(
      429,
    );
    expect((await signup(from("198.51.100.51"))).status).toBe(201);
  });

  it("does not count a request refused by validation", async () => {
    const addr = "198.51.100.52";
    for (let i = 0; i < SIGNUP_THROTTLE.LIMIT + 3; i++) {
      const res = await callRoute(signupRoute.POST, {
        method: "POST",
        path: "/api/signup",
        body: { email: "nope", password: "s3cret-enough", tenantName: "T" },
        headers: from(addr),
      });
      expect(res.status).toBe(422);
    }
    expect((await signup(from(addr))).status).toBe(201);
  });
});

describe("origin check of cookie-authenticated writes", () => {
  // The sign-up route checks the origin first; a body it then refuses answers 422, not 403.
  const post = (headers: Record<string, string>) =>
    callRoute(signupRoute.POST, { method: "POST", path: "/api/signup", body: {}, headers: { origin: "", ...headers } });

  it("falls back to Sec-Fetch-Site, then Referer, when Origin is absent, and refuses a request with none", async () => {
    expect((await post({ origin: "http://localhost" })).status).toBe(422);
    expect((await post({ origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ origin: "null" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-origin" })).status).toBe(422);
    expect((await post({ "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "same-site" })).status).toBe(403);
    expect((await post({ "sec-fetch-site": "cross-site", referer: "http://localhost/signup" })).status).toBe(403);
    expect((await post({ referer: "http://localhost/signup" })).status).toBe(422);
    expect((await post({ referer: "https://evil.example/x" })).status).toBe(403);
    const none = await post({});
    expect(none.status).toBe(403);
    expect(none.body.error).toMatchObject({ code: "forbidden", message: "Cross-origin request refused." });
  });
});

describe("origin check on a console route", () => {
  it("refuses a cookie-carrying write with no Origin, Sec-Fetch-Site or Referer, and treats one without cookies as signed out", async () => {
    const { withSession } = await import("@/lib/api/with-session");
    const route = withSession(async () => Response.json({ ok: true }), { role: "viewer" });
    const call = (headers: Record<string, string>) =>
      callRoute(route, { method: "POST", path: "/api/console/x", body: {}, headers: { origin: "", ...headers } });
    expect((await call({ cookie: "next-auth.session-token=x" })).status).toBe(403);
    expect((await call({ cookie: "next-auth.session-token=x", "sec-fetch-site": "same-origin" })).status).toBe(401);
    expect((await call({})).status).toBe(401);
  });
});
