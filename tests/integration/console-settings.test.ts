import { describe, expect, it } from "vitest";
import * as settings from "@/app/api/console/settings/route";
import { describeAction } from "@/components/console/audit-description";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { ingestEvents } from "@/lib/ingest/ingest-events";
import { updateTenantSettings } from "@/lib/tenants/tenant-settings";
import { counterValue, expectCountersVerified } from "../helpers/ingest";
import { callRoute } from "../helpers/route";
import { addMember, createTestUser, sessionCookie } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

async function member(role: Role, tenantId?: string) {
  const t = tenantId ? { tenantId } : await createTestTenant();
  const u = await createTestUser();
  await addMember(t.tenantId, u.id, role);
  return { tenantId: t.tenantId, userId: u.id, cookie: await sessionCookie(u.id) };
}

const getSettings = (cookie: string) => callRoute(settings.GET, { path: "/api/console/settings", headers: { cookie } });
const patchSettings = (cookie: string, body: unknown) =>
  callRoute(settings.PATCH, { method: "PATCH", path: "/api/console/settings", headers: { cookie }, body });

async function windowOf(tenantId: string): Promise<number> {
  return (await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).latenessWindowHours;
}

describe("console tenant settings: the lateness window", () => {
  it("shows the default 48 h to any member, and only the active tenant's value", async () => {
    const viewer = await member("viewer");
    const other = await member("admin");
    expect((await patchSettings(other.cookie, { latenessWindowHours: 5 })).status).toBe(200);
    const res = await getSettings(viewer.cookie);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ latenessWindowHours: 48 });
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect((await getSettings(other.cookie)).body).toEqual({ latenessWindowHours: 5 });
  });

  it("lets an admin change it, audit-logs old and new value, and logs nothing for a no-op", async () => {
    const admin = await member("admin");
    const res = await patchSettings(admin.cookie, { latenessWindowHours: 72 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ latenessWindowHours: 72 });
    expect(await windowOf(admin.tenantId)).toBe(72);
    expect((await patchSettings(admin.cookie, { latenessWindowHours: 0 })).body).toEqual({ latenessWindowHours: 0 });
    expect((await patchSettings(admin.cookie, { latenessWindowHours: 0 })).status).toBe(200);
    const logs = await db.auditLog.findMany({
      where: { tenantId: admin.tenantId, action: "tenant.settings_updated" },
      orderBy: { createdAt: "asc" },
    });
    expect(logs.map((l) => [l.actorType, l.actorId, l.targetId, l.data])).toEqual([
      ["user", admin.userId, admin.tenantId, { latenessWindowHours: { from: 48, to: 72 } }],
      ["user", admin.userId, admin.tenantId, { latenessWindowHours: { from: 72, to: 0 } }],
    ]);
    expect(describeAction(logs[1])).toBe("Changed the lateness window from 72 h to 0 h");
  });

  it("refuses a viewer (403) and a signed-out request (401), changing nothing", async () => {
    const viewer = await member("viewer");
    const refused = await patchSettings(viewer.cookie, { latenessWindowHours: 10 });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe("forbidden");
    const anonymous = await callRoute(settings.PATCH, {
      method: "PATCH",
      path: "/api/console/settings",
      body: { latenessWindowHours: 10 },
    });
    expect(anonymous.status).toBe(401);
    expect((await callRoute(settings.GET, { path: "/api/console/settings" })).status).toBe(401);
    expect(await windowOf(viewer.tenantId)).toBe(48);
  });

  it("answers 422 with the field's error to every bad value, and 400 to bad JSON, changing nothing", async () => {
    const admin = await member("owner");
    const bad: [unknown, string][] = [
      [{ latenessWindowHours: 73 }, "latenessWindowHours"],
      [{ latenessWindowHours: -1 }, "latenessWindowHours"],
      [{ latenessWindowHours: 1.5 }, "latenessWindowHours"],
      [{ latenessWindowHours: "48" }, "latenessWindowHours"],
      [{ latenessWindowHours: null }, "latenessWindowHours"],
      ['{"latenessWindowHours": 1e400}', "latenessWindowHours"],
      [{ latenessWindowHours: 24, tenantId: "ten_other" }, ""],
      [{}, ""],
      [[], ""],
    ];
    for (const [body, path] of bad) {
      const res = await patchSettings(admin.cookie, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details?.[0]?.path ?? "", JSON.stringify(body)).toBe(path);
    }
    const tooLong = await patchSettings(admin.cookie, { latenessWindowHours: 73 });
    expect(tooLong.body.error.details[0].message).toMatch(/at most 72/);
    const malformed = await patchSettings(admin.cookie, '{"latenessWindowHours": 5');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe("invalid_json");
    expect(await windowOf(admin.tenantId)).toBe(48);
    expect(await db.auditLog.count({ where: { tenantId: admin.tenantId, action: "tenant.settings_updated" } })).toBe(0);
  });

  it("is what the next ingest uses: an event 30 h after its period ends is late at 24 h, on time at 36 h", async () => {
    const admin = await member("admin");
    const periodEnd = Date.parse("2026-12-01T00:00:00Z");
    const now = new Date(periodEnd + 30 * 3_600_000);
    const send = (key: string) =>
      ingestEvents({
        tenantId: admin.tenantId,
        events: [
          { metric: "api_calls", customerRef: "c", quantity: 3, ts: "2026-11-30T12:00:00Z", idempotencyKey: key },
        ],
        now,
      });
    expect((await patchSettings(admin.cookie, { latenessWindowHours: 24 })).status).toBe(200);
    expect((await send("a")).results[0]).toMatchObject({ status: "accepted", late: true });
    expect(await counterValue(admin.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBeNull();
    expect(await counterValue(admin.tenantId, "api_calls", "c", new Date("2026-12-01T00:00:00Z"))).toBe("3");

    expect((await patchSettings(admin.cookie, { latenessWindowHours: 36 })).status).toBe(200);
    const onTime = (await send("b")).results[0];
    expect(onTime.status).toBe("accepted");
    expect(onTime.late).toBeUndefined();
    expect(await counterValue(admin.tenantId, "api_calls", "c", new Date("2026-11-01T00:00:00Z"))).toBe("3");
    // the first event stays where it was counted: the window is not applied backwards
    expect(await counterValue(admin.tenantId, "api_calls", "c", new Date("2026-12-01T00:00:00Z"))).toBe("3");
    expect(await expectCountersVerified(admin.tenantId)).toBe(2); // both periods' counters, no difference
  });

  it("logs the right old value for each of two concurrent changes", async () => {
    const t = await createTestTenant();
    const actor = { type: "cli" as const };
    await Promise.all(
      [10, 20, 30, 40].map((h) =>
        updateTenantSettings({ tenantId: t.tenantId, patch: { latenessWindowHours: h }, actor }),
      ),
    );
    const logs = await db.auditLog.findMany({
      where: { tenantId: t.tenantId, action: "tenant.settings_updated" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    const changes = logs.map(
      (l) => (l.data as { latenessWindowHours: { from: number; to: number } }).latenessWindowHours,
    );
    // a chain from 48 through every value to the stored one, whatever the order they ran in
    const byFrom = new Map(changes.map((c) => [c.from, c.to]));
    let at = 48;
    for (let i = 0; i < 4; i++) at = byFrom.get(at) as number;
    expect(changes).toHaveLength(4);
    expect(at).toBe(await windowOf(t.tenantId));
  });

  it("is refused beyond 0–72 by the table itself", async () => {
    const t = await createTestTenant();
    await expect(db.tenant.update({ where: { id: t.tenantId }, data: { latenessWindowHours: 73 } })).rejects.toThrow(
      /tenants_lateness_window_hours_range/,
    );
    await expect(db.tenant.update({ where: { id: t.tenantId }, data: { latenessWindowHours: -1 } })).rejects.toThrow(
      /tenants_lateness_window_hours_range/,
    );
  });
});
