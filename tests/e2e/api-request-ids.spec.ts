import { expect, test } from "@playwright/test";

// Against the real `next start`: which responses proxy.ts covers is decided by its matcher,
// which only a running server applies.
test("every API response carries an x-request-id, and unknown /api/v1 paths answer JSON 404s", async ({ request }) => {
  const requestId = (res: { headers(): Record<string, string> }) => res.headers()["x-request-id"] ?? "";

  // Hot paths (skipped by the proxy): the route wrapper sets it, and keeps a caller's id.
  const ingest = await request.post("/api/v1/events/ingest", { data: { events: [] } });
  expect(ingest.status()).toBe(401);
  expect(requestId(ingest)).toMatch(/^req_/);
  expect((await ingest.json()).error.requestId).toBe(requestId(ingest));
  const traced = await request.get("/api/v1/usage/current?customerRef=x", { headers: { "x-request-id": "trace-7" } });
  expect(requestId(traced)).toBe("trace-7");
  expect((await traced.json()).error.requestId).toBe("trace-7");

  // Routes behind the proxy: the same id in the header and the body.
  const meters = await request.get("/api/v1/meters");
  expect(meters.status()).toBe(401);
  expect((await meters.json()).error.requestId).toBe(requestId(meters));
  const legacy = await request.get("/v1/meters");
  expect(legacy.status()).toBe(401);
  expect((await legacy.json()).error.requestId).toBe(requestId(legacy));

  // A method the route does not serve: a 405 in the API's error shape, with Allow and the id.
  const wrongMethod = await request.delete("/api/v1/meters");
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers().allow).toBe("GET, HEAD, POST, OPTIONS");
  expect(requestId(wrongMethod)).toMatch(/^req_/);
  expect(await wrongMethod.json()).toMatchObject({
    error: { code: "method_not_allowed", requestId: requestId(wrongMethod) },
  });
  const meterOptions = await request.fetch("/api/v1/meters/api_calls", { method: "OPTIONS" });
  expect(meterOptions.status()).toBe(204);
  expect(meterOptions.headers().allow).toBe("GET, HEAD, PATCH, OPTIONS");

  // The hot routes (pages/api, lib/api/pages-route.ts) answer other methods themselves, with an id too.
  for (const [method, path, allow] of [
    ["GET", "/api/v1/events/ingest", "POST, OPTIONS"],
    ["DELETE", "/api/v1/usage/current", "GET, HEAD, OPTIONS"],
    ["PUT", "/api/v1/usage/projection", "POST, OPTIONS"],
  ] as const) {
    const res = await request.fetch(path, { method });
    expect(res.status(), path).toBe(405);
    expect(res.headers().allow, path).toBe(allow);
    expect(requestId(res), path).toMatch(/^req_/);
    expect((await res.json()).error.code, path).toBe("method_not_allowed");
  }
  const options = await request.fetch("/api/v1/events/ingest", { method: "OPTIONS" });
  expect(options.status()).toBe(204);
  expect(options.headers().allow).toBe("POST, OPTIONS");
  expect(requestId(options)).toMatch(/^req_/);

  // No such route: the API's error shape, not Next's HTML page.
  for (const path of ["/api/v1/evnts/ingest", "/v1/nope/deeper", "/api/console/nope", "/api/nope", "/api/auth2/x"]) {
    const unknown = await request.post(path, { data: {} });
    expect(unknown.status()).toBe(404);
    expect(unknown.headers()["content-type"]).toContain("application/json");
    const body = await unknown.json();
    expect(body.error.code).toBe("not_found");
    expect(body.error.requestId).toBe(requestId(unknown));
  }
});

test("a path that is not valid percent-encoded UTF-8 answers the API's JSON 400 under the API, Next's page elsewhere", async ({
  request,
}) => {
  // Next.js refuses these itself, before the proxy or any route runs (pages/_error.tsx).
  for (const [method, path] of [
    ["GET", "/api/v1/customers/%zz"],
    ["PATCH", "/api/v1/customers/%E0%A4%A"],
    ["GET", "/v1/meters/%FF"],
    ["POST", "/api/v1/events/ingest%zz"],
    ["POST", "/api/console/keys/%zz/revoke"],
  ] as const) {
    const res = await request.fetch(path, { method, data: method === "GET" ? undefined : {} });
    expect(res.status(), path).toBe(400);
    expect(res.headers()["content-type"], path).toBe("application/json");
    expect(res.headers()["x-request-id"], path).toMatch(/^req_[0-9A-Za-z]{20}$/);
    const body = await res.json();
    expect(body, path).toEqual({
      error: {
        code: "invalid_path",
        message: "The request path is not valid: percent-encoding must encode UTF-8 (e.g. %C3%A9 for é).",
        requestId: res.headers()["x-request-id"],
      },
    });
  }
  // A well-encoded ref still reaches the route (and its auth).
  const fine = await request.get("/api/v1/customers/caf%C3%A9");
  expect(fine.status()).toBe(401);
  expect((await fine.json()).error.code).toBe("unauthorized");
  // Outside the API, Next's own error page.
  const page = await request.get("/team/%zz");
  expect(page.headers()["content-type"]).toContain("text/html");
});
