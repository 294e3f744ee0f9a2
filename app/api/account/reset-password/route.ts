import { NextResponse } from "next/server";
import { resetPassword } from "@/lib/accounts/passwords";
import { readJsonBody, withPublicRoute } from "@/lib/http";

// POST { token, password }: sets a new password from a reset link and ends every session of the account.
export const POST = withPublicRoute(async (req) => {
  const { email } = await resetPassword(await readJsonBody(req));
  return NextResponse.json({ ok: true, email });
});
