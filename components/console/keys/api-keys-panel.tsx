"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { Badge } from "@/components/ui/badge";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState } from "@/components/ui/page-header";
import { btn, btnSm, card, field, table } from "@/components/ui/styles";
import type { ApiKeyJson } from "@/lib/auth/api-key-input";
import { CreateKeyForm } from "./create-key-form";
import { NewKeyBanner } from "./new-key-banner";

const STATUS_TONE = { active: "green", revoked: "red", expired: "amber" } as const;

export function ApiKeysPanel({
  keys,
  scopes,
  canManage,
}: {
  keys: ApiKeyJson[];
  scopes: readonly string[];
  canManage: boolean;
}) {
  const router = useRouter();
  const [creating, setCreating] = useState(false);
  // The secret lives only in this component's memory: a reload forgets it for good.
  const [fresh, setFresh] = useState<{ id: string; name: string; key: string } | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(id: string, action: "revoke" | "rotate", name: string) {
    const question =
      action === "revoke"
        ? `Revoke “${name}”? Requests using it will fail at once.`
        : `Rotate “${name}”? A new key replaces it and the current one stops working now.`;
    if (!window.confirm(question)) return;
    setBusy(id);
    setError(null);
    try {
      const res = await apiFetch<{ id: string; name: string; key?: string }>(
        `/api/console/keys/${encodeURIComponent(id)}/${action}`,
        {
          method: "POST",
        },
      );
      if (action === "rotate" && res.key) setFresh({ id: res.id, name: res.name, key: res.key });
      // A secret that no longer works is not worth copying.
      else if (fresh?.id === id) setFresh(null);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : `Could not ${action} the key.`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      {fresh ? <NewKeyBanner name={fresh.name} secret={fresh.key} onDismiss={() => setFresh(null)} /> : null}
      {error ? (
        <p role="alert" className={`${field.error} mb-4`}>
          {error}
        </p>
      ) : null}
      {canManage && creating ? (
        <section className={`${card} mb-6`}>
          <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">New API key</h2>
          <CreateKeyForm
            scopes={scopes}
            onCancel={() => setCreating(false)}
            onCreated={(created) => {
              setFresh(created);
              setCreating(false);
              router.refresh();
            }}
          />
        </section>
      ) : null}
      {canManage && !creating ? (
        <div className="mb-4 flex justify-end">
          <button type="button" className={btn.primary} onClick={() => setCreating(true)}>
            Create API key
          </button>
        </div>
      ) : null}
      {!canManage ? (
        <p className="mb-4 text-sm text-zinc-500 dark:text-zinc-400">
          You have view access. Ask an admin or owner to create, rotate or revoke keys.
        </p>
      ) : null}
      <div className={card}>
        {keys.length === 0 ? (
          <EmptyState title="No API keys yet">Create one to send usage events from your backend.</EmptyState>
        ) : (
          <div className={table.wrap}>
            <table className={table.table}>
              <thead>
                <tr>
                  <th className={table.th}>Name</th>
                  <th className={table.th}>Key</th>
                  <th className={table.th}>Scopes</th>
                  <th className={table.th}>Created</th>
                  <th className={table.th}>Last used</th>
                  <th className={table.th}>Expires</th>
                  <th className={table.th}>Status</th>
                  {canManage ? (
                    <th className={table.th}>
                      <span className="sr-only">Actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              <tbody className={table.body} data-testid="keys-table">
                {keys.map((k) => (
                  <tr key={k.id} data-key-id={k.id}>
                    <td className={`${table.td} font-medium text-zinc-900 dark:text-zinc-100`}>{k.name}</td>
                    <td className={`${table.td} whitespace-nowrap font-mono text-xs`}>{k.prefix}…</td>
                    <td className={table.td}>
                      <div className="flex flex-wrap gap-1">
                        {k.scopes.map((s) => (
                          <Badge key={s}>{s}</Badge>
                        ))}
                      </div>
                    </td>
                    <td className={`${table.td} whitespace-nowrap`}>{formatDateTime(k.createdAt)}</td>
                    <td className={`${table.td} whitespace-nowrap`} data-testid="key-last-used">
                      {k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never"}
                    </td>
                    <td className={`${table.td} whitespace-nowrap`}>
                      {k.expiresAt ? formatDateTime(k.expiresAt) : "Never"}
                    </td>
                    <td className={table.td}>
                      <Badge tone={STATUS_TONE[k.status]}>{k.status}</Badge>
                    </td>
                    {canManage ? (
                      <td className={`${table.td} whitespace-nowrap text-right`}>
                        {k.status === "active" ? (
                          <div className="flex justify-end gap-1.5">
                            <button
                              type="button"
                              className={btnSm.secondary}
                              disabled={busy === k.id}
                              onClick={() => void act(k.id, "rotate", k.name)}
                            >
                              Rotate
                            </button>
                            <button
                              type="button"
                              className={btnSm.danger}
                              disabled={busy === k.id}
                              onClick={() => void act(k.id, "revoke", k.name)}
                            >
                              Revoke
                            </button>
                          </div>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </>
  );
}
