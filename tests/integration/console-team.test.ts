import { describe, expect, it } from "vitest";
import * as invitation from "@/app/api/console/team/invitations/[email]/route";
import * as invitations from "@/app/api/console/team/invitations/route";
import * as memberRoute from "@/app/api/console/team/members/[userId]/route";
import * as team from "@/app/api/console/team/route";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db/client";
import { changeMemberRole } from "@/lib/team/change-member-role";
import { hashInvitationToken, INVITATION_TTL_MS } from "@/lib/team/invitation-token";
import { callRoute } from "../helpers/route";
import { addMember, createTestUser, sessionCookie } from "../helpers/session";
import { createTestTenant } from "../helpers/tenant";

async function tenantWith(roles: Role[]) {
  const t = await createTestTenant();
  const users = [];
  for (const role of roles) {
    const u = await createTestUser();
    await addMember(t.tenantId, u.id, role);
    users.push({ ...u, role, cookie: await sessionCookie(u.id) });
  }
  return { tenantId: t.tenantId, users };
}

const invite = (cookie: string, email: string, role: Role) =>
  callRoute(invitations.POST, {
    method: "POST",
    path: "/api/console/team/invitations",
    headers: { cookie },
    body: { email, role },
  });
const setRole = (cookie: string, userId: string, role: Role) =>
  callRoute(memberRoute.PATCH, {
    method: "PATCH",
    path: "/x",
    headers: { cookie },
    params: { userId },
    body: { role },
  });
const remove = (cookie: string, userId: string) =>
  callRoute(memberRoute.DELETE, { method: "DELETE", path: "/x", headers: { cookie }, params: { userId } });
const roleOf = async (tenantId: string, userId: string) =>
  (await db.membership.findUnique({ where: { tenantId_userId: { tenantId, userId } } }))?.role ?? null;

