// GET ?q=: deals of the workspace for the "Move to another deal" picker (for a call the viewer may see).
import { NextResponse } from "next/server";
import { z } from "zod";
import { withCall } from "@/lib/api/call";
import { parseInput } from "@/lib/http";
import { searchDealOptions } from "@/lib/calls/queries";

const query = z.object({ q: z.string().max(200, "Search is limited to 200 characters.").default("") });

export const GET = withCall(async (req, { session }) => {
  const { q } = parseInput(query, Object.fromEntries(new URL(req.url).searchParams));
  return NextResponse.json({ deals: await searchDealOptions(session, q) });
});
