"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const LINKS = [
  { href: "/overview", label: "Overview" },
  { href: "/keys", label: "API keys" },
  { href: "/team", label: "Team" },
  { href: "/audit-log", label: "Audit log" },
  { href: "/settings", label: "Settings" },
] as const;

export function ConsoleNav() {
  // Typed nullable once pages/ exists (Pages Router compatibility); under app/ it is always set.
  const pathname = usePathname() ?? "";
  return (
    <nav aria-label="Console" className="flex gap-1 overflow-x-auto md:flex-col">
      {LINKS.map((l) => {
        const active = pathname === l.href || pathname.startsWith(`${l.href}/`);
        return (
          <Link
            key={l.href}
            href={l.href}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium transition ${
              active
                ? "bg-zinc-200/70 text-zinc-900 dark:bg-zinc-800 dark:text-zinc-50"
                : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100"
            }`}
          >
            {l.label}
          </Link>
        );
      })}
      <Link
        href="/docs"
        className="whitespace-nowrap rounded-md px-3 py-2 text-sm font-medium text-zinc-600 transition hover:bg-zinc-100 hover:text-zinc-900 md:mt-4 dark:text-zinc-400 dark:hover:bg-zinc-800/60 dark:hover:text-zinc-100"
      >
        API reference ↗
      </Link>
    </nav>
  );
}
