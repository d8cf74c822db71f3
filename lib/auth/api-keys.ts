import { createHash } from "node:crypto";
import { z } from "zod";
import { type AuditActor, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { getPgPool } from "@/lib/db/pg-pool";
import { newId, randomBase62 } from "@/lib/ids";

export const API_KEY_SCOPES = ["events:write", "usage:read", "admin", "widget:mint"] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const ZApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyMode = "live" | "test";

// 22 base62 chars = ~131 bits of randomness (requirement: >= 128).
const SECRET_LENGTH = 22;
const DISPLAY_PREFIX_LENGTH = 8 + 6; // "sm_test_" + first 6 secret chars
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export function generateApiKey(mode: ApiKeyMode): { key: string; prefix: string; hash: string } {
  const key = `sm_${mode}_${randomBase62(SECRET_LENGTH)}`;
  return { key, prefix: key.slice(0, DISPLAY_PREFIX_LENGTH), hash: hashApiKey(key) };
}

export function looksLikeApiKey(value: string): boolean {
  return /^sm_(live|test)_[0-9A-Za-z]{16,64}$/.test(value);
}

export interface ApiKeySummary {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiKeyScope[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeySummary {
  /** The full secret, returned exactly once. */
  key: string;
}

type KeyRow = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
};

function summarize(row: KeyRow): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes as ApiKeyScope[],
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    expiresAt: row.expiresAt,
    revokedAt: row.revokedAt,
  };
}

export interface CreateApiKeyOptions {
  tenantId: string;
  name: string;
  scopes: readonly ApiKeyScope[];
  mode?: ApiKeyMode;
  expiresAt?: Date | null;
  actor: AuditActor;
}

export async function createApiKey(opts: CreateApiKeyOptions): Promise<CreatedApiKey> {
  const scopes = [...new Set(opts.scopes)].sort();
  if (scopes.length === 0) throw new Error("an API key needs at least one scope");
  const { key, prefix, hash } = generateApiKey(opts.mode ?? "test");
  const id = newId("key");
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        tenantId: opts.tenantId,
        id,
        name: opts.name,
        prefix,
        hash,
        scopes,
        createdBy: opts.actor.id ?? null,
        expiresAt: opts.expiresAt ?? null,
      },
    });
    await recordAudit(tx, {
      tenantId: opts.tenantId,
      actor: opts.actor,
      action: "api_key.created",
      target: { type: "api_key", id },
      data: { name: opts.name, scopes, prefix },
    });
    return created;
  });
  return { ...summarize(row), key };
}

export async function listApiKeys(tenantId: string): Promise<ApiKeySummary[]> {
  const rows = await db.apiKey.findMany({ where: { tenantId }, orderBy: { createdAt: "desc" } });
  return rows.map(summarize);
}

export async function getApiKeyOrThrow(tenantId: string, id: string): Promise<ApiKeySummary> {
  const row = await db.apiKey.findUnique({ where: { tenantId_id: { tenantId, id } } });
  if (!row) throw new ApiKeyNotFoundError(id);
  return summarize(row);
}

export class ApiKeyNotFoundError extends Error {
  constructor(id: string) {
    super(`API key ${id} not found`);
    this.name = "ApiKeyNotFoundError";
  }
}

/** Rotating an expired key would hand out a new secret that is already expired. */
export class ApiKeyExpiredError extends Error {
  constructor(id: string) {
    super(`API key ${id} has expired; create a new key instead of rotating it`);
    this.name = "ApiKeyExpiredError";
  }
}

