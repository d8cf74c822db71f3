import { describe, expect, it } from "vitest";
import * as acceptRoute from "@/app/api/console/invitations/accept/route";
import * as invitations from "@/app/api/console/team/invitations/route";
import * as signupRoute from "@/app/api/signup/route";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { hashInvitationToken } from "@/lib/team/invitation-token";
import { ensureOAuthUser } from "@/lib/users/ensure-oauth-user";
import { callRoute } from "../helpers/route";
import { addMember, createTestUser, sessionCookie } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

const PASSWORD = "correct horse battery";
let n = 0;
const inviteeEmail = () => `invitee${++n}-${Date.now()}@example.test`;

async function ownedTenant() {
  const t = await createTestTenant();
  const owner = await createTestUser();
  await addMember(t.tenantId, owner.id, "owner");
  return { tenantId: t.tenantId, cookie: await sessionCookie(owner.id) };
}

/** Invites `email` and returns the secret from the invite link. */
async function invite(tenant: { cookie: string }, email: string, role: Role): Promise<string> {
  const res = await callRoute(invitations.POST, {
    method: "POST",
    path: "/api/console/team/invitations",
    headers: { cookie: tenant.cookie },
    body: { email, role },
  });
  expect(res.status).toBe(201);
  const token = new URL(res.body.inviteUrl, "http://x").searchParams.get("invite");
  expect(token).toMatch(/^[0-9A-Za-z]{22}$/);
  return token as string;
}

const signUp = (body: Record<string, unknown>) =>
  callRoute(signupRoute.POST, { method: "POST", path: "/api/signup", body: { password: PASSWORD, ...body } });

const roleOf = async (tenantId: string, email: string) =>
  (await db.membership.findFirst({ where: { tenantId, user: { email } } }))?.role ?? null;

/** Nothing at all was created for a refused sign-up. */
async function expectNoAccount(email: string) {
  expect(await db.user.count({ where: { email } })).toBe(0);
}

