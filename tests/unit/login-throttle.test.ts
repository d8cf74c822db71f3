import v8 from "node:v8";
import vm from "node:vm";
import { beforeEach, describe, expect, it } from "vitest";
import {
  clearLoginFailures,
  isLoginLocked,
  LOGIN_THROTTLE,
  loginSucceeded,
  recordLoginFailure,
  reserveLoginAttempt,
  resetLoginThrottle,
} from "@/lib/auth/login-throttle";

const A = "198.51.100.1"; // the attacker
const U = "203.0.113.9"; // the real user

describe("login throttle", () => {
  beforeEach(() => resetLoginThrottle());

  it("locks an (email, address) after the maximum failures and unlocks when the window passes", () => {
    const email = "throttle-a@example.test";
    const t0 = 1_000_000;
    for (let i = 0; i < LOGIN_THROTTLE.MAX_FAILURES - 1; i++) recordLoginFailure(email, A, t0 + i);
    expect(isLoginLocked(email, A, t0 + 100)).toBe(false);
    recordLoginFailure(email, A, t0 + 100);
    expect(isLoginLocked(email, A, t0 + 101)).toBe(true);
    expect(isLoginLocked("throttle-other@example.test", A, t0 + 101)).toBe(false);
    expect(isLoginLocked(email, A, t0 + 100 + LOGIN_THROTTLE.WINDOW_MS)).toBe(false);
  });

  it("keeps a user who signed in from a shared address able to sign in while someone else there sprays guesses", () => {
    const shared = "10.0.0.1"; // an office NAT, or a proxy without TRUST_PROXY_HOPS
    const t0 = 5_000_000;
    loginSucceeded("alice@example.test", shared, t0);
    for (let i = 0; i < LOGIN_THROTTLE.MAX_ADDRESS_FAILURES; i++)
      reserveLoginAttempt(`nobody${i}@example.test`, shared, t0 + i);
    // The spraying address is over its ceiling: a new account from it is held off…
    expect(isLoginLocked("bob@example.test", shared, t0 + 200)).toBe(true);
    // …but not the account that signed in from it before.
    expect(isLoginLocked("alice@example.test", shared, t0 + 200)).toBe(false);
    expect(reserveLoginAttempt("alice@example.test", shared, t0 + 201)).toBe(true);
  });

  it("holds no email in memory: megabyte-long emails cost what short ones do", () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const long = "x".repeat(1_000_000);
    for (let i = 0; i < 200; i++) reserveLoginAttempt(`${i}-${long}@example.test`, `203.0.113.${i % 50}`, 1_000 + i);
    gc();
    // 200 failures with 1 MB emails pinned 400 MB when the counters kept the email (twice).
    expect((process.memoryUsage().heapUsed - before) / 1e6).toBeLessThan(50);
  });

  it("does not lock the email for another address: an attacker cannot lock the real user out", () => {
    const email = "throttle-dos@example.test";
    for (let i = 0; i < 50; i++) reserveLoginAttempt(email, A, 5_000 + i);
    expect(isLoginLocked(email, A, 6_000)).toBe(true);
    expect(isLoginLocked(email, U, 6_000)).toBe(false);
    expect(reserveLoginAttempt(email, U, 6_000)).toBe(true);
  });

  it("caps an email's failures across addresses, except for an address that signed in before", () => {
    const email = "throttle-spread@example.test";
    const t = 10_000;
    expect(reserveLoginAttempt(email, U, t)).toBe(true);
    loginSucceeded(email, U, t);
    // 10 attackers × 10 guesses reach the per-email ceiling.
    for (let a = 0; a < 10; a++) {
      for (let i = 0; i < LOGIN_THROTTLE.MAX_FAILURES; i++) {
        expect(reserveLoginAttempt(email, `198.51.100.${10 + a}`, t + 1)).toBe(true);
      }
    }
    expect(reserveLoginAttempt(email, "198.51.100.99", t + 2)).toBe(false); // a fresh address: ceiling
    expect(isLoginLocked(email, U, t + 2)).toBe(false); // the address that signed in before: not locked
    expect(reserveLoginAttempt(email, U, t + 2)).toBe(true);
  });

  it("caps one address's failures across emails (password spraying)", () => {
    let granted = 0;
    for (let i = 0; i < LOGIN_THROTTLE.MAX_ADDRESS_FAILURES + 5; i++) {
      if (reserveLoginAttempt(`spray-${i}@example.test`, A, 20_000)) granted++;
    }
    expect(granted).toBe(LOGIN_THROTTLE.MAX_ADDRESS_FAILURES);
    expect(reserveLoginAttempt("spray-new@example.test", U, 20_000)).toBe(true);
  });

  it("a successful sign-in clears the (email, address) failures and does not count as one", () => {
    const email = "throttle-b@example.test";
    for (let i = 0; i < LOGIN_THROTTLE.MAX_FAILURES - 1; i++)
      expect(reserveLoginAttempt(email, U, 5_000 + i)).toBe(true);
    expect(reserveLoginAttempt(email, U, 5_100)).toBe(true);
    loginSucceeded(email, U, 5_100);
    expect(isLoginLocked(email, U, 5_101)).toBe(false);
    clearLoginFailures(email, U);
    expect(isLoginLocked(email, U, 5_101)).toBe(false);
  });

  it("counts an attempt before its password is compared, and refuses one past the allowance", () => {
    const email = "throttle-c@example.test";
    const granted = Array.from({ length: 15 }, (_, i) => reserveLoginAttempt(email, A, 9_000 + i));
    expect(granted.filter(Boolean)).toHaveLength(LOGIN_THROTTLE.MAX_FAILURES);
    expect(granted.slice(LOGIN_THROTTLE.MAX_FAILURES)).toEqual([false, false, false, false, false]);
    // Leaky bucket: one more attempt every WINDOW_MS / MAX_FAILURES, all of them after WINDOW_MS.
    expect(reserveLoginAttempt(email, A, 9_010 + LOGIN_THROTTLE.WINDOW_MS / LOGIN_THROTTLE.MAX_FAILURES - 1_000)).toBe(
      false,
    );
    expect(reserveLoginAttempt(email, A, 9_010 + LOGIN_THROTTLE.WINDOW_MS / LOGIN_THROTTLE.MAX_FAILURES)).toBe(true);
    expect(reserveLoginAttempt(email, A, 9_011 + LOGIN_THROTTLE.WINDOW_MS / LOGIN_THROTTLE.MAX_FAILURES)).toBe(false);
    expect(reserveLoginAttempt(email, A, 9_000 + 2 * LOGIN_THROTTLE.WINDOW_MS)).toBe(true);
  });
});
