// POST: start OAuth (Gong, Salesloft): a fresh single-use state and the provider's consent URL.
import { NextResponse } from "next/server";
import { actionNotFound, readActionBody, withProvider } from "@/lib/api/integration";
import { startOAuth } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withProvider(
  async (req, { provider, actor }) => {
    // The body carries nothing, but a malformed or oversize one is still refused (400/413).
    await readActionBody(req);
    const { state, authorizationUrl } = await startOAuth(actor, provider);
    return NextResponse.json({ state, authorizationUrl });
  },
  { send: sendEvents },
);

export const GET = actionNotFound;
