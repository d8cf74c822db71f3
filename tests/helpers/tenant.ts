import { API_KEY_SCOPES, type ApiKeyScope, createApiKey } from "@/lib/auth/api-keys";
import { createTenant } from "@/lib/tenants/create-tenant";

export interface TestTenant {
  tenantId: string;
  /** A key with every scope. */
  apiKey: string;
  keyWith: (scopes: ApiKeyScope[]) => Promise<string>;
}

let counter = 0;
// The tenants this test file created (each file runs in its own module scope).
const created: string[] = [];

/** The ids of the tenants created in this test file so far, oldest first. */
export function tenantsCreated(): readonly string[] {
  return created;
}

/** A fresh tenant per test file/case: tests never share or truncate data. */
export async function createTestTenant(name = `Test tenant ${++counter}`): Promise<TestTenant> {
  const tenant = await createTenant({ name, actor: { type: "system" } });
  created.push(tenant.id);
  const keyWith = async (scopes: ApiKeyScope[]) =>
    (await createApiKey({ tenantId: tenant.id, name: `test ${scopes.join(",")}`, scopes, actor: { type: "system" } }))
      .key;
  return { tenantId: tenant.id, apiKey: await keyWith([...API_KEY_SCOPES]), keyWith };
}
