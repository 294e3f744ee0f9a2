import { NextResponse } from "next/server";
import { requestPasswordReset } from "@/lib/accounts/passwords";
import { readJsonBody, withPublicRoute } from "@/lib/http";

// POST { email }: sends a reset link if the account exists; the answer is the same either way.
export const POST = withPublicRoute(async (req) => {
  const { message } = await requestPasswordReset(await readJsonBody(req));
  return NextResponse.json({ ok: true, message });
});
