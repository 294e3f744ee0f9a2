import { NextResponse } from "next/server";
import { changePassword } from "@/lib/accounts/passwords";
import { clientAddress } from "@/lib/auth/throttle";
import { readJsonBody, withWorkspace } from "@/lib/http";

// POST { currentPassword, newPassword }: changes the signed-in user's password; every session ends (the page
// signs this browser in again with the new password).
export const POST = withWorkspace(async (req, { session }) => {
  const { email } = await changePassword(session.userId, await readJsonBody(req), clientAddress(req.headers));
  return NextResponse.json({ ok: true, email });
});
