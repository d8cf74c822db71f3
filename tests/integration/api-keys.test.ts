import { randomBytes } from "node:crypto";
import pg from "pg";
import { describe, expect, it, vi } from "vitest";
import {
  ApiKeyExpiredError,
  ApiKeyNotFoundError,
  apiKeyCacheSize,
  authenticateApiKey,
  createApiKey,
  hashApiKey,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { createTestTenant } from "../helpers/tenant";

const actor = { type: "system" as const };

/**
 * A key this process has authenticated (so it is cached), then revoked by "another process":
 * the database changes and this process's cache is not told.
 */
async function cachedKeyRevokedElsewhere() {
  const t = await createTestTenant();
  const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["usage:read"], actor });
  const start = Date.now();
  expect((await authenticateApiKey(k.key, new Date(start))).ok).toBe(true);
  await db.apiKey.update({
    where: { tenantId_id: { tenantId: t.tenantId, id: k.id } },
    data: { revokedAt: new Date() },
  });
  return { k, start };
}

const B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const randomKey = () => `sm_test_${[...randomBytes(22)].map((b) => B62[b % 62]).join("")}`;

describe("API keys", () => {
  it("keep the lookup cache bounded whatever unknown keys anonymous clients present", async () => {
    const t = await createTestTenant();
    const real = await createApiKey({ tenantId: t.tenantId, name: "real", scopes: ["usage:read"], actor });
    // Each unknown key is cached (a miss must not cost a query per request): 12,000 of them
    // used to leave 12,000 entries for good (audit 6). The cache holds at most 10,000.
    for (let i = 0; i < 12_000; i += 200) {
      const checks = await Promise.all(Array.from({ length: 200 }, () => authenticateApiKey(randomKey())));
      expect(checks.every((c) => !c.ok && c.reason === "unknown")).toBe(true);
    }
    expect(apiKeyCacheSize()).toBeLessThanOrEqual(10_000);
    expect((await authenticateApiKey(real.key)).ok).toBe(true);
  });

  it("have the sm_test_/sm_live_ format with at least 128 bits of randomness and are stored only hashed", async () => {
    const t = await createTestTenant();
    const test = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["usage:read"], actor });
    const live = await createApiKey({ tenantId: t.tenantId, name: "b", scopes: ["usage:read"], mode: "live", actor });
    expect(test.key).toMatch(/^sm_test_[0-9A-Za-z]{22}$/);
    expect(live.key).toMatch(/^sm_live_[0-9A-Za-z]{22}$/);
    // 22 base62 symbols = 22 * log2(62) ≈ 131 bits
    expect(22 * Math.log2(62)).toBeGreaterThan(128);
    const row = await db.apiKey.findUniqueOrThrow({ where: { tenantId_id: { tenantId: t.tenantId, id: test.id } } });
    expect(row.hash).toBe(hashApiKey(test.key));
    expect(row.prefix).toBe(test.key.slice(0, 14));
    expect(JSON.stringify(row)).not.toContain(test.key);
    const listed = await listApiKeys(t.tenantId);
    expect(JSON.stringify(listed)).not.toContain(test.key);
  });

  it("see a revocation made by another process within 5 s, refreshing ahead of expiry without making a request wait", async () => {
    const { k, start } = await cachedKeyRevokedElsewhere();
    expect((await authenticateApiKey(k.key, new Date(start + 1_000))).ok).toBe(true);
    // 4 s old: still answered from the cache (no wait), and a background refresh starts.
    expect((await authenticateApiKey(k.key, new Date(start + 4_200))).ok).toBe(true);
    await expect
      .poll(() => authenticateApiKey(k.key, new Date(start + 4_300)))
      .toEqual({ ok: false, reason: "revoked" });
  });

  it("never use an entry older than 5 s: the lookup is awaited, once for concurrent requests", async () => {
    const { k, start } = await cachedKeyRevokedElsewhere();
    const later = new Date(start + 5_100);
    const answers = await Promise.all(Array.from({ length: 20 }, () => authenticateApiKey(k.key, later)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ({ ok: false, reason: "revoked" })));
  });

  it("record lastUsedAt at most once a minute", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["usage:read"], actor });
    const read = async () =>
      (await db.apiKey.findUniqueOrThrow({ where: { tenantId_id: { tenantId: t.tenantId, id: k.id } } })).lastUsedAt;
    const first = new Date(Math.floor(Date.now() / 1000) * 1000);
    await authenticateApiKey(k.key, first);
    await expect.poll(read).toEqual(first);
    await authenticateApiKey(k.key, new Date(first.getTime() + 30_000));
    await new Promise((r) => setTimeout(r, 200));
    expect(await read()).toEqual(first);
    const minuteLater = new Date(first.getTime() + 61_000);
    await authenticateApiKey(k.key, minuteLater);
    await expect.poll(read).toEqual(minuteLater);
  });

  it("never generate the same key twice", async () => {
    const t = await createTestTenant();
    const keys = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        createApiKey({ tenantId: t.tenantId, name: `k${i}`, scopes: ["admin"], actor }),
      ),
    );
    expect(new Set(keys.map((k) => k.key)).size).toBe(20);
  });

  it("authenticate to their own tenant with their scopes, and refuse revoked, expired and unknown keys", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["usage:read", "admin"], actor });
    const ok = await authenticateApiKey(k.key);
    expect(ok).toEqual({ ok: true, key: { tenantId: t.tenantId, keyId: k.id, scopes: ["admin", "usage:read"] } });
    const tampered = `${k.key.slice(0, -1)}${k.key.endsWith("x") ? "y" : "x"}`;
    expect(await authenticateApiKey(tampered)).toEqual({ ok: false, reason: "unknown" });
    expect(await authenticateApiKey("not-a-key")).toEqual({ ok: false, reason: "unknown" });
    await revokeApiKey({ tenantId: t.tenantId, id: k.id, actor });
    expect(await authenticateApiKey(k.key)).toEqual({ ok: false, reason: "revoked" });
    const exp = await createApiKey({
      tenantId: t.tenantId,
      name: "e",
      scopes: ["admin"],
      expiresAt: new Date(Date.now() + 60_000),
      actor,
    });
    expect((await authenticateApiKey(exp.key)).ok).toBe(true);
    expect(await authenticateApiKey(exp.key, new Date(Date.now() + 61_000))).toEqual({
      ok: false,
      reason: "expired",
    });
  });

  it("write lastUsedAt at most once a minute", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["admin"], actor });
    const lastUsed = async () =>
      (await db.apiKey.findUniqueOrThrow({ where: { tenantId_id: { tenantId: t.tenantId, id: k.id } } })).lastUsedAt;
    const t0 = new Date(Date.now() + 120_000);
    await authenticateApiKey(k.key, t0);
    await expect.poll(lastUsed).toEqual(t0);
    await authenticateApiKey(k.key, new Date(t0.getTime() + 30_000));
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(t0);
    const t2 = new Date(t0.getTime() + 61_000);
    await authenticateApiKey(k.key, t2);
    await expect.poll(lastUsed).toEqual(t2);
  });

  it("rotate into a new key with the same name and scopes, revoking the old one", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "ci", scopes: ["events:write"], mode: "live", actor });
    const rotated = await rotateApiKey({ tenantId: t.tenantId, id: k.id, actor });
    expect(rotated.key).toMatch(/^sm_live_/);
    expect(rotated.name).toBe("ci");
    expect(rotated.scopes).toEqual(["events:write"]);
    expect(await authenticateApiKey(k.key)).toEqual({ ok: false, reason: "revoked" });
    expect(await authenticateApiKey(rotated.key)).toMatchObject({ ok: true, key: { tenantId: t.tenantId } });
    await expect(rotateApiKey({ tenantId: t.tenantId, id: k.id, actor })).rejects.toBeInstanceOf(ApiKeyNotFoundError);
  });

  it("refuse to rotate an expired key (its successor would be expired too)", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({
      tenantId: t.tenantId,
      name: "old",
      scopes: ["usage:read"],
      actor,
      expiresAt: new Date(Date.now() + 60_000),
    });
    await db.apiKey.update({
      where: { tenantId_id: { tenantId: t.tenantId, id: k.id } },
      data: { expiresAt: new Date(Date.now() - 1_000) },
    });
    await expect(rotateApiKey({ tenantId: t.tenantId, id: k.id, actor })).rejects.toBeInstanceOf(ApiKeyExpiredError);
    expect((await listApiKeys(t.tenantId)).filter((x) => x.name === "old")).toHaveLength(1);
  });

  it("stop working at once when revoked, even if a request looked the key up while the revocation was committing", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["usage:read"], actor });
    expect((await authenticateApiKey(k.key)).ok).toBe(true);
    // Hold the key's row so the revocation's UPDATE waits, and look the key up meanwhile.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM api_keys WHERE tenant_id = $1 AND id = $2 FOR UPDATE", [t.tenantId, k.id]);
      const revoking = revokeApiKey({ tenantId: t.tenantId, id: k.id, actor });
      await new Promise((r) => setTimeout(r, 150));
      // Not revoked yet: this lookup reads the key as valid, as any request would.
      expect((await authenticateApiKey(k.key, new Date(Date.now() + 5_500))).ok).toBe(true);
      await holder.query("COMMIT");
      await revoking;
    } finally {
      await holder.end();
    }
    expect(await authenticateApiKey(k.key)).toEqual({ ok: false, reason: "revoked" });
  });

  it("share one cache between the module's copies, so a revocation reaches the hot routes' bundle too", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["usage:read"], actor });
    // Next.js loads lib/auth/api-keys once per bundle (App Router routes, pages/api routes).
    vi.resetModules();
    const otherCopy = await import("@/lib/auth/api-keys");
    expect(otherCopy.authenticateApiKey).not.toBe(authenticateApiKey);
    expect((await otherCopy.authenticateApiKey(k.key)).ok).toBe(true); // cached in "the other bundle"
    await revokeApiKey({ tenantId: t.tenantId, id: k.id, actor }); // through this copy, as a console route
    expect(await otherCopy.authenticateApiKey(k.key)).toEqual({ ok: false, reason: "revoked" });
  });

  it("cannot be revoked or rotated through another tenant", async () => {
    const owner = await createTestTenant();
    const intruder = await createTestTenant();
    const k = await createApiKey({ tenantId: owner.tenantId, name: "a", scopes: ["admin"], actor });
    await expect(rotateApiKey({ tenantId: intruder.tenantId, id: k.id, actor })).rejects.toBeInstanceOf(
      ApiKeyNotFoundError,
    );
    await expect(revokeApiKey({ tenantId: intruder.tenantId, id: k.id, actor })).rejects.toBeInstanceOf(
      ApiKeyNotFoundError,
    );
    expect(await authenticateApiKey(k.key)).toMatchObject({ ok: true, key: { tenantId: owner.tenantId } });
    expect((await listApiKeys(intruder.tenantId)).map((x) => x.id)).not.toContain(k.id);
  });

  it("are audit-logged on create, revoke and rotate", async () => {
    const t = await createTestTenant();
    const k = await createApiKey({ tenantId: t.tenantId, name: "a", scopes: ["admin"], actor });
    const r = await rotateApiKey({ tenantId: t.tenantId, id: k.id, actor });
    await revokeApiKey({ tenantId: t.tenantId, id: r.id, actor });
    const actions = (
      await db.auditLog.findMany({
        where: { tenantId: t.tenantId, targetType: "api_key" },
        orderBy: { createdAt: "asc" },
      })
    ).map((a) => `${a.action}:${a.targetId}`);
    expect(actions).toEqual(
      expect.arrayContaining([`api_key.created:${k.id}`, `api_key.rotated:${k.id}`, `api_key.revoked:${r.id}`]),
    );
  });
});
