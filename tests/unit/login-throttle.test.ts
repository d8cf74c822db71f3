import { describe, expect, it } from "vitest";
import {
  clearLoginFailures,
  isLoginLocked,
  LOGIN_THROTTLE,
  recordLoginFailure,
  reserveLoginAttempt,
} from "@/lib/auth/login-throttle";

describe("login throttle", () => {
  it("locks an email after the maximum failures and unlocks when the window passes", () => {
    const email = "throttle-a@example.test";
    const t0 = 1_000_000;
    for (let i = 0; i < LOGIN_THROTTLE.MAX_FAILURES - 1; i++) recordLoginFailure(email, t0 + i);
    expect(isLoginLocked(email, t0 + 100)).toBe(false);
    recordLoginFailure(email, t0 + 100);
    expect(isLoginLocked(email, t0 + 101)).toBe(true);
    expect(isLoginLocked("throttle-other@example.test", t0 + 101)).toBe(false);
    expect(isLoginLocked(email, t0 + 100 + LOGIN_THROTTLE.WINDOW_MS)).toBe(false);
  });

  it("forgets failures after a successful sign-in", () => {
    const email = "throttle-b@example.test";
    for (let i = 0; i < LOGIN_THROTTLE.MAX_FAILURES; i++) recordLoginFailure(email, 5_000 + i);
    expect(isLoginLocked(email, 6_000)).toBe(true);
    clearLoginFailures(email);
    expect(isLoginLocked(email, 6_000)).toBe(false);
  });

  it("counts an attempt before its password is compared, and refuses one past the allowance", () => {
    const email = "throttle-c@example.test";
    const granted = Array.from({ length: 15 }, (_, i) => reserveLoginAttempt(email, 9_000 + i));
    expect(granted.filter(Boolean)).toHaveLength(LOGIN_THROTTLE.MAX_FAILURES);
    expect(granted.slice(LOGIN_THROTTLE.MAX_FAILURES)).toEqual([false, false, false, false, false]);
    expect(reserveLoginAttempt(email, 9_000 + LOGIN_THROTTLE.WINDOW_MS)).toBe(true);
  });
});
