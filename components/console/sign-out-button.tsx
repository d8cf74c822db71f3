"use client";

import { signOut } from "next-auth/react";
import { useState } from "react";
import { btn, field } from "@/components/ui/styles";

/**
 * Signs out and goes to /login only once the server has revoked the session. A failed
 * revocation answers 503 (lib/auth/sign-out.ts); next-auth's default redirect would ignore it
 * and /login would send the still-signed-in user back to the console without a word.
 */
export function SignOutButton() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onClick = async () => {
    setBusy(true);
    setError(null);
    try {
      const answer = (await signOut({ redirect: false, callbackUrl: "/login" })) as {
        url?: string;
        error?: { message?: string };
      };
      if (answer?.url) {
        window.location.assign("/login");
        return;
      }
      setError(answer?.error?.message ?? "Signing out failed; you are still signed in. Try again.");
    } catch {
      setError("Signing out failed; you are still signed in. Try again.");
    }
    setBusy(false);
  };
  return (
    <span className="flex flex-col items-end">
      <button type="button" className={btn.ghost} disabled={busy} onClick={() => void onClick()}>
        Sign out
      </button>
      {error ? (
        <span role="alert" className={field.error}>
          {error}
        </span>
      ) : null}
    </span>
  );
}
