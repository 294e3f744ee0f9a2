// POST { fileName, fileBytes }: starts a CSV deal import (the file follows in parts, ./[importId]/chunks).
// GET: the newest import of the workspace, so the page resumes after a reload. Admins only.
import { NextResponse } from "next/server";
import { createImport, createImportInput, latestImportView } from "@/lib/deals/import-csv";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";

export const POST = withWorkspace(
  async (req, { session }) => {
    const input = parseInput(createImportInput, await readJsonBody(req));
    const created = await createImport({ workspaceId: session.workspaceId, userId: session.userId, ...input });
    return NextResponse.json(created, { status: 201 });
  },
  { role: "ADMIN" },
);

export const GET = withWorkspace(async (_req, { session }) => NextResponse.json({ import: await latestImportView(session.workspaceId) }), { role: "ADMIN" });
