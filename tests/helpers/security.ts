// The security checks every API-key route runs (after Unkey's runCommonRouteTests):
// no key, malformed key, unknown key, revoked key, expired key -> 401; missing scope ->
// 403; a tenantId that is not the key's -> 403; another tenant's object -> 404.
import { expect, it } from "vitest";
import { type ApiKeyScope, createApiKey, generateApiKey, revokeApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { callRoute } from "./route";
import { createTestTenant, type TestTenant } from "./tenant";

type Handler<P> = (req: Request, ctx: { params: Promise<P> }) => Promise<Response>;

export interface CommonRouteTestOptions<P> {
  handler: Handler<P>;
  method: string;
  path: string;
  scope: ApiKeyScope;
  params?: P;
  body?: unknown;
  /**
   * Creates, in `owner`'s tenant, the object the route addresses and returns the params
   * (and path) that address it; the suite then asks for it with another tenant's key.
   */
  foreignObject?: (owner: TestTenant) => Promise<{ params: P; path: string; body?: unknown }>;
}

export function runCommonRouteTests<P>(opts: CommonRouteTestOptions<P>): void {
  const call = (key: string | null, extra: { headers?: Record<string, string>; path?: string } = {}) =>
    callRoute(opts.handler, {
      method: opts.method,
      path: extra.path ?? opts.path,
      key,
      headers: extra.headers,
      body: opts.body,
      params: opts.params,
    });

  const expectError = (res: { status: number; body: any; headers: Headers }, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.requestId).toMatch(/^req_/);
    expect(res.headers.get("x-request-id")).toBe(res.body.error.requestId);
  };

  it("answers 401 without a key", async () => {
    expectError(await call(null), 401, "unauthorized");
  });

  it("answers 401 to a malformed authorization header and to an unknown key", async () => {
    expectError(await call(null, { headers: { authorization: "Basic Zm9vOmJhcg==" } }), 401, "unauthorized");
    expectError(await call(generateApiKey("test").key), 401, "unauthorized");
    expectError(await call(null, { headers: { "x-api-key": "sm_live_nope" } }), 401, "unauthorized");
  });

  it("answers 401 to a revoked key and to an expired key", async () => {
    const t = await createTestTenant();
    const created = await createApiKey({
      tenantId: t.tenantId,
      name: "to revoke",
      scopes: [opts.scope],
      actor: { type: "system" },
    });
    await revokeApiKey({ tenantId: t.tenantId, id: created.id, actor: { type: "system" } });
    expectError(await call(created.key), 401, "unauthorized");
    const expired = await createApiKey({
      tenantId: t.tenantId,
      name: "expired",
      scopes: [opts.scope],
      expiresAt: new Date(Date.now() - 1000),
      actor: { type: "system" },
    });
    expectError(await call(expired.key), 401, "unauthorized");
  });

  it(`answers 403 to a key without the "${opts.scope}" scope`, async () => {
    const t = await createTestTenant();
    const other = (["events:write", "usage:read", "admin", "widget:mint"] as const).filter((s) => s !== opts.scope);
    expectError(await call(await t.keyWith([...other])), 403, "forbidden");
  });

  it("answers 403 when the query names another tenant", async () => {
    const t = await createTestTenant();
    const sep = opts.path.includes("?") ? "&" : "?";
    expectError(
      await call(await t.keyWith([opts.scope]), { path: `${opts.path}${sep}tenantId=${newId("ten")}` }),
      403,
      "forbidden",
    );
  });

  if (opts.foreignObject) {
    const foreign = opts.foreignObject;
    it("answers 404 for another tenant's object", async () => {
      const owner = await createTestTenant();
      const intruder = await createTestTenant();
      const target = await foreign(owner);
      const res = await callRoute(opts.handler, {
        method: opts.method,
        path: target.path,
        key: await intruder.keyWith([opts.scope]),
        body: target.body ?? opts.body,
        params: target.params,
      });
      expectError(res, 404, "not_found");
      // and the owner still sees it (the 404 is isolation, not a broken route)
      const own = await callRoute(opts.handler, {
        method: opts.method,
        path: target.path,
        key: await owner.keyWith([opts.scope]),
        body: target.body ?? opts.body,
        params: target.params,
      });
      expect(own.status).toBeLessThan(300);
      await db.$queryRaw`select 1`;
    });
  }
}
