// POST: fetch fresh recording links from the provider (interactive priority through the shared limiter).
import { NextResponse } from "next/server";
import { withCall } from "@/lib/api/call";
import { refreshRecording } from "@/lib/calls/recording";

export const POST = withCall(async (_req, { call }) => NextResponse.json({ recording: await refreshRecording(call) }));
