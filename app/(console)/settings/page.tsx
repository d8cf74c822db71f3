import type { Metadata } from "next";
import { LatenessWindowForm } from "@/components/console/settings/lateness-window-form";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageSession } from "@/lib/auth/page-session";
import { roleAtLeast } from "@/lib/auth/roles";
import { getTenantSettings, MAX_LATENESS_WINDOW_HOURS } from "@/lib/tenants/tenant-settings";

export const metadata: Metadata = { title: "Settings · StripeMeter" };
export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const session = await requirePageSession();
  const settings = await getTenantSettings(session.active.tenantId);
  return (
    <>
      <PageHeader title="Settings" description="How this tenant's usage is counted." />
      <LatenessWindowForm
        key={session.active.tenantId}
        hours={settings.latenessWindowHours}
        maxHours={MAX_LATENESS_WINDOW_HOURS}
        canManage={roleAtLeast(session.active.role, "admin")}
      />
    </>
  );
}
