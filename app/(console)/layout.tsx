import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console/console-nav";
import { SignOutButton } from "@/components/console/sign-out-button";
import { TenantSwitcher } from "@/components/console/tenant-switcher";
import { Badge } from "@/components/ui/badge";
import { Logo } from "@/components/ui/logo";
import { ThemeToggle } from "@/components/ui/theme-toggle";
import { requirePageSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const session = await requirePageSession();
  return (
    <div className="min-h-screen bg-zinc-50 md:flex dark:bg-zinc-950">
      <aside className="border-b border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-60 md:shrink-0 md:flex-col md:border-r md:border-b-0 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="flex items-center justify-between px-4 py-4">
          <Logo className="text-zinc-900 dark:text-zinc-100" />
          <ThemeToggle />
        </div>
        <div className="px-4 pb-4">
          <TenantSwitcher tenants={session.memberships} activeTenantId={session.active.tenantId} />
        </div>
        <div className="px-2 pb-3 md:flex-1">
          <ConsoleNav />
        </div>
        <div className="hidden border-t border-zinc-200 px-4 py-3 md:block dark:border-zinc-800">
          <p className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100" data-testid="signed-in-user">
            {session.user.name ?? session.user.email}
          </p>
          {session.user.name ? (
            <p className="truncate text-xs text-zinc-500 dark:text-zinc-400">{session.user.email}</p>
          ) : null}
          <div className="mt-2 flex items-center justify-between">
            <Badge tone="indigo">{session.active.role}</Badge>
            <SignOutButton />
          </div>
        </div>
      </aside>
      <div className="flex items-center justify-between border-b border-zinc-200 bg-white px-4 py-2 md:hidden dark:border-zinc-800 dark:bg-zinc-900">
        <span className="truncate text-sm text-zinc-600 dark:text-zinc-300">{session.user.email}</span>
        <SignOutButton />
      </div>
      <main className="min-w-0 flex-1 px-4 py-6 sm:px-8 sm:py-8">
        <div className="mx-auto max-w-5xl">{children}</div>
      </main>
    </div>
  );
}
