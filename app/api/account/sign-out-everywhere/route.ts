import { NextResponse } from "next/server";
import { signOutEverywhere } from "@/lib/accounts/passwords";
import { withWorkspace } from "@/lib/http";

// POST: ends every session of the signed-in user, this one included.
export const POST = withWorkspace(async (_req, { session }) => {
  await signOutEverywhere(session.userId);
  return NextResponse.json({ ok: true });
});
