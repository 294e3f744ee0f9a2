// POST { apiKey, apiSecret }: connect with an API key (Clari Copilot); the key is checked with the provider first.
import { NextResponse } from "next/server";
import { actionNotFound, readActionBody, withProvider } from "@/lib/api/integration";
import { connectWithApiKey } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withProvider(
  async (req, { provider, actor }) => {
    // Validated by connectWithApiKey (apiKeySchema), whose messages the connect form shows per field.
    await connectWithApiKey(actor, provider, await readActionBody(req));
    return NextResponse.json({ ok: true });
  },
  { send: sendEvents },
);

export const GET = actionNotFound;
