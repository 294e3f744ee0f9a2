import NextAuth from "next-auth";
import { NextResponse } from "next/server";
import { authOptions } from "@/lib/auth/options";
import { clientAddress, loginWaitSeconds } from "@/lib/auth/throttle";
import { env } from "@/lib/env";

const handler = NextAuth(authOptions);

type RouteCtx = { params: Promise<{ nextauth: string[] }> };

// Credentials sign-ins are refused with 429 while the account or the address is over its failure limit
// (lib/auth/throttle.ts), before any password is hashed. The body carries the `url` next-auth's client reads,
// with the wait in its error, so the form can say how long.
async function post(req: Request, ctx: RouteCtx) {
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
