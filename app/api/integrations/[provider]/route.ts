// GET: the wizard / Manage page state of one provider (polled by the browser while syncing).
import { NextResponse } from "next/server";
import { withProvider } from "@/lib/api/integration";
import { getIntegrationDetail } from "@/lib/integrations/queries";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const GET = withProvider(
  async (_req, { session, provider }) => {
    const detail = await getIntegrationDetail(session.workspaceId, provider);
    return NextResponse.json(detail, { headers: { "Cache-Control": "no-store" } });
  },
  { send: sendEvents },
);
