import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db/client";

/**
 * Console sign-in sessions are next-auth JWTs: the cookie itself proves the session, so
 * signing out only deleted the cookie and a copy of it (a shared machine, a stolen cookie)
 * stayed valid until it expired, up to 30 days later. Each token now carries a session id
 * (`sid`) minted at sign-in; signing out records it here and every console request refuses a
 * recorded one. A token without a `sid` (minted before this existed) is refused too: it
 * could never be revoked.
 */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export function newSessionId(): string {
  return randomBytes(18).toString("base64url");
}

/**
 * Records a signed-out session. The row is needed until no copy of the token can still be
 * valid: a copy's expiry moves only when it is refreshed, which a revoked session no longer
 * is, so SESSION_MAX_AGE_SECONDS from now is enough. Expired rows are pruned on the way.
 */
export async function revokeSession(token: Record<string, unknown> | null | undefined): Promise<void> {
  if (typeof token?.sid !== "string" || typeof token.uid !== "string") return;
  const now = new Date();
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await db.$transaction([
    db.revokedSession.deleteMany({ where: { expiresAt: { lt: now } } }),
    db.revokedSession.upsert({
      where: { sid: token.sid },
      create: { sid: token.sid, userId: token.uid, expiresAt },
      update: {},
    }),
  ]);
}

/** Whether a token's session may still be used: it has a session id that was not signed out. */
export async function isSessionLive(sid: unknown): Promise<boolean> {
  if (typeof sid !== "string" || sid.length === 0) return false;
  return (await db.revokedSession.findUnique({ where: { sid }, select: { sid: true } })) === null;
}
