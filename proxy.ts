// Runs before every request except Next internals and static files:
//  1. Security headers that depend on the request or the deployment (lib/security-headers.ts): a
//     Content-Security-Policy with a nonce made for this response, passed to the render as the request's
//     CSP header (Next.js reads the nonce from it and puts it on every script it renders) and as `x-nonce`
//     (for inline scripts of our own, e.g. the OAuth callback page); HSTS when APP_URL is https. Whatever a
//     client sends in those request headers is replaced.
//  2. A URL whose percent-encoding is malformed (e.g. /deals/%E0%A4%A) is a 400 here; Next.js would
//     otherwise fail to decode the dynamic segment and answer a bare 500.
//  3. Pages: no session -> sign-in page, remembering where the user was going. API routes answer 401
//     themselves. Pages and handlers still check the session, workspace and role; this only redirects early.
import { NextResponse, type NextRequest } from "next/server";
import { getToken } from "next-auth/jwt";
import { env } from "@/lib/env";
import { newNonce, securityHeaders } from "@/lib/security-headers";

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
  const nonce = newNonce();
  const headers = securityHeaders({ nonce, appUrl: env.APP_URL, production: env.NODE_ENV === "production" });
  const respond = (res: NextResponse) => {
    for (const [key, value] of Object.entries(headers)) res.headers.set(key, value);
    return res;
  };
  const { pathname } = req.nextUrl;
  if (malformed(pathname)) {
    return respond(NextResponse.json({ error: { code: "VALIDATION", message: "The address is not valid (malformed URL encoding)." } }, { status: 400 }));
  }
  const requestHeaders = new Headers(req.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", headers["Content-Security-Policy"]!);
  const next = () => respond(NextResponse.next({ request: { headers: requestHeaders } }));
  if (pathname.startsWith("/api/") || PUBLIC_PAGES.some((p) => pathname === p || pathname.startsWith(`${p}/`))) return next();
  const token = await getToken({ req, secret: env.NEXTAUTH_SECRET });
  if (token) return next();
  const url = req.nextUrl.clone();
  url.pathname = "/signin";
  url.search = "";
  const target = `${pathname}${req.nextUrl.search}`;
  if (target !== "/") url.searchParams.set("callbackUrl", target);
  return respond(NextResponse.redirect(url));
}

export const config = {
  // Everything except Next internals and static files (API routes and the public pages only get the
  // headers and the URL check).
  matcher: ["/((?!_next/|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
