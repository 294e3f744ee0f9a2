import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { invitationLink } from "@/lib/members/members";

// GET: the invitation's link, for an admin to copy and share another way. Never cached.
export const GET = withMemberAdmin<{ invitationId: string }>(async (_req, { actor, params }) =>
  NextResponse.json(await invitationLink(actor, params.invitationId), { headers: { "Cache-Control": "no-store" } }),
);
