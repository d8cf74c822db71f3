import type { Metadata } from "next";
import { ApiKeysPanel } from "@/components/console/keys/api-keys-panel";
import { PageHeader } from "@/components/ui/page-header";
import { apiKeyJson } from "@/lib/auth/api-key-input";
import { API_KEY_SCOPES, listApiKeys } from "@/lib/auth/api-keys";
import { requirePageSession } from "@/lib/auth/page-session";
import { roleAtLeast } from "@/lib/auth/roles";

export const metadata: Metadata = { title: "API keys · StripeMeter" };
export const dynamic = "force-dynamic";

export default async function KeysPage() {
  const session = await requirePageSession();
  const now = new Date();
  const keys = (await listApiKeys(session.active.tenantId)).map((k) => apiKeyJson(k, now));
  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys authenticate your backend to the StripeMeter API. Only a prefix is stored in readable form."
      />
      <ApiKeysPanel keys={keys} scopes={API_KEY_SCOPES} canManage={roleAtLeast(session.active.role, "admin")} />
    </>
  );
}
