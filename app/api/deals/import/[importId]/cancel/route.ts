// POST {}: drops an import that has not been written (uploading, previewed or failed) and its stored file.
import { NextResponse } from "next/server";
import { cancelImport, importIdOf } from "@/lib/deals/import-csv";
import { withWorkspace } from "@/lib/http";

export const POST = withWorkspace<{ importId: string }>(
  async (_req, { session, params }) => {
    await cancelImport(session.workspaceId, importIdOf(params.importId));
    return NextResponse.json({ ok: true });
  },
  { role: "ADMIN" },
);
