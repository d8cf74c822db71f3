import "server-only";
import { z } from "zod";
import { ApiError } from "@/lib/api/errors";
import { recordAudit } from "@/lib/audit/record-audit";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { newId } from "@/lib/ids";
import { acceptInvitations } from "@/lib/team/accept-invitations";
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
    tenantName: z.string().trim().min(1, "is required").max(100, "must be at most 100 characters"),
  })
  .refine((v) => v.password.toLowerCase() !== v.email, { path: ["password"], message: "must not be your email" });
export type TSignUp = z.infer<typeof ZSignUp>;

export interface SignUpResult {
  userId: string;
  tenantId: string;
  /** Tenants joined through pending invitations. */
  joinedTenantIds: string[];
}

/** Creates the user, their own tenant (as owner), and accepts pending invitations, atomically. */
export async function signUp(input: TSignUp): Promise<SignUpResult> {
  const passwordHash = await hashPassword(input.password);
  const userId = newId("usr");
  const tenantId = newId("ten");
  try {
    return await db.$transaction(async (tx) => {
      await tx.user.create({ data: { id: userId, email: input.email, name: input.name || null, passwordHash } });
      await tx.tenant.create({ data: { id: tenantId, name: input.tenantName } });
      await tx.membership.create({ data: { tenantId, userId, role: "owner" } });
      await recordAudit(tx, {
        tenantId,
        actor: { type: "user", id: userId },
        action: "tenant.created",
        target: { type: "tenant", id: tenantId },
        data: { name: input.tenantName },
      });
      const joinedTenantIds = await acceptInvitations(tx, { userId, email: input.email });
      return { userId, tenantId, joinedTenantIds };
    });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      throw new ApiError({ code: "conflict", message: "An account with this email already exists." });
    }
    throw err;
  }
}
