// POST: disconnect this provider's integration (syncing stops; what was synced stays until purged).
import { NextResponse } from "next/server";
import { actionNotFound, withIntegration } from "@/lib/api/integration";
import { disconnect } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

// No input: the wrapper still refuses a malformed or oversize body (400/413).
export const POST = withIntegration(
  async (_req, { actor, integration }) => {
    await disconnect(actor, integration);
    return NextResponse.json({ ok: true });
  },
  { send: sendEvents },
);

export const GET = actionNotFound;
