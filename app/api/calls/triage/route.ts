// POST { action: "link", callIds, dealId } | { action: "dismiss", callIds } | { action: "restore", callIds }:
// Unlinked calls' bulk actions (lib/calls/triage.ts). Any member, on calls they may see; all or nothing.
import { NextResponse } from "next/server";
import { applyTriage } from "@/lib/calls/triage";
import { readJsonBody, withWorkspace } from "@/lib/http";

export const POST = withWorkspace(async (req, { session }) => {
  const body = await readJsonBody(req, { invalidMessage: 'The request body must be JSON: { "action": "link" | "dismiss" | "restore", "callIds": […] }.' });
  return NextResponse.json(await applyTriage(session, body));
});
