// Moving a call to another deal, or unlinking it, by hand. Recorded as a MANUAL link (lib/sync/linking.ts)
// so no later sync overwrites the choice. Input is validated with zod; the call is loaded through the
// visibility rule before anything is written (by the route wrapper withCall, or by reassignCall).
import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { setManualLink } from "@/lib/sync/linking";
import { findVisibleCall, ID_PATTERN, type Viewer, type VisibleCall } from "@/lib/calls/visibility";

const id = (what: string) => z.string({ error: `${what} is required.` }).regex(ID_PATTERN, `${what} is not a valid id.`);

export const reassignInputSchema = z.object({
  callId: id("Call"),
  // null = unlink. Required explicitly so an empty body never unlinks by accident.
  dealId: z.union([id("Deal"), z.null()], { error: "Choose a deal, or null to unlink." }),
});
export type ReassignInput = z.infer<typeof reassignInputSchema>;

export function parseReassignInput(input: unknown): ReassignInput {
  const parsed = reassignInputSchema.safeParse(input);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const issue of parsed.error.issues) fields[issue.path.join(".") || "_"] ??= issue.message;
    throw new ValidationError(Object.values(fields)[0] ?? "The request is not valid.", fields);
  }
  return parsed.data;
}

export type ReassignResult = { callId: string; deal: { id: string; name: string } | null };

/** Validates `{ callId, dealId }`, loads the call the viewer may see, and moves it (scripts and tests; routes use withCall + moveCall). */
export async function reassignCall(viewer: Viewer, input: unknown): Promise<ReassignResult> {
  const { callId, dealId } = parseReassignInput(input);
  return moveCall(viewer, await findVisibleCall(viewer, callId), dealId);
}

/** Moves a call the viewer may see (already loaded through the visibility rule) to a deal of its workspace, or unlinks it (null). */
export async function moveCall(viewer: Viewer, call: Pick<VisibleCall, "id" | "workspaceId">, dealId: string | null): Promise<ReassignResult> {
  const deal = dealId ? await db.deal.findFirst({ where: { id: dealId, workspaceId: call.workspaceId }, select: { id: true, name: true } }) : null;
  if (dealId && !deal) throw new NotFoundError("That deal");
  await db.$transaction(async (tx) => {
    const link = await setManualLink(call.workspaceId, call.id, dealId, viewer.userId, tx);
    if (!link) throw new NotFoundError(dealId ? "That deal" : "That call");
    const title = (await tx.call.findUnique({ where: { id: call.id }, select: { title: true } }))?.title ?? "a call";
    await recordAudit(
      {
        workspaceId: call.workspaceId,
        actorId: viewer.userId,
        action: deal ? "call.linked" : "call.unlinked",
        summary: deal ? `Linked “${title}” to ${deal.name}` : `Unlinked “${title}” from its deal`,
        targetType: "call",
        targetId: call.id,
      },
      tx,
    );
  });
  return { callId: call.id, deal };
}
