"use client";

import { useState } from "react";
import { formatDateTime } from "@/components/ui/format";
import { btn } from "@/components/ui/styles";

/** The invite link, shown once right after inviting: only its hash is stored. */
export function InviteLinkBanner({
  email,
  path,
  expiresAt,
  existingAccount,
  onDismiss,
}: {
  email: string;
  /** `/signup?invite=…`, made absolute with this page's origin. */
  path: string;
  expiresAt: string;
  existingAccount: boolean;
  onDismiss: () => void;
}) {
  const [copied, setCopied] = useState(false);
  const url = new URL(path, window.location.origin).toString();

  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      // Clipboard blocked (insecure origin): the link is selectable text, copy by hand.
      setCopied(false);
    }
  }

  return (
    <section
      aria-label="Invite link"
      data-testid="invite-link-banner"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/40"
    >
      <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">Send this invite link to {email}</p>
      <p className="mt-1 text-sm text-amber-800 dark:text-amber-300">
        StripeMeter does not send email: copy the link and send it to them yourself.{" "}
        {existingAccount
          ? `They already have an account: they open the link signed in as ${email} and accept.`
          : `They join by signing up with ${email} through this link.`}{" "}
        Nobody else can use it. It is shown only now, works once, and expires {formatDateTime(expiresAt)}. Lost it?
        Invite the same email again for a new link (the old one stops working).
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code
          data-testid="invite-link"
          className="min-w-0 flex-1 select-all break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-zinc-900 dark:border-amber-900 dark:bg-zinc-950 dark:text-zinc-100"
        >
          {url}
        </code>
        <button type="button" className={btn.secondary} onClick={() => void copy()}>
          {copied ? "Copied" : "Copy link"}
        </button>
        <button type="button" className={btn.ghost} onClick={onDismiss}>
          Done
        </button>
      </div>
    </section>
  );
}
