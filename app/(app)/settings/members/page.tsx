import type { Metadata } from "next";
import { MembersManager } from "@/components/members/members-manager";
import { requirePageSession } from "@/lib/auth/session";
import { listMembers } from "@/lib/members/members";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/settings/members");
  const [data, params] = await Promise.all([listMembers(session.workspaceId), searchParams]);
  const invite = typeof params.invite === "string" ? params.invite.slice(0, 254) : "";
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">Settings</p>
        <h1 className="text-2xl font-semibold tracking-tight">Members</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Everyone in {session.workspaceName}. Calls sync for members whose email matches a user in your call recorder.
          {session.role === "ADMIN" ? " Invite your team, change roles, or remove access." : " Only admins can invite people or change roles."}
        </p>
      </div>
      <MembersManager
        isAdmin={session.role === "ADMIN"}
        currentUserId={session.userId}
        members={data.members}
        invitations={data.invitations}
        integrations={data.integrations}
        prefill={invite}
      />
    </div>
  );
}
