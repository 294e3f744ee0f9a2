// POST { userSyncId }: retry one user's failed sync.
import { NextResponse } from "next/server";
import { z } from "zod";
import { actionNotFound, withIntegration } from "@/lib/api/integration";
import { ID_PATTERN } from "@/lib/calls/visibility";
import { retryUser } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

const retrySchema = z.object({ userSyncId: z.string({ error: "userSyncId is required." }).regex(ID_PATTERN, "userSyncId is not a valid id.") });

export const POST = withIntegration(
  async (_req, { actor, integration, input }) => {
    await retryUser(actor, integration, input.userSyncId);
    return NextResponse.json({ ok: true });
  },
  { send: sendEvents, input: retrySchema },
);

export const GET = actionNotFound;
