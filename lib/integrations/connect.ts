// Admin actions on integrations: connect (OAuth or API key), choose the backfill, retry a user, sync
// now, disconnect, purge. Callers (route handlers) have already checked session, workspace and the
// ADMIN role; every function here still scopes by workspaceId.
import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit, type AuditAction } from "@/lib/audit";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError, ProviderError, SyncAlreadyRunningError, ValidationError } from "@/lib/errors";
import { appEvent, type SendEvents } from "@/lib/events";
import { openSecret, sealSecret } from "@/lib/secrets";
import { newCodeVerifier, supportsPkce } from "@/lib/providers/oauth";
import { isCrm, providerName, providerSpec, RECORDER_IDS, recorderId, type CrmId, type ProviderId } from "@/lib/providers/registry";
import { connectClient } from "@/lib/sync/clients";
import { browserNonceMatches, hashBrowserNonce, newBrowserNonce, OAUTH_STATE_TTL_MS } from "./oauth-binding";
import { FAILURES, logFailureDetail, newReference } from "@/lib/sync/failures";
import { sealCredentials } from "@/lib/sync/credentials";
import { parseInput, TOKEN_PATTERN } from "@/lib/validation";
import { acquireSyncLease, disconnectIntegration, failPurge, releaseSyncLease, startPurge } from "@/lib/sync/engine";
import { credentialsReadable } from "@/lib/sync/credential-check";
import { transition, tryTransition } from "@/lib/sync/lifecycle";
import type { BackfillPeriod, Provider } from "@/lib/generated/prisma/enums";

export { OAUTH_STATE_TTL_MS };

export const backfillPeriodSchema = z.enum(["DAYS_30", "DAYS_60", "DAYS_90", "MONTHS_6", "YEAR_1", "ALL_TIME", "SKIP"]);

/** Who acts, and how their action starts background work (route handlers pass the Inngest client's sender). */
export type Actor = { workspaceId: string; userId: string; send: SendEvents };

/** An integration as the route wrapper loaded it (already checked to belong to the actor's workspace). */
export type IntegrationRef = { id: string; workspaceId: string; provider: ProviderId; status: string; wizardStep: string | null; generation: number };

export const INTEGRATION_REF_SELECT = { id: true, workspaceId: true, provider: true, status: true, wizardStep: true, generation: true } as const;

/** This workspace's integration of a provider, for an action on it; NotFound when it has none. */
export async function findIntegration(workspaceId: string, provider: ProviderId): Promise<IntegrationRef> {
  const row = await db.integration.findUnique({ where: { workspaceId_provider: { workspaceId, provider } }, select: INTEGRATION_REF_SELECT });
  if (!row) throw new NotFoundError("That integration");
  return { ...row, provider: recorderId(row.provider) };
}

/** Same, by id (tests and scripts that hold an id). */
export async function findIntegrationById(workspaceId: string, integrationId: string): Promise<IntegrationRef> {
  const row = await db.integration.findFirst({
    where: { id: integrationId, workspaceId, provider: { in: [...RECORDER_IDS] } },
    select: INTEGRATION_REF_SELECT,
  });
  if (!row) throw new NotFoundError("That integration");
  return { ...row, provider: recorderId(row.provider) };
}

async function integrationFor(workspaceId: string, provider: ProviderId) {
  return db.integration.upsert({
    where: { workspaceId_provider: { workspaceId, provider } },
    create: { workspaceId, provider },
    update: {},
    select: { id: true, status: true, wizardStep: true, generation: true },
  });
}

// ---------------------------------------------------------------------------------------------
// OAuth (Gong, Salesloft)
// ---------------------------------------------------------------------------------------------

/**
 * Starts an authorization attempt: a fresh single-use state, the provider's consent URL, and the nonce
 * the route puts in this browser's cookie (lib/integrations/oauth-binding.ts; only its hash is stored).
 */
