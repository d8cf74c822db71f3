"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/components/ui/api-fetch";

const NEW_TENANT = "__new__";

export function TenantSwitcher({
  tenants,
  activeTenantId,
}: {
  tenants: { tenantId: string; tenantName: string; role: string }[];
  activeTenantId: string;
}) {
  const router = useRouter();
  const [pending, setPending] = useState(false);

  async function onChange(value: string) {
    if (value === NEW_TENANT) {
      router.push("/welcome");
      return;
    }
    setPending(true);
    try {
      await apiFetch("/api/console/active-tenant", { method: "POST", body: { tenantId: value } });
      router.refresh();
    } finally {
      setPending(false);
    }
  }

  return (
    <div>
      <label
        htmlFor="tenant-switcher"
        className="mb-1 block text-xs font-medium uppercase tracking-wide text-zinc-500 dark:text-zinc-400"
      >
        Tenant
      </label>
      <select
        id="tenant-switcher"
        data-testid="tenant-switcher"
        value={activeTenantId}
        disabled={pending}
        onChange={(e) => void onChange(e.target.value)}
        className="block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm font-medium text-zinc-900 shadow-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500/30 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        {tenants.map((t) => (
          <option key={t.tenantId} value={t.tenantId}>
            {t.tenantName} ({t.role})
          </option>
        ))}
        <option value={NEW_TENANT}>+ New tenant…</option>
      </select>
    </div>
  );
}
