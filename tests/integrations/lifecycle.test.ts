// The integration lifecycle table, exhaustively: every event from every status. A legal event leaves the
// row in the state (and with the side effects) written out below by hand; an illegal one throws the typed
// error and writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ConflictError, IllegalTransitionError } from "@/lib/errors";
import {
  CRM_SYNC_INTERVAL_MS,
  INTEGRATION_STATUSES,
  POLL_INTERVAL_MS,
  PURGE_RUNNING_MESSAGE,
  TRANSITIONS,
  transition,
  tryTransition,
  type LifecycleEvent,
  type LifecycleEventType,
} from "@/lib/sync/lifecycle";
import type { IntegrationStatus, WizardStep } from "@/lib/generated/prisma/enums";
import { uid } from "../support/db";

const NOW = new Date("2026-11-30T10:00:00Z");
const BEFORE = new Date("2026-11-01T00:00:00Z");
let userId: string;

beforeAll(async () => {
  userId = (await db.user.create({ data: { email: `lifecycle-${uid()}@test.local`, name: "Admin", passwordHash: "x" } })).id;
});

/** An integration in `status` at `step`, with every column a transition may write set to something else. */
async function row(status: IntegrationStatus, step: WizardStep) {
  const workspace = await db.workspace.create({ data: { name: "Lifecycle", slug: `lifecycle-${uid()}` } });
  return db.integration.create({
    data: {
      workspaceId: workspace.id,
      provider: "GONG",
      status,
      wizardStep: step,
      statusMessage: "old message",
      credentialsEnc: "old-sealed",
      accountName: "old account",
      apiBaseUrl: "https://old.example",
      tokenExpiresAt: BEFORE,
      connectedAt: BEFORE,
      disconnectedAt: BEFORE,
      backfillPeriod: "DAYS_30",
      backfillFrom: BEFORE,
      generation: 5,
      lastSyncAt: BEFORE,
      lastSuccessfulSyncAt: BEFORE,
      nextSyncAt: BEFORE,
      syncLockedUntil: BEFORE,
      syncLockRunId: "old-run",
    },
  });
}

type Row = Awaited<ReturnType<typeof row>>;
type Case = {
  event: () => LifecycleEvent;
  /** The wizard step the row starts at. */
  step: WizardStep;
  /** Status -> resulting status/step, or "illegal". */
  outcome: Record<IntegrationStatus, "illegal" | { status: IntegrationStatus; wizardStep: WizardStep }>;
  /** The other columns a legal transition writes. */
  effects: (before: Row) => Partial<Row>;
};

const S = (status: IntegrationStatus, wizardStep: WizardStep) => ({ status, wizardStep });
const X = "illegal" as const;

