// POST: Sync now (an incremental run for every user).
import { NextResponse } from "next/server";
import { actionNotFound, withIntegration } from "@/lib/api/integration";
import { syncNow } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

// No input: the wrapper still refuses a malformed or oversize body (400/413).
export const POST = withIntegration(
  async (_req, { actor, integration }) => {
    await syncNow(actor, integration);
    return NextResponse.json({ ok: true });
  },
  { send: sendEvents },
);

export const GET = actionNotFound;
