import { NextResponse } from "next/server";
import { getSignedInUser, WORKSPACE_COOKIE } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { readJsonBody, withPublicRoute } from "@/lib/http";
import { acceptInvitation } from "@/lib/members/accept";

// POST { token, name?, password? }: accept an invitation, as the signed-in user or as a new account.
export const POST = withPublicRoute(async (req) => {
  const body = await readJsonBody(req);
  const user = await getSignedInUser();
  const result = await acceptInvitation(body, user);
  const res = NextResponse.json({ ok: true, email: result.email, signedIn: Boolean(user) });
  res.cookies.set(WORKSPACE_COOKIE, result.workspaceId, { httpOnly: true, sameSite: "lax", secure: env.APP_URL.startsWith("https:"), path: "/" });
  return res;
});
