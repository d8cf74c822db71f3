// The tenant the user last chose. Only a hint: every request re-checks it against the
// user's memberships, so a forged value can select nothing the user doesn't belong to.
export const ACTIVE_TENANT_COOKIE = "sm-tenant";

export function activeTenantCookie(tenantId: string): string {
  const secure = process.env.NEXTAUTH_URL?.startsWith("https://") ? "; Secure" : "";
  return `${ACTIVE_TENANT_COOKIE}=${encodeURIComponent(tenantId)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000${secure}`;
}
