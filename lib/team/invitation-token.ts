import { createHash } from "node:crypto";
import { randomBase62 } from "@/lib/ids";

/** How long an invite link stays valid. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** SHA-256 (hex) of an invite secret: the only form stored. */
export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** A fresh invite secret (22 base62 chars, ~131 bits), its hash, and when it expires. */
export function newInvitationToken(now = new Date()): { token: string; tokenHash: string; expiresAt: Date } {
  const token = randomBase62(22);
  return { token, tokenHash: hashInvitationToken(token), expiresAt: new Date(now.getTime() + INVITATION_TTL_MS) };
}

/** The sign-up link carrying the secret, relative to the app's origin. */
export function inviteLink(token: string): string {
  return `/signup?invite=${encodeURIComponent(token)}`;
}
