"use client";

import { type FormEvent, useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { FormMessages } from "@/components/ui/form-messages";
import { btn, field } from "@/components/ui/styles";

export function CreateTenantForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    setPending(true);
    setError(null);
    try {
      await apiFetch("/api/console/tenants", { method: "POST", body: { name } });
      window.location.assign("/overview");
    } catch (err) {
      setPending(false);
      setError(err instanceof ApiRequestError ? err.message : "Could not create the tenant.");
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4">
      <FormMessages error={error} />
      <div>
        <label htmlFor="tenant-name" className={field.label}>
          Tenant name
        </label>
        <input id="tenant-name" name="name" required maxLength={100} className={field.input} />
      </div>
      <button type="submit" disabled={pending} className={`${btn.primary} w-full`}>
        {pending ? "Creating…" : "Create tenant"}
      </button>
    </form>
  );
}
