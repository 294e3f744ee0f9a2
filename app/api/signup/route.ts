import { NextResponse } from "next/server";
import { createWorkspaceFor, signUp } from "@/lib/accounts/signup";
import { getSessionContext, WORKSPACE_COOKIE } from "@/lib/auth/session";
import { env } from "@/lib/env";
import { readJsonBody, withPublicRoute } from "@/lib/http";

// POST /api/signup: creates a workspace. The signed-out form (it carries an email) creates one with its first
// admin (then the page signs in with the same email and password); that path never falls back to whatever
// session the browser happens to hold, so a typed email is never silently swapped for another account. The
// signed-in form (workspace name only) creates one for the current user, who becomes its admin and lands in it.
export const POST = withPublicRoute(async (req) => {
  const body = await readJsonBody(req);
  const asNewAccount = typeof body === "object" && body !== null && "email" in body;
  const session = asNewAccount ? null : await getSessionContext();
  if (session) {
    const { workspaceId } = await createWorkspaceFor(session, body);
    const res = NextResponse.json({ ok: true, signedIn: true });
    res.cookies.set(WORKSPACE_COOKIE, workspaceId, { httpOnly: true, sameSite: "lax", secure: env.APP_URL.startsWith("https:"), path: "/" });
    return res;
  }
  const result = await signUp(body);
  return NextResponse.json({ ok: true, signedIn: false, email: result.email }, { status: 201 });
});
