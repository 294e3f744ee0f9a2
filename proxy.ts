// Runs before every request except Next internals and static files:
//  1. A URL whose percent-encoding is malformed (e.g. /deals/%E0%A4%A) is a 400 here; Next.js would
//     otherwise fail to decode the dynamic segment and answer a bare 500.
//  2. Pages: no session -> sign-in page, remembering where the user was going. API routes answer 401
//     themselves. Pages and handlers still check the session, workspace and role; this only redirects early.
import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { env } from "@/lib/env";

function malformed(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}

// Pages a signed-out person may open: sign-in/out, creating a workspace, accepting an invitation, password reset,
// and the development outbox (404 outside `npm run dev`), where an invitee finds their link.
const PUBLIC_PAGES = ["/signin", "/signout", "/signup", "/invite", "/forgot-password", "/reset-password", "/dev/outbox"];

export async function proxy(req: NextRequest) {
  const { pathname } = req.nextUrl;
  if (malformed(pathname)) {
    return NextResponse.json({ error: { code: "VALIDATION", message: "The address is not valid (malformed URL encoding)." } }, { status: 400 });
  }
  if (pathname.startsWith("/api/") || PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return NextResponse.next();
  const token = await getToken({ req, secret: env.NEXTAUTH_SECRET });
  if (token) return NextResponse.next();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  const target = `${pathname}${req.nextUrl.search}`;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except Next internals and static files (API routes and the public pages only get the
  // URL check).
  matcher: ["/((?!_next/|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
