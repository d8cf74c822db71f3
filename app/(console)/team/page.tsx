import type { Metadata } from "next";
import { TeamPanel } from "@/components/console/team/team-panel";
import { PageHeader } from "@/components/ui/page-header";
import { requirePageSession } from "@/lib/auth/page-session";
import { listTeam } from "@/lib/team/list-team";

export const metadata: Metadata = { title: "Team · StripeMeter" };
export const dynamic = "force-dynamic";

export default async function TeamPage() {
  const session = await requirePageSession();
  const team = await listTeam(session.active.tenantId);
  const now = Date.now();
  return (
    <>
      <PageHeader
        title="Team"
        description="Owners manage everything; admins manage keys and non-owner members; viewers can look."
      />
      <TeamPanel
        actorRole={session.active.role}
        actorUserId={session.user.id}
        members={team.members.map((m) => ({ ...m, joinedAt: m.joinedAt.toISOString() }))}
        invitations={team.invitations.map((i) => ({
          ...i,
          invitedAt: i.invitedAt.toISOString(),
          expiresAt: i.expiresAt.toISOString(),
          expired: i.expiresAt.getTime() <= now,
        }))}
      />
    </>
  );
}
