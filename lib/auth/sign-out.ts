import "server-only";
import { ApiError } from "@/lib/api/errors";
import { runRoute } from "@/lib/api/run-route";
import { assertSameOrigin } from "@/lib/api/with-session";
import { logger } from "@/lib/log";
import { revokeSession } from "./console-sessions";
import { cookieReaderFromHeader, readSessionToken } from "./session-token";

type AuthHandler = (req: Request, ctx: { params: Promise<{ nextauth?: string[] }> }) => Promise<Response>;

/**
 * `POST /api/auth/signout` records the session as signed out (lib/auth/console-sessions.ts)
 * before next-auth deletes the cookie. next-auth runs its own sign-out hook after the fact and
 * swallows its errors, so a failed revocation still answered "signed out" while a copy of the
 * cookie stayed valid (audit 6). Here a failure answers 503 and the session is left as it was:
 * the user stays visibly signed in and can try again.
 */
export function signOutFirst(handler: AuthHandler): AuthHandler {
  return async (req, ctx) => {
    const action = (await ctx.params)?.nextauth?.[0];
    if (action === "signout") {
      try {
        // Only our own pages sign out: another site (a sibling subdomain is same-site, so
        // SameSite=Lax lets the cookie through) must not revoke a session before next-auth
        // checks its CSRF token.
        assertSameOrigin(req);
        await revokeSession(await readSessionToken(cookieReaderFromHeader(req.headers.get("cookie"))));
      } catch (err) {
        return runRoute(req, async (requestId) => {
          if (err instanceof ApiError) throw err; // the origin check's 403
          logger.error("sign-out failed", { requestId, err: err instanceof Error ? err.stack : String(err) });
          throw new ApiError({
            code: "unavailable",
            message: "Signing out failed; you are still signed in. Try again.",
          });
        });
      }
    }
    return handler(req, ctx);
  };
}
