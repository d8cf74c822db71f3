import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { withApiKey } from "@/lib/api/with-api-key";
import { callRoute } from "../helpers/route";
import { runCommonRouteTests } from "../helpers/security";
import { createTestTenant } from "../helpers/tenant";

const echo = withApiKey(
  async ({ tenantId, apiKey, requestId }) => Response.json({ tenantId, keyId: apiKey.keyId, requestId }),
  {
    scope: "usage:read",
  },
);

describe("withApiKey", () => {
  runCommonRouteTests({ handler: echo, method: "GET", path: "/api/v1/echo", scope: "usage:read" });

  it("resolves the tenant from the key, via Bearer or x-api-key, and sets x-request-id", async () => {
    const t = await createTestTenant();
    const bearer = await callRoute(echo, { path: "/api/v1/echo", key: t.apiKey });
    expect(bearer.status).toBe(200);
    expect(bearer.body.tenantId).toBe(t.tenantId);
    expect(bearer.headers.get("x-request-id")).toBe(bearer.body.requestId);
    const header = await callRoute(echo, { path: "/api/v1/echo", headers: { "x-api-key": t.apiKey } });
    expect(header.body.tenantId).toBe(t.tenantId);
    const same = await callRoute(echo, { path: `/api/v1/echo?tenantId=${t.tenantId}`, key: t.apiKey });
    expect(same.status).toBe(200);
    // Another scheme in Authorization (a proxy's Basic auth) leaves x-api-key to carry the key.
    const behindProxy = await callRoute(echo, {
      path: "/api/v1/echo",
      headers: { authorization: "Basic cHJveHk6c2VjcmV0", "x-api-key": t.apiKey },
    });
    expect(behindProxy.status).toBe(200);
    expect(behindProxy.body.tenantId).toBe(t.tenantId);
    // A malformed Bearer is refused, not passed over for x-api-key.
    const badBearer = await callRoute(echo, {
      path: "/api/v1/echo",
      headers: { authorization: "Bearer two words", "x-api-key": t.apiKey },
    });
    expect(badBearer.status).toBe(401);
    expect(badBearer.body.error.message).toMatch(/^Malformed Authorization header/);
    // Two Authorization headers reach the route joined by ", ": refused as malformed, never
    // authenticated as either key, and not reported as a missing key.
    for (const authorization of [`Bearer ${t.apiKey}, Bearer ${t.apiKey}`, `Bearer ${t.apiKey},`, "Bearer "]) {
      const res = await callRoute(echo, { path: "/api/v1/echo", headers: { authorization } });
      expect(res.status, authorization).toBe(401);
      expect(res.body.error).toMatchObject({ code: "unauthorized" });
      expect(res.body.error.message, authorization).toMatch(/^Malformed Authorization header/);
    }
    const none = await callRoute(echo, { path: "/api/v1/echo" });
    expect(none.body.error.message).toMatch(/^Missing API key/);
  });

  it("keeps a caller's well-formed x-request-id and replaces a malformed one", async () => {
    const t = await createTestTenant();
    const kept = await callRoute(echo, { path: "/api/v1/echo", key: t.apiKey, headers: { "x-request-id": "abc-123" } });
    expect(kept.headers.get("x-request-id")).toBe("abc-123");
    const replaced = await callRoute(echo, {
      path: "/api/v1/echo",
      key: t.apiKey,
      headers: { "x-request-id": "<script>" },
    });
    expect(replaced.headers.get("x-request-id")).toMatch(/^req_/);
  });

  it("maps thrown ApiErrors to their status and hides unexpected errors behind a generic 500", async () => {
    const t = await createTestTenant();
    const conflict = withApiKey(
      async () => {
        throw new ApiError({ code: "conflict", message: "already exists" });
      },
      { scope: "admin" },
    );
    const res = await callRoute(conflict, { path: "/x", key: t.apiKey });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: "conflict", message: "already exists" });
    const boom = withApiKey(
      async () => {
        throw new Error("password=hunter2 at /secret/path.ts:12");
      },
      { scope: "admin" },
    );
    const res2 = await callRoute(boom, { path: "/x", key: t.apiKey });
    expect(res2.status).toBe(500);
    expect(res2.body.error.code).toBe("internal_error");
    expect(JSON.stringify(res2.body)).not.toContain("hunter2");
    expect(JSON.stringify(res2.body)).not.toContain("secret");
  });
});
