// The step sequence of one CRM run (lib/crm/sync.ts has the units and the order's reasons): shared by the
// first import (crm-import.ts) and every later sync (crm-sync.ts). One page per step, stable step ids
// (never rename them: they are the durable state of runs in flight). Provider calls go through
// providerCall: a rate limit is a durable sleep, other errors are retried or give up as the failure table says.
import {
  beginCrmRun,
  crmDealsPage,
  crmDeletions,
  crmFetchMissing,
  crmMatchOwners,
  crmMaterialize,
  crmModifiedPage,
  failCrmRun,
  finishCrmRun,
  type CrmRunContext,
  type CrmRunKind,
  type CrmStepDeps,
} from "@/lib/crm/sync";
import type { CrmId } from "@/lib/providers/crm/types";
import { failureOf } from "@/lib/sync/failures";
import { providerCall } from "./provider-step";

export type CrmStep = {
  run: <T>(id: string, fn: () => Promise<T>) => Promise<unknown>;
  sleep: (id: string, ms: number) => Promise<unknown>;
};

type PageOut = Awaited<ReturnType<typeof crmDealsPage>>;
type ChunkOut = Awaited<ReturnType<typeof crmFetchMissing>>;

/** Runs every step of run `runId`; `relink` says whether the caller must send deals.changed. */
export async function runCrmSteps(
  step: CrmStep,
  args: { integrationId: string; generation: number; runId: string },
  deps: CrmStepDeps = {},
): Promise<{ cancelled: boolean; relink: boolean; workspaceId: string | null; changed: number }> {
  const ctx = (await step.run("begin", () => beginCrmRun(args.integrationId, args.generation, args.runId))) as CrmRunContext | null;
  if (!ctx) return { cancelled: true, relink: false, workspaceId: null, changed: 0 };
  const provider: CrmId = ctx.provider;
  const stopped = { cancelled: true, relink: false, workspaceId: ctx.workspaceId, changed: 0 };
  let changed = 0;

  // 1. Deals, one page per step.
  let cursor: string | null = null;
  for (let i = 0; ; i++) {
    const c: string | null = cursor;
    const page: PageOut = await providerCall(step, `deals-${i}`, provider, () => crmDealsPage(ctx, c, deps));
    if (page.cancelled) return stopped;
    changed += page.changed;
    if (!page.cursor) break;
    cursor = page.cursor;
  }
  // 2. Accounts and contacts changed since the window start (later runs only).
  for (const object of ["account", "contact"] as const) {
    let modified: string | null = null;
    for (let i = 0; ; i++) {
      const c: string | null = modified;
      const page: PageOut = await providerCall(step, `modified-${object}s-${i}`, provider, () => crmModifiedPage(ctx, object, c, deps));
      if (page.cancelled) return stopped;
      changed += page.changed;
      if (!page.cursor) break;
      modified = page.cursor;
    }
  }
  // 3. Deletions since the window start (later runs only).
  const deletions = await providerCall(step, "deletions", provider, () => crmDeletions(ctx, deps));
  if (deletions.cancelled) return stopped;
  changed += deletions.changed;
  // 4. Accounts and contacts the deals name that are not stored yet.
  for (const object of ["account", "contact"] as const) {
    let after: string | null = null;
    for (let i = 0; ; i++) {
      const a: string | null = after;
      const chunk: ChunkOut = await providerCall(step, `missing-${object}s-${i}`, provider, () => crmFetchMissing(ctx, object, a, deps));
      if (chunk.cancelled) return stopped;
      changed += chunk.changed;
      if (!chunk.after) break;
      after = chunk.after;
    }
  }
  // 5. Account names and deal contacts; 6. owners.
  const materialized = (await step.run("materialize", () => crmMaterialize(ctx))) as Awaited<ReturnType<typeof crmMaterialize>>;
  if (materialized.cancelled) return stopped;
  changed += materialized.changed;
  const owners = await providerCall(step, "owners", provider, () => crmMatchOwners(ctx, deps));
  if (owners.cancelled) return stopped;
  changed += owners.changed;
  // 7. Done: the lease goes, the cursor moves on.
  const { relink } = (await step.run("finish", () => finishCrmRun(ctx, changed))) as { relink: boolean };
  return { cancelled: false, relink, workspaceId: ctx.workspaceId, changed };
}

/** onFailure of both functions: the run ends failed with the table's message, its lifecycle change applied. */
export async function failCrmRunFromError(args: { integrationId: string; runId: string | null; kind: CrmRunKind }, error: unknown) {
  await failCrmRun(args.integrationId, args.runId, args.kind, failureOf(error));
}
