// GET: the CRM Manage page's state of one CRM (polled by the browser while a sync runs). Admin only.
import { NextResponse } from "next/server";
import { withCrmProvider } from "@/lib/api/crm";
import { getCrmDetail } from "@/lib/crm/queries";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const GET = withCrmProvider(
  async (_req, { session, provider }) => {
    const detail = await getCrmDetail(session.workspaceId, provider);
    return NextResponse.json(detail, { headers: { "Cache-Control": "no-store" } });
  },
  { send: sendEvents },
);
