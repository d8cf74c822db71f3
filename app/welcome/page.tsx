import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { CreateTenantForm } from "@/components/console/create-tenant-form";
import { SignOutButton } from "@/components/console/sign-out-button";
import { Logo } from "@/components/ui/logo";
import { card } from "@/components/ui/styles";
import { getPageSession } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "New tenant · StripeMeter" };
export const dynamic = "force-dynamic";

// Reached when the signed-in user belongs to no tenant (e.g. they were removed) or wants another one.
export default async function WelcomePage() {
  const session = await getPageSession();
  if (!session) redirect("/login");
  const hasTenant = session.memberships.length > 0;
  return (
    <div className="flex min-h-screen flex-col items-center bg-zinc-50 px-4 pt-16 dark:bg-zinc-950">
      <Logo className="mb-8 text-zinc-900 dark:text-zinc-100" />
      <div className={`${card} w-full max-w-sm p-6 sm:p-8`}>
        <h1 className="text-xl font-semibold tracking-tight">
          {hasTenant ? "Create another tenant" : "Create a tenant"}
        </h1>
        <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">
          {hasTenant
            ? "You will be its owner. Your other tenants stay available in the switcher."
            : `${session.user.email} is not a member of any tenant. Create one, or ask an owner to invite you.`}
        </p>
        <CreateTenantForm />
        <div className="mt-6 flex items-center justify-between text-sm">
          {hasTenant ? (
            <Link href="/overview" className="font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
              ← Back to the console
            </Link>
          ) : (
            <span />
          )}
          <SignOutButton />
        </div>
      </div>
    </div>
  );
}
