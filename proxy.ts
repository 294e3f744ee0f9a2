// Runs before every page request: no session -> sign-in page, remembering where the user was going.
// Pages and handlers still check the session, workspace and role themselves; this only redirects early.
import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { env } from "@/lib/env";

export async function proxy(req: NextRequest) {
  const token = await getToken({ req, secret: env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  const target = `${req.nextUrl.pathname}${req.nextUrl.search}`;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except API routes (they answer 401 themselves), Next internals, static files and the
  // sign-in/sign-out pages.
  matcher: ["/((?!api/|_next/|signin|signout|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
