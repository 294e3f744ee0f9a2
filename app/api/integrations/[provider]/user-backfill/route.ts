// POST { userSyncId, period }: backfill one "Needs sync" user (a member who joined after the backfill).
import { NextResponse } from "next/server";
import { actionNotFound, withIntegration } from "@/lib/api/integration";
import { backfillUser, userBackfillSchema } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withIntegration(async (_req, { actor, integration, input }) => NextResponse.json(await backfillUser(actor, integration, input)), {
  send: sendEvents,
  input: userBackfillSchema,
});

export const GET = actionNotFound;
