import "server-only";
import { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { acceptInvitationToken } from "./accept-invitation-token";

export const ZAcceptInvitation = z.object({
  token: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
});

/**
 * A signed-in user accepts an invite link sent to their account's email. Being signed in
 * as that email is the proof of ownership that a bare sign-up cannot give.
 */
export async function acceptInvitation(opts: { userId: string; token: string }): Promise<{
  tenantId: string;
  role: Role;
}> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUniqueOrThrow({ where: { id: opts.userId }, select: { email: true } });
    return acceptInvitationToken(tx, { userId: opts.userId, email: user.email, token: opts.token, field: "token" });
  });
}
