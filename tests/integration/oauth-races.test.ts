// OAuth first sign-ins racing other writes to the same email (audit 5). Each loop lines the
// two up around each other with small offsets; every outcome must respect the same rules as
// the sequential paths.
import { describe, expect, it } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { db } from "@/lib/db/client";
import { cancelInvitation } from "@/lib/team/cancel-invitation";
import { inviteMember } from "@/lib/team/invite-member";
import { ensureOAuthUser } from "@/lib/users/ensure-oauth-user";
import { hashPassword } from "@/lib/users/password";
import { signUp } from "@/lib/users/sign-up";
import { addMember, createTestUser } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

const later = <T>(ms: number, fn: () => Promise<T>) => new Promise((r) => setTimeout(r, ms)).then(fn);
const oauth = (email: string) => ensureOAuthUser({ email, name: "Invitee", emailVerified: true, provider: "github" });

describe("OAuth first sign-in races", () => {
  it("is never handed a password account that a sign-up created a moment before", async () => {
    const t0 = Date.now();
    await hashPassword("warm-up-password");
    const hashMs = Date.now() - t0;
    const handedOver: string[] = [];
    const outcomes = { oauth: 0, password: 0 };
    for (let i = 0; i < 40; i++) {
      const email = `race-${Date.now()}-${i}@example.test`;
      // The sign-up hashes first (~hashMs), then inserts: land the OAuth check around that.
      const [, signedIn] = await Promise.allSettled([
        signUp({ email, password: "someone-else-knows-it", tenantName: "squatter" }),
        later(Math.max(0, hashMs - 10 + (i % 20)), () => oauth(email)),
      ]);
      expect(signedIn.status).toBe("fulfilled");
      const uid = signedIn.status === "fulfilled" ? signedIn.value : null;
      if (uid === null) {
        outcomes.password++;
        continue;
      }
      const user = await db.user.findUniqueOrThrow({ where: { id: uid } });
      if (user.passwordHash !== null) handedOver.push(email);
      else outcomes.oauth++;
    }
    expect(handedOver).toEqual([]);
    expect(outcomes.oauth + outcomes.password).toBe(40);
  });

  it("joins with the role of the invitation as the owner last set it, and the owner is told the truth", async () => {
    const t = await createTestTenant();
    const owner = await createTestUser();
    await addMember(t.tenantId, owner.id, "owner");
    const wrong: unknown[] = [];
    for (let i = 0; i < 40; i++) {
      const email = `renew-${Date.now()}-${i}@example.test`;
      await inviteMember({ tenantId: t.tenantId, actorUserId: owner.id, email, role: "admin" });
      const change: () => Promise<unknown> =
        i % 2 === 0
          ? () => inviteMember({ tenantId: t.tenantId, actorUserId: owner.id, email, role: "viewer" })
          : () => cancelInvitation({ tenantId: t.tenantId, actorUserId: owner.id, email });
      const [joined, changed] = await Promise.allSettled([oauth(email), later(i % 8, change)]);
      expect(joined.status).toBe("fulfilled");
      const membership = await db.membership.findFirst({ where: { tenantId: t.tenantId, user: { email } } });
      const pending = await db.invitation.findUnique({ where: { tenantId_email: { tenantId: t.tenantId, email } } });
      if (changed.status === "rejected") {
        // Too late: the invitation was accepted first; a clear 409/404, never a 500.
        const err = changed.reason as ApiError;
        const ok = err instanceof ApiError && (i % 2 === 0 ? err.status === 409 : err.status === 404);
        if (!ok || membership?.role !== "admin" || pending) wrong.push({ i, err: String(err), membership, pending });
      } else if (i % 2 === 0) {
        // Renewed as viewer: the invitee joined as a viewer, or has the viewer link pending.
        const fine = membership ? membership.role === "viewer" && !pending : pending?.role === "viewer";
        if (!fine) wrong.push({ i, renewed: true, membership, pending });
      } else if (membership || pending) {
        // Cancelled: the invitee did not join, and nothing is pending.
        wrong.push({ i, cancelled: true, membership, pending });
      }
    }
    expect(wrong).toEqual([]);
  });
});
