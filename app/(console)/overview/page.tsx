import type { Metadata } from "next";
import Link from "next/link";
import { describeAction, describeActor } from "@/components/console/audit-description";
import { formatCount, formatDateTime } from "@/components/ui/format";
import { EmptyState, PageHeader } from "@/components/ui/page-header";
import { card } from "@/components/ui/styles";
import { requirePageSession } from "@/lib/auth/page-session";
import { getOverview } from "@/lib/console/get-overview";

export const metadata: Metadata = { title: "Overview · StripeMeter" };
export const dynamic = "force-dynamic";

const MONTH = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

export default async function OverviewPage() {
  const session = await requirePageSession();
  const o = await getOverview(session.active.tenantId);
  const stats = [
    { label: "Meters", value: o.meters, testId: "stat-meters" },
    { label: "Customers", value: o.customers, testId: "stat-customers" },
    { label: `Events in ${MONTH.format(o.monthStart)}`, value: o.eventsThisMonth, testId: "stat-events" },
    { label: "Active API keys", value: o.activeKeys, testId: "stat-keys", href: "/keys" },
  ];
  return (
    <>
      <PageHeader title={session.active.tenantName} description={`Tenant ${session.active.tenantId}`} />
      <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {stats.map((s) => (
          <div key={s.label} className={`${card} px-5 py-4`}>
            <dt className="text-sm text-zinc-500 dark:text-zinc-400">{s.label}</dt>
            <dd className="mt-1 text-3xl font-semibold tabular-nums tracking-tight" data-testid={s.testId}>
              {formatCount(s.value)}
            </dd>
          </div>
        ))}
      </dl>
      <section className={`${card} mt-8`}>
        <div className="flex items-center justify-between border-b border-zinc-200 px-5 py-3 dark:border-zinc-800">
          <h2 className="text-sm font-semibold">Recent activity</h2>
          <Link
            href="/audit-log"
            className="text-sm font-medium text-indigo-600 hover:text-indigo-500 dark:text-indigo-400"
          >
            Full audit log →
          </Link>
        </div>
        {o.recentActivity.length === 0 ? (
          <EmptyState title="No activity yet" />
        ) : (
          <ul className="divide-y divide-zinc-100 dark:divide-zinc-800">
            {o.recentActivity.map((e) => (
              <li key={e.id} className="flex flex-wrap items-baseline justify-between gap-2 px-5 py-3 text-sm">
                <span className="text-zinc-800 dark:text-zinc-200">
                  {describeAction(e)}
                  <span className="text-zinc-500 dark:text-zinc-400"> · {describeActor(e)}</span>
                </span>
                <time className="text-xs text-zinc-500 dark:text-zinc-400" dateTime={e.createdAt.toISOString()}>
                  {formatDateTime(e.createdAt)}
                </time>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
