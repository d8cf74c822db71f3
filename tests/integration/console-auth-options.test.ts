import { afterEach, describe, expect, it } from "vitest";
import { buildAuthOptions, LOGIN_LOCKED_ERROR, oauthProviders } from "@/lib/auth/auth-options";
import { LOGIN_THROTTLE } from "@/lib/auth/login-throttle";
import { db } from "@/lib/db/client";
import { peerHeaderName } from "@/lib/server/client-address";
import { verifyCredentials } from "@/lib/users/verify-credentials";
import { createTestUser } from "../helpers/session";

type Callbacks = NonNullable<ReturnType<typeof buildAuthOptions>["callbacks"]>;
// biome-ignore lint/suspicious/noExplicitAny: next-auth's callback parameter types are wide unions
const cb = (name: keyof Callbacks) => buildAuthOptions().callbacks![name] as (args: any) => Promise<any>;

const saved = { ...process.env };
afterEach(() => {
  for (const k of ["GITHUB_ID", "GITHUB_SECRET", "GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET"]) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe("next-auth options", () => {
  it("offers only the credentials provider unless OAuth env vars are set", () => {
    delete process.env.GITHUB_ID;
    delete process.env.GOOGLE_CLIENT_ID;
    expect(buildAuthOptions().providers.map((p) => p.id)).toEqual(["credentials"]);
    expect(oauthProviders()).toEqual([]);
    process.env.GITHUB_ID = "gh";
    process.env.GITHUB_SECRET = "gh-secret";
    process.env.GOOGLE_CLIENT_ID = "g";
    process.env.GOOGLE_CLIENT_SECRET = "g-secret";
    expect(buildAuthOptions().providers.map((p) => p.id)).toEqual(["credentials", "github", "google"]);
    expect(oauthProviders().map((p) => p.id)).toEqual(["github", "google"]);
  });

  it("puts our user id in the token for a credentials sign-in", async () => {
    const token = await cb("jwt")({ token: {}, user: { id: "usr_abc" }, account: { provider: "credentials" } });
    expect(token.uid).toBe("usr_abc");
  });

  it("maps an OAuth sign-in to a local user (created on first sign-in) and refuses unverified emails", async () => {
    const email = `oauth-${Date.now()}@example.test`;
    const user: { id: string; email: string; name: string; uid?: string } = { id: "12345", email, name: "Ada" };
    // GitHub's profile carries email_verified only when our userinfo request found a verified primary.
    expect(await cb("signIn")({ user, account: { provider: "github" }, profile: {} })).toBe(false);
    expect(await db.user.count({ where: { email } })).toBe(0);
    expect(await cb("signIn")({ user, account: { provider: "github" }, profile: { email_verified: true } })).toBe(true);
    const local = await db.user.findUniqueOrThrow({ where: { email } });
    const token = await cb("jwt")({ token: {}, user, account: { provider: "github" } });
    expect(token.uid).toBe(local.id);
    const unverified = { id: "999", email: `g-${email}`, name: "Eve" };
    expect(
      await cb("signIn")({ user: unverified, account: { provider: "google" }, profile: { email_verified: false } }),
    ).toBe(false);
    expect(await db.user.count({ where: { email: `g-${email}` } })).toBe(0);
  });

  it("locks password sign-in for the guessing address only: the real user elsewhere still signs in", async () => {
    const u = await createTestUser({ password: "right-password-1" });
    const attacker = "198.51.100.7";
    const user = "203.0.113.20";
    for (let i = 0; i < LOGIN_THROTTLE.MAX_FAILURES; i++) {
      expect(await verifyCredentials(u.email, `wrong-${i}`, attacker)).toBeNull();
    }
    // The attacker's own address is locked, even with the right password (not even compared).
    expect(await verifyCredentials(u.email, "right-password-1", attacker)).toBeNull();
    const credentials = buildAuthOptions().providers.find((p) => p.id === "credentials") as unknown as {
      options: {
        authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown>;
      };
    };
    const from = (address: string, extra: Record<string, string> = {}) => ({
      headers: { [peerHeaderName()]: address, ...extra },
    });
    await expect(
      credentials.options.authorize({ email: u.email, password: "right-password-1" }, from(attacker)),
    ).rejects.toThrow(LOGIN_LOCKED_ERROR);
    // With TRUST_PROXY_HOPS=0 (the default) a forged X-Forwarded-For does not move the attacker elsewhere.
    await expect(
      credentials.options.authorize(
        { email: u.email, password: "right-password-1" },
        from(attacker, { "x-forwarded-for": user }),
      ),
    ).rejects.toThrow(LOGIN_LOCKED_ERROR);
    // The real user, from their own address, is not locked out by the attacker's guesses.
    expect(
      await credentials.options.authorize({ email: u.email, password: "right-password-1" }, from(user)),
    ).toMatchObject({ id: u.id, email: u.email });
  });
});
