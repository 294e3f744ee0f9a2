// POST: a fresh recording link: the stored one while it is valid, else one from the provider (interactive
// priority through the shared limiter), within the per-person, per-call and quota-share limits.
import { NextResponse } from "next/server";
import { viewerTimeZone } from "@/lib/accounts/time-zone";
import { withCall } from "@/lib/api/call";
import { refreshRecording } from "@/lib/calls/recording";

export const POST = withCall(async (_req, { session, call }) =>
  NextResponse.json({ recording: await refreshRecording(call, session.userId, new Date(), (await viewerTimeZone()).zone) }),
);
