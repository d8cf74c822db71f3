"use client";

import { useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { FormMessages } from "@/components/ui/form-messages";
import { btn } from "@/components/ui/styles";

/** A signed-in invitee accepts the invite link; the joined tenant opens. */
export function AcceptInvitation({ token, tenantName }: { token: string; tenantName: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function accept() {
    setPending(true);
    setError(null);
    try {
      await apiFetch("/api/console/invitations/accept", { method: "POST", body: { token } });
      window.location.assign("/overview");
    } catch (err) {
      setPending(false);
      setError(err instanceof ApiRequestError ? err.message : "Could not accept the invitation. Try again.");
    }
  }

  return (
    <div className="space-y-4">
      <FormMessages error={error} />
      <button type="button" disabled={pending} className={`${btn.primary} w-full`} onClick={() => void accept()}>
        {pending ? "Joining…" : `Join ${tenantName}`}
      </button>
    </div>
  );
}
