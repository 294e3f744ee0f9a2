// The integration lifecycle: the ONLY code that writes an Integration row's `status` and `wizardStep`.
//
// Placement: lib/sync is below lib/integrations (providers < sync < integrations). The sync engine
// (planBackfill, completeBackfillIfDone, markReconnectRequired, disconnect) and the admin actions in
// lib/integrations/connect.ts (start/complete OAuth, API key, choose backfill, reconnect) both apply
// lifecycle events, and the Inngest functions reach it through the engine. Here, every one of them can
// import it without a cycle; it needs nothing but the database and the error classes.
//
// Every event is a row of TRANSITIONS: the from-states it is allowed in, the state (and wizard step) it
// moves to, and its side effects. A write is one compare-and-set UPDATE guarded by the from-states, so
// two workers racing on the same row cannot both win. `tryTransition` reports "not in a from-state" as
// null (the caller decides it is a no-op, e.g. a backfill finishing after a disconnect); `transition`
// turns it into an IllegalTransitionError.
import "server-only";
import { db, type Prisma } from "@/lib/db";
import { IllegalTransitionError } from "@/lib/errors";
import type { BackfillPeriod, IntegrationStatus, WizardStep } from "@/lib/generated/prisma/enums";

export const INTEGRATION_STATUSES = [
  "NOT_CONNECTED",
  "CONNECTING",
  "SYNCING",
  "CONNECTED",
  "RECONNECT_REQUIRED",
  "DISCONNECTED",
  "PURGING",
] as const satisfies readonly IntegrationStatus[];
export const WIZARD_STEPS = ["CONNECT", "AUTHORIZE", "BACKFILL", "SYNC", "COMPLETE"] as const satisfies readonly WizardStep[];

/** How often a connected integration is polled; the first poll is scheduled when the backfill completes. */
export const POLL_INTERVAL_MS = 2 * 3_600_000;
/** How often a connected CRM is synced (issue 14): the cron runs every 15 minutes. */
export const CRM_SYNC_INTERVAL_MS = 15 * 60_000;

export type LifecycleEvent =
  /** An admin opened the provider's consent page (startOAuth). A connected integration stays connected meanwhile. */
  | { type: "authorizeStarted" }
  /** The provider rejected, or the admin cancelled, the authorization (completeOAuth). */
  | { type: "authorizeFailed" }
  /** New credentials work (OAuth code exchanged, or API key verified): a new connection, asked for a backfill. */
  | {
      type: "credentialsAccepted";
      credentialsEnc: string;
      accountName: string;
      connectedById: string;
      apiBaseUrl?: string | null;
      tokenExpiresAt?: Date | null;
    }
  /** The admin chose the backfill period (chooseBackfill); the backfill function starts. */
  | { type: "backfillChosen"; period: BackfillPeriod }
  /** The backfill function planned the users' work (planBackfill). */
  | { type: "backfillPlanned"; period: BackfillPeriod; backfillFrom: Date | null; windowTo: Date }
  /** The backfill function failed before planning (e.g. users could not be listed): back to the Backfill step. */
  | { type: "backfillFailedToStart"; message: string }
  /** No user is Pending or In Progress any more; polling starts. */
  | { type: "backfillCompleted"; now: Date }
  /** A failed user is retried. */
  | { type: "userRetryStarted" }
  /** The provider revoked access (or it expired): nothing syncs until an admin reconnects. */
  | { type: "reconnectRequired"; message: string }
  /** An admin started the wizard again (beginReconnect); it asks for a new backfill period. */
  | { type: "reconnectStarted" }
  /** Everything stops (generation bump), credentials are forgotten; calls and links stay. */
  | { type: "disconnected" }
  /** A disconnected integration's calls start being deleted (purge): nothing connects until it has finished. */
  | { type: "purgeStarted" }
  /** CRM (lib/crm/connect.ts): the code was exchanged and the account read; the first import starts at once. */
  | {
      type: "crmConnected";
      credentialsEnc: string;
      accountName: string;
      accountId: string;
      apiBaseUrl: string | null;
      oauthBaseUrl: string | null;
      tokenExpiresAt: Date | null;
      crmCurrency: string | null;
      connectedById: string;
    }
  /** CRM: the first import finished; the 15-minute syncs start. */
  | { type: "crmImportCompleted"; now: Date }
  /** CRM: the first import stopped on an error that is not a revoked access; the next sync imports again. */
  | { type: "crmImportFailed"; now: Date; message: string }
  /** The purge function deleted the last of them, or gave up (`message` says what is left to do). */
  | { type: "purgeEnded"; message?: string | null };

export type LifecycleEventType = LifecycleEvent["type"];
type EventOf<T extends LifecycleEventType> = Extract<LifecycleEvent, { type: T }>;

interface Rule<E> {
  /** Statuses the event is allowed in. */
  from: readonly IntegrationStatus[];
  /** Wizard steps it is allowed in, when that matters too (any step when absent). */
  fromSteps?: readonly WizardStep[];
  /** The new status; null keeps the current one. */
  to: IntegrationStatus | null;
  /** The new wizard step; null keeps the current one. */
  step: WizardStep | null;
  /** Every other column the transition writes. */
  effects?: (event: E, now: Date) => Prisma.IntegrationUpdateManyMutationInput;
}

