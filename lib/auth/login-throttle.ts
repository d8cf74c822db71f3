// Slows password guessing without letting a guesser lock the real user out.
//
// The old rule (10 failures for an email → that email locked for everyone for 15 min) let
// anyone keep any user out of the console by sending 10 wrong passwords every 15 minutes.
// OWASP's Authentication Cheat Sheet ("Protect Against Automated Attacks" → "Account Lockout",
// https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html#account-lockout)
// keeps a per-account counter (so that many addresses cannot each get a full allowance) but
// warns that lockout lets an attacker deny access to legitimate users, and suggests limiting
// the damage rather than locking accounts outright. Here, per process (ARCHITECTURE.md: with
// N processes an attacker gets N× the attempts), three leaky buckets (lib/api/failure-limiter.ts):
//
// - (email, client address): 10 failures, then one more every 90 s (10 per 15 min). This is the
//   lockout a guesser hits; it locks only that guesser's address out of that account.
// - client address, any email: 100 failures per 15 min (password spraying: one address trying
//   a few passwords on many accounts).
// - email, any address: a ceiling of 100 failures per 15 min (a distributed guesser, 10+
//   addresses).
// Neither ceiling applies to an address that signed in to that account within the last 30 days
// (OWASP's "device cookie" idea, keyed on the address): the real user at their usual place
// still gets in while the account is under attack, or while someone else at a shared address
// (an office NAT, a proxy without TRUST_PROXY_HOPS) sprays guesses. A user signing in from a
// shared address for the first time can still be held off by such a guesser.
//
// Client addresses come from lib/server/client-address.ts (TRUST_PROXY_HOPS).
import { createHash } from "node:crypto";
import { FailureLimiter } from "@/lib/api/failure-limiter";

const WINDOW_MS = 15 * 60_000;
const MAX_FAILURES = 10; // per (email, address)
const MAX_ADDRESS_FAILURES = 100; // per address, all emails
const MAX_EMAIL_FAILURES = 100; // per email, addresses without a recent sign-in
const KNOWN_ADDRESS_MS = 30 * 24 * 3_600_000;
const KNOWN_ADDRESSES_PER_EMAIL = 5;
const MAX_TRACKED = 100_000;

interface State {
  pairs: FailureLimiter;
  addresses: FailureLimiter;
  emails: FailureLimiter;
  /** email key → address → last successful sign-in (ms). */
  known: Map<string, Map<string, number>>;
}

// On globalThis: one throttle per process whichever bundle loads this module.
const shared = globalThis as unknown as { __smLoginThrottle?: State };
shared.__smLoginThrottle ??= {
  pairs: new FailureLimiter({ limit: MAX_FAILURES, periodMs: WINDOW_MS, maxTracked: MAX_TRACKED }),
  addresses: new FailureLimiter({ limit: MAX_ADDRESS_FAILURES, periodMs: WINDOW_MS, maxTracked: MAX_TRACKED }),
  emails: new FailureLimiter({ limit: MAX_EMAIL_FAILURES, periodMs: WINDOW_MS, maxTracked: MAX_TRACKED }),
  known: new Map(),
};
const state = shared.__smLoginThrottle;

// The counters hold a digest of the email, never the email: its length is the client's choice,
// and 100,000 entries of megabyte-long emails pinned gigabytes (review 13). Addresses are
// already short (addressKey).
const emailKey = (email: string) => createHash("sha256").update(email).digest("base64url");
const pairKey = (emailId: string, address: string) => `${emailId} ${address}`;

function isKnownAddress(emailId: string, address: string, now: number): boolean {
  const at = state.known.get(emailId)?.get(address);
  return at !== undefined && now - at < KNOWN_ADDRESS_MS;
}

function locked(emailId: string, address: string, now: number): boolean {
  // An address that signed in to this account recently skips both ceilings: the per-email one
  // (a distributed guess at this account) and the per-address one (a guesser at a shared
  // address, a NAT or a proxy, spraying many accounts must not keep this account's own user out).
  const known = isKnownAddress(emailId, address, now);
  return (
    !state.pairs.check(pairKey(emailId, address), now).ok ||
    (!known && (!state.addresses.check(address, now).ok || !state.emails.check(emailId, now).ok))
  );
}

export function isLoginLocked(email: string, address: string, now = Date.now()): boolean {
  return locked(emailKey(email), address, now);
}

/**
 * Counts an attempt as a failure before its password is compared, or refuses it (false) when
 * locked. Check and count are one synchronous step: concurrent guesses cannot all pass the
 * check while the first ones are still being compared (a burst of 40 used to test 40
 * passwords). A successful sign-in takes it back (loginSucceeded).
 */
export function reserveLoginAttempt(email: string, address: string, now = Date.now()): boolean {
  const emailId = emailKey(email);
  if (locked(emailId, address, now)) return false;
  countFailure(emailId, address, now);
  return true;
}

export function recordLoginFailure(email: string, address: string, now = Date.now()): void {
  countFailure(emailKey(email), address, now);
}

function countFailure(emailId: string, address: string, now: number): void {
  state.pairs.add(pairKey(emailId, address), now);
  state.addresses.add(address, now);
  state.emails.add(emailId, now);
}

/**
 * The password matched: this (email, address) starts afresh, the attempt reserved for it no
 * longer counts against the address or the email, and the address is known for this email.
 * Other addresses' failures on the email stay counted.
 */
export function loginSucceeded(email: string, address: string, now = Date.now()): void {
  const emailId = emailKey(email);
  state.pairs.clear(pairKey(emailId, address));
  state.addresses.forgive(address, now);
  state.emails.forgive(emailId, now);
  let addrs = state.known.get(emailId);
  if (!addrs) {
    if (state.known.size >= MAX_TRACKED) state.known.delete(state.known.keys().next().value as string);
    addrs = new Map();
    state.known.set(emailId, addrs);
  }
  addrs.delete(address);
  addrs.set(address, now);
  if (addrs.size > KNOWN_ADDRESSES_PER_EMAIL) addrs.delete(addrs.keys().next().value as string);
}

/** Forgets an email's failures, and those of (email, address) when given (tests). */
export function clearLoginFailures(email: string, address?: string): void {
  const emailId = emailKey(email);
  state.emails.clear(emailId);
  state.known.delete(emailId);
  if (address !== undefined) {
    state.pairs.clear(pairKey(emailId, address));
    state.addresses.clear(address);
  }
}

/** Forgets every counter (tests). */
export function resetLoginThrottle(): void {
  state.pairs.reset();
  state.addresses.reset();
  state.emails.reset();
  state.known.clear();
}

export const LOGIN_THROTTLE = {
  MAX_FAILURES,
  MAX_ADDRESS_FAILURES,
  MAX_EMAIL_FAILURES,
  WINDOW_MS,
  KNOWN_ADDRESS_MS,
} as const;
