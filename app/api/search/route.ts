// GET /api/search?q=…&page=…&provider=…&from=…&to=…&participant=…&deal=…: the search page's results (grouped
// by call, filters as on the page, days in the viewer's zone; a filter that cannot be used is a 400) as JSON for the signed-in member's workspace.
// Counted against the user's per-minute search limit (429 with Retry-After) and run under the search
// statement_timeout (503 with a message to narrow the search): lib/calls/search.ts.
import { NextResponse } from "next/server";
import { viewerTimeZone } from "@/lib/accounts/time-zone";
import { resolveFilters, searchCallsAsUser, searchFiltersSchema, searchParamsSchema } from "@/lib/calls/search";
import { parseInput, withWorkspace } from "@/lib/http";

export const dynamic = "force-dynamic";

export const GET = withWorkspace(async (req, { session }) => {
  const input = Object.fromEntries(new URL(req.url).searchParams);
  const params = parseInput(searchParamsSchema, input);
  const filters = parseInput(searchFiltersSchema, input);
  const result = await searchCallsAsUser(session, params, resolveFilters(filters, (await viewerTimeZone()).zone));
  return NextResponse.json({ result });
});
