// Demo data for `npm run dev`: the "Acme" tenant, a demo login, meters, customers and a
// fresh all-scopes API key (keys are stored hashed, so a new one is minted each start).
import { API_KEY_SCOPES, createApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import { hashPassword } from "@/lib/users/password";
import { seedDemoPrices } from "./seed-demo-prices";
import { seedDemoUsage } from "./seed-demo-usage";

export const DEMO_EMAIL = "demo@acme.test";
export const DEMO_PASSWORD = "stripemeter-demo";
const DEMO_TENANT = "Acme";

export interface DemoInfo {
  tenantId: string;
  tenantName: string;
  email: string;
  password: string;
  apiKey: string;
}

export async function seedDemo(): Promise<DemoInfo> {
  let user = await db.user.findUnique({ where: { email: DEMO_EMAIL }, include: { memberships: true } });
  let tenantId = user?.memberships.find((m) => m.role === "owner")?.tenantId;
  if (!user || !tenantId) {
    const userId = user?.id ?? newId("usr");
    tenantId = newId("ten");
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await db.$transaction(async (tx) => {
      if (!user) await tx.user.create({ data: { id: userId, email: DEMO_EMAIL, name: "Demo Admin", passwordHash } });
      await tx.tenant.create({ data: { id: tenantId!, name: DEMO_TENANT } });
      await tx.membership.create({ data: { tenantId: tenantId!, userId, role: "owner" } });
      await tx.meter.createMany({
        data: [
          { tenantId: tenantId!, id: newId("mtr"), metric: "api_calls", displayName: "API calls", unit: "calls" },
          {
            tenantId: tenantId!,
            id: newId("mtr"),
            metric: "storage_gb",
            displayName: "Storage",
            unit: "GB",
            aggregation: "max",
          },
        ],
      });
      await tx.customer.createMany({
        data: ["cus_ACME_001", "cus_ACME_002", "cus_ACME_003"].map((ref, i) => ({
          tenantId: tenantId!,
          id: newId("cst"),
          customerRef: ref,
          name: ["Globex", "Initech", "Umbrella"][i],
        })),
      });
      await tx.auditLog.create({
        data: { tenantId: tenantId!, id: newId("aud"), actorType: "system", action: "demo.seeded" },
      });
    });
    user = await db.user.findUnique({ where: { email: DEMO_EMAIL }, include: { memberships: true } });
  }
  await seedDemoPrices(tenantId);
  await seedDemoUsage(tenantId);
  // Retire the previous quick-start key so only the one printed now works.
  await db.apiKey.updateMany({
    where: { tenantId, name: "Quick start key", revokedAt: null },
    data: { revokedAt: new Date() },
  });
  const key = await createApiKey({
    tenantId,
    name: "Quick start key",
    scopes: API_KEY_SCOPES,
    actor: { type: "system" },
  });
  return { tenantId, tenantName: DEMO_TENANT, email: DEMO_EMAIL, password: DEMO_PASSWORD, apiKey: key.key };
}
