import { otherMethods } from "@/lib/api/other-methods";
import { parseBody } from "@/lib/api/request";
import { withSession } from "@/lib/api/with-session";
import { getTenantSettings, updateTenantSettings, ZTenantSettingsPatch } from "@/lib/tenants/tenant-settings";

export const dynamic = "force-dynamic";

export const GET = withSession(async ({ tenantId }) => Response.json(await getTenantSettings(tenantId)), {
  role: "viewer",
});

export const PATCH = withSession(
  async ({ req, tenantId, user }) => {
    const patch = await parseBody(req, ZTenantSettingsPatch);
    return Response.json(await updateTenantSettings({ tenantId, patch, actor: { type: "user", id: user.id } }));
  },
  { role: "admin" },
);

// Every other method: a 405 in the API's error shape, and OPTIONS with `Allow` (lib/api/other-methods.ts).
export const { POST, PUT, DELETE, OPTIONS } = otherMethods({ GET, PATCH });
