// GET: the call's transcript, speaker-attributed and grouped into turns (compact JSON for the viewer).
import { NextResponse } from "next/server";
import { NotFoundError } from "@/lib/errors";
import { withWorkspace } from "@/lib/http";
import { getTranscript } from "@/lib/calls/queries";

export const GET = withWorkspace<{ callId: string }>(async (_req, { session, params }) => {
  const transcript = await getTranscript(session, params.callId);
  if (!transcript) throw new NotFoundError("That call");
  // Private to the signed-in user; a stored transcript only changes when a sync rewrites it.
  return NextResponse.json(transcript, { headers: { "Cache-Control": "private, no-cache" } });
});
