import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { revokeInvitation } from "@/lib/members/members";

// DELETE: revoke a pending invitation (its link stops working at once).
export const DELETE = withMemberAdmin<{ invitationId: string }>(async (_req, { actor, params }) =>
  NextResponse.json(await revokeInvitation(actor, params.invitationId)),
);
