import { NextResponse } from "next/server";
import { withMemberAdmin } from "@/lib/api/members";
import { readJsonBody } from "@/lib/http";
import { invite } from "@/lib/members/members";

// POST { emails: "a@x.com, b@y.com", role: "MEMBER" | "ADMIN" }: one invitation per new address.
export const POST = withMemberAdmin(async (req, { actor }) => {
  const outcomes = await invite(actor, await readJsonBody(req));
  return NextResponse.json({ outcomes }, { status: outcomes.some((o) => o.result === "invited" || o.result === "not_sent") ? 201 : 200 });
});
