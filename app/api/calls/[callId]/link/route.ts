// POST { dealId: string | null }: move the call to a deal, or unlink it (null). Recorded as MANUAL.
import { NextResponse } from "next/server";
import { readJsonBody, withWorkspace } from "@/lib/http";
import { reassignCall } from "@/lib/calls/reassign";

export const POST = withWorkspace<{ callId: string }>(async (req, { session, params }) => {
  const body = await readJsonBody(req, { invalidMessage: "The request body must be JSON: { \"dealId\": \"…\" } or { \"dealId\": null }." });
  const dealId = body && typeof body === "object" && "dealId" in body ? (body as { dealId: unknown }).dealId : undefined;
  const result = await reassignCall(session, { callId: params.callId, dealId });
  return NextResponse.json(result);
});