interface Transition<E> {
  /** Tried in order; their from-sets are disjoint, so at most one can match a row. */
  rules: readonly Rule<E>[];
  /** Shown when the event is not allowed in the row's state (callers may say it their own way). */
  illegal: string;
  /** What to say instead in particular states (over STATE_REFUSALS and the caller's message). */
  illegalIn?: Partial<Record<IntegrationStatus, string>>;
}

/** Shown for any refused event while a purge runs: connecting, reconnecting, backfilling. */
export const PURGE_RUNNING_MESSAGE =
  "The calls synced from this integration are being deleted. Connect it again when the deletion has finished; its progress shows on the Manage page.";

/** What a refusal says in these states, whatever the event (unless its transition says otherwise). */
const STATE_REFUSALS: Partial<Record<IntegrationStatus, string>> = { PURGING: PURGE_RUNNING_MESSAGE };

/** Every status but PURGING: a purge is left alone until it has finished (nothing connects meanwhile). */
const ALL = INTEGRATION_STATUSES.filter((s) => s !== "PURGING");
/** Connected in some way: runs of this connection may still write. */
export const LIVE = ALL.filter((s) => s !== "DISCONNECTED");

export const TRANSITIONS: { [T in LifecycleEventType]: Transition<EventOf<T>> } = {
  authorizeStarted: {
    rules: [
      // Re-authorizing a working integration: it keeps syncing until the new credentials arrive.
      { from: ["CONNECTED"], to: null, step: "AUTHORIZE", effects: () => ({ statusMessage: null }) },
      {
        from: ["NOT_CONNECTED", "CONNECTING", "RECONNECT_REQUIRED", "DISCONNECTED"],
        to: "CONNECTING",
        step: "AUTHORIZE",
        effects: () => ({ statusMessage: null }),
      },
    ],
    illegal: "A sync is running for this integration. Wait for it to finish or disconnect first.",
  },
  authorizeFailed: {
    rules: [{ from: ["CONNECTING"], to: "NOT_CONNECTED", step: "CONNECT" }],
    illegal: "The integration is not waiting for an authorization.",
  },
  credentialsAccepted: {
    rules: [
      {
        from: ALL,
        to: "CONNECTING",
        step: "BACKFILL",
        effects: (e, now) => ({
          credentialsEnc: e.credentialsEnc,
          accountName: e.accountName,
          ...(e.apiBaseUrl !== undefined ? { apiBaseUrl: e.apiBaseUrl } : {}),
          ...(e.tokenExpiresAt !== undefined ? { tokenExpiresAt: e.tokenExpiresAt } : {}),
          statusMessage: null,
          connectedAt: now,
          connectedById: e.connectedById,
          disconnectedAt: null,
          // A new connection: steps of runs started for the previous one stop at their next check.
          generation: { increment: 1 },
        }),
      },
    ],
    illegal: "The integration cannot be connected now.",
  },
  backfillChosen: {
    rules: [{ from: LIVE, fromSteps: ["BACKFILL"], to: "SYNCING", step: "SYNC", effects: (e) => ({ backfillPeriod: e.period }) }],
    illegal: "The backfill was already started.",
  },
  backfillPlanned: {
    rules: [
      {
        from: LIVE,
        to: "SYNCING",
        step: "SYNC",
        effects: (e) => ({
          backfillPeriod: e.period,
          backfillFrom: e.backfillFrom,
          statusMessage: null,
          // Polling continues from the end of the backfill window.
          lastSuccessfulSyncAt: e.windowTo,
        }),
      },
    ],
    illegal: "The integration was disconnected before its backfill started.",
  },
  backfillFailedToStart: {
    rules: [{ from: ["SYNCING"], to: "CONNECTING", step: "BACKFILL", effects: (e) => ({ statusMessage: `The backfill could not start. ${e.message}` }) }],
    illegal: "The integration is not syncing.",
  },
  backfillCompleted: {
    rules: [
      {
        from: ["SYNCING"],
        to: "CONNECTED",
        step: "COMPLETE",
        effects: (e) => ({ lastSyncAt: e.now, nextSyncAt: new Date(e.now.getTime() + POLL_INTERVAL_MS) }),
      },
    ],
    illegal: "The integration is not syncing.",
  },
  userRetryStarted: {
    rules: [{ from: ["CONNECTED", "RECONNECT_REQUIRED"], to: "SYNCING", step: null, effects: () => ({ statusMessage: null }) }],
    illegal: "Only a connected integration can retry a user.",
  },
  reconnectRequired: {
    rules: [{ from: LIVE, to: "RECONNECT_REQUIRED", step: null, effects: (e) => ({ statusMessage: e.message, nextSyncAt: null }) }],
    illegal: "The integration is disconnected.",
  },
  reconnectStarted: {
    rules: [{ from: ALL, to: null, step: "CONNECT" }],
    illegal: "The integration cannot be reconnected now.",
  },
  disconnected: {
    rules: [
      {
        from: ALL,
        to: "DISCONNECTED",
        step: "CONNECT",
        effects: (_e, now) => ({
          generation: { increment: 1 },
          credentialsEnc: null,
          tokenExpiresAt: null,
          disconnectedAt: now,
          nextSyncAt: null,
          syncLockedUntil: null,
          syncLockRunId: null,
          statusMessage: null,
        }),
      },
    ],
    illegal: "The integration cannot be disconnected now.",
    illegalIn: { PURGING: "The integration is already disconnected; its synced calls are being deleted." },
  },
  purgeStarted: {
    // Disconnected first (purge() applies `disconnected`), so no run of the old connection writes any more.
    rules: [{ from: ["DISCONNECTED", "NOT_CONNECTED"], to: "PURGING", step: "CONNECT", effects: () => ({ statusMessage: null }) }],
    illegal: "Disconnect the integration before deleting its synced calls.",
    illegalIn: { PURGING: "The calls synced from this integration are already being deleted; its progress shows on the Manage page." },
  },
  purgeEnded: {
    rules: [{ from: ["PURGING"], to: "DISCONNECTED", step: "CONNECT", effects: (e) => ({ statusMessage: e.message ?? null }) }],
    illegal: "No deletion is running for this integration.",
  },
  // CRMs have no backfill choice: connecting starts the first import (SYNCING), which ends CONNECTED.
  crmConnected: {
    rules: [
      {
        from: ALL,
        to: "SYNCING",
        step: "SYNC",
        effects: (e, now) => ({
          credentialsEnc: e.credentialsEnc,
          accountName: e.accountName,
          accountId: e.accountId,
          apiBaseUrl: e.apiBaseUrl,
          oauthBaseUrl: e.oauthBaseUrl,
          tokenExpiresAt: e.tokenExpiresAt,
          crmCurrency: e.crmCurrency,
          statusMessage: null,
          connectedAt: now,
          connectedById: e.connectedById,
          disconnectedAt: null,
          nextSyncAt: null,
          generation: { increment: 1 },
        }),
      },
    ],
    illegal: "The CRM cannot be connected now.",
  },
  crmImportCompleted: {
    rules: [
      {
        from: ["SYNCING"],
        to: "CONNECTED",
        step: "COMPLETE",
        effects: (e) => ({ statusMessage: null, lastSyncAt: e.now, nextSyncAt: new Date(e.now.getTime() + CRM_SYNC_INTERVAL_MS) }),
      },
    ],
    illegal: "The CRM is not importing.",
  },
  crmImportFailed: {
    rules: [
      {
        from: ["SYNCING"],
        to: "CONNECTED",
        step: "COMPLETE",
        effects: (e) => ({
          statusMessage: `The first import stopped before it finished: ${e.message} It continues at the next sync.`,
          lastSyncAt: e.now,
          nextSyncAt: new Date(e.now.getTime() + CRM_SYNC_INTERVAL_MS),
        }),
      },
    ],
    illegal: "The CRM is not importing.",
  },
};

