"use client";

import { useState } from "react";
import { btn } from "@/components/ui/styles";

export function NewKeyBanner({ name, secret, onDismiss }: { name: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      // Clipboard blocked (insecure origin): the key is selectable text, copy by hand.
      setCopied(false);
    }
  }

  return (
    <div
      role="status"
      data-testid="new-key-banner"
      className="mb-6 rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-800 dark:bg-amber-950/40"
    >
      <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">Copy your new key “{name}” now</p>
      <p className="mt-1 text-sm text-amber-800 dark:text-amber-300">
        This is the only time the full key is shown. StripeMeter stores only a hash; if you lose it, rotate the key.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        <code
          data-testid="new-key-secret"
          className="min-w-0 flex-1 select-all break-all rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-zinc-900 dark:border-amber-900 dark:bg-zinc-950 dark:text-zinc-100"
        >
          {secret}
        </code>
        <button type="button" className={btn.secondary} onClick={() => void copy()}>
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className={btn.ghost} onClick={onDismiss}>
          I saved it
        </button>
      </div>
    </div>
  );
}
