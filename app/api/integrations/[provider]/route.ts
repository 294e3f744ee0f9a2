// GET: the wizard / Manage page state of one provider (polled by the browser while syncing).
import { NextResponse } from "next/server";
import { withWorkspace } from "@/lib/http";
import { getIntegrationDetail } from "@/lib/integrations/queries";
import { providerFromSlug } from "../helpers";

export const dynamic = "force-dynamic";

export const GET = withWorkspace<{ provider: string }>(
  async (_req, { session, params }) => {
    const provider = providerFromSlug(params.provider);
    const detail = await getIntegrationDetail(session.workspaceId, provider);
    return NextResponse.json(detail, { headers: { "Cache-Control": "no-store" } });
  },
  { role: "ADMIN" },
);
