import { NextResponse } from "next/server";
import { createWorkspaceFor, signUp } from "@/lib/accounts/signup";
import { getSessionContext, WORKSPACE_COOKIE } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { readJsonBody, withPublicRoute } from "@/lib/http";

// POST /api/signup: creates a workspace. Signed out: with its first admin (then the page signs in with the
// same email and password). Signed in: for the current user, who becomes its admin and lands in it.
export const POST = withPublicRoute(async (req) => {
  const body = await readJsonBody(req);
  const session = await getSessionContext();
  if (session) {
    const { workspaceId } = await createWorkspaceFor(session, body);
    const res = NextResponse.json({ ok: true, signedIn: true });
    res.cookies.set(WORKSPACE_COOKIE, workspaceId, { httpOnly: true, sameSite: "lax", secure: env.APP_URL.startsWith("https:"), path: "/" });
    return res;
  }
  const result = await signUp(body);
  return NextResponse.json({ ok: true, signedIn: false, email: result.email }, { status: 201 });
});