export async function revokeApiKey(opts: {
  tenantId: string;
  id: string;
  actor: CreateApiKeyOptions["actor"];
}): Promise<ApiKeySummary> {
  const summary = await db.$transaction(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { tenantId_id: { tenantId: opts.tenantId, id: opts.id } } });
    if (!existing) throw new ApiKeyNotFoundError(opts.id);
    if (existing.revokedAt) return summarize(existing);
    const row = await tx.apiKey.update({
      where: { tenantId_id: { tenantId: opts.tenantId, id: opts.id } },
      data: { revokedAt: new Date() },
    });
    await recordAudit(tx, {
      tenantId: opts.tenantId,
      actor: opts.actor,
      action: "api_key.revoked",
      target: { type: "api_key", id: opts.id },
    });
    return summarize(row);
  });
  // After the commit: a lookup between a clear and the commit would read the key as valid
  // and cache it for KEY_CACHE_MS.
  clearApiKeyCache();
  return summary;
}

/**
 * Rotation = a new key with the same name, scopes and expiry, and the old one revoked,
 * in one transaction scoped to the tenant (a key id from another tenant is not found).
 */
export async function rotateApiKey(opts: {
  tenantId: string;
  id: string;
  actor: CreateApiKeyOptions["actor"];
}): Promise<CreatedApiKey> {
  const old = await db.apiKey.findUnique({ where: { tenantId_id: { tenantId: opts.tenantId, id: opts.id } } });
  if (!old || old.revokedAt) throw new ApiKeyNotFoundError(opts.id);
  if (old.expiresAt && old.expiresAt.getTime() <= Date.now()) throw new ApiKeyExpiredError(opts.id);
  const mode: ApiKeyMode = old.prefix.startsWith("sm_live_") ? "live" : "test";
  const { key, prefix, hash } = generateApiKey(mode);
  const id = newId("key");
  const row = await db.$transaction(async (tx) => {
    const revoked = await tx.apiKey.updateMany({
      where: { tenantId: opts.tenantId, id: opts.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count !== 1) throw new ApiKeyNotFoundError(opts.id);
    const created = await tx.apiKey.create({
      data: {
        tenantId: opts.tenantId,
        id,
        name: old.name,
        prefix,
        hash,
        scopes: old.scopes,
        createdBy: opts.actor.id ?? null,
        expiresAt: old.expiresAt,
      },
    });
    await recordAudit(tx, {
      tenantId: opts.tenantId,
      actor: opts.actor,
      action: "api_key.rotated",
      target: { type: "api_key", id: opts.id },
      data: { replacedBy: id },
    });
    return created;
  });
  clearApiKeyCache(); // after the commit, as in revokeApiKey
  return { ...summarize(row), key };
}

export interface AuthenticatedKey {
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

export type KeyCheck = { ok: true; key: AuthenticatedKey } | { ok: false; reason: "unknown" | "revoked" | "expired" };

// Per-process cache of key lookups (hash -> row): the hot paths must not pay a query per
// request. An entry is used for KEY_CACHE_MS at most, so a revocation made through another
// process takes effect within that time. Under traffic an entry is refreshed in the
// background once it is KEY_REFRESH_MS old, before it expires, so no request waits for
// the lookup (a lookup inline made the request that hit it, and the ones queued behind
// it, the slowest of every 5 s in the latency benchmarks).
const KEY_CACHE_MS = 5_000;
const KEY_REFRESH_MS = 4_000;
// Unknown keys are cached too (a miss must not cost a query per request), so anyone can add
// entries: without a bound, random well-formed keys grew the map forever (audit 6).
const KEY_CACHE_MAX = 10_000;

interface CachedKey {
  tenantId: string;
  id: string;
  scopes: string[];
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

interface CacheEntry {
  at: number;
  row: CachedKey | null;
  refreshing: Promise<CacheEntry> | null;
}

// One cache per process, on globalThis: Next.js loads this module once per bundle (the
// App Router routes and the pages/api hot routes each have their own copy), and a revocation
// through a console route must clear the cache the hot routes read too.
const shared = globalThis as unknown as { __smApiKeyCache?: { entries: Map<string, CacheEntry>; generation: number } };
shared.__smApiKeyCache ??= { entries: new Map(), generation: 0 };
const cache = shared.__smApiKeyCache;
const keyCache = cache.entries;

/** Empties the cache. The generation it bumps keeps a lookup that started before from putting its older answer back. */
export function clearApiKeyCache(): void {
  cache.generation++;
  keyCache.clear();
}

function lookupKey(hash: string): Promise<CacheEntry> {
  const startedAt = Date.now();
  const generation = cache.generation;
  return getPgPool()
    .query<CachedKey>({
      name: "sm_api_key_by_hash",
      text: `SELECT tenant_id AS "tenantId", id, scopes, last_used_at AS "lastUsedAt", expires_at AS "expiresAt",
          revoked_at AS "revokedAt"
        FROM api_keys WHERE hash = $1`,
      values: [hash],
    })
    .then((r) => {
      const entry: CacheEntry = { at: startedAt, row: r.rows[0] ?? null, refreshing: null };
      const current = keyCache.get(hash);
      if (generation === cache.generation && (!current || current.at <= startedAt)) remember(hash, entry);
      return entry;
    });
}

/** The cached row if fresh enough, refreshing it ahead of expiry; else one shared lookup. */
async function keyRow(hash: string, nowMs: number): Promise<CachedKey | null> {
  const cached = keyCache.get(hash);
  if (cached && nowMs - cached.at < KEY_CACHE_MS) {
    if (nowMs - cached.at >= KEY_REFRESH_MS && !cached.refreshing) {
      cached.refreshing = lookupKey(hash).catch(() => {
        cached.refreshing = null; // try again on a later request; the entry still expires on time
        return cached;
      });
    }
    return cached.row;
  }
  if (cached?.refreshing) return (await cached.refreshing).row;
  const pending: CacheEntry = { at: 0, row: null, refreshing: null };
  pending.refreshing = lookupKey(hash).finally(() => {
    if (keyCache.get(hash) === pending) keyCache.delete(hash);
  });
  remember(hash, pending);
  return (await pending.refreshing).row;
}

let lastSweep = 0;

/**
 * Stores an entry, keeping the cache within KEY_CACHE_MAX. An entry is (re)inserted last, so
 * a key in use, refreshed every few seconds, stays at the young end of the Map's insertion
 * order. When full: expired entries go (at most one sweep a second, so a flood of unknown
 * keys does not scan the map on every request), then the oldest inserted.
 */
function remember(hash: string, entry: CacheEntry): void {
  keyCache.delete(hash);
  if (keyCache.size >= KEY_CACHE_MAX) {
    const now = Date.now();
    if (now - lastSweep >= 1_000) {
      lastSweep = now;
      for (const [h, e] of keyCache) if (!e.refreshing && now - e.at >= KEY_CACHE_MS) keyCache.delete(h);
    }
    for (const h of keyCache.keys()) {
      if (keyCache.size < KEY_CACHE_MAX) break;
      keyCache.delete(h);
    }
  }
  keyCache.set(hash, entry);
}

/** For tests: how many lookups the cache holds. */
export function apiKeyCacheSize(): number {
  return keyCache.size;
}

/** Resolves a presented key to its tenant. Never trusts anything but the hash. */
export async function authenticateApiKey(presented: string, now = new Date()): Promise<KeyCheck> {
  if (!looksLikeApiKey(presented)) return { ok: false, reason: "unknown" };
  const row = await keyRow(hashApiKey(presented), now.getTime());
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    row.lastUsedAt = now;
    // lastUsedAt is written at most once a minute per key; the conditional update keeps
    // concurrent processes from each writing it.
    void getPgPool()
      .query({
        name: "sm_api_key_last_used",
        text: `UPDATE api_keys SET last_used_at = $3
          WHERE tenant_id = $1 AND id = $2 AND (last_used_at IS NULL OR last_used_at < $4)`,
        values: [row.tenantId, row.id, now, new Date(now.getTime() - LAST_USED_RESOLUTION_MS)],
      })
      .catch(() => {});
  }
  return { ok: true, key: { tenantId: row.tenantId, keyId: row.id, scopes: row.scopes as ApiKeyScope[] } };
}
