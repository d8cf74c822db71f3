// Slows password guessing: after MAX_FAILURES wrong passwords for one email within WINDOW_MS,
// that email cannot sign in with a password until the window has passed. Per process, like
// the API rate limits (ARCHITECTURE.md): with N processes an attacker gets N× the attempts.
const MAX_FAILURES = 10;
const WINDOW_MS = 15 * 60_000;
const MAX_TRACKED = 100_000;

const failures = new Map<string, number[]>();

function recent(email: string, now: number): number[] {
  const list = (failures.get(email) ?? []).filter((t) => now - t < WINDOW_MS);
  if (list.length === 0) failures.delete(email);
  else failures.set(email, list);
  return list;
}

export function isLoginLocked(email: string, now = Date.now()): boolean {
  return recent(email, now).length >= MAX_FAILURES;
}

/**
 * Counts an attempt as a failure before its password is compared, or refuses it (false) when
 * the email is locked. Check and count are one synchronous step: concurrent guesses cannot all
 * pass the check while the first ones are still being compared (a burst of 40 used to test 40
 * passwords). A successful sign-in clears them (clearLoginFailures).
 */
export function reserveLoginAttempt(email: string, now = Date.now()): boolean {
  if (isLoginLocked(email, now)) return false;
  recordLoginFailure(email, now);
  return true;
}

export function recordLoginFailure(email: string, now = Date.now()): void {
  if (failures.size >= MAX_TRACKED && !failures.has(email)) {
    for (const key of failures.keys()) {
      recent(key, now);
      if (failures.size < MAX_TRACKED) break;
    }
    if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value as string);
  }
  failures.set(email, [...recent(email, now), now]);
}

export function clearLoginFailures(email: string): void {
  failures.delete(email);
}

export const LOGIN_THROTTLE = { MAX_FAILURES, WINDOW_MS } as const;
