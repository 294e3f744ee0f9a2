// Runs CRM syncs in-process against the test database and an in-memory CRM (./fake-client.ts): the real
// step sequence (inngest/functions/crm-run.ts) with a step runner that behaves as the Inngest runtime does
// for it: a step's result is kept once it succeeds, a failed step is retried (4 attempts, the functions'
// retries: 3) unless it is non-retriable, a rate limit is a (here instant) durable sleep.
import { NonRetriableError } from "inngest";
import { db } from "@/lib/db";
import { startImport } from "@/lib/crm/connect";
import { acquireCrmLease, type CrmRunKind } from "@/lib/crm/sync";
import type { AppEvent } from "@/lib/events";
import type { CrmId } from "@/lib/providers/crm/types";
import { sealCredentials } from "@/lib/sync/credentials";
import { transition } from "@/lib/sync/lifecycle";
import { failCrmRunFromError, runCrmSteps, type CrmStep } from "@/inngest/functions/crm-run";
import { createWorkspace } from "../support/db";
import { FakeCrm } from "./fake-client";

export interface StepLog {
  ids: string[];
  sleeps: number;
  attempts: number;
}

/** A step runner like the runtime's; `replay`: every step runs twice (its first answer lost), the second result kept. */
export function testStep(log: StepLog = { ids: [], sleeps: 0, attempts: 0 }, opts: { replay?: boolean } = {}): CrmStep & { log: StepLog } {
  const done = new Map<string, unknown>();
  return {
    log,
    async run<T>(id: string, fn: () => Promise<T>) {
      if (done.has(id)) return done.get(id) as T;
      log.ids.push(id);
      for (let attempt = 1; ; attempt++) {
        log.attempts++;
        try {
          if (opts.replay) await fn();
          const value = JSON.parse(JSON.stringify((await fn()) ?? null)) as T;
          done.set(id, value);
          return value;
        } catch (e) {
          if (e instanceof NonRetriableError || attempt >= 4) throw e;
        }
      }
    },
    async sleep() {
      log.sleeps++;
    },
  };
}

export async function crmWorkspace(provider: CrmId = "HUBSPOT") {
  const w = await createWorkspace("Crm");
  const fake = new FakeCrm(provider);
  const integration = await db.integration.create({ data: { workspaceId: w.workspace.id, provider }, select: { id: true } });
  const sent: AppEvent[] = [];
  const send = async (e: AppEvent | AppEvent[]) => void sent.push(...(Array.isArray(e) ? e : [e]));
  const clients = () => fake.client();

  /** As the callback's completion leaves it: connected (SYNCING), the first import's run leased and requested. */
  async function connect() {
    const state = await transition(integration.id, {
      type: "crmConnected",
      credentialsEnc: sealCredentials(integration.id, { kind: "oauth", accessToken: "at", refreshToken: "rt", expiresAt: null, apiBaseUrl: null, scope: null }),
      accountName: "HubSpot · Acme",
      accountId: "hub-1",
      apiBaseUrl: null,
      oauthBaseUrl: null,
      tokenExpiresAt: null,
      crmCurrency: "USD",
      connectedById: w.admin.id,
    });
    const runId = await startImport(integration.id, state.generation, w.admin.id, send);
    return { generation: state.generation, runId: runId! };
  }

  /** Runs the steps of a run to the end (or to its failure, handled as the functions' onFailure does). */
  async function run(runId: string, kind: CrmRunKind, step = testStep()) {
    const { generation } = await db.integration.findUniqueOrThrow({ where: { id: integration.id }, select: { generation: true } });
    try {
      return { ...(await runCrmSteps(step, { integrationId: integration.id, generation, runId }, { clients })), failed: null as unknown };
    } catch (error) {
      await failCrmRunFromError({ integrationId: integration.id, runId, kind }, error);
      return { cancelled: false, relink: false, workspaceId: w.workspace.id, changed: 0, failed: error };
    }
  }

  /** Connect + the whole first import. */
  async function importAll(step = testStep()) {
    const { runId } = await connect();
    return { runId, ...(await run(runId, "BACKFILL", step)) };
  }

  /** A later sync (the cron's, or Sync now's). */
  async function sync(kind: "POLL" | "MANUAL" = "POLL", step = testStep()) {
    // The CRM's clock is the real one: the run's window ends at its start, after the changes made before it.
    await new Promise((r) => setTimeout(r, 3));
    const lease = await acquireCrmLease(integration.id, kind, null);
    if (!lease) throw new Error("lease held");
    return { runId: lease.runId, ...(await run(lease.runId, kind, step)) };
  }

  return { ...w, fake, integrationId: integration.id, sent, send, connect, run, importAll, sync };
}

/** Everything a sync wrote for a workspace, in a comparable form (no ids, no times of our own). */
export async function snapshot(workspaceId: string) {
  const deals = await db.deal.findMany({
    where: { workspaceId },
    orderBy: { crmDealId: "asc" },
    select: {
      crmDealId: true,
      name: true,
      stage: true,
      isClosed: true,
      isWon: true,
      amount: true,
      currency: true,
      closeDate: true,
      ownerId: true,
      accountName: true,
      crmAccountId: true,
      crmContactIds: true,
      crmSyncStoppedAt: true,
      contacts: { orderBy: { email: "asc" }, select: { email: true, name: true, title: true, crmContactId: true } },
    },
  });
  const accounts = await db.crmAccount.findMany({ where: { workspaceId }, orderBy: { crmId: "asc" }, select: { crmId: true, name: true, domain: true } });
  const contacts = await db.crmContact.findMany({ where: { workspaceId }, orderBy: { crmId: "asc" }, select: { crmId: true, name: true, email: true } });
  return JSON.parse(JSON.stringify({ deals, accounts, contacts })) as unknown;
}
