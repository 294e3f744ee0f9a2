// POST { ref } or { date, participant }: "Why isn't my call here?" (lib/calls/why-call.ts). Reads only: a
// refused input is a 400 with the field's message, and nothing is stored either way.
import { NextResponse } from "next/server";
import { z } from "zod";
import { explainCall } from "@/lib/calls/why-call";
import { parseInput, readJsonBody, withWorkspace } from "@/lib/http";
import { isOneLine } from "@/lib/validation";

export const dynamic = "force-dynamic";

const refSchema = z.object({
  ref: z
    .string({ message: "Paste a call link or id." })
    .trim()
    .min(1, "Paste a call link or id.")
    .max(500, "That link is too long to be a call link.")
    .refine(isOneLine, "Paste one call link or id."),
});
const dateSchema = z.object({
  date: z
    .string({ message: "Choose the day of the call." })
    .regex(/^\d{4}-\d{2}-\d{2}$/, "Choose the day of the call.")
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "Choose the day of the call."),
  participant: z.string({ message: "Enter a participant's email." }).trim().toLowerCase().email("Enter a participant's email.").max(254),
});

export const POST = withWorkspace(async (req, { session }) => {
  const body = await readJsonBody(req);
  const input = parseInput(body && typeof body === "object" && "ref" in body ? refSchema.strict() : dateSchema.strict(), body);
  const answer = await explainCall({ workspaceId: session.workspaceId, userId: session.userId, role: session.role }, input);
  return NextResponse.json({ answer });
});