describe("accepting an invitation at sign-up", () => {
  it("does not join a tenant when the invited email signs up without the link", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    await invite(team, email, "admin");
    const res = await signUp({ email, tenantName: "Squatter Inc" });
    expect(res.status).toBe(201);
    expect(res.body.joinedTenantIds).toEqual([]);
    expect(res.body.tenantId).toBe(res.body.ownTenantId);
    expect(await roleOf(team.tenantId, email)).toBeNull();
    expect(await roleOf(res.body.ownTenantId, email)).toBe("owner");
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email } })).toBe(1);
  });

  it("joins with the invited role through the right link, makes that tenant active, and creates no other", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    const token = await invite(team, email, "admin");
    const res = await signUp({ email: email.toUpperCase(), name: "Ivy", inviteToken: token });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      userId: expect.stringMatching(/^usr_/),
      tenantId: team.tenantId,
      ownTenantId: null,
      joinedTenantIds: [team.tenantId],
    });
    expect(res.headers.get("set-cookie")).toContain(`sm-tenant=${team.tenantId}`);
    const memberships = await db.membership.findMany({ where: { userId: res.body.userId } });
    expect(memberships.map((m) => [m.tenantId, m.role])).toEqual([[team.tenantId, "admin"]]);
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email } })).toBe(0);
    const accepted = await db.auditLog.findFirstOrThrow({
      where: { tenantId: team.tenantId, action: "invitation.accepted" },
    });
    expect(accepted).toMatchObject({ actorId: res.body.userId, targetId: res.body.userId });
    expect(accepted.data).toEqual({ email, role: "admin", via: "invite_link" });
  });

  it("also creates the user's own tenant when a workspace name is given with the link", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    const token = await invite(team, email, "viewer");
    const res = await signUp({ email, inviteToken: token, tenantName: "Side Project" });
    expect(res.status).toBe(201);
    expect(res.body.tenantId).toBe(team.tenantId);
    expect(await roleOf(team.tenantId, email)).toBe("viewer");
    expect(await roleOf(res.body.ownTenantId, email)).toBe("owner");
  });

  it("accepts a link only once", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    const token = await invite(team, email, "viewer");
    expect((await signUp({ email, inviteToken: token })).status).toBe(201);
    // The same link for a second account (another email, so not the duplicate-email 409).
    const again = await signUp({ email: inviteeEmail(), inviteToken: token });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe("not_found");
  });

  it("refuses an unknown link with 404 and creates nothing", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    const token = await invite(team, email, "admin");
    const wrong = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    const res = await signUp({ email, inviteToken: wrong, tenantName: "Guess Co" });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/invitation link is not valid/);
    await expectNoAccount(email);
    expect(await db.tenant.count({ where: { name: "Guess Co", memberships: { some: { user: { email } } } } })).toBe(0);
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email } })).toBe(1);
  });

  it("refuses an expired link with 422 and creates nothing", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    const token = await invite(team, email, "admin");
    await db.invitation.update({
      where: { tokenHash: hashInvitationToken(token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const res = await signUp({ email, inviteToken: token });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { path: "inviteToken", message: "this invitation link has expired; ask for a new one" },
    ]);
    await expectNoAccount(email);
  });

  it("refuses a link sent to another email with 422 and creates nothing", async () => {
    const team = await ownedTenant();
    const invited = inviteeEmail();
    const token = await invite(team, invited, "admin");
    const intruder = inviteeEmail();
    const res = await signUp({ email: intruder, inviteToken: token, tenantName: "Intruder" });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([
      { path: "email", message: "must be the address this invitation was sent to" },
    ]);
    await expectNoAccount(intruder);
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email: invited } })).toBe(1);
  });

  it("refuses the old link after the email was invited again, and accepts the new one", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    const old = await invite(team, email, "viewer");
    const fresh = await invite(team, email, "admin");
    expect((await signUp({ email, inviteToken: old })).status).toBe(404);
    await expectNoAccount(email);
    expect((await signUp({ email, inviteToken: fresh })).status).toBe(201);
    expect(await roleOf(team.tenantId, email)).toBe("admin");
  });

  it("joins only the tenant of the link, not other tenants that invited the same email", async () => {
    const a = await ownedTenant();
    const b = await ownedTenant();
    const email = inviteeEmail();
    const tokenA = await invite(a, email, "admin");
    await invite(b, email, "viewer");
    const res = await signUp({ email, inviteToken: tokenA });
    expect(res.body.joinedTenantIds).toEqual([a.tenantId]);
    expect(await roleOf(b.tenantId, email)).toBeNull();
    expect(await db.invitation.count({ where: { tenantId: b.tenantId, email } })).toBe(1);
  });

  it("requires a workspace name without a link, and validates the link's shape", async () => {
    const res = await signUp({ email: inviteeEmail() });
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual([{ path: "tenantName", message: "is required" }]);
    const blank = await signUp({ email: inviteeEmail(), inviteToken: "  " });
    expect(blank.status).toBe(422);
    expect(blank.body.error.details.map((d: { path: string }) => d.path)).toEqual(["inviteToken"]);
  });
});

