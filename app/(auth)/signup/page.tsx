import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AcceptInvitation } from "@/components/auth/accept-invitation";
import { SignupForm } from "@/components/auth/signup-form";
import { SignOutButton } from "@/components/console/sign-out-button";
import { btn, card, field } from "@/components/ui/styles";
import { getPageSession } from "@/lib/auth/page-session";
import { findInvitationByToken, type InvitationPreview } from "@/lib/team/find-invitation-by-token";

export const metadata: Metadata = { title: "Create account · StripeMeter" };
export const dynamic = "force-dynamic";

const muted = "mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400";

// Also the landing page of invite links (`/signup?invite=<secret>`): new invitees sign up
// through it; invitees who already have an account accept it signed in.
export default async function SignupPage({ searchParams }: { searchParams: Promise<{ invite?: string | string[] }> }) {
  const raw = (await searchParams).invite;
  const token = typeof raw === "string" && raw.length > 0 ? raw : null;
  const session = await getPageSession();
  if (session && !token) redirect("/overview");
  const invitation = token ? await findInvitationByToken(token) : null;
  const usable = invitation && !invitation.expired ? invitation : null;
  const refusal =
    token && !usable ? (
      <p role="alert" className={`${field.error} mb-4`}>
        {invitation?.expired
          ? "This invitation link has expired. Ask the person who invited you for a new one."
          : "This invitation link is not valid: it was cancelled, replaced by a newer link, or already used."}
      </p>
    ) : null;

  if (session) {
    return (
      <div className={`${card} p-6 sm:p-8`}>
        {usable && token ? (
          <SignedInInvitation invitation={usable} token={token} signedInAs={session.user.email} />
        ) : (
          <>
            <h1 className="mb-4 text-xl font-semibold tracking-tight">Invitation</h1>
            {refusal}
            <Link href="/overview" className={btn.secondary}>
              Go to the console
            </Link>
          </>
        )}
      </div>
    );
  }

  if (usable && token && usable.hasAccount) {
    const login = `/login?callbackUrl=${encodeURIComponent(`/signup?invite=${token}`)}`;
    return (
      <div className={`${card} p-6 sm:p-8`}>
        <h1 className="text-xl font-semibold tracking-tight">Join {usable.tenantName}</h1>
        <p className={muted} data-testid="invitation-summary">
          You were invited to {usable.tenantName} as {usable.role}. {usable.email} already has an account: sign in with
          it to accept.
        </p>
        <Link href={login} className={`${btn.primary} w-full`}>
          Sign in to accept
        </Link>
      </div>
    );
  }

  return (
    <div className={`${card} p-6 sm:p-8`}>
      <h1 className="text-xl font-semibold tracking-tight">
        {usable ? `Join ${usable.tenantName}` : "Create your account"}
      </h1>
      {usable ? (
        <p className={muted} data-testid="invitation-summary">
          You were invited to {usable.tenantName} as {usable.role}. Create your account with {usable.email} to accept.
        </p>
      ) : (
        <p className={muted}>
          You become the owner of a new workspace. Invited to a team? Open the invite link you were sent.
        </p>
      )}
      {refusal}
      <SignupForm invite={usable && token ? { token, email: usable.email } : null} />
    </div>
  );
}

function SignedInInvitation({
  invitation,
  token,
  signedInAs,
}: {
  invitation: InvitationPreview;
  token: string;
  signedInAs: string;
}) {
  if (invitation.email !== signedInAs.toLowerCase()) {
    return (
      <>
        <h1 className="text-xl font-semibold tracking-tight">Join {invitation.tenantName}</h1>
        <p role="alert" className={`${field.error} mt-4 mb-4`}>
          This invitation is for {invitation.email}, but you are signed in as {signedInAs}. Sign out, then open the link
          again.
        </p>
        <SignOutButton />
      </>
    );
  }
  return (
    <>
      <h1 className="text-xl font-semibold tracking-tight">Join {invitation.tenantName}</h1>
      <p className={muted} data-testid="invitation-summary">
        You were invited to {invitation.tenantName} as {invitation.role}. Your other tenants stay available in the
        switcher.
      </p>
      <AcceptInvitation token={token} tenantName={invitation.tenantName} />
    </>
  );
}
