import { type ApiKeyScope, type AuthenticatedKey, authenticateApiKey } from "@/lib/auth/api-keys";
import { requestClientAddress } from "@/lib/server/client-address";
import { ApiError } from "./errors";
import { FailureLimiter, type LimitDecision } from "./failure-limiter";
import { takeToken } from "./rate-limit";
import { bodyPending, refuseUnstorable, withBufferedBody } from "./request";
import { runRoute } from "./run-route";

export interface ApiKeyContext<P> {
  req: Request;
  tenantId: string;
  apiKey: AuthenticatedKey;
  requestId: string;
  params: P;
}

type RouteContext<P> = { params: Promise<P> };

const MALFORMED_BEARER = Symbol("malformed Bearer credential");

/**
 * The key the request presents; null for none; MALFORMED_BEARER for a Bearer credential that is
 * not exactly one token — e.g. two Authorization headers, which arrive joined ("Bearer a, Bearer b").
 */
function presentedKey(req: Request): string | typeof MALFORMED_BEARER | null {
  const auth = req.headers.get("authorization");
  // A Bearer credential is the key; another scheme (a proxy's Basic auth) is not ours, and
  // x-api-key, API.md's alternative, may then carry the key.
  if (auth && /^Bearer(\s|$)/i.test(auth)) {
    const m = /^Bearer\s+([^\s,]+)\s*$/i.exec(auth);
    return m ? m[1] : MALFORMED_BEARER;
  }
  return req.headers.get("x-api-key")?.trim() || null;
}

const REASON_MESSAGE = {
  unknown: "Invalid API key.",
  revoked: "This API key has been revoked.",
  expired: "This API key has expired.",
} as const;

// Failed authentications (a key presented but unknown, revoked or expired) per client address,
// per process: 20, then one more every 3 s (20 a minute). Past the limit a failure answers 429
// `rate_limited` with Retry-After instead of 401, telling a misbehaving client to back off
// (guessing a key, ~131 bits, is hopeless either way). Only failures are refused: a valid key
// is looked up and served from a throttled address too, since behind a proxy without
// TRUST_PROXY_HOPS every client shares one address, and one client still sending a revoked key
// must not lock the others out. The success path reads nothing here. On globalThis: the
// pages/api routes and the App Router routes load this module separately, and must share one count.
export const API_KEY_FAILURE_LIMIT = { LIMIT: 20, PERIOD_MS: 60_000 } as const;
const shared = globalThis as unknown as { __smApiKeyFailures?: FailureLimiter };
shared.__smApiKeyFailures ??= new FailureLimiter({
  limit: API_KEY_FAILURE_LIMIT.LIMIT,
  periodMs: API_KEY_FAILURE_LIMIT.PERIOD_MS,
});
const keyFailures = shared.__smApiKeyFailures;

/** Forgets every count (tests). */
export function resetApiKeyFailures(): void {
  keyFailures.reset();
}

function tooManyFailures(d: Extract<LimitDecision, { ok: false }>): ApiError {
  return new ApiError({
    code: "rate_limited",
    message: `Too many requests with invalid API keys from your address; retry after ${d.retryAfterSeconds} s.`,
    headers: { "retry-after": String(d.retryAfterSeconds) },
  });
}

/**
 * The one wrapper for API-key routes: request id, authentication, tenant resolution,
 * scope check, tenantId-in-query check, error mapping and logging. Handlers get the
 * tenant from here and from nowhere else.
 */
export function withApiKey<P = Record<string, never>>(
  handler: (ctx: ApiKeyContext<P>) => Promise<Response>,
  opts: { scope: ApiKeyScope },
): (req: Request, ctx: RouteContext<P>) => Promise<Response> {
  return (received, routeCtx) =>
    runRoute(received, async (requestId, fields) => {
      const presented = presentedKey(received);
      if (!presented)
        throw new ApiError({ code: "unauthorized", message: "Missing API key (Authorization: Bearer <key>)." });
      if (presented === MALFORMED_BEARER) {
        throw new ApiError({
          code: "unauthorized",
          message: "Malformed Authorization header: send exactly one `Bearer <key>` (one header, one key).",
        });
      }
      const authenticate = async () => {
        const check = await authenticateApiKey(presented);
        if (!check.ok) {
          const d = keyFailures.hit(requestClientAddress(received));
          if (!d.ok) throw tooManyFailures(d);
          throw new ApiError({ code: "unauthorized", message: REASON_MESSAGE[check.reason] });
        }
        return check.key;
      };
      // An unknown key is refused before its body is read; the key is checked again once the
      // whole body is here, so a key revoked during a slow upload does not act.
      if (bodyPending(received)) await authenticate();
      const req = await withBufferedBody(received);
      const key = await authenticate();
      const tenantId = key.tenantId;
      fields.tenantId = tenantId;
      const limit = takeToken(key.keyId);
      if (!limit.ok) {
        throw new ApiError({
          code: "rate_limited",
          message: `Rate limit exceeded for this API key; retry after ${limit.retryAfterSeconds} s.`,
          headers: { "retry-after": String(limit.retryAfterSeconds) },
        });
      }
      if (!key.scopes.includes(opts.scope)) {
        throw new ApiError({ code: "forbidden", message: `This API key lacks the "${opts.scope}" scope.` });
      }
      const claimed = new URL(req.url).searchParams.get("tenantId");
      if (claimed !== null && claimed !== tenantId) {
        throw new ApiError({ code: "forbidden", message: "tenantId does not match the API key's tenant." });
      }
      const params = ((await routeCtx?.params) ?? {}) as P;
      refuseUnstorable(params);
      return handler({ req, tenantId, apiKey: key, requestId, params });
    });
}
