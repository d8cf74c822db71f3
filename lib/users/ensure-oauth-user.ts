import "server-only";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import { acceptInvitations } from "@/lib/team/accept-invitations";

/**
 * The user for an OAuth sign-in, or null when the provider did not assert that the email is
 * verified (such a sign-in could claim anyone's account or invitations, so it gets nothing).
 * A new verified email gets a user, its own tenant (owner) and its unexpired pending
 * invitations (the provider proved ownership of the email); an existing OAuth user is
 * returned. An existing password account is not: null, the sign-in is refused.
 */
export async function ensureOAuthUser(opts: {
  email: string;
  name?: string | null;
  emailVerified: boolean;
  provider: string;
}): Promise<string | null> {
  if (!opts.emailVerified) return null;
  const email = opts.email.trim().toLowerCase();
  const existing = await db.user.findUnique({ where: { email }, select: { id: true, passwordHash: true } });
  // A password account was made by whoever typed the email at sign-up, which proves nothing
  // about owning it: handing it to the provider's verified owner would let someone who signed
  // up first with another's address wait for them (pre-account takeover). Its holder signs in
  // with the password.
  if (existing) return existing.passwordHash === null ? existing.id : null;
  const userId = newId("usr");
  const tenantId = newId("ten");
  const tenantName = `${opts.name?.trim() || email.split("@")[0]}'s workspace`.slice(0, 100);
  try {
    await db.$transaction(async (tx) => {
      await tx.user.create({ data: { id: userId, email, name: opts.name?.trim() || null } });
      await tx.tenant.create({ data: { id: tenantId, name: tenantName } });
      await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      await recordAudit(tx, {
        tenantId,
        actor: { type: "user", id: userId },
        action: "tenant.created",
        target: { type: "tenant", id: tenantId },
        data: { name: tenantName },
      });
      await acceptInvitations(tx, { userId, email, verifiedBy: opts.provider });
    });
    return userId;
  } catch (err) {
    // Another first sign-in won the email: the loser uses the winner's user, under the same
    // rule as above — a password sign-up that won is not handed over.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const user = await db.user.findUniqueOrThrow({ where: { email }, select: { id: true, passwordHash: true } });
      return user.passwordHash === null ? user.id : null;
    }
    throw err;
  }
}
