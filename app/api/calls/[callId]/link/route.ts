// POST { dealId: string | null }: move the call to a deal, or unlink it (null). Recorded as MANUAL.
import { NextResponse } from "next/server";
import { withCall } from "@/lib/api/call";
import { readJsonBody } from "@/lib/http";
import { moveCall, parseReassignInput } from "@/lib/calls/reassign";

export const POST = withCall(async (_req, { session, call, input }) => NextResponse.json(await moveCall(session, call, input.dealId)), {
  // Body and ids are checked before the call is looked up: malformed input is a 400 whichever call it names.
  input: async (req: Request, params: { callId: string }) => {
    const body = await readJsonBody(req, { invalidMessage: 'The request body must be JSON: { "dealId": "…" } or { "dealId": null }.' });
    const dealId = body && typeof body === "object" && "dealId" in body ? (body as { dealId: unknown }).dealId : undefined;
    return parseReassignInput({ callId: params.callId, dealId });
  },
});
