import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { onMemberJoined } from "@/lib/integrations/member-sync";
import { reactivateMember } from "@/lib/members/members";

// POST: let a deactivated member back in.
export const POST = withMemberAdmin<{ membershipId: string }>(async (_req, { actor, params }) => {
  const result = await reactivateMember(actor, params.membershipId);
  if (result.changed) await onMemberJoined(actor.workspaceId, result.userId);
  return NextResponse.json({ status: result.status });
});