export async function startOAuth(actor: Actor, provider: ProviderId) {
  if (providerSpec(provider).auth !== "oauth") throw new ValidationError(`${providerSpec(provider).displayName} connects with an API key, not OAuth.`);
  const integration = await integrationFor(actor.workspaceId, provider);
  const state = randomBytes(32).toString("base64url");
  const browserNonce = newBrowserNonce();
  // PKCE only where the provider accepts it (registry); the verifier is stored encrypted with the state.
  const codeVerifier = supportsPkce(provider) ? newCodeVerifier() : null;
  // Not while a sync runs (IllegalTransitionError, a ConflictError, checked before the consent URL is built);
  // the state row only with the transition.
  const authorizationUrl = await db.$transaction(async (tx) => {
    await transition(integration.id, { type: "authorizeStarted" }, { client: tx });
    const url = connectClient(provider).authorizationUrl({ state, codeVerifier });
    await tx.oAuthState.create({
      data: {
        state,
        integrationId: integration.id,
        userId: actor.userId,
        codeVerifier: codeVerifier && sealSecret("oauthState.codeVerifier", state, codeVerifier),
        nonceHash: hashBrowserNonce(browserNonce),
        expiresAt: new Date(Date.now() + OAUTH_STATE_TTL_MS),
      },
    });
    return url;
  });
  return { integrationId: integration.id, state, authorizationUrl, browserNonce };
}

export type OAuthOutcome = "ok" | "denied" | "cancelled" | "expired" | "invalid" | "elsewhere" | "untrusted_host" | "failed";

export const OAUTH_MESSAGES: Record<Exclude<OAuthOutcome, "ok">, string> = {
  // Deny is the person's own answer on the consent page, not missing permissions (issue 17.4).
  denied: "Access was denied: the authorization request was denied on the consent page, so nothing was connected. Click Try again and choose Allow to connect.",
  cancelled: "Authorization was cancelled before it completed. Click Try again and choose Allow.",
  expired: "The authorization session expired before it was completed, so nothing was connected. Click Try again to start a new one.",
  invalid: "This authorization link is not valid (it was already used or did not come from Callsync). Start again from Connect.",
  elsewhere: "This approval was made in another browser or account. Start again from Connect in the browser you used.",
  untrusted_host:
    "The provider named an API address Callsync does not trust (it must be https on the provider's own domain), so nothing was connected. Try again; if it keeps happening, contact support.",
  failed: "The provider did not accept the authorization. Try again; if it keeps failing, check the app's client id and secret.",
};

const callbackSchema = z.object({
  // Our own random base64url state; anything else (wrong length, other characters, NUL) is not ours.
  state: z.string().min(16).max(200).regex(TOKEN_PATTERN),
  code: z.string().min(1).max(2_000).optional(),
  error: z.string().max(200).optional(),
});

/** Who answers the callback: the signed-in user (null without a session) and the nonce of this browser's cookie. */
export type OAuthCaller = { userId: string | null; browserNonce: string | null };

/** A checked, claimed CRM authorization attempt, for the CRM's own completion (lib/crm/connect.ts). */
export type CrmAttempt = {
  integrationId: string;
  workspaceId: string;
  provider: CrmId;
  userId: string;
  code: string;
  codeVerifier: string | null;
  /** The OAuth host the attempt was started on (Salesforce: the login host the admin chose). */
  oauthBaseUrl: string | null;
};

/**
 * How a CRM attempt is completed once its state, user and browser are checked: exchanges the code and
 * applies its lifecycle events. Passed by lib/crm (this layer does not import it); throws ProviderErrors
 * as a recorder's exchange does.
 */
export type CompleteCrmAttempt = (attempt: CrmAttempt) => Promise<void>;

/**
 * Handles the provider's redirect. The state must exist, be unused and fresh, and the caller must be the
 * admin who started it, in the browser that started it (their session and the attempt's cookie). Returns
 * the outcome for the wizard (stored on the state row too, so the wizard's first tab learns it).
 */
