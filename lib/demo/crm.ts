// The demo start's CRM connection (issue 14 item 5): the demo workspace's deals are not seeded, they come
// from the HubSpot simulator's demo portal the way a real workspace gets them. This connects HubSpot for
// Acme through the product's own connect code (startCrmOAuth, the simulator's consent page answered Allow
// as the admin's browser would, completeAnyOAuth's code exchange and account read), which starts the real
// first import (the crm-import Inngest function, the HubSpot client against the simulator). Called by the
// demo start only (app/api/dev/demo-crm, keyed by the stack; scripts/lib/stack.ts waits for the import).
import "server-only";
import { db } from "@/lib/db";
import { startCrmOAuth, completeAnyOAuth } from "@/lib/crm/connect";
import { DEMO_USERS, DEMO_WORKSPACE } from "@/lib/demo/data";
import type { SendEvents } from "@/lib/events";

export type DemoCrmState = {
  status: "not_connected" | "importing" | "connected" | "failed";
  integrationId: string | null;
  deals: number;
  message: string | null;
};

const DEMO_ADMIN = DEMO_USERS.find((u) => u.role === "ADMIN")!.email;

async function demoActor() {
  const workspace = await db.workspace.findUnique({ where: { slug: DEMO_WORKSPACE.slug }, select: { id: true } });
  const admin = await db.user.findUnique({ where: { email: DEMO_ADMIN }, select: { id: true } });
  if (!workspace || !admin) throw new Error(`The demo workspace "${DEMO_WORKSPACE.name}" is not seeded`);
  return { workspaceId: workspace.id, userId: admin.id };
}

/** Where the demo workspace's HubSpot connection and first import are. */
export async function demoCrmState(): Promise<DemoCrmState> {
  const { workspaceId } = await demoActor();
  const integration = await db.integration.findUnique({
    where: { workspaceId_provider: { workspaceId, provider: "HUBSPOT" } },
    select: { id: true, status: true, statusMessage: true },
  });
  const deals = await db.deal.count({ where: { workspaceId } });
  if (!integration) return { status: "not_connected", integrationId: null, deals, message: null };
  const run = await db.syncRun.findFirst({
    where: { integrationId: integration.id, kind: "BACKFILL" },
    orderBy: { startedAt: "desc" },
    select: { status: true, error: true },
  });
  const failed = run?.status === "FAILED" || integration.status === "RECONNECT_REQUIRED";
  const status = failed ? "failed" : integration.status === "CONNECTED" && run?.status === "SUCCEEDED" ? "connected" : "importing";
  return { status, integrationId: integration.id, deals, message: failed ? (run?.error ?? integration.statusMessage) : null };
}

/** The simulator's consent page answered as the admin's browser would (Allow): the callback's query. */
async function allowOnConsentPage(authorizationUrl: string): Promise<URLSearchParams> {
  const page = await fetch(authorizationUrl);
  if (!page.ok) throw new Error(`The HubSpot consent page answered ${page.status}`);
  const html = await page.text();
  const unescape = (v: string) =>
    v
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, "<")
      .replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error("The HubSpot consent page has no form");
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.set(m[1]!, unescape(m[2]!));
  form.set("decision", "allow");
  const res = await fetch(new URL(unescape(action), authorizationUrl), { method: "POST", body: form, redirect: "manual" });
  const location = res.headers.get("location");
  if (res.status !== 302 || !location) throw new Error(`The HubSpot consent answered ${res.status} without a redirect`);
  return new URL(location).searchParams;
}

/**
 * Connects HubSpot for the demo workspace (once: a workspace with a HubSpot connection is left as it is) and
 * starts its first import through `send` (the Inngest client's sender).
 */
export async function connectDemoCrm(send: SendEvents): Promise<DemoCrmState> {
  const before = await demoCrmState();
  if (before.status !== "not_connected") return before;
  const actor = await demoActor();
  const { authorizationUrl, browserNonce } = await startCrmOAuth({ ...actor, send }, "HUBSPOT", {});
  const back = await allowOnConsentPage(authorizationUrl);
  const done = await completeAnyOAuth({ state: back.get("state"), code: back.get("code") }, { userId: actor.userId, browserNonce }, send);
  if (done.outcome !== "ok")
    throw new Error(`Connecting HubSpot for the demo workspace ended "${done.outcome}"${done.reference ? ` (reference ${done.reference})` : ""}`);
  return demoCrmState();
}
