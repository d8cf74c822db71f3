import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { ACTIVE_TENANT_COOKIE } from "@/lib/tenants/active-tenant-cookie";
import { type ConsoleSession, resolveConsoleSession, type TenantMembership } from "./resolve-console-session";
import { readSessionUserId } from "./session-token";

/** The signed-in user's console session for server components, or null (once per render). */
export const getPageSession = cache(async (): Promise<ConsoleSession | null> => {
  const jar = await cookies();
  const reader = { get: (n: string) => jar.get(n)?.value, names: () => jar.getAll().map((c) => c.name) };
  const userId = await readSessionUserId(reader);
  if (!userId) return null;
  return resolveConsoleSession(userId, reader.get(ACTIVE_TENANT_COOKIE));
});

/** For console pages: redirects to /login when signed out, to /welcome without a tenant. */
export async function requirePageSession(): Promise<ConsoleSession & { active: TenantMembership }> {
  const session = await getPageSession();
  if (!session) redirect("/login");
  if (!session.active) redirect("/welcome");
  return { ...session, active: session.active };
}