export async function completeOAuth(
  params: unknown,
  caller: OAuthCaller,
  opts: { completeCrm?: CompleteCrmAttempt } = {},
): Promise<{ outcome: OAuthOutcome; integrationId: string | null; provider: Provider | null; reference?: string }> {
  const parsed = callbackSchema.safeParse(params);
  if (!parsed.success) return { outcome: "invalid", integrationId: null, provider: null };
  const { state, code, error } = parsed.data;
  const row = await db.oAuthState.findUnique({ where: { state }, include: { integration: { select: { id: true, provider: true, workspaceId: true } } } });
  if (!row) return { outcome: "invalid", integrationId: null, provider: null };
  const ref = { integrationId: row.integrationId, provider: row.integration.provider };
  // Someone else's attempt (another admin, or another workspace's): refused without touching it, so it
  // neither burns the rightful admin's state nor resets their integration.
  if (caller.userId && caller.userId !== row.userId) return { outcome: "invalid", integrationId: null, provider: null };
  // Already answered (a replayed callback; the attempt's cookie is gone by then): not valid any more.
  if (row.usedAt) return { outcome: "invalid", integrationId: null, provider: null };
  // Not the browser that started it (no session there, or no attempt cookie): nothing is touched either,
  // so the starting browser can still finish; the page says where to start again.
  if (!caller.userId || !browserNonceMatches(caller.browserNonce, row.nonceHash)) {
    return { outcome: "elsewhere", integrationId: null, provider: null };
  }
  // Single use: whoever flips usedAt first wins; a replayed callback gets "invalid".
  const claimed = await db.oAuthState.updateMany({ where: { id: row.id, usedAt: null }, data: { usedAt: new Date() } });
  if (claimed.count === 0) return { outcome: "invalid", ...ref };
  const finish = async (outcome: OAuthOutcome) => {
    await db.oAuthState.update({ where: { id: row.id }, data: { outcome } });
    // Only an integration still waiting for this authorization goes back to Connect (a connected one stays connected).
    if (outcome !== "ok") await tryTransition(row.integrationId, { type: "authorizeFailed" });
    return { outcome, ...ref };
  };
  if (row.expiresAt.getTime() < Date.now()) return finish("expired");
  if (error) return finish(error === "access_denied" ? "denied" : "cancelled");
  if (!code) return finish("cancelled");
  const provider = row.integration.provider;
  try {
    const codeVerifier = row.codeVerifier ? openSecret("oauthState.codeVerifier", row.state, row.codeVerifier) : null;
    if (isCrm(provider)) {
      // A CRM's exchange and first import are lib/crm's (it passes completeCrm); without it nothing connects.
      if (!opts.completeCrm) throw new Error(`No completion was given for a ${providerName(provider)} authorization`);
      await opts.completeCrm({
        integrationId: row.integrationId,
        workspaceId: row.integration.workspaceId,
        provider,
        userId: row.userId,
        code,
        codeVerifier,
        oauthBaseUrl: row.oauthBaseUrl,
      });
      return finish("ok");
    }
    const recorder = recorderId(provider);
    const result = await connectClient(recorder).exchangeCode({ code, codeVerifier });
    await transition(row.integrationId, {
      type: "credentialsAccepted",
      credentialsEnc: sealCredentials(row.integrationId, result.credentials),
      apiBaseUrl: result.apiBaseUrl,
      tokenExpiresAt: result.tokenExpiresAt,
      accountName: providerSpec(recorder).accountLabel({ apiBaseUrl: result.apiBaseUrl }),
      connectedById: row.userId,
    });
    const name = providerSpec(recorder).displayName;
    await recordAudit({
      workspaceId: row.integration.workspaceId,
      actorId: row.userId,
      action: "integration.connected",
      summary: `Connected ${name}`,
      targetType: "integration",
      targetId: row.integrationId,
    });
    return finish("ok");
  } catch (e) {
    // The provider's answer (it may quote tokens) only in the log, redacted, under a reference the page shows.
    const reference = newReference();
    logFailureDetail(reference, `[oauth] code exchange failed (${row.integration.provider})`, e);
    if (e instanceof ProviderError && e.kind === "UNTRUSTED_HOST") return { ...(await finish("untrusted_host")), reference };
    return { ...(await finish(e instanceof ProviderError && e.kind === "INVALID_CREDENTIALS" ? "expired" : "failed")), reference };
  }
}

/** What the wizard's first tab polls while the consent page is open. */
export async function oauthAttemptStatus(workspaceId: string, state: string) {
  const row = await db.oAuthState.findFirst({
    where: { state, integration: { workspaceId } },
    select: { outcome: true, expiresAt: true, usedAt: true },
  });
  if (!row) return { status: "invalid" as const };
  if (row.outcome) return { status: row.outcome as OAuthOutcome };
  // The same word as the consent tab's page once it is answered late (completeOAuth: "expired"), so both tabs agree.
  if (row.expiresAt.getTime() < Date.now()) return { status: "expired" as const };
  return { status: "pending" as const };
}

// ---------------------------------------------------------------------------------------------
// API key (Clari Copilot)
// ---------------------------------------------------------------------------------------------

// Key and secret travel in HTTP headers (X-Api-Key / X-Api-Password): printable ASCII only.
const HEADER_SAFE = /^[\x20-\x7E]+$/;
export const apiKeySchema = z.object({
  apiKey: z
    .string({ error: "Enter your API Key." })
    .trim()
    .min(1, "Enter your API Key.")
    .max(500, "The API Key is too long.")
    .regex(HEADER_SAFE, "The API Key can only contain letters, digits and symbols."),
  apiSecret: z
    .string({ error: "Enter your API Secret." })
    .trim()
    .min(1, "Enter your API Secret.")
    .max(500, "The API Secret is too long.")
    .regex(HEADER_SAFE, "The API Secret can only contain letters, digits and symbols."),
});