const CASES: Record<LifecycleEventType, Case> = {
  authorizeStarted: {
    event: () => ({ type: "authorizeStarted" }),
    step: "COMPLETE",
    outcome: {
      NOT_CONNECTED: S("CONNECTING", "AUTHORIZE"),
      CONNECTING: S("CONNECTING", "AUTHORIZE"),
      SYNCING: X,
      CONNECTED: S("CONNECTED", "AUTHORIZE"),
      RECONNECT_REQUIRED: S("CONNECTING", "AUTHORIZE"),
      DISCONNECTED: S("CONNECTING", "AUTHORIZE"),
      PURGING: X,
    },
    effects: () => ({ statusMessage: null }),
  },
  authorizeFailed: {
    event: () => ({ type: "authorizeFailed" }),
    step: "AUTHORIZE",
    outcome: { NOT_CONNECTED: X, CONNECTING: S("NOT_CONNECTED", "CONNECT"), SYNCING: X, CONNECTED: X, RECONNECT_REQUIRED: X, DISCONNECTED: X, PURGING: X },
    effects: () => ({}),
  },
  credentialsAccepted: {
    event: () => ({
      type: "credentialsAccepted",
      credentialsEnc: "new-sealed",
      accountName: "Gong · acme",
      connectedById: userId,
      apiBaseUrl: "https://new.example",
      tokenExpiresAt: NOW,
    }),
    step: "AUTHORIZE",
    outcome: {
      NOT_CONNECTED: S("CONNECTING", "BACKFILL"),
      CONNECTING: S("CONNECTING", "BACKFILL"),
      SYNCING: S("CONNECTING", "BACKFILL"),
      CONNECTED: S("CONNECTING", "BACKFILL"),
      RECONNECT_REQUIRED: S("CONNECTING", "BACKFILL"),
      DISCONNECTED: S("CONNECTING", "BACKFILL"),
      PURGING: X,
    },
    effects: () => ({
      credentialsEnc: "new-sealed",
      accountName: "Gong · acme",
      apiBaseUrl: "https://new.example",
      tokenExpiresAt: NOW,
      statusMessage: null,
      connectedAt: NOW,
      connectedById: userId,
      disconnectedAt: null,
      generation: 6,
    }),
  },
  backfillChosen: {
    event: () => ({ type: "backfillChosen", period: "DAYS_90" }),
    step: "BACKFILL",
    outcome: {
      NOT_CONNECTED: S("SYNCING", "SYNC"),
      CONNECTING: S("SYNCING", "SYNC"),
      SYNCING: S("SYNCING", "SYNC"),
      CONNECTED: S("SYNCING", "SYNC"),
      RECONNECT_REQUIRED: S("SYNCING", "SYNC"),
      DISCONNECTED: X,
      PURGING: X,
    },
    effects: () => ({ backfillPeriod: "DAYS_90" }),
  },
  backfillPlanned: {
    event: () => ({ type: "backfillPlanned", period: "DAYS_60", backfillFrom: BEFORE, windowTo: NOW }),
    step: "SYNC",
    outcome: {
      NOT_CONNECTED: S("SYNCING", "SYNC"),
      CONNECTING: S("SYNCING", "SYNC"),
      SYNCING: S("SYNCING", "SYNC"),
      CONNECTED: S("SYNCING", "SYNC"),
      RECONNECT_REQUIRED: S("SYNCING", "SYNC"),
      DISCONNECTED: X,
      PURGING: X,
    },
    effects: () => ({ backfillPeriod: "DAYS_60", backfillFrom: BEFORE, statusMessage: null, lastSuccessfulSyncAt: NOW }),
  },
  backfillFailedToStart: {
    event: () => ({ type: "backfillFailedToStart", message: "Gong did not respond in time (temporary error). Retry this user." }),
    step: "SYNC",
    outcome: { NOT_CONNECTED: X, CONNECTING: X, SYNCING: S("CONNECTING", "BACKFILL"), CONNECTED: X, RECONNECT_REQUIRED: X, DISCONNECTED: X, PURGING: X },
    effects: () => ({ statusMessage: "The backfill could not start. Gong did not respond in time (temporary error). Retry this user." }),
  },
  backfillCompleted: {
    event: () => ({ type: "backfillCompleted", now: NOW }),
    step: "SYNC",
    outcome: { NOT_CONNECTED: X, CONNECTING: X, SYNCING: S("CONNECTED", "COMPLETE"), CONNECTED: X, RECONNECT_REQUIRED: X, DISCONNECTED: X, PURGING: X },
    effects: () => ({ lastSyncAt: NOW, nextSyncAt: new Date(NOW.getTime() + POLL_INTERVAL_MS) }),
  },
  userRetryStarted: {
    event: () => ({ type: "userRetryStarted" }),
    step: "COMPLETE",
    outcome: {
      NOT_CONNECTED: X,
      CONNECTING: X,
      SYNCING: X,
      CONNECTED: S("SYNCING", "COMPLETE"),
      RECONNECT_REQUIRED: S("SYNCING", "COMPLETE"),
      DISCONNECTED: X,
      PURGING: X,
    },
    effects: () => ({ statusMessage: null }),
  },
  reconnectRequired: {
    event: () => ({ type: "reconnectRequired", message: "Gong access was revoked or has expired. Reconnect the integration to resume syncing." }),
    step: "COMPLETE",
    outcome: {
      NOT_CONNECTED: S("RECONNECT_REQUIRED", "COMPLETE"),
      CONNECTING: S("RECONNECT_REQUIRED", "COMPLETE"),
      SYNCING: S("RECONNECT_REQUIRED", "COMPLETE"),
      CONNECTED: S("RECONNECT_REQUIRED", "COMPLETE"),
      RECONNECT_REQUIRED: S("RECONNECT_REQUIRED", "COMPLETE"),
      DISCONNECTED: X,
      PURGING: X,
    },
    effects: () => ({ statusMessage: "Gong access was revoked or has expired. Reconnect the integration to resume syncing.", nextSyncAt: null }),
  },
  reconnectStarted: {
    event: () => ({ type: "reconnectStarted" }),
    step: "COMPLETE",
    outcome: {
      NOT_CONNECTED: S("NOT_CONNECTED", "CONNECT"),
      CONNECTING: S("CONNECTING", "CONNECT"),
      SYNCING: S("SYNCING", "CONNECT"),
      CONNECTED: S("CONNECTED", "CONNECT"),
      RECONNECT_REQUIRED: S("RECONNECT_REQUIRED", "CONNECT"),
      DISCONNECTED: S("DISCONNECTED", "CONNECT"),
      PURGING: X,
    },
    effects: () => ({}),
  },
  disconnected: {
    event: () => ({ type: "disconnected" }),
    step: "SYNC",
    outcome: {
      NOT_CONNECTED: S("DISCONNECTED", "CONNECT"),
      CONNECTING: S("DISCONNECTED", "CONNECT"),
      SYNCING: S("DISCONNECTED", "CONNECT"),
      CONNECTED: S("DISCONNECTED", "CONNECT"),
      RECONNECT_REQUIRED: S("DISCONNECTED", "CONNECT"),
      DISCONNECTED: S("DISCONNECTED", "CONNECT"),
      PURGING: X,
    },
    effects: () => ({
      generation: 6,
      credentialsEnc: null,
      tokenExpiresAt: null,
      disconnectedAt: NOW,
      nextSyncAt: null,
      syncLockedUntil: null,
      syncLockRunId: null,
      statusMessage: null,
    }),
  },
  purgeStarted: {
    event: () => ({ type: "purgeStarted" }),
    step: "CONNECT",
    outcome: {
      NOT_CONNECTED: S("PURGING", "CONNECT"),
      CONNECTING: X,
      SYNCING: X,
      CONNECTED: X,
      RECONNECT_REQUIRED: X,
      DISCONNECTED: S("PURGING", "CONNECT"),
      PURGING: X,
    },
    effects: () => ({ statusMessage: null }),
  },
  purgeEnded: {
    event: () => ({ type: "purgeEnded", message: "Deleting stopped before it finished. Delete the synced data again." }),
    step: "CONNECT",
    outcome: { NOT_CONNECTED: X, CONNECTING: X, SYNCING: X, CONNECTED: X, RECONNECT_REQUIRED: X, DISCONNECTED: X, PURGING: S("DISCONNECTED", "CONNECT") },
    effects: () => ({ statusMessage: "Deleting stopped before it finished. Delete the synced data again." }),
  },
  crmConnected: {
    event: () => ({
      type: "crmConnected",
      credentialsEnc: "new-sealed",
      accountName: "HubSpot · Acme",
      accountId: "123456",
      apiBaseUrl: null,
      oauthBaseUrl: "https://app.hubspot.com",
      tokenExpiresAt: NOW,
      crmCurrency: "EUR",
      connectedById: userId,
    }),
    step: "AUTHORIZE",
    outcome: {
      NOT_CONNECTED: S("SYNCING", "SYNC"),
      CONNECTING: S("SYNCING", "SYNC"),
      SYNCING: S("SYNCING", "SYNC"),
      CONNECTED: S("SYNCING", "SYNC"),
      RECONNECT_REQUIRED: S("SYNCING", "SYNC"),
      DISCONNECTED: S("SYNCING", "SYNC"),
      PURGING: X,
    },
    effects: (b) => ({
      credentialsEnc: "new-sealed",
      accountName: "HubSpot · Acme",
      accountId: "123456",
      apiBaseUrl: null,
      oauthBaseUrl: "https://app.hubspot.com",
      tokenExpiresAt: NOW,
      crmCurrency: "EUR",
      statusMessage: null,
      connectedAt: NOW,
      connectedById: userId,
      disconnectedAt: null,
      nextSyncAt: null,
      generation: b.generation + 1,
    }),
  },
  crmImportCompleted: {
    event: () => ({ type: "crmImportCompleted", now: NOW }),
    step: "SYNC",
    outcome: { NOT_CONNECTED: X, CONNECTING: X, SYNCING: S("CONNECTED", "COMPLETE"), CONNECTED: X, RECONNECT_REQUIRED: X, DISCONNECTED: X, PURGING: X },
    effects: () => ({ statusMessage: null, lastSyncAt: NOW, nextSyncAt: new Date(NOW.getTime() + CRM_SYNC_INTERVAL_MS) }),
  },
  crmImportFailed: {
    event: () => ({ type: "crmImportFailed", now: NOW, message: "HubSpot did not respond in time." }),
    step: "SYNC",
    outcome: { NOT_CONNECTED: X, CONNECTING: X, SYNCING: S("CONNECTED", "COMPLETE"), CONNECTED: X, RECONNECT_REQUIRED: X, DISCONNECTED: X, PURGING: X },
    effects: () => ({
      statusMessage: "The first import stopped before it finished: HubSpot did not respond in time. It continues at the next sync.",
      lastSyncAt: NOW,
      nextSyncAt: new Date(NOW.getTime() + CRM_SYNC_INTERVAL_MS),
    }),
  },
};

