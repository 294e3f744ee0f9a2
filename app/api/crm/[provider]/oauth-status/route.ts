// GET ?state=…: where an OAuth attempt of this workspace's CRM stands ({ status }), polled while the consent tab is open.
import { NextResponse } from "next/server";
import { z } from "zod";
import { crmActionNotFound, withCrmProvider } from "@/lib/api/crm";
import { parseInput } from "@/lib/http";
import { oauthAttemptStatus } from "@/lib/integrations/connect";
import { TOKEN_PATTERN } from "@/lib/validation";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

const stateSchema = z.object({ state: z.string().min(16, "state is not valid.").max(200, "state is not valid.").regex(TOKEN_PATTERN, "state is not valid.") });

export const GET = withCrmProvider(
  async (req, { session }) => {
    const { state } = parseInput(stateSchema, { state: new URL(req.url).searchParams.get("state") ?? "" });
    return NextResponse.json(await oauthAttemptStatus(session.workspaceId, state), { headers: { "Cache-Control": "no-store" } });
  },
  { send: sendEvents },
);

export const POST = crmActionNotFound;