/** Where a transition left the row. */
export type LifecycleState = { status: IntegrationStatus; wizardStep: WizardStep | null; generation: number };

type Client = Pick<Prisma.TransactionClient, "integration">;

/**
 * Applies `event` if the row is in one of its from-states (a compare-and-set in SQL); null when it is
 * not (or the row does not exist), with nothing written.
 */
export async function tryTransition(integrationId: string, event: LifecycleEvent, opts: { client?: Client; now?: Date } = {}): Promise<LifecycleState | null> {
  const client = opts.client ?? db;
  const now = opts.now ?? new Date();
  const transition = TRANSITIONS[event.type] as Transition<LifecycleEvent>;
  for (const rule of transition.rules) {
    const moved = await client.integration.updateMany({
      where: { id: integrationId, status: { in: [...rule.from] }, ...(rule.fromSteps ? { wizardStep: { in: [...rule.fromSteps] } } : {}) },
      data: {
        ...rule.effects?.(event, now),
        ...(rule.to ? { status: rule.to } : {}),
        ...(rule.step ? { wizardStep: rule.step } : {}),
      },
    });
    if (moved.count === 1) {
      return client.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { status: true, wizardStep: true, generation: true } });
    }
  }
  return null;
}

/** Same, but an event that is not allowed in the row's state is an IllegalTransitionError (code CONFLICT). */
export async function transition(
  integrationId: string,
  event: LifecycleEvent,
  opts: { client?: Client; now?: Date; message?: string } = {},
): Promise<LifecycleState> {
  const state = await tryTransition(integrationId, event, opts);
  if (state) return state;
  const row = await (opts.client ?? db).integration.findUnique({ where: { id: integrationId }, select: { status: true, wizardStep: true } });
  const rule = TRANSITIONS[event.type] as Transition<LifecycleEvent>;
  const inState = row ? (rule.illegalIn?.[row.status] ?? STATE_REFUSALS[row.status]) : undefined;
  throw new IllegalTransitionError(event.type, row?.status ?? null, row?.wizardStep ?? null, inState ?? opts.message ?? rule.illegal);
}
