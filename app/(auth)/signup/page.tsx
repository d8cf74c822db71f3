import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignupForm } from "@/components/auth/signup-form";
import { card } from "@/components/ui/styles";
import { getPageSession } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Create account · StripeMeter" };
export const dynamic = "force-dynamic";

export default async function SignupPage() {
  if (await getPageSession()) redirect("/overview");
  return (
    <div className={`${card} p-6 sm:p-8`}>
      <h1 className="text-xl font-semibold tracking-tight">Create your account</h1>
      <p className="mt-1 mb-6 text-sm text-zinc-500 dark:text-zinc-400">
        You become the owner of a new workspace. Invitations sent to your email are accepted automatically.
      </p>
      <SignupForm />
    </div>
  );
}
