// The client decides when its body arrives. The wrappers must decide who may act once it has
// arrived, not before: an admin removed, or a key revoked, while a request's body was held back
// used to act anyway (audit 5: a removed admin created an admin API key; a revoked key moved a
// counter).
import { describe, expect, it } from "vitest";
import * as consoleKeys from "@/app/api/console/keys/route";
import * as adjustments from "@/app/api/v1/adjustments/route";
import { revokeApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { removeMember } from "@/lib/team/remove-member";
import { counterValue, createMeterRow, isoNow } from "../helpers/ingest";
import { addMember, createTestUser, sessionCookie } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

/** A POST whose body is sent only when `release` is called; `started` resolves when it is read. */
function heldRequest(url: string, headers: Record<string, string>, json: unknown) {
  let bodyRequested!: () => void;
  const started = new Promise<void>((r) => {
    bodyRequested = r;
  });
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        bodyRequested();
        await released;
        controller.enqueue(new TextEncoder().encode(JSON.stringify(json)));
        controller.close();
      },
    },
    { highWaterMark: 0 }, // pulled only when someone reads the body
  );
  const req = new Request(url, {
    method: "POST",
    // A browser's POST carries Origin (the console routes refuse one without: lib/api/with-session.ts).
    headers: { "content-type": "application/json", origin: "http://localhost", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
  return { req, started, release };
}

describe("a request without a valid credential", () => {
  it("is refused before its body is read, on API-key and console routes", async () => {
    const cases: Array<{ route: typeof adjustments.POST; url: string; headers: Record<string, string> }> = [
      { route: adjustments.POST, url: "http://localhost/api/v1/adjustments", headers: {} },
      {
        route: adjustments.POST,
        url: "http://localhost/api/v1/adjustments",
        headers: { authorization: "Bearer sm_test_0000000000000000000000" },
      },
      { route: consoleKeys.POST, url: "http://localhost/api/console/keys", headers: {} },
    ];
    for (const c of cases) {
      const held = heldRequest(c.url, c.headers, { metric: "calls" });
      let read = false;
      void held.started.then(() => {
        read = true;
      });
      const res = await c.route(held.req, { params: Promise.resolve({}) });
      expect(res.status).toBe(401);
      expect(read).toBe(false); // answered without waiting for a body the client never sends
      held.release();
    }
  });
});

describe("a request whose body arrives after its caller lost the right", () => {
  it("does not let an admin removed meanwhile create an API key", async () => {
    const t = await createTestTenant();
    const owner = await createTestUser();
    const admin = await createTestUser();
    await addMember(t.tenantId, owner.id, "owner");
    await addMember(t.tenantId, admin.id, "admin");
    const held = heldRequest(
      "http://localhost/api/console/keys",
      { cookie: await sessionCookie(admin.id, t.tenantId) },
      { name: "after-removal", scopes: ["admin"] },
    );
    const pending = consoleKeys.POST(held.req, { params: Promise.resolve({}) });
    await held.started;
    await removeMember({ tenantId: t.tenantId, actorUserId: owner.id, userId: admin.id });
    held.release();
    const res = await pending;
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect(await db.apiKey.count({ where: { tenantId: t.tenantId, createdBy: admin.id } })).toBe(0);
  });

  it("does not serve a request with a key revoked meanwhile", async () => {
    const t = await createTestTenant();
    await createMeterRow(t.tenantId, "calls", "sum");
    await ingestEvents({
      tenantId: t.tenantId,
      events: [{ metric: "calls", customerRef: "c1", quantity: 10, ts: isoNow(-1000) }],
    });
    const key = await t.keyWith(["admin"]);
    const keyRow = await db.apiKey.findFirstOrThrow({ where: { tenantId: t.tenantId, name: "test admin" } });
    const held = heldRequest(
      "http://localhost/api/v1/adjustments",
      { authorization: `Bearer ${key}` },
      { metric: "calls", customerRef: "c1", delta: "-10", reason: "after revocation" },
    );
    const pending = adjustments.POST(held.req, { params: Promise.resolve({}) });
    await held.started;
    await revokeApiKey({ tenantId: t.tenantId, id: keyRow.id, actor: { type: "system" } });
    held.release();
    const res = await pending;
    expect(res.status).toBe(401);
    expect((await res.json()).error.message).toBe("This API key has been revoked.");
    expect(await counterValue(t.tenantId, "calls", "c1")).toBe("10");
  });
});
