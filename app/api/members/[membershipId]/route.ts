import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { readJsonBody } from "@/lib/http";
import { changeRole, removeMember } from "@/lib/members/members";

// PATCH { role }: change a member's role. DELETE: remove them from the workspace (their calls stay).
export const PATCH = withMemberAdmin<{ membershipId: string }>(async (req, { actor, params }) =>
  NextResponse.json(await changeRole(actor, params.membershipId, await readJsonBody(req))),
);
export const DELETE = withMemberAdmin<{ membershipId: string }>(async (_req, { actor, params }) =>
  NextResponse.json(await removeMember(actor, params.membershipId)),
);
