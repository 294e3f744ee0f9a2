// GET /api/search?q=…&page=…: the search page's results as JSON for the signed-in member's workspace.
// Counted against the user's per-minute search limit (429 with Retry-After) and run under the search
// statement_timeout (503 with a message to narrow the search): lib/calls/search.ts.
import { NextResponse } from "next/server";
import { searchAsUser, searchParamsSchema } from "@/lib/calls/search";
import { parseInput, withWorkspace } from "@/lib/http";

export const dynamic = "force-dynamic";

export const GET = withWorkspace(async (req, { session }) => {
  const params = parseInput(searchParamsSchema, Object.fromEntries(new URL(req.url).searchParams));
  const result = await searchAsUser(session, params);
  return NextResponse.json({ result });
});
