// Realistic call data for the calls tests, written through the real ingest + linking code.
import { db } from "@/lib/db";
import { hashPassword } from "@/lib/auth/password";
import type { Viewer } from "@/lib/calls/visibility";
import type { CanonicalCall, CanonicalParticipant, CanonicalSentence } from "@/lib/providers/canonical";
import { ingestCalls, loadIngestContext, storeTranscripts } from "@/lib/sync/ingest";
import { linkCalls } from "@/lib/sync/linking";
import { createWorkspace, uid } from "../support/db";

export const person = (
  email: string | null,
  affiliation: CanonicalParticipant["affiliation"],
  speakerKey: string | null = null,
  extra: Partial<CanonicalParticipant> = {},
): CanonicalParticipant => ({
  speakerKey,
  name: email ? email.split("@")[0]! : null,
  email,
  title: null,
  phone: null,
  affiliation,
  isInvitee: true,
  isAttendee: true,
  providerUserId: null,
  ...extra,
});

export function canonicalCall(id: string, participants: CanonicalParticipant[], extra: Partial<CanonicalCall> = {}): CanonicalCall {
  return {
    provider: "GONG",
    providerCallId: id,
    title: `Call ${id}`,
    startedAt: new Date("2026-10-01T15:00:00Z"),
    durationSec: 1800,
    direction: "CONFERENCE",
    platform: "Zoom",
    language: "eng",
    isPrivate: false,
    providerUrl: `https://app.gong.io/call?id=${id}`,
    summary: null,
    keyPoints: null,
    actionItems: null,
    crm: { system: null, dealIds: [], accountIds: [] },
    recording: { audioUrl: null, videoUrl: null, expiresAt: null },
    participants,
    ownerProviderUserId: null,
    transcriptStatus: "PENDING",
    providerUpdatedAt: null,
    ...extra,
  };
}

/**
 * A workspace with an admin, a member and a second member ("rep"), a GONG integration and two deals
 * (A with a CRM id and a contact, B without).
 */
export async function callsWorkspace() {
  const { workspace, admin, member } = await createWorkspace("Calls");
  const rep = await db.user.create({ data: { email: `rep-${uid()}@test.local`, name: "Rita Rep", passwordHash: await hashPassword("pw") } });
  await db.membership.create({ data: { userId: rep.id, workspaceId: workspace.id, role: "MEMBER" } });
  const integration = await db.integration.create({ data: { workspaceId: workspace.id, provider: "GONG", status: "CONNECTED" } });
  const crmDealId = `006${uid()}`;
  const dealA = await db.deal.create({
    data: {
      workspaceId: workspace.id,
      name: "Globex expansion",
      stage: "Discovery",
      crmSource: "SALESFORCE",
      crmDealId,
      contacts: { create: [{ workspaceId: workspace.id, name: "Grace Buyer", email: "grace@globex.example" }] },
    },
  });
  const dealB = await db.deal.create({ data: { workspaceId: workspace.id, name: "Initech renewal", stage: "Proposal", crmSource: "NONE" } });
  const viewers = {
    admin: { workspaceId: workspace.id, userId: admin.id, role: "ADMIN" } satisfies Viewer,
    member: { workspaceId: workspace.id, userId: member.id, role: "MEMBER" } satisfies Viewer,
    rep: { workspaceId: workspace.id, userId: rep.id, role: "MEMBER" } satisfies Viewer,
  };
  const ctx = await loadIngestContext(workspace.id, integration.id);
  async function ingest(calls: CanonicalCall[]) {
    const { kept } = await ingestCalls(ctx, calls);
    await linkCalls(
      workspace.id,
      kept.map((k) => k.id),
    );
    return Object.fromEntries(kept.map((k) => [k.providerCallId, k.id])) as Record<string, string>;
  }
  async function transcript(providerCallId: string, sentences: CanonicalSentence[]) {
    await storeTranscripts(workspace.id, "GONG", [{ providerCallId, status: "AVAILABLE", sentences, details: null }]);
  }
  return { workspace, admin, member, rep, integration, dealA, dealB, crmDealId, viewers, ingest, transcript };
}

export type CallsWorkspace = Awaited<ReturnType<typeof callsWorkspace>>;
