// Moving a call to another deal, or unlinking it, by hand. Recorded as a MANUAL link (lib/sync/linking.ts)
// so no later sync overwrites the choice. Callers pass the signed-in session: the caller's workspace and
// visibility are checked before anything is written; input is validated with zod.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { NotFoundError, ValidationError } from "@/lib/errors";
import { setManualLink } from "@/lib/sync/linking";
import { canSeeCall } from "@/lib/calls/queries";
import { ID_PATTERN, type Viewer } from "@/lib/calls/visibility";

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

export async function reassignCall(viewer: Viewer, input: unknown): Promise<ReassignResult> {
  const { callId, dealId } = parseReassignInput(input);
  // A call the viewer cannot see (another workspace, or someone else's private call) does not exist.
  if (!(await canSeeCall(viewer, callId))) throw new NotFoundError("That call");
  const deal = dealId ? await db.deal.findFirst({ where: { id: dealId, workspaceId: viewer.workspaceId }, select: { id: true, name: true } }) : null;
  if (dealId && !deal) throw new NotFoundError("That deal");
  const link = await setManualLink(viewer.workspaceId, callId, dealId, viewer.userId);
  if (!link) throw new NotFoundError(dealId ? "That deal" : "That call");
  return { callId, deal };
}
