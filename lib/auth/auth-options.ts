import "server-only";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import GitHubProvider from "next-auth/providers/github";
import GoogleProvider from "next-auth/providers/google";
import { isSessionLive, newSessionId, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/console-sessions";
import { isLoginLocked } from "@/lib/auth/login-throttle";
import { logger } from "@/lib/log";
import { clientAddress, headerRecord } from "@/lib/server/client-address";
import { ensureOAuthUser } from "@/lib/users/ensure-oauth-user";
import { verifyCredentials } from "@/lib/users/verify-credentials";

export const LOGIN_LOCKED_ERROR = "TooManyAttempts";

class SignedOutSessionError extends Error {
  constructor() {
    super("This session was signed out.");
    this.name = "SignedOutSessionError";
  }
}

/** next-auth's own messages, as the app's structured logs; a refused signed-out session is no error. */
const authLogger: NextAuthOptions["logger"] = {
  error(code, metadata) {
    if (metadata instanceof SignedOutSessionError) {
      logger.info("signed-out session refused", { code });
      return;
    }
    const err = metadata instanceof Error ? metadata : (metadata as { error?: unknown } | undefined)?.error;
    logger.error("next-auth error", {
      code,
      error: err instanceof Error ? err.message : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
  },
  warn(code) {
    logger.warn("next-auth warning", { code });
  },
  debug(code) {
    logger.debug("next-auth debug", { code });
  },
};

function providers(): NextAuthOptions["providers"] {
  const list: NextAuthOptions["providers"] = [
    CredentialsProvider({
      id: "credentials",
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        // next-auth passes the request's headers (App Router: those of next/headers, which
        // carry the peer stamp of lib/server/peer-stamp.ts).
        const address = clientAddress(headerRecord(req?.headers));
        // next-auth hands this message to the login page as `error`.
        if (isLoginLocked((credentials?.email ?? "").trim().toLowerCase(), address))
          throw new Error(LOGIN_LOCKED_ERROR);
        const user = await verifyCredentials(credentials?.email ?? "", credentials?.password ?? "", address);
        return user ? { id: user.id, email: user.email, name: user.name } : null;
      },
    }),
  ];
  // OAuth providers exist only when configured, so the login page never offers a dead button.
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) {
    list.push(
      GitHubProvider({
        clientId: process.env.GITHUB_ID,
        clientSecret: process.env.GITHUB_SECRET,
        // next-auth's default falls back to the primary (or first) address without checking
        // it is verified; ask for the list and keep only the verified primary.
        userinfo: {
          url: "https://api.github.com/user",
          async request({ client, tokens }) {
            const accessToken = tokens.access_token ?? "";
            const profile = await client.userinfo(accessToken);
            const res = await fetch("https://api.github.com/user/emails", {
              headers: { Authorization: `token ${accessToken}`, Accept: "application/vnd.github+json" },
            });
            const email = res.ok ? verifiedPrimaryGitHubEmail(await res.json()) : null;
            return { ...profile, email: email ?? undefined, email_verified: email !== null };
          },
        },
      }),
    );
  }
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET) {
    list.push(
      GoogleProvider({ clientId: process.env.GOOGLE_CLIENT_ID, clientSecret: process.env.GOOGLE_CLIENT_SECRET }),
    );
  }
  return list;
}

/** Which OAuth providers are configured (for the login page). */
export function oauthProviders(): { id: "github" | "google"; name: string }[] {
  const out: { id: "github" | "google"; name: string }[] = [];
  if (process.env.GITHUB_ID && process.env.GITHUB_SECRET) out.push({ id: "github", name: "GitHub" });
  if (process.env.GOOGLE_CLIENT_ID && process.env.GOOGLE_CLIENT_SECRET) out.push({ id: "google", name: "Google" });
  return out;
}

/** GitHub's `/user/emails` answer → the primary address if it is verified, else null. */
export function verifiedPrimaryGitHubEmail(emails: unknown): string | null {
  if (!Array.isArray(emails)) return null;
  const primary = emails.find((e) => e && typeof e === "object" && (e as { primary?: unknown }).primary === true) as
    | { email?: unknown; verified?: unknown }
    | undefined;
  return primary?.verified === true && typeof primary.email === "string" ? primary.email : null;
}

/**
 * Whether the provider asserted the email is verified: Google's `email_verified` claim, or
 * the flag the GitHub userinfo request above sets. An unverified email never signs in: it
 * could claim another person's account or invitations.
 */
export function isVerifiedOAuthEmail(profile: unknown): boolean {
  return (profile as { email_verified?: unknown } | undefined)?.email_verified === true;
}

/**
 * JWT sessions. The token carries only the user id (`uid`) and a session id (`sid`, so that
 * signing out revokes it: lib/auth/console-sessions.ts); the active tenant and the role are
 * resolved from the database on every request (lib/api/with-session.ts), never trusted from
 * the token.
 */
export function buildAuthOptions(): NextAuthOptions {
  return {
    secret: process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    logger: authLogger,
    pages: { signIn: "/login", error: "/login" },
    providers: providers(),
    callbacks: {
      async signIn({ user, account, profile }) {
        if (!account || account.provider === "credentials") return true;
        if (!user.email) return false;
        const uid = await ensureOAuthUser({
          email: user.email,
          name: user.name,
          emailVerified: isVerifiedOAuthEmail(profile),
          provider: account.provider,
        });
        if (!uid) return false;
        (user as { uid?: string }).uid = uid;
        return true;
      },
      async jwt({ token, user, account }) {
        if (user && account) {
          token.uid = account.provider === "credentials" ? user.id : (user as { uid?: string }).uid;
          token.sid = newSessionId();
          return token;
        }
        // Refreshing a signed-out session (GET /api/auth/session): next-auth answers an empty
        // session and clears the cookie when this throws, instead of extending the token.
        if (!(await isSessionLive(token.sid))) throw new SignedOutSessionError();
        return token;
      },
      async session({ session, token }) {
        return { ...session, userId: typeof token.uid === "string" ? token.uid : undefined };
      },
    },
  };
}
