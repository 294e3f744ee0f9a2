// POST { period }: choose how far back the first sync goes (or SKIP), which starts it.
import { NextResponse } from "next/server";
import { z } from "zod";
import { actionNotFound, withIntegration } from "@/lib/api/integration";
import { backfillPeriodSchema, chooseBackfill } from "@/lib/integrations/connect";
import { sendEvents } from "@/inngest/client";

export const dynamic = "force-dynamic";

const backfillSchema = z.object({
  period: z.enum(backfillPeriodSchema.options, { error: `Choose a backfill period: ${backfillPeriodSchema.options.join(", ")}.` }),
});

export const POST = withIntegration(
  async (_req, { actor, integration, input }) => {
    await chooseBackfill(actor, integration, input.period);
    return NextResponse.json({ ok: true });
  },
  { send: sendEvents, input: backfillSchema, inputMessage: "Choose a backfill period." },
);

export const GET = actionNotFound;
