import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { safeCallbackUrl } from "@/components/auth/safe-callback";
import { card } from "@/components/ui/styles";
import { oauthProviders } from "@/lib/auth/auth-options";
import { getPageSession } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Sign in · StripeMeter" };
export const dynamic = "force-dynamic";

const OAUTH_ERRORS: Record<string, string> = {
  AccessDenied: "That account could not be used to sign in (its email must be verified).",
  OAuthAccountNotLinked: "Sign in with the method you used before.",
  CredentialsSignin: "Incorrect email or password.",
};

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getPageSession()) redirect(callbackUrl);
  const errorKey = typeof params.error === "string" ? params.error : null;
  return (
    <div className={`${card} p-6 sm:p-8`}>
      <h1 className="text-xl font-semibold tracking-tight">Sign in</h1>
      <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">to the StripeMeter console</p>
      <LoginForm
        callbackUrl={callbackUrl}
        initialError={errorKey ? (OAUTH_ERRORS[errorKey] ?? "Sign-in failed. Try again.") : null}
        oauth={oauthProviders()}
      />
    </div>
  );
}
