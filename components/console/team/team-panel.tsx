"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { Badge } from "@/components/ui/badge";
import { FormMessages } from "@/components/ui/form-messages";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState } from "@/components/ui/page-header";
import { btn, btnSm, card, field, table } from "@/components/ui/styles";
import { InviteLinkBanner } from "./invite-link-banner";

type Role = "owner" | "admin" | "viewer";

export interface TeamMemberView {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  joinedAt: string;
}

export interface InvitationView {
  email: string;
  role: Role;
  invitedAt: string;
  expiresAt: string;
  expired: boolean;
}

interface InviteResponse {
  email: string;
  inviteUrl: string;
  expiresAt: string;
  renewed: boolean;
  existingAccount: boolean;
}

const ROLE_HELP: Record<Role, string> = {
  owner: "everything, including owners",
  admin: "keys, team (not owners), settings",
  viewer: "read only",
};

export function TeamPanel({
  members,
  invitations,
  actorRole,
  actorUserId,
}: {
  members: TeamMemberView[];
  invitations: InvitationView[];
  actorRole: Role;
  actorUserId: string;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [link, setLink] = useState<{
    email: string;
    path: string;
    expiresAt: string;
    existingAccount: boolean;
  } | null>(null);
  const canManage = actorRole !== "viewer";
  // The UI mirrors the server's rules; the server enforces them regardless.
  const grantable: Role[] = actorRole === "owner" ? ["owner", "admin", "viewer"] : ["admin", "viewer"];
  const canTouch = (role: Role) => canManage && (actorRole === "owner" || role !== "owner");

  async function run(work: () => Promise<string | null>) {
    setPending(true);
    setError(null);
    setNotice(null);
    setLink(null);
    try {
      setNotice(await work());
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : "Something went wrong.");
    } finally {
      setPending(false);
    }
  }

  async function sendInvite(email: string, role: string): Promise<string> {
    const res = await apiFetch<InviteResponse>("/api/console/team/invitations", {
      method: "POST",
      body: { email, role },
    });
    setLink({ email: res.email, path: res.inviteUrl, expiresAt: res.expiresAt, existingAccount: res.existingAccount });
    const how = res.existingAccount
      ? "they already have an account and join by opening the link while signed in"
      : "they join by signing up through the link";
    return res.renewed
      ? `New invite link for ${res.email} (the previous link no longer works): ${how}.`
      : `Invitation created for ${res.email}: ${how}.`;
  }

  function invite(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formEl = e.currentTarget;
    const form = new FormData(formEl);
    void run(async () => {
      const message = await sendInvite(String(form.get("email") ?? ""), String(form.get("role") ?? "viewer"));
      formEl.reset();
      return message;
    });
  }

  function renew(inv: InvitationView) {
    void run(() => sendInvite(inv.email, inv.role));
  }

  function changeRole(m: TeamMemberView, role: Role) {
    void run(async () => {
      await apiFetch(`/api/console/team/members/${encodeURIComponent(m.userId)}`, { method: "PATCH", body: { role } });
      return `${m.email} is now ${role}.`;
    });
  }

  function remove(m: TeamMemberView) {
    if (!window.confirm(`Remove ${m.email} from this tenant? They lose access immediately.`)) return;
    void run(async () => {
      await apiFetch(`/api/console/team/members/${encodeURIComponent(m.userId)}`, { method: "DELETE" });
      if (m.userId === actorUserId) window.location.assign("/overview");
      return `${m.email} was removed.`;
    });
  }

  function cancel(inv: InvitationView) {
    void run(async () => {
      await apiFetch(`/api/console/team/invitations/${encodeURIComponent(inv.email)}`, { method: "DELETE" });
      return `Invitation for ${inv.email} cancelled.`;
    });
  }

  return (
    <div className="space-y-6">
      <FormMessages error={error} notice={notice} />
      {link ? (
        <InviteLinkBanner
          email={link.email}
          path={link.path}
          expiresAt={link.expiresAt}
          existingAccount={link.existingAccount}
          onDismiss={() => setLink(null)}
        />
      ) : null}
      {canManage ? (
        <section className={card}>
          <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">
            Invite someone
          </h2>
          <form onSubmit={invite} className="flex flex-wrap items-end gap-3 p-5" aria-label="Invite member">
            <div className="min-w-56 flex-1">
              <label htmlFor="invite-email" className={field.label}>
                Email
              </label>
              <input id="invite-email" name="email" type="email" required className={field.input} />
            </div>
            <div className="w-56">
              <label htmlFor="invite-role" className={field.label}>
                Role
              </label>
              <select id="invite-role" name="role" defaultValue="viewer" className={field.select}>
                {grantable.map((r) => (
                  <option key={r} value={r}>
                    {r} — {ROLE_HELP[r]}
                  </option>
                ))}
              </select>
            </div>
            <button type="submit" disabled={pending} className={btn.primary}>
              Invite
            </button>
          </form>
        </section>
      ) : (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          You have view access: only admins and owners manage the team.
        </p>
      )}

      <section className={card}>
        <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">
          Members ({members.length})
        </h2>
        <div className={table.wrap}>
          <table className={table.table}>
            <thead>
              <tr>
                <th className={table.th}>Member</th>
                <th className={table.th}>Role</th>
                <th className={table.th}>Joined</th>
                {canManage ? (
                  <th className={table.th}>
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody className={table.body} data-testid="members-table">
              {members.map((m) => (
                <tr key={m.userId} data-member-email={m.email}>
                  <td className={table.td}>
                    <span className="font-medium text-zinc-900 dark:text-zinc-100">{m.name ?? m.email}</span>
                    {m.name ? <span className="block text-xs text-zinc-500 dark:text-zinc-400">{m.email}</span> : null}
                    {m.userId === actorUserId ? <span className="ml-1 text-xs text-zinc-500">(you)</span> : null}
                  </td>
                  <td className={table.td}>
                    {canTouch(m.role) ? (
                      <select
                        aria-label={`Role of ${m.email}`}
                        value={m.role}
                        disabled={pending}
                        onChange={(e) => changeRole(m, e.target.value as Role)}
                        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
                      >
                        {(grantable.includes(m.role) ? grantable : [m.role, ...grantable]).map((r) => (
                          <option key={r} value={r}>
                            {r}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <Badge tone={m.role === "owner" ? "indigo" : "neutral"}>{m.role}</Badge>
                    )}
                  </td>
                  <td className={`${table.td} whitespace-nowrap`}>{formatDateTime(m.joinedAt)}</td>
                  {canManage ? (
                    <td className={`${table.td} text-right`}>
                      {canTouch(m.role) ? (
                        <button type="button" className={btnSm.danger} disabled={pending} onClick={() => remove(m)}>
                          Remove
                        </button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section className={card}>
        <h2 className="border-b border-zinc-200 px-5 py-3 text-sm font-semibold dark:border-zinc-800">
          Pending invitations ({invitations.length})
        </h2>
        {invitations.length === 0 ? (
          <EmptyState title="No pending invitations" />
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" data-testid="invitations-list">
            {invitations.map((inv) => (
              <li key={inv.email} className="flex flex-wrap items-center justify-between gap-3 px-5 py-3 text-sm">
                <span>
                  <span className="font-medium">{inv.email}</span>{" "}
                  <Badge tone={inv.role === "owner" ? "indigo" : "neutral"}>{inv.role}</Badge>
                  {inv.expired ? (
                    <span className="ml-1">
                      <Badge tone="amber">link expired</Badge>
                    </span>
                  ) : null}
                  <span className="ml-2 text-xs text-zinc-500 dark:text-zinc-400">
                    invited {formatDateTime(inv.invitedAt)} · {inv.expired ? "expired" : "link expires"}{" "}
                    {formatDateTime(inv.expiresAt)}
                  </span>
                </span>
                {canTouch(inv.role) ? (
                  <span className="flex gap-2">
                    <button type="button" className={btn.secondary} disabled={pending} onClick={() => renew(inv)}>
                      New link
                    </button>
                    <button type="button" className={btn.secondary} disabled={pending} onClick={() => cancel(inv)}>
                      Cancel invitation
                    </button>
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
