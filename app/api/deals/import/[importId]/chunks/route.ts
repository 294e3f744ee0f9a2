// POST { index, data }: part `index` of the file, base64 (changes are JSON only, lib/http.ts). The last part starts the check.
import { NextResponse } from "next/server";
import { sendEvents } from "@/inngest/client";
import { appendChunk, CHUNK_BODY_BYTES, chunkInput, importIdOf } from "@/lib/deals/import-csv";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";

export const POST = withWorkspace<{ importId: string }>(
  async (req, { session, params }) => {
    const importId = importIdOf(params.importId);
    const input = parseInput(chunkInput, await readJsonBody(req, { maxBytes: CHUNK_BODY_BYTES + 1024 }));
    const data = Buffer.from(input.data, "base64");
    return NextResponse.json(await appendChunk({ workspaceId: session.workspaceId, importId, index: input.index, data, send: sendEvents }));
  },
  { role: "ADMIN" },
);