describe("accepting an invitation with an existing account", () => {
  const accept = (cookie: string | null, token: string) =>
    callRoute(acceptRoute.POST, {
      method: "POST",
      path: "/api/console/invitations/accept",
      headers: cookie ? { cookie } : {},
      body: { token },
    });

  it("keeps out someone who registered the invited email first until they use the link signed in", async () => {
    // Anyone can register any email (sign-up verifies none), so an account proves nothing.
    const squatted = inviteeEmail();
    const squatter = await signUp({ email: squatted, tenantName: "Squatter Inc" });
    const team = await ownedTenant();
    const token = await invite(team, squatted, "admin");
    expect(await roleOf(team.tenantId, squatted)).toBeNull();
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email: squatted } })).toBe(1);
    // And the link cannot be used by signing up again with that email.
    expect((await signUp({ email: squatted, inviteToken: token })).status).toBe(409);
    expect(await db.membership.count({ where: { userId: squatter.body.userId } })).toBe(1);
  });

  it("joins a signed-in user with the invited role through a link sent to their email, once", async () => {
    const team = await ownedTenant();
    const user = await createTestUser();
    const token = await invite(team, user.email, "admin");
    const cookie = await sessionCookie(user.id);
    const res = await accept(cookie, token);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenantId: team.tenantId, role: "admin" });
    expect(res.headers.get("set-cookie")).toContain(`sm-tenant=${team.tenantId}`);
    expect(await roleOf(team.tenantId, user.email)).toBe("admin");
    const again = await accept(cookie, token);
    expect(again.status).toBe(404);
    const accepted = await db.auditLog.findFirstOrThrow({
      where: { tenantId: team.tenantId, action: "invitation.accepted" },
    });
    expect(accepted.data).toEqual({ email: user.email, role: "admin", via: "invite_link" });
  });

  it("refuses a link sent to another email, an expired link, and a signed-out request", async () => {
    const team = await ownedTenant();
    const invited = await createTestUser();
    const other = await createTestUser();
    const token = await invite(team, invited.email, "viewer");
    const wrongUser = await accept(await sessionCookie(other.id), token);
    expect(wrongUser.status).toBe(422);
    expect(wrongUser.body.error.details).toEqual([
      { path: "email", message: "must be the address this invitation was sent to" },
    ]);
    expect(await roleOf(team.tenantId, other.email)).toBeNull();
    expect((await accept(null, token)).status).toBe(401);
    await db.invitation.update({
      where: { tokenHash: hashInvitationToken(token) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await accept(await sessionCookie(invited.id), token);
    expect(expired.status).toBe(422);
    // Named as this route's body names it.
    expect(expired.body.error.details).toEqual([
      { path: "token", message: "this invitation link has expired; ask for a new one" },
    ]);
    expect(await roleOf(team.tenantId, invited.email)).toBeNull();
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email: invited.email } })).toBe(1);
  });

  it("answers 409 and changes nothing when the user is already a member", async () => {
    const team = await ownedTenant();
    const user = await createTestUser();
    const token = await invite(team, user.email, "admin");
    await addMember(team.tenantId, user.id, "viewer");
    const res = await accept(await sessionCookie(user.id), token);
    expect(res.status).toBe(409);
    expect(await roleOf(team.tenantId, user.email)).toBe("viewer");
  });
});

describe("accepting invitations at OAuth sign-in", () => {
  it("accepts unexpired invitations for a provider-verified email, not expired ones", async () => {
    const a = await ownedTenant();
    const b = await ownedTenant();
    const email = inviteeEmail();
    await invite(a, email, "admin");
    const expiredToken = await invite(b, email, "viewer");
    await db.invitation.update({
      where: { tokenHash: hashInvitationToken(expiredToken) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const userId = await ensureOAuthUser({ email, name: "Octo", emailVerified: true, provider: "github" });
    expect(userId).toMatch(/^usr_/);
    expect(await roleOf(a.tenantId, email)).toBe("admin");
    expect(await roleOf(b.tenantId, email)).toBeNull();
    const accepted = await db.auditLog.findFirstOrThrow({
      where: { tenantId: a.tenantId, action: "invitation.accepted" },
    });
    expect(accepted.data).toEqual({ email, role: "admin", via: "github" });
  });

  it("signs in nobody and accepts nothing when the provider did not verify the email", async () => {
    const team = await ownedTenant();
    const email = inviteeEmail();
    await invite(team, email, "admin");
    expect(await ensureOAuthUser({ email, name: "Mallory", emailVerified: false, provider: "google" })).toBeNull();
    await expectNoAccount(email);
    expect(await db.invitation.count({ where: { tenantId: team.tenantId, email } })).toBe(1);
    // Nor does an unverified sign-in get an existing account.
    const existing = await createTestUser();
    expect(await ensureOAuthUser({ email: existing.email, emailVerified: false, provider: "google" })).toBeNull();
  });
});
