"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { ApiRequestError, apiFetch } from "@/components/ui/api-fetch";
import { FormMessages } from "@/components/ui/form-messages";
import { btn, card, field } from "@/components/ui/styles";

export function LatenessWindowForm({
  hours,
  maxHours,
  canManage,
}: {
  hours: number;
  maxHours: number;
  canManage: boolean;
}) {
  const router = useRouter();
  const [value, setValue] = useState(String(hours));
  const [saved, setSaved] = useState(hours);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    // Sent as typed (a number when it is one): the server says what is wrong with anything else.
    const trimmed = value.trim();
    const asNumber = trimmed === "" ? Number.NaN : Number(trimmed);
    setPending(true);
    try {
      const res = await apiFetch<{ latenessWindowHours: number }>("/api/console/settings", {
        method: "PATCH",
        body: { latenessWindowHours: Number.isFinite(asNumber) ? asNumber : trimmed },
      });
      setSaved(res.latenessWindowHours);
      setValue(String(res.latenessWindowHours));
      setNotice(`Saved: late events now count in their period for ${res.latenessWindowHours} h after it ends.`);
      router.refresh();
    } catch (err) {
      setError(err instanceof ApiRequestError ? err.message : "Could not save the lateness window.");
    } finally {
      setPending(false);
    }
  }

  return (
    <section className={card} aria-labelledby="lateness-heading">
      <div className="border-b border-zinc-200 px-5 py-4 dark:border-zinc-800">
        <h2 id="lateness-heading" className="text-base font-semibold">
          Lateness window
        </h2>
        <p className="mt-1 max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
          An event for a billing period that has ended still counts in that period until this many hours after its end.
          After that it is stored, marked late, and added to the customer&apos;s open period as an adjustment. Match it
          to your Stripe account&apos;s{" "}
          <a
            href="https://docs.stripe.com/billing/subscriptions/usage-based/configure-grace-period"
            className="text-indigo-600 underline hover:text-indigo-500 dark:text-indigo-400"
            target="_blank"
            rel="noreferrer"
          >
            invoice finalization grace period
          </a>{" "}
          (1 hour unless you changed it, at most {maxHours} hours): usage counted in a period after Stripe has finalized
          its invoice is not on that invoice. A change applies to events received from then on; events already received
          keep where they were counted.
        </p>
      </div>
      <form onSubmit={onSubmit} className="space-y-4 p-5" aria-label="Lateness window">
        <FormMessages error={error} notice={notice} />
        <div className="max-w-xs">
          <label htmlFor="lateness-hours" className={field.label}>
            Hours after the period ends
          </label>
          <input
            id="lateness-hours"
            name="latenessWindowHours"
            type="number"
            inputMode="numeric"
            min={0}
            max={maxHours}
            step={1}
            required
            disabled={!canManage}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            className={field.input}
            data-testid="lateness-hours"
          />
        </div>
        {canManage ? (
          <button type="submit" disabled={pending || value.trim() === String(saved)} className={btn.primary}>
            {pending ? "Saving…" : "Save"}
          </button>
        ) : (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Only admins and owners can change it.</p>
        )}
      </form>
    </section>
  );
}
