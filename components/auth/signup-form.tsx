"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { FormMessages } from "@/components/ui/form-messages";
import { btn, field } from "@/components/ui/styles";

/** With `invite`, the account joins the inviting tenant (no workspace of its own is created). */
export function SignupForm({ invite }: { invite: { token: string; email: string } | null }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get("email") ?? "");
    const password = String(form.get("password") ?? "");
    setPending(true);
    setError(null);
    try {
      await apiFetch("/api/signup", {
        method: "POST",
        body: {
          name: String(form.get("name") ?? "") || undefined,
          email,
          password,
          ...(invite ? { inviteToken: invite.token } : { tenantName: String(form.get("tenantName") ?? "") }),
        },
      });
    } catch (err) {
      setPending(false);
      setError(err instanceof ApiRequestError ? err.message : "Could not create the account. Try again.");
      return;
    }
    const res = await signIn("credentials", { email, password, redirect: false });
    if (res?.ok && !res.error) {
      window.location.assign("/overview");
      return;
    }
    window.location.assign("/login");
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="Create account">
      <FormMessages error={error} />
      <div>
        <label htmlFor="name" className={field.label}>
          Your name <span className="font-normal text-zinc-400">(optional)</span>
        </label>
        <input id="name" name="name" autoComplete="name" maxLength={100} className={field.input} />
      </div>
      {invite ? null : (
        <div>
          <label htmlFor="tenantName" className={field.label}>
            Company or workspace name
          </label>
          <input id="tenantName" name="tenantName" required maxLength={100} className={field.input} />
        </div>
      )}
      <div>
        <label htmlFor="email" className={field.label}>
          Work email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={invite?.email}
          className={field.input}
        />
      </div>
      <div>
        <label htmlFor="password" className={field.label}>
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          className={field.input}
          aria-describedby="password-hint"
        />
        <p id="password-hint" className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
          At least 8 characters (at most 72 bytes), not your email.
        </p>
      </div>
      <button type="submit" disabled={pending} className={`${btn.primary} w-full`}>
        {pending ? "Creating your account…" : invite ? "Create account and join" : "Create account"}
      </button>
      <p className="text-center text-sm text-zinc-500 dark:text-zinc-400">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
          Sign in
        </Link>
      </p>
    </form>
  );
}
