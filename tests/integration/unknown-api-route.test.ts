import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as apiFallback from "@/app/api/[...path]/route";
import * as consoleFallback from "@/app/api/console/[...path]/route";
import { DELETE, GET, OPTIONS, PATCH, POST, PUT } from "@/app/api/v1/[...path]/route";
import { GET as listMeters } from "@/app/api/v1/meters/route";
import { callRoute } from "../helpers/route";
import { FALLBACK_ROUTE, ROOT } from "../helpers/route-files";
import { createTestTenant } from "../helpers/tenant";

describe("unknown /api/v1 paths", () => {
  it("the fallback the route guards skip exists under that name", () => {
    expect(existsSync(path.join(ROOT, FALLBACK_ROUTE))).toBe(true);
  });

  const handlers = { GET, POST, PUT, PATCH, DELETE, OPTIONS };
  for (const [method, handler] of Object.entries(handlers)) {
    it(`answer ${method} with a JSON 404 in the error shape and an x-request-id, key or no key`, async () => {
      const t = await createTestTenant();
      for (const key of [null, t.apiKey, "sm_live_not_a_key"]) {
        const res = await callRoute(handler, {
          method,
          path: "/api/v1/evnts/ingest?x=1",
          key,
          body: method === "GET" || method === "DELETE" || method === "OPTIONS" ? undefined : { events: [] },
        });
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe("not_found");
        expect(res.body.error.message).toBe(
          `No API route ${method} /api/v1/evnts/ingest. See /api/openapi.json for the routes.`,
        );
        expect(res.body.error.requestId).toMatch(/^req_/);
        expect(res.headers.get("x-request-id")).toBe(res.body.error.requestId);
      }
    });
  }

  it("keeps a well-formed caller request id", async () => {
    const res = await callRoute(GET, { path: "/api/v1/nope", headers: { "x-request-id": "trace-42" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("x-request-id")).toBe("trace-42");
  });

  it("real routes set x-request-id themselves (proxy.ts skips the hot paths)", async () => {
    const t = await createTestTenant();
    const res = await callRoute(listMeters, { path: "/api/v1/meters", key: t.apiKey });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
  });
});

describe("unknown /api/console paths", () => {
  const { GET, POST, PUT, PATCH, DELETE, OPTIONS } = consoleFallback;
  for (const [method, handler] of Object.entries({ GET, POST, PUT, PATCH, DELETE, OPTIONS })) {
    it(`answer ${method} with a JSON 404 in the error shape, not Next's HTML page`, async () => {
      const res = await callRoute(handler, { method, path: "/api/console/nope?x=1" });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: "not_found", message: `No API route ${method} /api/console/nope.` });
      expect(res.headers.get("x-request-id")).toBe(res.body.error.requestId);
    });
  }
});

describe("other unknown /api paths", () => {
  for (const [method, handler] of Object.entries(apiFallback)) {
    if (typeof handler !== "function") continue;
    it(`answer ${method} with a JSON 404 in the error shape, not Next's HTML page`, async () => {
      const res = await callRoute(handler, { method, path: "/api/nope/deeper" });
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({
        code: "not_found",
        message: `No API route ${method} /api/nope/deeper. The public API is under /api/v1.`,
      });
      expect(res.headers.get("x-request-id")).toBe(res.body.error.requestId);
    });
  }
});