it("the test covers every event of the table", () => {
  expect(Object.keys(CASES).sort()).toEqual(Object.keys(TRANSITIONS).sort());
});

describe.each(Object.entries(CASES) as [LifecycleEventType, Case][])("%s", (type, c) => {
  it.each(INTEGRATION_STATUSES.map((s) => [s] as const))(`from %s`, async (status) => {
    const before = await row(status, c.step);
    const expected = c.outcome[status];
    if (expected === X) {
      const error = await transition(before.id, c.event(), { now: NOW }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect(error).toBeInstanceOf(ConflictError);
      // While a purge runs, every refusal says so (or what the event's own table row says for that state).
      const message = TRANSITIONS[type].illegalIn?.[status] ?? (status === "PURGING" ? PURGE_RUNNING_MESSAGE : TRANSITIONS[type].illegal);
      expect(error).toMatchObject({ code: "CONFLICT", event: type, fromStatus: status, fromStep: c.step, message });
      expect(await tryTransition(before.id, c.event(), { now: NOW })).toBeNull();
      expect(await db.integration.findUniqueOrThrow({ where: { id: before.id } })).toEqual(before);
      return;
    }
    const state = await transition(before.id, c.event(), { now: NOW });
    const after = await db.integration.findUniqueOrThrow({ where: { id: before.id } });
    const { updatedAt: _b, ...rest } = before;
    const { updatedAt: _a, ...afterRest } = after;
    void _b;
    void _a;
    expect(afterRest).toEqual({ ...rest, ...expected, ...c.effects(before) });
    expect(state).toEqual({ status: after.status, wizardStep: after.wizardStep, generation: after.generation });
  });
});

describe("guards beyond the status", () => {
  it("backfillChosen needs the Backfill step: from any other step it is illegal and writes nothing", async () => {
    for (const step of ["CONNECT", "AUTHORIZE", "SYNC", "COMPLETE"] as const) {
      const before = await row("CONNECTING", step);
      await expect(transition(before.id, { type: "backfillChosen", period: "DAYS_30" })).rejects.toBeInstanceOf(IllegalTransitionError);
      expect(await db.integration.findUniqueOrThrow({ where: { id: before.id } })).toEqual(before);
    }
  });

  it("two workers racing on the same event: exactly one wins (compare-and-set in SQL)", async () => {
    const before = await row("CONNECTING", "BACKFILL");
    const results = await Promise.all(Array.from({ length: 6 }, () => tryTransition(before.id, { type: "backfillChosen", period: "DAYS_30" })));
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    const raced = await row("SYNCING", "SYNC");
    const done = await Promise.all([
      tryTransition(raced.id, { type: "backfillCompleted", now: NOW }),
      tryTransition(raced.id, { type: "backfillFailedToStart", message: "x." }),
      tryTransition(raced.id, { type: "backfillCompleted", now: NOW }),
    ]);
    expect(done.filter((r) => r !== null)).toHaveLength(1);
  });

  it("a missing integration is an illegal transition, not a crash", async () => {
    const error = await transition("no-such-integration", { type: "disconnected" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT", fromStatus: null });
  });

  it("a caller's own wording replaces the table's", async () => {
    const before = await row("SYNCING", "SYNC");
    await expect(transition(before.id, { type: "backfillChosen", period: "DAYS_30" }, { message: "The backfill was already started." })).rejects.toThrow(
      "The backfill was already started.",
    );
  });
});
