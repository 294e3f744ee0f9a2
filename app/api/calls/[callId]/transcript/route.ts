// GET: the call's transcript, speaker-attributed and grouped into turns (compact JSON for the viewer).
import { NextResponse } from "next/server";
import { withCall } from "@/lib/api/call";
import { transcriptOf } from "@/lib/calls/queries";

export const GET = withCall(async (_req, { call }) => {
  // Private to the signed-in user; a stored transcript only changes when a sync rewrites it.
  return NextResponse.json(await transcriptOf(call), { headers: { "Cache-Control": "private, no-cache" } });
});
