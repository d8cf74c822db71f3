import { createHash } from "node:crypto";
import { z } from "zod";
import { type AuditActor, recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
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

export async function revokeApiKey(opts: {
  tenantId: string;
  id: string;
  actor: CreateApiKeyOptions["actor"];
}): Promise<ApiKeySummary> {
  return db.$transaction(async (tx) => {
    const existing = await tx.apiKey.findUnique({ where: { tenantId_id: { tenantId: opts.tenantId, id: opts.id } } });
    if (!existing) throw new ApiKeyNotFoundError(opts.id);
    keyCache.clear();
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
  const mode: ApiKeyMode = old.prefix.startsWith("sm_live_") ? "live" : "test";
  const { key, prefix, hash } = generateApiKey(mode);
  const id = newId("key");
  keyCache.clear();
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
  return { ...summarize(row), key };
}

export interface AuthenticatedKey {
  tenantId: string;
  keyId: string;
  scopes: ApiKeyScope[];
}

export type KeyCheck = { ok: true; key: AuthenticatedKey } | { ok: false; reason: "unknown" | "revoked" | "expired" };

// Per-process cache of key lookups (hash -> row) for a few seconds: the hot ingest path
// must not pay a query per request. Revocation takes effect within KEY_CACHE_MS.
const KEY_CACHE_MS = 5_000;
const keyCache = new Map<string, { at: number; row: (KeyRow & { tenantId: string }) | null }>();

export function clearApiKeyCache(): void {
  keyCache.clear();
}

/** Resolves a presented key to its tenant. Never trusts anything but the hash. */
export async function authenticateApiKey(presented: string, now = new Date()): Promise<KeyCheck> {
  if (!looksLikeApiKey(presented)) return { ok: false, reason: "unknown" };
  const hash = hashApiKey(presented);
  const cached = keyCache.get(hash);
  let row: (KeyRow & { tenantId: string }) | null;
  if (cached && now.getTime() - cached.at < KEY_CACHE_MS) {
    row = cached.row;
  } else {
    row = await db.apiKey.findUnique({ where: { hash } });
    keyCache.set(hash, { at: now.getTime(), row });
  }
  if (!row) return { ok: false, reason: "unknown" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    row.lastUsedAt = now;
    // lastUsedAt is written at most once a minute per key; the conditional update keeps
    // concurrent processes from each writing it.
    void db.apiKey
      .updateMany({
        where: {
          tenantId: row.tenantId,
          id: row.id,
          OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } }],
        },
        data: { lastUsedAt: now },
      })
      .catch(() => {});
  }
  return { ok: true, key: { tenantId: row.tenantId, keyId: row.id, scopes: row.scopes as ApiKeyScope[] } };
}
