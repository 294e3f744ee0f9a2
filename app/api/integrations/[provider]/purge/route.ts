// POST { confirm: "DELETE" }: delete everything synced from this provider (runs in the background).
import { NextResponse } from "next/server";
import { actionNotFound, withIntegration } from "@/lib/api/integration";
import { purge } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

export const POST = withIntegration(
  async (_req, { actor, integration, input }) => {
    // The confirmation is validated by purge itself (purgeConfirmSchema), after the integration is known.
    return NextResponse.json(await purge(actor, integration, input));
  },
  { send: sendEvents },
);

export const GET = actionNotFound;