/** Checks the key with the provider first; nothing is saved unless it works. */
export async function connectWithApiKey(actor: Actor, provider: ProviderId, input: unknown) {
  if (providerSpec(provider).auth !== "apiKey") throw new ValidationError("This provider connects with OAuth.");
  const { apiKey, apiSecret } = parseInput(apiKeySchema, input);
  const credentials = { kind: "apiKey" as const, apiKey, apiSecret };
  try {
    await connectClient(provider).verifyCredentials(credentials);
  } catch (e) {
    if (e instanceof ProviderError && (e.kind === "INVALID_CREDENTIALS" || e.kind === "AUTH_REVOKED")) {
      throw new ValidationError("Clari Copilot rejected this API Key and API Secret. Check both (they are not interchangeable) and try again.", {
        apiKey: "Not accepted by Clari Copilot",
      });
    }
    if (e instanceof ProviderError) {
      throw new ValidationError("We could not reach Clari Copilot to check the credentials. Try again in a moment.");
    }
    throw e;
  }
  const integration = await integrationFor(actor.workspaceId, provider);
  await transition(integration.id, {
    type: "credentialsAccepted",
    credentialsEnc: sealCredentials(integration.id, credentials),
    accountName: providerSpec(provider).accountLabel({ apiBaseUrl: null, apiKey }),
    connectedById: actor.userId,
  });
  await audit(actor, "integration.connected", `Connected ${providerSpec(provider).displayName}`, integration.id);
  return { integrationId: integration.id };
}

// ---------------------------------------------------------------------------------------------
// Backfill, retry, sync now, disconnect, purge
// ---------------------------------------------------------------------------------------------

const PERIOD_TEXT: Record<string, string> = {
  DAYS_30: "30-day",
  DAYS_60: "60-day",
  DAYS_90: "90-day",
  MONTHS_6: "6-month",
  YEAR_1: "1-year",
  ALL_TIME: "full-history",
};

export async function chooseBackfill(actor: Actor, integration: IntegrationRef, period: BackfillPeriod) {
  const integrationId = integration.id;
  if (integration.wizardStep !== "BACKFILL") {
    throw new ConflictError("Choose a backfill period right after connecting. Reconnect to choose a new one.");
  }
  // Compare-and-set on the Backfill step: of two clicks (or tabs), one starts the backfill, the other gets a Conflict.
  await transition(integrationId, { type: "backfillChosen", period }, { message: "The backfill was already started." });
  await actor.send(appEvent("backfillRequested", { integrationId, generation: integration.generation, period, userId: actor.userId }));
  const name = providerSpec(integration.provider).displayName;
  await audit(
    actor,
    "integration.backfill_started",
    period === "SKIP" ? `Skipped the backfill of ${name}` : `Started a ${PERIOD_TEXT[period]} backfill of ${name}`,
    integrationId,
  );
  return { integrationId };
}

function audit(actor: Actor, action: AuditAction, summary: string, integrationId: string) {
  return recordAudit({ workspaceId: actor.workspaceId, actorId: actor.userId, action, summary, targetType: "integration", targetId: integrationId });
}

export async function retryUser(actor: Actor, integration: IntegrationRef, userSyncId: string) {
  const integrationId = integration.id;
  const us = await db.userSync.findFirst({ where: { id: userSyncId, integrationId }, select: { status: true } });
  if (!us) throw new NotFoundError("That user");
  if (us.status !== "FAILED") throw new ConflictError("Only a failed user can be retried.");
  await actor.send(appEvent("userRetry", { integrationId, userSyncId }));
  return { ok: true };
}

export const userBackfillSchema = z.object({
  userSyncId: z.string({ error: "userSyncId is required." }).regex(TOKEN_PATTERN, "userSyncId is not a valid id.").max(64, "userSyncId is not a valid id."),
  period: backfillPeriodSchema.exclude(["SKIP"], { message: "Choose a backfill period." }),
});

