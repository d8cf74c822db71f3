"use client";

import { type FormEvent, useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { FormMessages } from "@/components/ui/form-messages";
import { btn, field } from "@/components/ui/styles";

const SCOPE_HELP: Record<string, string> = {
  "events:write": "send usage events",
  "usage:read": "read usage and events",
  admin: "configure meters, customers, prices, alerts",
  "widget:mint": "mint usage-widget tokens",
};

export function CreateKeyForm({
  scopes,
  onCreated,
  onCancel,
}: {
  scopes: readonly string[];
  onCreated: (created: { id: string; name: string; key: string }) => void;
  onCancel: () => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const expires = String(form.get("expiresAt") ?? "");
    setPending(true);
    setError(null);
    try {
      const created = await apiFetch<{ id: string; name: string; key: string }>("/api/console/keys", {
        method: "POST",
        body: {
          name: String(form.get("name") ?? ""),
          scopes: form.getAll("scopes").map(String),
          mode: String(form.get("mode") ?? "test"),
          // A date picker gives a day; the key stops working at the end of that day (UTC).
          expiresAt: expires ? `${expires}T23:59:59Z` : null,
        },
      });
      onCreated(created);
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : "Could not create the key.");
    } finally {
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-5 p-5" aria-label="Create API key">
      <FormMessages error={error} />
      <div className="grid gap-4 sm:grid-cols-3">
        <div className="sm:col-span-2">
          <label htmlFor="key-name" className={field.label}>
            Name
          </label>
          <input
            id="key-name"
            name="name"
            required
            maxLength={100}
            placeholder="e.g. Production ingest"
            className={field.input}
          />
        </div>
        <div>
          <label htmlFor="key-mode" className={field.label}>
            Mode
          </label>
          <select id="key-mode" name="mode" defaultValue="test" className={field.select}>
            <option value="test">Test (sm_test_…)</option>
            <option value="live">Live (sm_live_…)</option>
          </select>
        </div>
      </div>
      <fieldset>
        <legend className={field.label}>Scopes</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {scopes.map((s) => (
            <label
              key={s}
              className="flex items-start gap-2 rounded-md border border-zinc-200 px-3 py-2 text-sm dark:border-zinc-800"
            >
              <input
                type="checkbox"
                name="scopes"
                value={s}
                defaultChecked={s === "events:write"}
                className="mt-0.5 accent-indigo-600"
              />
              <span>
                <span className="font-mono text-xs font-semibold">{s}</span>
                <span className="block text-xs text-zinc-500 dark:text-zinc-400">{SCOPE_HELP[s] ?? ""}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="max-w-xs">
        <label htmlFor="key-expires" className={field.label}>
          Expires <span className="font-normal text-zinc-400">(optional, end of day UTC)</span>
        </label>
        <input id="key-expires" name="expiresAt" type="date" className={field.input} />
      </div>
      <div className="flex gap-2">
        <button type="submit" disabled={pending} className={btn.primary}>
          {pending ? "Creating…" : "Create key"}
        </button>
        <button type="button" onClick={onCancel} className={btn.secondary}>
          Cancel
        </button>
      </div>
    </form>
  );
}
