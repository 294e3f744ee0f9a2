import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { resendInvitation } from "@/lib/members/members";

// POST: send the invitation email again; the link stays the same and is valid 7 more days.
export const POST = withMemberAdmin<{ invitationId: string }>(async (_req, { actor, params }) =>
  NextResponse.json(await resendInvitation(actor, params.invitationId)),
);
