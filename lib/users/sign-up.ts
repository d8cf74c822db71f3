import "server-only";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import { acceptInvitationToken } from "@/lib/team/accept-invitation-token";
import { hashPassword } from "./password";

export const ZEmail = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ message: "must be a valid email address" }));

// bcrypt only reads the first 72 bytes; longer passwords would be silently truncated.
export const ZNewPassword = z
  .string()
  .min(8, "must be at least 8 characters")
  .refine((p) => Buffer.byteLength(p, "utf8") <= 72, "must be at most 72 bytes")
  .refine((p) => /\S/.test(p), "must not be blank");

export const ZSignUp = z
  .object({
    email: ZEmail,
    password: ZNewPassword,
    name: z.string().trim().max(100, "must be at most 100 characters").optional(),
    // Optional with an invite link: the user then joins the inviting tenant and can create
    // their own later (/welcome). Given anyway, they also get this tenant of their own.
    tenantName: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters").optional(),
    /** The secret from an invite link (`/signup?invite=…`). */
    inviteToken: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters").optional(),
  })
  .refine((v) => v.password.toLowerCase() !== v.email, { path: ["password"], message: "must not be your email" })
  .refine((v) => v.tenantName !== undefined || v.inviteToken !== undefined, {
    path: ["tenantName"],
    message: "is required",
  });
export type TSignUp = z.infer<typeof ZSignUp>;

export interface SignUpResult {
  userId: string;
  /** The tenant to open first: the invited one when an invite link was used, else their own. */
  tenantId: string;
  /** The tenant created for the user (owner), or null when they only joined by invitation. */
  ownTenantId: string | null;
  /** Tenants joined through the invite link (zero or one). */
  joinedTenantIds: string[];
}

/**
 * Creates the user, their own tenant (as owner) when named, and accepts the invitation of
 * `inviteToken`, atomically: a refused link creates nothing. Sign-up proves no ownership of
 * the email, so without a link no invitation is accepted, whatever email is claimed.
 */
export async function signUp(input: TSignUp): Promise<SignUpResult> {
  const passwordHash = await hashPassword(input.password);
  const userId = newId("usr");
  const own = input.tenantName === undefined ? null : { id: newId("ten"), name: input.tenantName };
  try {
    return await db.$transaction(async (tx) => {
      await tx.user.create({ data: { id: userId, email: input.email, name: input.name || null, passwordHash } });
      if (own) {
        await tx.tenant.create({ data: { id: own.id, name: own.name } });
        await tx.membership.create({ data: { tenantId: own.id, userId, role: "owner" } });
        await recordAudit(tx, {
          tenantId: own.id,
          actor: { type: "user", id: userId },
          action: "tenant.created",
          target: { type: "tenant", id: own.id },
          data: { name: own.name },
        });
      }
      const joinedTenantIds =
        input.inviteToken === undefined
          ? []
          : [
              (
                await acceptInvitationToken(tx, {
                  userId,
                  email: input.email,
                  token: input.inviteToken,
                  field: "inviteToken",
                })
              ).tenantId,
            ];
      const ownTenantId = own?.id ?? null;
      const tenantId = joinedTenantIds[0] ?? ownTenantId;
      // The schema guarantees one of the two (tenantName is required without an invite link).
      if (tenantId === null) throw new Error("sign-up without a tenant");
      return { userId, tenantId, ownTenantId, joinedTenantIds };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError({ code: "conflict", message: "An account with this email already exists." });
    }
    throw err;
  }
}
