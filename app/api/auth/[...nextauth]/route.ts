import NextAuth from "next-auth";
import { buildAuthOptions } from "@/lib/auth/auth-options";
import { signOutFirst } from "@/lib/auth/sign-out";

export const dynamic = "force-dynamic";

const handler = NextAuth(buildAuthOptions());

export const GET = handler;
// Signing out revokes the session before next-auth deletes the cookie (lib/auth/sign-out.ts).
export const POST = signOutFirst(handler);
