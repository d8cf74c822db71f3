import { z } from "zod";
import { ZRfc3339 } from "@/lib/api/schemas";
import { API_KEY_SCOPES, type ApiKeySummary, ZApiKeyScope } from "./api-keys";

// Strict: a misspelt field (`expires_at`) was dropped silently, creating a key that never expires.
export const ZCreateApiKey = z.strictObject({
  name: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  scopes: z
    .array(ZApiKeyScope)
    .min(1, `pick at least one of ${API_KEY_SCOPES.join(", ")}`)
    .max(API_KEY_SCOPES.length),
  mode: z.enum(["test", "live"]).default("test"),
  // As every timestamp the API takes (ZRfc3339): an instant past year 9999 in UTC reached
  // Postgres and answered 500.
  expiresAt: ZRfc3339.nullish().refine((v) => v == null || Date.parse(v) > Date.now(), "must be in the future"),
});
export type TCreateApiKey = z.infer<typeof ZCreateApiKey>;

export type ApiKeyStatus = "active" | "revoked" | "expired";

export function apiKeyStatus(key: Pick<ApiKeySummary, "revokedAt" | "expiresAt">, now = new Date()): ApiKeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) return "expired";
  return "active";
}

/** The JSON the console gets for a key: never the hash, only the display prefix. */
export function apiKeyJson(key: ApiKeySummary, now = new Date()) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    status: apiKeyStatus(key, now),
  };
}
export type ApiKeyJson = ReturnType<typeof apiKeyJson>;
