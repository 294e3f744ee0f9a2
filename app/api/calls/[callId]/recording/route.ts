// POST: fetch fresh recording links from the provider (interactive priority through the shared limiter).
import { NextResponse } from "next/server";
import { NotFoundError } from "@/lib/errors";
import { withWorkspace } from "@/lib/http";
import { canSeeCall } from "@/lib/calls/queries";
import { refreshRecording } from "@/lib/calls/recording";

export const POST = withWorkspace<{ callId: string }>(async (_req, { session, params }) => {
  if (!(await canSeeCall(session, params.callId))) throw new NotFoundError("That call");
  const recording = await refreshRecording(session.workspaceId, params.callId);
  return NextResponse.json({ recording });
});
