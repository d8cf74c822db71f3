// Sign-ups per client address, per process (ARCHITECTURE.md). Every sign-up that passes
// validation costs a bcrypt hash (~70 ms of CPU) and creates a user and a tenant, and its 409
// tells whether an email has an account (see README, "Security model"): 10 per address, then
// one more every 6 minutes (10 an hour). Client addresses: lib/server/client-address.ts.
import { ApiError } from "@/lib/api/errors";
import { FailureLimiter } from "@/lib/api/failure-limiter";

export const SIGNUP_THROTTLE = { LIMIT: 10, PERIOD_MS: 60 * 60_000 } as const;

const shared = globalThis as unknown as { __smSignupThrottle?: FailureLimiter };
shared.__smSignupThrottle ??= new FailureLimiter({ limit: SIGNUP_THROTTLE.LIMIT, periodMs: SIGNUP_THROTTLE.PERIOD_MS });
const attempts = shared.__smSignupThrottle;

/** Counts a sign-up attempt from `address`, or throws 429 `rate_limited` with Retry-After. */
export function takeSignupAttempt(address: string, now = Date.now()): void {
  const d = attempts.hit(address, now);
  if (!d.ok) {
    throw new ApiError({
      code: "rate_limited",
      message: `Too many sign-ups from your network; retry after ${d.retryAfterSeconds} s.`,
      headers: { "retry-after": String(d.retryAfterSeconds) },
    });
  }
}

/** Forgets every count (tests). */
export function resetSignupThrottle(): void {
  attempts.reset();
}
