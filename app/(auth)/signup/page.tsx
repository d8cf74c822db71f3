import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignupForm } from "@/components/auth/signup-form";
import { card, field } from "@/components/ui/styles";
import { getPageSession } from "@/lib/auth/page-session";
import { findInvitationByToken } from "@/lib/team/find-invitation-by-token";

export const metadata: Metadata = { title: "Create account · StripeMeter" };
export const dynamic = "force-dynamic";

export default async function SignupPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  if (await getPageSession()) redirect("/overview");
  const raw = (await searchParams).invite;
  const inviteToken = typeof raw === "string" && raw.length > 0 ? raw : null;
  const invitation = inviteToken ? await findInvitationByToken(inviteToken) : null;
  const usable = invitation && !invitation.expired ? invitation : null;
  return (
    <div className={`${card} p-6 sm:p-8`}>
      <h1 className="text-xl font-semibold tracking-tight">
        {usable ? `Join ${usable.tenantName}` : "Create your account"}
      </h1>
      {usable ? (
        <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400" data-testid="invitation-summary">
          You were invited to {usable.tenantName} as {usable.role}. Create your account with {usable.email} to accept.
        </p>
      ) : (
        <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">
          You become the owner of a new workspace. Invited to a team? Open the invite link you were sent.
        </p>
      )}
      {inviteToken && !usable ? (
        <p role="alert" className={`${field.error} mb-4`}>
          {invitation?.expired
            ? "This invitation link has expired. Ask the person who invited you for a new one."
            : "This invitation link is not valid: it was cancelled, replaced by a newer link, or already used."}
        </p>
      ) : null}
      <SignupForm invite={usable && inviteToken ? { token: inviteToken, email: usable.email } : null} />
    </div>
  );
}
