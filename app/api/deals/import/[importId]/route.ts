// GET ?page=&kind=errors|warnings: the import's progress, column mapping and a page of row problems (polled by the page).
import { NextResponse } from "next/server";
import { getImportView, importIdOf, viewParams } from "@/lib/deals/import-csv";
import { parseInput, withWorkspace } from "@/lib/http";

export const GET = withWorkspace<{ importId: string }>(
  async (req, { session, params }) => {
    const url = new URL(req.url);
    const opts = parseInput(viewParams, Object.fromEntries(url.searchParams));
    return NextResponse.json(await getImportView(session.workspaceId, importIdOf(params.importId), opts));
  },
  { role: "ADMIN" },
);
