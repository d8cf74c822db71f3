import type { Metadata } from "next";
import Link from "next/link";
import { describeAction, describeActor } from "@/components/console/audit-description";
import { formatDateTime } from "@/components/ui/format";
import { EmptyState, PageHeader } from "@/components/ui/page-header";
import { btn, card, table } from "@/components/ui/styles";
import { ApiError } from "@/lib/api/errors";
import { listAuditLog } from "@/lib/audit/list-audit-log";
import { requirePageSession } from "@/lib/auth/page-session";

export const metadata: Metadata = { title: "Audit log · StripeMeter" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 50;

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[]>>;
}) {
  const session = await requirePageSession();
  const params = await searchParams;
  const cursor = typeof params.cursor === "string" ? params.cursor : null;
  let page: Awaited<ReturnType<typeof listAuditLog>>;
  try {
    page = await listAuditLog({ tenantId: session.active.tenantId, limit: PAGE_SIZE, cursor });
  } catch (err) {
    // A mangled cursor in the URL restarts from the newest entries instead of failing.
    if (!(err instanceof ApiError)) throw err;
    page = await listAuditLog({ tenantId: session.active.tenantId, limit: PAGE_SIZE });
  }
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to this tenant's keys, team and settings, newest first."
      />
      <div className={card}>
        {page.data.length === 0 ? (
          <EmptyState title="No entries" />
        ) : (
          <div className={table.wrap}>
            <table className={table.table}>
              <thead>
                <tr>
                  <th className={table.th}>When</th>
                  <th className={table.th}>Actor</th>
                  <th className={table.th}>Action</th>
                  <th className={table.th}>Event</th>
                </tr>
              </thead>
              <tbody className={table.body} data-testid="audit-rows">
                {page.data.map((e) => (
                  <tr key={e.id}>
                    <td className={`${table.td} whitespace-nowrap`}>{formatDateTime(e.createdAt)}</td>
                    <td className={table.td}>{describeActor(e)}</td>
                    <td className={table.td}>{describeAction(e)}</td>
                    <td className={`${table.td} font-mono text-xs`}>{e.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <div className="mt-4 flex justify-end gap-2">
        {cursor ? (
          <Link href="/audit-log" className={btn.secondary}>
            Newest
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={`/audit-log?cursor=${encodeURIComponent(page.nextCursor)}`} className={btn.secondary}>
            Older →
          </Link>
        ) : null}
      </div>
    </>
  );
}
