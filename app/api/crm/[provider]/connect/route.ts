// POST {loginHost?: "production"|"sandbox"|"custom", myDomain?}: start connecting the CRM (OAuth): a fresh
// single-use state, the consent URL, and the attempt's cookie binding it to this browser. 409 when another
// CRM is this workspace's; the OAuth redirect comes back to /api/integrations/oauth/callback.
import { NextResponse } from "next/server";
import { crmActionNotFound, withCrmProvider } from "@/lib/api/crm";
import { startCrmOAuth } from "@/lib/crm/connect";
import { env } from "@/lib/env";
import { readJsonBody } from "@/lib/http";
import { bindingCookie } from "@/lib/integrations/oauth-binding";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withCrmProvider(
  async (req, { provider, actor }) => {
    const body = (await readJsonBody(req)) ?? {};
    const { state, authorizationUrl, browserNonce } = await startCrmOAuth(actor, provider, body);
    const res = NextResponse.json({ state, authorizationUrl });
    const cookie = bindingCookie(state, browserNonce, env.APP_URL);
    res.cookies.set(cookie.name, cookie.value, cookie.options);
    return res;
  },
  { send: sendEvents },
);

export const GET = crmActionNotFound;
