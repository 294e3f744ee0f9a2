import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { deactivateMember } from "@/lib/members/members";

// POST: deactivate a member; their open sessions end on their next request.
export const POST = withMemberAdmin<{ membershipId: string }>(async (_req, { actor, params }) =>
  NextResponse.json(await deactivateMember(actor, params.membershipId)),
);
