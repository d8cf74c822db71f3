import "server-only";
import { type ConsoleSession, type ConsoleUser, resolveConsoleSession } from "@/lib/auth/resolve-console-session";
import { type Role, roleAtLeast } from "@/lib/auth/roles";
import { cookieReaderFromHeader, readSessionToken, readSessionUserId } from "@/lib/auth/session-token";
import { ACTIVE_TENANT_COOKIE } from "@/lib/tenants/active-tenant-cookie";
import { ApiError } from "./errors";
import { bodyPending, refuseUnstorable, withBufferedBody } from "./request";
import { runRoute } from "./run-route";

export interface SignedInContext<P> {
  req: Request;
  requestId: string;
  params: P;
  user: ConsoleUser;
  session: ConsoleSession;
}

export interface SessionContext<P> extends SignedInContext<P> {
  /** The active tenant, verified against the user's memberships on this request. */
  tenantId: string;
  role: Role;
}

type RouteContext<P> = { params: Promise<P> };
type Handler<C> = (ctx: C) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// Cookie-authenticated writes must come from our own pages. next-auth's session cookie is
// SameSite=Lax (next-auth 4's default, not overridden in lib/auth/auth-options.ts), which keeps
// it off cross-site POSTs but not off same-site ones (a sibling subdomain) nor in browsers
// without SameSite. So, for every unsafe method, in the order of OWASP's CSRF Prevention Cheat
// Sheet (https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html,
// "Fetch Metadata headers" and "Verifying Origin With Standard Headers"):
// 1. `Origin`, when present, must be this host ("null", sent by sandboxed frames and
//    privacy-stripped cross-origin requests, is refused);
// 2. else `Sec-Fetch-Site` must be `same-origin` or `none` (`cross-site` and `same-site` are
//    refused: same-site is exactly what SameSite=Lax lets through);
// 3. else `Referer`, when present, must be this host;
// 4. else, with none of the three, the request is refused. Every browser in use sends Origin
//    on a POST/PUT/PATCH/DELETE (and Sec-Fetch-Site since 2020–2023), so a request with none
//    comes from an old browser (exactly the one SameSite may not protect) or from a non-browser
//    client replaying a console cookie; the latter has API keys for automation, and can send
//    an `Origin` header of this host if it must. Failing closed is what the cheat sheet
//    recommends when neither Origin nor Referer can be checked.
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method)) return;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host") ?? new URL(req.url).host;
  const origin = req.headers.get("origin");
  if (origin) {
    if (hostOf(origin) !== host) throw crossOrigin();
    return;
  }
  const site = req.headers.get("sec-fetch-site");
  if (site) {
    if (site !== "same-origin" && site !== "none") throw crossOrigin();
    return;
  }
  const referer = req.headers.get("referer");
  if (referer) {
    if (hostOf(referer) !== host) throw crossOrigin();
    return;
  }
  throw crossOrigin();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}

function crossOrigin(): ApiError {
  return new ApiError({ code: "forbidden", message: "Cross-origin request refused." });
}

function run<P, C>(
  resolve: (req: Request, requestId: string, params: P, session: ConsoleSession) => C,
  handler: Handler<C>,
): (req: Request, ctx: RouteContext<P>) => Promise<Response> {
  return (received, routeCtx) =>
    runRoute(received, async (requestId, fields) => {
      // Only a request carrying cookies can be a forged one; without any it is refused as
      // signed out below (401), whatever its origin.
      if (received.headers.has("cookie")) assertSameOrigin(received);
      // Without a session cookie there is nothing to wait for. With one, session and role are
      // resolved once the whole body is here, not before a slow upload.
      if (bodyPending(received) && !(await readSessionToken(cookieReaderFromHeader(received.headers.get("cookie"))))) {
        throw new ApiError({ code: "unauthorized", message: "Sign in to continue." });
      }
      const req = await withBufferedBody(received);
      const cookies = cookieReaderFromHeader(req.headers.get("cookie"));
      const uid = await readSessionUserId(cookies);
      if (!uid) throw new ApiError({ code: "unauthorized", message: "Sign in to continue." });
      const session = await resolveConsoleSession(uid, cookies.get(ACTIVE_TENANT_COOKIE));
      if (!session) throw new ApiError({ code: "unauthorized", message: "Sign in to continue." });
      fields.userId = session.user.id;
      fields.tenantId = session.active?.tenantId;
      const params = ((await routeCtx?.params) ?? {}) as P;
      // As withApiKey: a path segment Postgres cannot store (U+0000, an unpaired surrogate) is a
      // 422 naming it, not a 500 from the query that looks it up (API.md, "Conventions").
      refuseUnstorable(params);
      const res = await handler(resolve(req, requestId, params, session));
      res.headers.set("cache-control", "no-store");
      return res;
    });
}

/**
 * The one wrapper for console routes: request id, session, the active tenant (re-validated
 * against memberships on every request), the role check (owner > admin > viewer), error
 * shape and logging. Handlers get the tenant from here and from nowhere else.
 */
export function withSession<P = Record<string, never>>(
  handler: Handler<SessionContext<P>>,
  opts: { role: Role },
): (req: Request, ctx: RouteContext<P>) => Promise<Response> {
  return run<P, SessionContext<P>>((req, requestId, params, session) => {
    const active = session.active;
    if (!active) throw new ApiError({ code: "forbidden", message: "You are not a member of any tenant." });
    if (!roleAtLeast(active.role, opts.role)) {
      throw new ApiError({ code: "forbidden", message: `This action needs the ${opts.role} role or higher.` });
    }
    return { req, requestId, params, user: session.user, session, tenantId: active.tenantId, role: active.role };
  }, handler);
}

/** For the few console routes that act on the user rather than a tenant (switch or create a tenant). */
export function withSignedInUser<P = Record<string, never>>(
  handler: Handler<SignedInContext<P>>,
): (req: Request, ctx: RouteContext<P>) => Promise<Response> {
  return run<P, SignedInContext<P>>(
    (req, requestId, params, session) => ({ req, requestId, params, user: session.user, session }),
    handler,
  );
}
