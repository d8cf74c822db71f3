"use client";

import Link from "next/link";
import { signIn } from "next-auth/react";
import { type FormEvent, useState } from "react";
import { FormMessages } from "@/components/ui/form-messages";
import { btn, field } from "@/components/ui/styles";

export function LoginForm({
  callbackUrl,
  initialError,
  oauth,
}: {
  callbackUrl: string;
  initialError: string | null;
  oauth: { id: string; name: string }[];
}) {
  const [error, setError] = useState<string | null>(initialError);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (res?.ok && !res.error) {
      // A full navigation so every server component reads the new session cookie.
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    setError(
      res?.error === "TooManyAttempts"
        ? "Too many failed attempts for this email. Try again in 15 minutes."
        : "Incorrect email or password.",
    );
  }

  return (
    <div className="space-y-6">
      <form onSubmit={onSubmit} className="space-y-4" aria-label="Sign in">
        <FormMessages error={error} />
        <div>
          <label htmlFor="email" className={field.label}>
            Email
          </label>
          <input id="email" name="email" type="email" autoComplete="email" required className={field.input} />
        </div>
        <div>
          <label htmlFor="password" className={field.label}>
            Password
          </label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            className={field.input}
          />
        </div>
        <button type="submit" disabled={pending} className={`${btn.primary} w-full`}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
      </form>
      {oauth.length > 0 ? (
        <div className="space-y-2">
          <div className="flex items-center gap-3 text-xs uppercase tracking-wide text-zinc-400">
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
            or
            <span className="h-px flex-1 bg-zinc-200 dark:bg-zinc-800" />
          </div>
          {oauth.map((p) => (
            <button
              key={p.id}
              type="button"
              className={`${btn.secondary} w-full py-2`}
              onClick={() => void signIn(p.id, { callbackUrl })}
            >
              Continue with {p.name}
            </button>
          ))}
        </div>
      ) : null}
      <p className="text-center text-sm text-zinc-500 dark:text-zinc-400">
        New to StripeMeter?{" "}
        <Link href="/signup" className="font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400">
          Create an account
        </Link>
      </p>
    </div>
  );
}
