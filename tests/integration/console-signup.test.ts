import { describe, expect, it } from "vitest";
import * as signupRoute from "@/app/api/signup/route";
import { clearLoginFailures, isLoginLocked } from "@/lib/auth/login-throttle";
import { db } from "@/lib/db/client";
import { ensureOAuthUser } from "@/lib/users/ensure-oauth-user";
import { verifyCredentials } from "@/lib/users/verify-credentials";
import { callRoute } from "../helpers/route";
import { createTestUser } from "../helpers/session";

let n = 0;
const uniqueEmail = () => `Signup${++n}.${Date.now()}@Example.TEST`;
const post = (body: unknown, headers?: Record<string, string>) =>
  callRoute(signupRoute.POST, { method: "POST", path: "/api/signup", body, headers });

describe("sign-up", () => {
  it("creates the user with a normalized email, a tenant they own, and a hashed password", async () => {
    const email = uniqueEmail();
    const res = await post({ email: ` ${email} `, password: "s3cret-enough", tenantName: " Globex ", name: "Hank" });
    expect(res.status).toBe(201);
    expect(res.headers.get("x-request-id")).toMatch(/^req_/);
    expect(res.headers.get("set-cookie")).toContain(`sm-tenant=${res.body.tenantId}`);
    const user = await db.user.findUniqueOrThrow({
      where: { id: res.body.userId },
      include: { memberships: { include: { tenant: true } } },
    });
    expect(user.email).toBe(email.toLowerCase());
    expect(user.name).toBe("Hank");
    expect(user.passwordHash).toMatch(/^\$2[aby]\$10\$/);
    expect(user.memberships).toHaveLength(1);
    expect(user.memberships[0]).toMatchObject({ tenantId: res.body.tenantId, role: "owner" });
    expect(user.memberships[0].tenant.name).toBe("Globex");
    const audit = await db.auditLog.findMany({ where: { tenantId: res.body.tenantId } });
    expect(audit.map((a) => [a.action, a.actorId])).toEqual([["tenant.created", res.body.userId]]);
  });

  it("signs in with the new password and rejects a wrong one", async () => {
    const email = uniqueEmail();
    await post({ email, password: "s3cret-enough", tenantName: "A" });
    const ok = await verifyCredentials(email.toUpperCase(), "s3cret-enough", "192.0.2.1");
    expect(ok?.email).toBe(email.toLowerCase());
    expect(await verifyCredentials(email, "s3cret-enougH", "192.0.2.1")).toBeNull();
    expect(await verifyCredentials("nobody@example.test", "s3cret-enough", "192.0.2.1")).toBeNull();
  });

  it("tests at most the throttle's allowance of passwords in a burst of concurrent guesses", async () => {
    const email = uniqueEmail();
    await post({ email, password: "the-right-one-1", tenantName: "Burst" });
    // 39 wrong guesses and the right one, all at once: sequentially, guesses 11+ are refused
    // untested; concurrently they all passed the check before the first failure was counted.
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 39 ? "the-right-one-1" : `wrong-guess-${i}`));
    const addr = "192.0.2.40";
    const results = await Promise.all(guesses.map((g) => verifyCredentials(email, g, addr)));
    expect(results.filter((r) => r !== null)).toEqual([]);
    expect(isLoginLocked(email.toLowerCase(), addr)).toBe(true);
    expect(await verifyCredentials(email, "the-right-one-1", addr)).toBeNull(); // locked: not even tested
    clearLoginFailures(email.toLowerCase(), addr);
    expect((await verifyCredentials(email, "the-right-one-1", addr))?.email).toBe(email.toLowerCase());
  });

  it("answers 409 to an email that already has an account, whatever its case", async () => {
    const email = uniqueEmail();
    expect((await post({ email, password: "s3cret-enough", tenantName: "A" })).status).toBe(201);
    const again = await post({ email: email.toUpperCase(), password: "other-password", tenantName: "B" });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "conflict", message: "An account with this email already exists." });
    expect(await db.user.count({ where: { email: email.toLowerCase() } })).toBe(1);
    expect(
      await db.tenant.count({ where: { name: "B", memberships: { some: { user: { email: email.toLowerCase() } } } } }),
    ).toBe(0);
  });

  it("rejects weak passwords and bad fields with 422 and paths", async () => {
    const paths = async (body: unknown) => {
      const res = await post(body);
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      return res.body.error.details.map((d: { path: string }) => d.path);
    };
    expect(await paths({ email: "nope", password: "s3cret-enough", tenantName: "A" })).toEqual(["email"]);
    expect(await paths({ email: uniqueEmail(), password: "short", tenantName: "A" })).toEqual(["password"]);
    expect(await paths({ email: uniqueEmail(), password: "x".repeat(73), tenantName: "A" })).toEqual(["password"]);
    expect(await paths({ email: uniqueEmail(), password: "s3cret-enough", tenantName: "   " })).toEqual(["tenantName"]);
    const email = uniqueEmail();
    expect(await paths({ email, password: email.toLowerCase(), tenantName: "A" })).toEqual(["password"]);
  });

  it("answers 400 to a body that is not JSON and 403 to a cross-origin post", async () => {
    const res = await post("{oops");
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("invalid_json");
    const cross = await post(
      { email: uniqueEmail(), password: "s3cret-enough", tenantName: "A" },
      { origin: "https://evil.example" },
    );
    expect(cross.status).toBe(403);
  });
});

describe("OAuth sign-in", () => {
  it("never hands a password account to an OAuth sign-in with the same email (pre-account takeover)", async () => {
    // Someone signs up first with another person's address and a password of their own.
    const squatter = await createTestUser({ password: "squatters-password-1" });
    expect(
      await ensureOAuthUser({ email: squatter.email, name: "Victim", emailVerified: true, provider: "google" }),
    ).toBeNull();
    expect(await db.user.count({ where: { email: squatter.email } })).toBe(1);
    // An account made by OAuth is still the same user on the next OAuth sign-in (below).
  });

  it("creates a user and an owned tenant for a new email, and reuses them afterwards", async () => {
    const email = uniqueEmail();
    const id = await ensureOAuthUser({ email, name: "Octo Cat", emailVerified: true, provider: "github" });
    const again = await ensureOAuthUser({
      email: email.toUpperCase(),
      name: "Octo Cat",
      emailVerified: true,
      provider: "github",
    });
    expect(id).toMatch(/^usr_/);
    expect(again).toBe(id);
    const user = await db.user.findUniqueOrThrow({
      where: { id: id ?? "" },
      include: { memberships: { include: { tenant: true } } },
    });
    expect(user.email).toBe(email.toLowerCase());
    expect(user.passwordHash).toBeNull();
    expect(user.memberships.map((m) => [m.role, m.tenant.name])).toEqual([["owner", "Octo Cat's workspace"]]);
  });
});
