"use client";

import { signOut } from "next-auth/react";
import { btn } from "@/components/ui/styles";

export function SignOutButton() {
  return (
    <button type="button" className={btn.ghost} onClick={() => void signOut({ callbackUrl: "/login" })}>
      Sign out
    </button>
  );
}
