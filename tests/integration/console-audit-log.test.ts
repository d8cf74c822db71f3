import { describe, expect, it } from "vitest";
import * as auditRoute from "@/app/api/console/audit-log/route";
import { db } from "@/lib/db/client";
import { callRoute } from "../helpers/route";
import { addMember, createTestUser, sessionCookie } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

describe("console audit log", () => {
  it("pages through the tenant's entries newest first without repeats, and only its own", async () => {
    const t = await createTestTenant();
    const other = await createTestTenant();
    const user = await createTestUser();
    await addMember(t.tenantId, user.id, "viewer");
    const base = Date.UTC(2026, 0, 1);
    // Two entries share a timestamp: the cursor must break the tie by id.
    await db.auditLog.createMany({
      data: [0, 1, 2, 2, 3].map((s, i) => ({
        tenantId: t.tenantId,
        id: `aud_test${i}`,
        actorType: "system",
        action: `test.action${i}`,
        createdAt: new Date(base + s * 1000),
      })),
    });
    const cookie = await sessionCookie(user.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/console/audit-log?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const res = await callRoute(auditRoute.GET, { path, headers: { cookie } });
      expect(res.status).toBe(200);
      seen.push(...res.body.data.map((e: { action: string }) => e.action));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    // createTestTenant wrote tenant.created and api_key.created "now", which is newest.
    expect(seen.slice(0, 2).sort()).toEqual(["api_key.created", "tenant.created"]);
    expect(seen.slice(2)).toEqual(["test.action4", "test.action3", "test.action2", "test.action1", "test.action0"]);
    expect(pages).toBe(4);
    const otherActions = await db.auditLog.findMany({ where: { tenantId: other.tenantId }, select: { id: true } });
    expect(otherActions.length).toBeGreaterThan(0);
  });

  it("answers 422 to a forged cursor and to a bad limit", async () => {
    const t = await createTestTenant();
    const user = await createTestUser();
    await addMember(t.tenantId, user.id, "viewer");
    const cookie = await sessionCookie(user.id);
    const bad = await callRoute(auditRoute.GET, {
      path: "/api/console/audit-log?cursor=%27%3Bdrop",
      headers: { cookie },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.code).toBe("validation_failed");
    const limit = await callRoute(auditRoute.GET, { path: "/api/console/audit-log?limit=0", headers: { cookie } });
    expect(limit.status).toBe(422);
    expect(limit.body.error.details[0].path).toBe("limit");
  });
});
