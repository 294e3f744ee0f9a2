// POST: start OAuth (Gong, Salesloft): a fresh single-use state and the provider's consent URL, and the
// attempt's cookie that binds it to this browser (lib/integrations/oauth-binding.ts).
import { NextResponse } from "next/server";
import { actionNotFound, readActionBody, withProvider } from "@/lib/api/integration";
import { env } from "@/lib/env";
import { startOAuth } from "@/lib/integrations/connect";
import { bindingCookie } from "@/lib/integrations/oauth-binding";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withProvider(
  async (req, { provider, actor }) => {
    // The body carries nothing, but a malformed or oversize one is still refused (400/413).
    await readActionBody(req);
    const { state, authorizationUrl, browserNonce } = await startOAuth(actor, provider);
    const res = NextResponse.json({ state, authorizationUrl });
    const cookie = bindingCookie(state, browserNonce, env.APP_URL);
    res.cookies.set(cookie.name, cookie.value, cookie.options);
    return res;
  },
  { send: sendEvents },
);

export const GET = actionNotFound;
