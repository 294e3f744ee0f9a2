// POST { mode: "ALL" | "VALID_ONLY" }: writes the checked rows. ALL is refused while a row has an error.
import { NextResponse } from "next/server";
import { sendEvents } from "@/inngest/client";
import { commitInput, importIdOf, startCommit } from "@/lib/deals/import-csv";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";

export const POST = withWorkspace<{ importId: string }>(
  async (req, { session, params }) => {
    const importId = importIdOf(params.importId);
    const { mode } = parseInput(commitInput, await readJsonBody(req));
    await startCommit({ workspaceId: session.workspaceId, importId, mode, send: sendEvents });
    return NextResponse.json({ ok: true });
  },
  { role: "ADMIN" },
);
