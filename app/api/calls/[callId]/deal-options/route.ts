// GET ?q=: deals of the workspace for the "Move to another deal" picker.
import { NextResponse } from "next/server";
import { z } from "zod";
import { NotFoundError } from "@/lib/errors";
import { parseInput, withWorkspace } from "@/lib/http";
import { canSeeCall, searchDealOptions } from "@/lib/calls/queries";

const query = z.object({ q: z.string().max(200, "Search is limited to 200 characters.").default("") });

export const GET = withWorkspace<{ callId: string }>(async (req, { session, params }) => {
  if (!(await canSeeCall(session, params.callId))) throw new NotFoundError("That call");
  const { q } = parseInput(query, Object.fromEntries(new URL(req.url).searchParams));
  return NextResponse.json({ deals: await searchDealOptions(session, q) });
});