describe("team management", () => {
  it("records an invitation with a one-time link for an unknown email", async () => {
    const { tenantId, users } = await tenantWith(["owner"]);
    const before = Date.now();
    const invited = await invite(users[0].cookie, "  New.Person@Example.TEST ", "viewer");
    expect(invited.status).toBe(201);
    expect(invited.body).toEqual({
      kind: "invitation",
      email: "new.person@example.test",
      role: "viewer",
      inviteUrl: expect.stringMatching(/^\/signup\?invite=[0-9A-Za-z]{22}$/),
      expiresAt: expect.any(String),
      renewed: false,
      existingAccount: false,
    });
    // Only the hash of the link's secret is stored; the link lives 7 days.
    const token = invited.body.inviteUrl.split("=")[1];
    const row = await db.invitation.findUniqueOrThrow({
      where: { tenantId_email: { tenantId, email: "new.person@example.test" } },
    });
    expect(row.tokenHash).toBe(hashInvitationToken(token));
    expect(row.tokenHash).not.toContain(token);
    expect(row.expiresAt.toISOString()).toBe(invited.body.expiresAt);
    expect(row.expiresAt.getTime() - before).toBeGreaterThanOrEqual(INVITATION_TTL_MS);
    expect(row.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(INVITATION_TTL_MS);
    const list = await callRoute(team.GET, { path: "/api/console/team", headers: { cookie: users[0].cookie } });
    expect(list.body.invitations).toEqual([
      {
        email: "new.person@example.test",
        role: "viewer",
        invitedAt: expect.any(String),
        expiresAt: row.expiresAt.toISOString(),
      },
    ]);
    const audit = await db.auditLog.findFirstOrThrow({ where: { tenantId, actorId: users[0].id } });
    expect(audit).toMatchObject({ action: "invitation.created", targetId: "new.person@example.test" });
  });

  it("does not add an existing account on the email alone: it gets a link to accept signed in", async () => {
    const { tenantId, users } = await tenantWith(["owner"]);
    const existing = await createTestUser();
    const invited = await invite(users[0].cookie, existing.email.toUpperCase(), "admin");
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ kind: "invitation", email: existing.email, existingAccount: true });
    expect(await roleOf(tenantId, existing.id)).toBeNull();
    const list = await callRoute(team.GET, { path: "/api/console/team", headers: { cookie: users[0].cookie } });
    expect(list.body.members.map((m: { email: string }) => m.email)).toEqual([users[0].email]);
    expect(list.body.invitations.map((i: { email: string }) => i.email)).toEqual([existing.email]);
  });

  it("answers 409 to inviting a member", async () => {
    const { users } = await tenantWith(["owner", "viewer"]);
    const dup = await invite(users[0].cookie, users[1].email, "admin");
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("conflict");
  });

  it("replaces the link and role when an invited email is invited again, and audits it", async () => {
    const { tenantId, users } = await tenantWith(["owner"]);
    const email = `pending-${users[0].id.toLowerCase()}@example.test`;
    const first = await invite(users[0].cookie, email, "viewer");
    const second = await invite(users[0].cookie, email, "admin");
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ kind: "invitation", email, role: "admin", renewed: true });
    expect(second.body.inviteUrl).not.toBe(first.body.inviteUrl);
    const row = await db.invitation.findUniqueOrThrow({ where: { tenantId_email: { tenantId, email } } });
    expect(row.role).toBe("admin");
    expect(row.tokenHash).toBe(hashInvitationToken(second.body.inviteUrl.split("=")[1]));
    expect(await db.invitation.count({ where: { tenantId } })).toBe(1);
    const renewed = await db.auditLog.findFirstOrThrow({ where: { tenantId, action: "invitation.renewed" } });
    expect(renewed.data).toEqual({ email, role: "admin", previousRole: "viewer", expiresAt: second.body.expiresAt });
  });

  it("lets only owners renew an owner invitation", async () => {
    const { tenantId, users } = await tenantWith(["owner", "admin"]);
    const [owner, admin] = users;
    const email = `boss-${owner.id.toLowerCase()}@example.test`;
    const first = await invite(owner.cookie, email, "owner");
    const byAdmin = await invite(admin.cookie, email, "viewer");
    expect(byAdmin.status).toBe(403);
    const row = await db.invitation.findUniqueOrThrow({ where: { tenantId_email: { tenantId, email } } });
    expect(row).toMatchObject({ role: "owner", tokenHash: hashInvitationToken(first.body.inviteUrl.split("=")[1]) });
  });

  it("validates the invite body", async () => {
    const { users } = await tenantWith(["owner"]);
    const res = await invite(users[0].cookie, "not-an-email", "superuser" as Role);
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["email", "role"]);
  });

  it("forbids viewers from every team change", async () => {
    const { tenantId, users } = await tenantWith(["owner", "viewer", "viewer"]);
    const [, viewer, other] = users;
    expect((await invite(viewer.cookie, "x@example.test", "viewer")).status).toBe(403);
    expect((await setRole(viewer.cookie, other.id, "admin")).status).toBe(403);
    expect((await remove(viewer.cookie, other.id)).status).toBe(403);
    expect(await roleOf(tenantId, other.id)).toBe("viewer");
    // A viewer can still read the team.
    expect((await callRoute(team.GET, { path: "/api/console/team", headers: { cookie: viewer.cookie } })).status).toBe(
      200,
    );
  });

  it("lets admins manage admins and viewers, but never grant, change or remove an owner", async () => {
    const { tenantId, users } = await tenantWith(["owner", "admin", "viewer"]);
    const [owner, admin, viewer] = users;
    expect((await setRole(admin.cookie, viewer.id, "admin")).status).toBe(200);
    expect(await roleOf(tenantId, viewer.id)).toBe("admin");
    expect((await setRole(admin.cookie, viewer.id, "owner")).status).toBe(403);
    expect((await setRole(admin.cookie, owner.id, "viewer")).status).toBe(403);
    expect((await remove(admin.cookie, owner.id)).status).toBe(403);
    expect((await invite(admin.cookie, "boss@example.test", "owner")).status).toBe(403);
    expect(await roleOf(tenantId, owner.id)).toBe("owner");
    expect((await remove(admin.cookie, viewer.id)).status).toBe(204);
    expect(await roleOf(tenantId, viewer.id)).toBeNull();
  });

  it("lets an owner make another owner, and then step down", async () => {
    const { tenantId, users } = await tenantWith(["owner", "admin"]);
    const [owner, admin] = users;
    expect((await setRole(owner.cookie, admin.id, "owner")).status).toBe(200);
    expect((await setRole(owner.cookie, owner.id, "viewer")).status).toBe(200);
    expect(await roleOf(tenantId, owner.id)).toBe("viewer");
    const audit = await db.auditLog.findFirstOrThrow({
      where: { tenantId, action: "member.role_changed", targetId: owner.id },
    });
    expect(audit.data).toEqual({ from: "owner", to: "viewer" });
  });

  it("never lets the last owner be demoted or removed", async () => {
    const { tenantId, users } = await tenantWith(["owner", "admin"]);
    const [owner] = users;
    const demote = await setRole(owner.cookie, owner.id, "admin");
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/at least one owner/);
    expect((await remove(owner.cookie, owner.id)).status).toBe(409);
    expect(await roleOf(tenantId, owner.id)).toBe("owner");
  });

  it("keeps one owner when two owners demote each other at the same moment", async () => {
    const { tenantId, users } = await tenantWith(["owner", "owner"]);
    const [a, b] = users;
    const results = await Promise.allSettled([
      changeMemberRole({ tenantId, actorUserId: a.id, userId: b.id, role: "admin" }),
      changeMemberRole({ tenantId, actorUserId: b.id, userId: a.id, role: "admin" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const owners = await db.membership.count({ where: { tenantId, role: "owner" } });
    expect(owners).toBe(1);
  });

  it("answers 404 for a user who is not a member of this tenant, and leaves their other memberships alone", async () => {
    const mine = await tenantWith(["owner"]);
    const theirs = await tenantWith(["admin"]);
    const stranger = theirs.users[0];
    expect((await setRole(mine.users[0].cookie, stranger.id, "viewer")).status).toBe(404);
    expect((await remove(mine.users[0].cookie, stranger.id)).status).toBe(404);
    expect(await roleOf(theirs.tenantId, stranger.id)).toBe("admin");
  });

  it("cancels invitations with the same rules", async () => {
    const { tenantId, users } = await tenantWith(["owner", "admin", "viewer"]);
    const [owner, admin, viewer] = users;
    const email = `cancel-${owner.id.toLowerCase()}@example.test`;
    await invite(owner.cookie, email, "owner");
    const del = (cookie: string) =>
      callRoute(invitation.DELETE, {
        method: "DELETE",
        path: "/x",
        headers: { cookie },
        params: { email }, // decoded, as Next passes it
      });
    expect((await del(viewer.cookie)).status).toBe(403);
    expect((await del(admin.cookie)).status).toBe(403);
    expect((await del(owner.cookie)).status).toBe(204);
    expect(await db.invitation.count({ where: { tenantId } })).toBe(0);
    expect((await del(owner.cookie)).status).toBe(404);
    // A "%" in the address (valid in an email's local part) is not decoded twice.
    const odd = await callRoute(invitation.DELETE, {
      method: "DELETE",
      path: "/x",
      headers: { cookie: owner.cookie },
      params: { email: "100%@example.test" },
    });
    expect(odd.status).toBe(404);
    expect(odd.body.error.code).toBe("not_found");
  });
});
