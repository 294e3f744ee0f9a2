// GET ?state=…: where an OAuth attempt of this workspace stands ({ status }), polled while the consent tab is open.
import { NextResponse } from "next/server";
import { z } from "zod";
import { actionNotFound, withProvider } from "@/lib/api/integration";
import { parseInput } from "@/lib/http";
import { oauthAttemptStatus } from "@/lib/integrations/connect";
import { TOKEN_PATTERN } from "@/lib/validation";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

const stateSchema = z.object({ state: z.string().min(16, "state is not valid.").max(200, "state is not valid.").regex(TOKEN_PATTERN, "state is not valid.") });

export const GET = withProvider(
  async (req, { session }) => {
    const { state } = parseInput(stateSchema, { state: new URL(req.url).searchParams.get("state") ?? "" });
    const result = await oauthAttemptStatus(session.workspaceId, state);
    return NextResponse.json(result, { headers: { "Cache-Control": "no-store" } });
  },
  { send: sendEvents },
);

export const POST = actionNotFound;
