import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import * as activeTenant from "@/app/api/console/active-tenant/route";
import * as revoke from "@/app/api/console/keys/[id]/revoke/route";
import * as rotate from "@/app/api/console/keys/[id]/rotate/route";
import * as keys from "@/app/api/console/keys/route";
import * as overview from "@/app/api/console/overview/route";
import { authenticateApiKey, clearApiKeyCache, createApiKey } from "@/lib/auth/api-keys";
import { revokeSession } from "@/lib/auth/console-sessions";
import { cookieReaderFromHeader, readSessionUserId } from "@/lib/auth/session-token";
import { signOutFirst } from "@/lib/auth/sign-out";
import { db } from "@/lib/db/client";
import { callRoute } from "../helpers/route";
import { addMember, createTestUser, sessionCookie } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

function expectError(res: Awaited<ReturnType<typeof callRoute>>, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.requestId).toMatch(/^req_/);
  expect(res.headers.get("x-request-id")).toBe(res.body.error.requestId);
}

async function member(role: "owner" | "admin" | "viewer") {
  const t = await createTestTenant();
  const u = await createTestUser();
  await addMember(t.tenantId, u.id, role);
  return { ...t, user: u, cookie: await sessionCookie(u.id) };
}

describe("console session wrapper", () => {
  it("answers 401 without a session, with a forged token, and for a deleted user", async () => {
    expectError(await callRoute(keys.GET, { path: "/api/console/keys" }), 401, "unauthorized");
    expectError(
      await callRoute(keys.GET, {
        path: "/api/console/keys",
        headers: { cookie: "next-auth.session-token=eyJhbGciOi.forged.x" },
      }),
      401,
      "unauthorized",
    );
    const m = await member("owner");
    await db.user.delete({ where: { id: m.user.id } });
    expectError(
      await callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: m.cookie } }),
      401,
      "unauthorized",
    );
  });

  it("refuses a signed-out session's token, and a token minted without a session id", async () => {
    const m = await member("owner");
    const sid = randomUUID();
    const cookie = await sessionCookie(m.user.id, undefined, sid);
    const other = await sessionCookie(m.user.id); // the same user on another device
    const get = (c: string) => callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: c } });
    expect((await get(cookie)).status).toBe(200);
    await revokeSession({ sid, uid: m.user.id });
    await revokeSession({ sid, uid: m.user.id }); // signing out twice is harmless
    expectError(await get(cookie), 401, "unauthorized");
    expect((await get(other)).status).toBe(200);
    const row = await db.revokedSession.findUniqueOrThrow({ where: { sid } });
    expect(row.userId).toBe(m.user.id);
    const days = (row.expiresAt.getTime() - row.revokedAt.getTime()) / 86_400_000;
    expect(days).toBeCloseTo(30, 3); // as long as any copy of the token can live
    const legacy = await encode({ token: { uid: m.user.id, sub: m.user.id }, secret: process.env.NEXTAUTH_SECRET! });
    expectError(await get(`next-auth.session-token=${legacy}`), 401, "unauthorized");
  });

  it("signs out by revoking first: a failed revocation answers 503 and leaves the session, never a silent success", async () => {
    const m = await member("owner");
    const sid = `refuse-${randomUUID()}`;
    const cookie = await sessionCookie(m.user.id, undefined, sid);
    const calls: string[] = [];
    const nextAuth = async (_req: Request, ctx: { params: Promise<{ nextauth?: string[] }> }) => {
      calls.push(((await ctx.params).nextauth ?? []).join("/"));
      return Response.json({ url: "/login" });
    };
    const post = signOutFirst(nextAuth);
    const call = (action: string) =>
      post(
        new Request(`http://localhost/api/auth/${action}`, {
          method: "POST",
          headers: { cookie, origin: "http://localhost" },
        }),
        {
          params: Promise.resolve({ nextauth: [action] }),
        },
      );
    const stillIn = async () => (await readSessionUserId(cookieReaderFromHeader(cookie))) === m.user.id;

    // The database refuses this session's revocation (a trigger for this test's sid only):
    // next-auth must not clear the cookie and say "done".
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION sm_test_refuse_revocation() RETURNS trigger AS $$
      BEGIN IF NEW.sid = '${sid}' THEN RAISE EXCEPTION 'revocation refused by test'; END IF; RETURN NEW; END $$
      LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(`CREATE TRIGGER sm_test_refuse_revocation BEFORE INSERT ON revoked_sessions
      FOR EACH ROW EXECUTE FUNCTION sm_test_refuse_revocation()`);
    let failed: Response;
    try {
      failed = await call("signout");
    } finally {
      await db.$executeRawUnsafe("DROP TRIGGER sm_test_refuse_revocation ON revoked_sessions");
      await db.$executeRawUnsafe("DROP FUNCTION sm_test_refuse_revocation()");
    }
    expect(failed.status).toBe(503);
    expect((await failed.json()).error).toMatchObject({
      code: "unavailable",
      message: "Signing out failed; you are still signed in. Try again.",
    });
    expect(calls).toEqual([]);
    expect(await stillIn()).toBe(true);

    // Another site (a sibling subdomain gets the Lax cookie too) cannot sign the user out.
    const foreign = await post(
      new Request("http://localhost/api/auth/signout", {
        method: "POST",
        headers: { cookie, origin: "https://evil.localhost" },
      }),
      { params: Promise.resolve({ nextauth: ["signout"] }) },
    );
    expect(foreign.status).toBe(403);
    expect(calls).toEqual([]);
    expect(await stillIn()).toBe(true);

    expect((await call("session")).status).toBe(200); // other actions pass straight through
    expect(await stillIn()).toBe(true);
    expect((await call("signout")).status).toBe(200);
    expect(calls).toEqual(["session", "signout"]);
    expect(await stillIn()).toBe(false);
  });

  it("prunes sign-out records once no copy of their token can be valid", async () => {
    const u = await createTestUser();
    const stale = randomUUID();
    await db.revokedSession.create({
      data: { sid: stale, userId: u.id, expiresAt: new Date(Date.now() - 1000) },
    });
    await revokeSession({ sid: randomUUID(), uid: u.id });
    expect(await db.revokedSession.findUnique({ where: { sid: stale } })).toBeNull();
    await revokeSession({ uid: u.id }); // nothing to record without a session id
    await revokeSession(null);
    expect(await db.revokedSession.count({ where: { userId: u.id } })).toBe(1);
  });

  it("lets a viewer list keys but not create, revoke or rotate them", async () => {
    const m = await member("viewer");
    const list = await callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: m.cookie } });
    expect(list.status).toBe(200);
    expect(list.headers.get("x-request-id")).toMatch(/^req_/);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).not.toHaveProperty("key");
    expect(list.body.data[0]).not.toHaveProperty("hash");
    expect(list.body.data[0].prefix).toMatch(/^sm_test_[0-9A-Za-z]{6}$/);
    const create = await callRoute(keys.POST, {
      method: "POST",
      path: "/api/console/keys",
      headers: { cookie: m.cookie },
      body: { name: "nope", scopes: ["events:write"] },
    });
    expectError(create, 403, "forbidden");
    const id = list.body.data[0].id;
    expectError(
      await callRoute(revoke.POST, { method: "POST", path: "/x", headers: { cookie: m.cookie }, params: { id } }),
      403,
      "forbidden",
    );
    expectError(
      await callRoute(rotate.POST, { method: "POST", path: "/x", headers: { cookie: m.cookie }, params: { id } }),
      403,
      "forbidden",
    );
    expect(await db.apiKey.count({ where: { tenantId: m.tenantId } })).toBe(1);
  });

  it("lets an admin create a key whose secret is returned once and authenticates", async () => {
    const m = await member("admin");
    const res = await callRoute(keys.POST, {
      method: "POST",
      path: "/api/console/keys",
      headers: { cookie: m.cookie },
      body: { name: "  Prod ingest ", scopes: ["events:write", "usage:read"], mode: "live" },
    });
    expect(res.status).toBe(201);
    expect(res.body.key).toMatch(/^sm_live_[0-9A-Za-z]{22}$/);
    expect(res.body.name).toBe("Prod ingest");
    expect(res.body.scopes).toEqual(["events:write", "usage:read"]);
    expect(res.body.status).toBe("active");
    const auth = await authenticateApiKey(res.body.key);
    expect(auth).toEqual({
      ok: true,
      key: { tenantId: m.tenantId, keyId: res.body.id, scopes: ["events:write", "usage:read"] },
    });
    const row = await db.apiKey.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: m.tenantId, id: res.body.id } },
    });
    expect(row.hash).not.toContain(res.body.key);
    expect(row.createdBy).toBe(m.user.id);
    const list = await callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: m.cookie } });
    expect(JSON.stringify(list.body)).not.toContain(res.body.key);
  });

  it("rejects bad key input with 422 and the failing path", async () => {
    const m = await member("owner");
    const bad = async (body: unknown) =>
      callRoute(keys.POST, { method: "POST", path: "/api/console/keys", headers: { cookie: m.cookie }, body });
    const noScopes = await bad({ name: "x", scopes: [] });
    expectError(noScopes, 422, "validation_failed");
    expect(noScopes.body.error.details[0].path).toBe("scopes");
    expect((await bad({ name: "x", scopes: ["root"] })).body.error.details[0].path).toBe("scopes[0]");
    expect((await bad({ name: "", scopes: ["admin"] })).body.error.details[0].path).toBe("name");
    const past = await bad({ name: "x", scopes: ["admin"], expiresAt: "2001-01-01T00:00:00Z" });
    expect(past.body.error.details[0]).toEqual({ path: "expiresAt", message: "must be in the future" });
    expectError(await bad("{not json"), 400, "invalid_json");
    // An expiry past year 9999 in UTC was sent to Postgres and answered 500.
    const y10k = await bad({ name: "x", scopes: ["admin"], expiresAt: "9999-12-31T23:59:59-23:59" });
    expectError(y10k, 422, "validation_failed");
    expect(y10k.body.error.details[0].path).toBe("expiresAt");
    // A misspelt expiry was ignored: the key was created (201) and never expired.
    const misspelt = await bad({ name: "x", scopes: ["admin"], expires_at: "2099-01-01T00:00:00Z" });
    expectError(misspelt, 422, "validation_failed");
    expect(misspelt.body.error.details[0].path).toBe("");
    expect(misspelt.body.error.message).toContain("expires_at");
    expect(await db.apiKey.count({ where: { tenantId: m.tenantId, name: "x" } })).toBe(0);
  });

  it("answers 422, not a 500, to a key id in the path that Postgres cannot store (U+0000, an unpaired surrogate)", async () => {
    const m = await member("owner");
    for (const [route, id] of [
      [revoke.POST, "key_a\u0000"],
      [rotate.POST, "key_a\u0000"],
      [revoke.POST, "key_\ud800"],
      [rotate.POST, "key_\ud800"],
    ] as const) {
      const res = await callRoute(route, { method: "POST", path: "/x", headers: { cookie: m.cookie }, params: { id } });
      expectError(res, 422, "validation_failed");
      expect(res.body.error.details[0].path).toBe("id");
    }
  });

  it("revokes and rotates; rotation returns a new working key and kills the old one", async () => {
    const m = await member("owner");
    const created = await createApiKey({
      tenantId: m.tenantId,
      name: "rot",
      scopes: ["usage:read"],
      actor: { type: "system" },
    });
    const rot = await callRoute(rotate.POST, {
      method: "POST",
      path: "/x",
      headers: { cookie: m.cookie },
      params: { id: created.id },
    });
    expect(rot.status).toBe(201);
    expect(rot.body.key).toMatch(/^sm_test_/);
    expect(rot.body.name).toBe("rot");
    clearApiKeyCache();
    expect(await authenticateApiKey(created.key)).toEqual({ ok: false, reason: "revoked" });
    expect((await authenticateApiKey(rot.body.key)).ok).toBe(true);
    const rev = await callRoute(revoke.POST, {
      method: "POST",
      path: "/x",
      headers: { cookie: m.cookie },
      params: { id: rot.body.id },
    });
    expect(rev.status).toBe(200);
    expect(rev.body.status).toBe("revoked");
    clearApiKeyCache();
    expect(await authenticateApiKey(rot.body.key)).toEqual({ ok: false, reason: "revoked" });
    const audit = await db.auditLog.findMany({
      where: { tenantId: m.tenantId, actorId: m.user.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["api_key.rotated", "api_key.revoked"]);
  });

  it("never reaches another tenant's keys, even with a forged active-tenant cookie", async () => {
    const me = await member("owner");
    const victim = await createTestTenant();
    const victimKey = await db.apiKey.findFirstOrThrow({ where: { tenantId: victim.tenantId } });
    const forged = await sessionCookie(me.user.id, victim.tenantId);
    const list = await callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: forged } });
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { id: string }) => k.id)).not.toContain(victimKey.id);
    expect(list.body.data).toHaveLength(1);
    for (const route of [revoke.POST, rotate.POST]) {
      expectError(
        await callRoute(route, {
          method: "POST",
          path: "/x",
          headers: { cookie: forged },
          params: { id: victimKey.id },
        }),
        404,
        "not_found",
      );
    }
    const after = await db.apiKey.findUniqueOrThrow({
      where: { tenantId_id: { tenantId: victim.tenantId, id: victimKey.id } },
    });
    expect(after.revokedAt).toBeNull();
    expectError(
      await callRoute(activeTenant.POST, {
        method: "POST",
        path: "/api/console/active-tenant",
        headers: { cookie: me.cookie },
        body: { tenantId: victim.tenantId },
      }),
      404,
      "not_found",
    );
  });

  it("switches between the user's own tenants and scopes data to the active one", async () => {
    const a = await member("owner");
    const b = await createTestTenant();
    await addMember(b.tenantId, a.user.id, "viewer");
    await db.meter.create({
      data: { tenantId: b.tenantId, id: `mtr_${b.tenantId}`, metric: "calls", displayName: "Calls" },
    });
    const sw = await callRoute(activeTenant.POST, {
      method: "POST",
      path: "/api/console/active-tenant",
      headers: { cookie: a.cookie },
      body: { tenantId: b.tenantId },
    });
    expect(sw.status).toBe(200);
    expect(sw.body).toMatchObject({ tenantId: b.tenantId, role: "viewer" });
    expect(sw.headers.get("set-cookie")).toContain(`sm-tenant=${b.tenantId}`);
    const inB = await sessionCookie(a.user.id, b.tenantId);
    const ov = await callRoute(overview.GET, { path: "/api/console/overview", headers: { cookie: inB } });
    expect(ov.body.meters).toBe(1);
    // The role follows the active tenant: viewer in B, so no key creation there.
    const create = await callRoute(keys.POST, {
      method: "POST",
      path: "/api/console/keys",
      headers: { cookie: inB },
      body: { name: "x", scopes: ["admin"] },
    });
    expectError(create, 403, "forbidden");
    const ovA = await callRoute(overview.GET, { path: "/api/console/overview", headers: { cookie: a.cookie } });
    expect(ovA.body.meters).toBe(0);
  });

  it("drops a removed member's access on the very next request", async () => {
    const m = await member("admin");
    expect((await callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: m.cookie } })).status).toBe(200);
    await db.membership.delete({ where: { tenantId_userId: { tenantId: m.tenantId, userId: m.user.id } } });
    expectError(
      await callRoute(keys.GET, { path: "/api/console/keys", headers: { cookie: m.cookie } }),
      403,
      "forbidden",
    );
  });

  it("picks up a demotion on the very next request", async () => {
    const m = await member("admin");
    await db.membership.update({
      where: { tenantId_userId: { tenantId: m.tenantId, userId: m.user.id } },
      data: { role: "viewer" },
    });
    const res = await callRoute(keys.POST, {
      method: "POST",
      path: "/api/console/keys",
      headers: { cookie: m.cookie },
      body: { name: "x", scopes: ["admin"] },
    });
    expectError(res, 403, "forbidden");
  });

  it("refuses cookie-authenticated writes from another origin", async () => {
    const m = await member("owner");
    const res = await callRoute(keys.POST, {
      method: "POST",
      path: "/api/console/keys",
      headers: { cookie: m.cookie, origin: "https://evil.example" },
      body: { name: "x", scopes: ["admin"] },
    });
    expectError(res, 403, "forbidden");
    const same = await callRoute(keys.POST, {
      method: "POST",
      path: "/api/console/keys",
      headers: { cookie: m.cookie, origin: "http://localhost" },
      body: { name: "x", scopes: ["admin"] },
    });
    expect(same.status).toBe(201);
  });

  it("counts the overview from the tenant's own rows", async () => {
    const m = await member("viewer");
    const other = await createTestTenant();
    const now = new Date();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 15));
    const ev = (tenantId: string, key: string, ts: Date) => ({
      tenantId,
      idempotencyKey: key,
      metric: "calls",
      customerRef: "c1",
      quantity: "1",
      ts,
      periodStart: ts,
    });
    await db.event.createMany({
      data: [
        ev(m.tenantId, "a", now),
        ev(m.tenantId, "b", now),
        ev(m.tenantId, "c", lastMonth),
        ev(other.tenantId, "a", now),
      ],
    });
    await db.customer.create({ data: { tenantId: m.tenantId, id: `cst_${m.tenantId}`, customerRef: "c1" } });
    await createApiKey({
      tenantId: m.tenantId,
      name: "expired",
      scopes: ["admin"],
      expiresAt: new Date(Date.now() - 1000),
      actor: { type: "system" },
    });
    const res = await callRoute(overview.GET, { path: "/api/console/overview", headers: { cookie: m.cookie } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ meters: 0, customers: 1, eventsThisMonth: 2, activeKeys: 1 });
    expect(res.body.recentActivity[0].action).toBe("api_key.created");
  });
});