/** Backfill of one "Needs sync" user (a member who joined after the integration's backfill). */
export async function backfillUser(actor: Actor, integration: IntegrationRef, input: z.infer<typeof userBackfillSchema>) {
  if (integration.status !== "CONNECTED") {
    throw new ConflictError(
      integration.status === "SYNCING"
        ? "A backfill is running. Backfill this user when it has finished."
        : "Connect the integration before backfilling a user.",
    );
  }
  const us = await db.userSync.findFirst({
    where: { id: input.userSyncId, integrationId: integration.id },
    select: { status: true, providerUser: { select: { name: true, email: true } } },
  });
  if (!us) throw new NotFoundError("That user");
  if (us.status !== "NEEDS_SYNC")
    throw new ConflictError(us.status === "FAILED" ? "This user failed; use Retry instead." : "This user is already synced or syncing.");
  await actor.send(
    appEvent("userBackfillRequested", { integrationId: integration.id, userSyncId: input.userSyncId, period: input.period, userId: actor.userId }),
  );
  await recordAudit({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "user.backfill_started",
    summary: `Started a ${PERIOD_TEXT[input.period]} backfill for ${us.providerUser?.name ?? us.providerUser?.email ?? "a user"} on ${providerSpec(integration.provider).displayName}`,
    targetType: "userSync",
    targetId: input.userSyncId,
  });
  return { ok: true };
}

/**
 * Sync now: takes the integration's sync lease for a new run here, compare-and-set, before anything is sent;
 * of concurrent clicks one starts the run, the others get SyncAlreadyRunningError (409) and write nothing.
 */
export async function syncNow(actor: Actor, integration: IntegrationRef) {
  const integrationId = integration.id;
  const name = providerSpec(integration.provider).displayName;
  if (integration.status !== "CONNECTED") {
    if (integration.status === "SYNCING") throw new SyncAlreadyRunningError(name);
    throw new ConflictError(
      integration.status === "RECONNECT_REQUIRED" ? "Reconnect the integration before syncing." : "Connect the integration before syncing.",
    );
  }
  // Stored credentials that do not decrypt: nothing starts (and the integration asks for a reconnect).
  if (!(await credentialsReadable(integrationId))) throw new ConflictError(FAILURES.CREDENTIALS_UNREADABLE.message(name));
  const lease = await acquireSyncLease(integrationId, "MANUAL", actor.userId);
  if (!lease) throw new SyncAlreadyRunningError(name);
  try {
    await actor.send(
      appEvent("syncRequested", { integrationId, generation: integration.generation, kind: "MANUAL", userId: actor.userId, runId: lease.runId }),
    );
  } catch (e) {
    await releaseSyncLease(integrationId, lease.runId, false, null, "The sync could not be started. Try again.");
    throw e;
  }
  await audit(actor, "integration.sync_requested", `Started a sync of ${providerSpec(integration.provider).displayName}`, integrationId);
  return { ok: true };
}

export async function disconnect(actor: Actor, integration: IntegrationRef) {
  const integrationId = integration.id;
  const generation = await disconnectIntegration(integrationId);
  await actor.send(appEvent("integrationDisconnected", { integrationId, generation }));
  await audit(actor, "integration.disconnected", `Disconnected ${providerSpec(integration.provider).displayName}`, integrationId);
  return { ok: true };
}

/** Starts a reconnect: the wizard runs again and asks for a new backfill period. */
export async function beginReconnect(_actor: Actor, integration: IntegrationRef) {
  await transition(integration.id, { type: "reconnectStarted" });
  return { provider: integration.provider };
}

export const purgeConfirmSchema = z.object({ confirm: z.literal("DELETE", { message: "Type DELETE to confirm." }) });

export async function purge(actor: Actor, integration: IntegrationRef, input: unknown) {
  parseInput(purgeConfirmSchema, input);
  const integrationId = integration.id;
  if (integration.status !== "DISCONNECTED" && integration.status !== "NOT_CONNECTED" && integration.status !== "PURGING") {
    // Purging while syncing would race new calls in; stop syncing first.
    const generation = await disconnectIntegration(integrationId);
    await actor.send(appEvent("integrationDisconnected", { integrationId, generation }));
  }
  // PURGING until the function ends (a second purge, connecting, reconnecting: refused meanwhile, 409).
  const { runId, generation } = await startPurge(integrationId, actor.userId);
  try {
    await actor.send(appEvent("purgeRequested", { integrationId, runId, generation }));
  } catch (e) {
    await failPurge(integrationId, runId, "it could not be started");
    throw e;
  }
  await audit(actor, "integration.purged", `Deleted the calls synced from ${providerSpec(integration.provider).displayName}`, integrationId);
  return { runId };
}
