import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { clientAddress, loginWaitSeconds } from "@/lib/auth/throttle";
import { env } from "@/lib/env";
import { assertSameOrigin, errorResponse } from "@/lib/http";

const handler = NextAuth(authOptions);

type RouteCtx = { params: Promise<{ nextauth: string[] }> };

// Every POST (sign-in, sign-out, session update) must come from a page of ours (lib/http.ts assertSameOrigin):
// next-auth's CSRF token is a double-submit cookie, which a sibling subdomain can plant; a forged sign-in would
// put the victim in the attacker's account. Its bodies stay forms (next-auth's client posts
// application/x-www-form-urlencoded), so the JSON rule of the other routes does not apply here.
// Credentials sign-ins are refused with 429 while the account or the address is over its failure limit
// (lib/auth/throttle.ts), before any password is hashed. The body carries the `url` next-auth's client reads,
// with the wait in its error, so the form can say how long.
async function post(req: Request, ctx: RouteCtx) {
  try {
    assertSameOrigin(req);
  } catch (e) {
    return errorResponse(e);
  }
  const { nextauth } = await ctx.params;
  if (nextauth.join("/") === "callback/credentials") {
    const form = await req
      .clone()
      .formData()
      .catch(() => null);
    const email = String(form?.get("email") ?? "");
    const wait = email ? await loginWaitSeconds(email, clientAddress(req.headers)) : 0;
    if (wait > 0) {
      const url = new URL("/signin", env.APP_URL);
      url.searchParams.set("error", `TooManyAttempts:${wait}`);
      return NextResponse.json(
        { url: url.toString(), error: { code: "RATE_LIMITED", message: "Too many failed sign-ins." } },
        { status: 429, headers: { "Retry-After": String(wait) } },
      );
    }
  }
  return handler(req, ctx);
}

export { handler as GET, post as POST };
