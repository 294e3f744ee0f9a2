// Admin actions on a workspace's CRM (issue 14): connect (OAuth, Salesforce login host choice), the
// callback's completion (code exchange, account, first import), Sync now, Disconnect. A CRM connection is an
// Integration row: the recorders' OAuth state and browser binding (lib/integrations), lifecycle
// (lib/sync/lifecycle.ts) and failure table are reused. At most one CRM per workspace. Callers (route
// handlers) have checked session, workspace and the ADMIN role; every function still scopes by workspaceId.
import "server-only";
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { ConflictError, NotFoundError, SyncAlreadyRunningError, ValidationError } from "@/lib/errors";
import { appEvent, type SendEvents } from "@/lib/events";
import { completeOAuth, type CompleteCrmAttempt, type OAuthCaller } from "@/lib/integrations/connect";
import { hashBrowserNonce, newBrowserNonce, OAUTH_STATE_TTL_MS } from "@/lib/integrations/oauth-binding";
import { getCrmClient } from "@/lib/providers/crm";
import type { CrmId } from "@/lib/providers/crm/types";
import { createInMemoryCredentialStore } from "@/lib/providers/memory";
import { newCodeVerifier, supportsPkce } from "@/lib/providers/oauth";
import { CRM_IDS, crmSpec, isCrm, providerName } from "@/lib/providers/registry";
import { checkBaseUrl, parseHostList } from "@/lib/providers/trusted-host";
import { sealSecret } from "@/lib/secrets";
import { credentialsReadable } from "@/lib/sync/credential-check";
import { sealCredentials } from "@/lib/sync/credentials";
import { disconnectIntegration } from "@/lib/sync/engine";
import { FAILURES } from "@/lib/sync/failures";
import { transition } from "@/lib/sync/lifecycle";
import { parseInput } from "@/lib/validation";
import { connectCrmClient, crmConfig, crmEnv } from "./clients";
import { acquireCrmLease, releaseCrmLease } from "./sync";

/** Who acts, and how their action starts background work (route handlers pass the Inngest client's sender). */
export type CrmActor = { workspaceId: string; userId: string; send: SendEvents };

/** A CRM integration as the route wrapper loaded it (already checked to belong to the actor's workspace). */
export type CrmIntegrationRef = { id: string; workspaceId: string; provider: CrmId; status: string; generation: number };

const REF_SELECT = { id: true, workspaceId: true, provider: true, status: true, generation: true } as const;

/** This workspace's integration of a CRM; NotFound when it has none. */
export async function findCrmIntegration(workspaceId: string, provider: CrmId): Promise<CrmIntegrationRef> {
  const row = await db.integration.findUnique({ where: { workspaceId_provider: { workspaceId, provider } }, select: REF_SELECT });
  if (!row || !isCrm(row.provider)) throw new NotFoundError("That CRM connection");
  return { ...row, provider: row.provider };
}

/** Statuses in which a CRM counts as this workspace's CRM (another one is refused meanwhile). */
const HOLDS_THE_CRM_SLOT = ["SYNCING", "CONNECTED", "RECONNECT_REQUIRED"] as const;

/** Refuses when another CRM is connected in the workspace: at most one CRM per workspace. */
async function assertOnlyCrm(workspaceId: string, provider: CrmId) {
  const other = await db.integration.findFirst({
    where: { workspaceId, provider: { in: CRM_IDS.filter((id) => id !== provider) }, status: { in: [...HOLDS_THE_CRM_SLOT] } },
    select: { provider: true },
  });
  if (other) {
    const name = providerName(other.provider);
    throw new ConflictError(
      `${name} is already this workspace's CRM. A workspace syncs deals from one CRM: disconnect ${name} first, then connect ${providerName(provider)}.`,
    );
  }
}

export const crmConnectSchema = z.object({
  loginHost: z.enum(["production", "sandbox", "custom"], { message: "Choose Production, Sandbox or a custom My Domain." }).optional(),
  myDomain: z.string().trim().max(300, "The My Domain address is too long.").optional(),
});

/**
 * The OAuth host of this attempt. Salesforce: production or sandbox login (env), or the org's My Domain,
 * which must be https on a Salesforce My Domain host (*.my.salesforce.com; the simulators' origin in
 * development, from SALESFORCE_INSTANCE_HOSTS). HubSpot: its one consent host.
 */
export function crmLoginHost(provider: CrmId, input: z.infer<typeof crmConnectSchema>): string | null {
  const spec = crmSpec(provider);
  const choice = input.loginHost ?? "production";
  if (!spec.loginHosts) {
    if (choice !== "production" || input.myDomain) throw new ValidationError(`${spec.displayName} has one sign-in host; there is nothing to choose.`);
    return null;
  }
  if (choice === "production") return crmEnv(spec.env.oauthBaseUrl) ?? spec.envDefaults.oauthBaseUrl;
  if (choice === "sandbox") return crmEnv(spec.env.sandboxLoginUrl) ?? spec.envDefaults.sandboxLoginUrl ?? null;
  const raw = input.myDomain ?? "";
  if (!raw) throw new ValidationError("Enter your My Domain address, e.g. acme.my.salesforce.com.", { myDomain: "Required for a custom domain" });
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  const allowed = parseHostList(crmEnv(spec.env.apiHosts)) ?? spec.loginHosts.myDomainHosts;
  const checked = checkBaseUrl(url.replace(/\/+$/, ""), allowed);
  if (!checked.ok) {
    throw new ValidationError(`That is not a Salesforce My Domain address (${checked.reason}). It looks like https://acme.my.salesforce.com.`, {
      myDomain: "Not a Salesforce My Domain host",
    });
  }
  return checked.url;
}

/**
 * Starts an authorization (also the Reconnect): a fresh single-use state bound to this browser (the route
 * sets the nonce's cookie), PKCE where the CRM accepts it, the login host chosen, and the consent URL.
 */
export async function startCrmOAuth(actor: CrmActor, provider: CrmId, input: unknown) {
  const parsed = parseInput(crmConnectSchema, input ?? {});
  const oauthBaseUrl = crmLoginHost(provider, parsed);
  await assertOnlyCrm(actor.workspaceId, provider);
  const integration = await db.integration.upsert({
    where: { workspaceId_provider: { workspaceId: actor.workspaceId, provider } },
    create: { workspaceId: actor.workspaceId, provider },
    update: {},
    select: { id: true },
  });
  const state = randomBytes(32).toString("base64url");
  const browserNonce = newBrowserNonce();
  const codeVerifier = supportsPkce(provider) ? newCodeVerifier() : null;
  const authorizationUrl = await db.$transaction(async (tx) => {
    await transition(
      integration.id,
      { type: "authorizeStarted" },
      { client: tx, message: "A sync of this CRM is running. Wait for it to finish or disconnect first." },
    );
    const url = connectCrmClient(provider, oauthBaseUrl).authorizationUrl({ state, codeVerifier });
    await tx.oAuthState.create({
      data: {
        state,
        integrationId: integration.id,
        userId: actor.userId,
        codeVerifier: codeVerifier && sealSecret("oauthState.codeVerifier", state, codeVerifier),
        nonceHash: hashBrowserNonce(browserNonce),
        oauthBaseUrl,
        expiresAt: new Date(Date.now() + OAUTH_STATE_TTL_MS),
      },
    });
    return url;
  });
  return { integrationId: integration.id, state, authorizationUrl, browserNonce };
}

/**
 * The callback's completion of a CRM attempt (passed to completeOAuth): exchanges the code on the attempt's
 * login host, reads the account (hub / org id, name, currency) with the new token, then connects and starts
 * the first import under its lease. Nothing is stored when the exchange or the account read fails.
 */
export function crmCompletion(send: SendEvents): CompleteCrmAttempt {
  return async (attempt) => {
    const result = await connectCrmClient(attempt.provider, attempt.oauthBaseUrl).exchangeCode({ code: attempt.code, codeVerifier: attempt.codeVerifier });
    const apiBaseUrl = result.apiBaseUrl;
    const probe = getCrmClient(attempt.provider, crmConfig(attempt.provider, { apiBaseUrl, oauthBaseUrl: attempt.oauthBaseUrl }), {
      credentials: createInMemoryCredentialStore(result.credentials),
    });
    const info = await probe.accountInfo({ priority: "interactive" });
    await assertOnlyCrm(attempt.workspaceId, attempt.provider);
    const state = await transition(attempt.integrationId, {
      type: "crmConnected",
      credentialsEnc: sealCredentials(attempt.integrationId, result.credentials),
      accountName: crmSpec(attempt.provider).accountLabel({ accountName: info.accountName, accountId: info.accountId }),
      accountId: info.accountId,
      apiBaseUrl: info.apiBaseUrl ?? apiBaseUrl,
      oauthBaseUrl: attempt.oauthBaseUrl,
      tokenExpiresAt: result.tokenExpiresAt,
      crmCurrency: info.defaultCurrency ?? null,
      connectedById: attempt.userId,
    });
    await recordAudit({
      workspaceId: attempt.workspaceId,
      actorId: attempt.userId,
      action: "crm.connected",
      summary: `Connected ${providerName(attempt.provider)} (${info.accountName})`,
      targetType: "integration",
      targetId: attempt.integrationId,
    });
    await startImport(attempt.integrationId, state.generation, attempt.userId, send);
  };
}

/** The first import's run (its lease taken here) and event. */
export async function startImport(integrationId: string, generation: number, userId: string | null, send: SendEvents) {
  const lease = await acquireCrmLease(integrationId, "BACKFILL", userId);
  if (!lease) return null;
  try {
    await send(appEvent("crmImportRequested", { integrationId, generation, runId: lease.runId }));
  } catch (e) {
    await releaseCrmLease(integrationId, lease.runId, false, null, "The import could not be started. Use Sync now.");
    throw e;
  }
  return lease.runId;
}

/** The OAuth callback for every provider: recorders as before, CRMs through crmCompletion. */
export function completeAnyOAuth(params: unknown, caller: OAuthCaller, send: SendEvents) {
  return completeOAuth(params, caller, { completeCrm: crmCompletion(send) });
}

/** Sync now: takes the lease for a new run before anything is sent (of concurrent clicks one wins, the others get 409). */
export async function syncCrmNow(actor: CrmActor, integration: CrmIntegrationRef) {
  const name = providerName(integration.provider);
  if (integration.status !== "CONNECTED") {
    if (integration.status === "SYNCING") throw new SyncAlreadyRunningError(name);
    throw new ConflictError(integration.status === "RECONNECT_REQUIRED" ? `Reconnect ${name} before syncing.` : `Connect ${name} before syncing.`);
  }
  if (!(await credentialsReadable(integration.id))) throw new ConflictError(FAILURES.CREDENTIALS_UNREADABLE.message(name));
  const lease = await acquireCrmLease(integration.id, "MANUAL", actor.userId);
  if (!lease) throw new SyncAlreadyRunningError(name);
  try {
    await actor.send(
      appEvent("crmSyncRequested", {
        integrationId: integration.id,
        generation: integration.generation,
        kind: "MANUAL",
        runId: lease.runId,
        userId: actor.userId,
      }),
    );
  } catch (e) {
    await releaseCrmLease(integration.id, lease.runId, false, null, "The sync could not be started. Try again.");
    throw e;
  }
  await recordAudit({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "crm.sync_requested",
    summary: `Started a sync of ${name}`,
    targetType: "integration",
    targetId: integration.id,
  });
  return { ok: true };
}

/** Disconnect: syncing stops (generation bump), credentials are forgotten; deals stay, marked as no longer syncing. */
export async function disconnectCrm(actor: CrmActor, integration: CrmIntegrationRef) {
  const generation = await disconnectIntegration(integration.id);
  await db.deal.updateMany({ where: { integrationId: integration.id, crmSyncStoppedAt: null }, data: { crmSyncStoppedAt: new Date() } });
  await actor.send(appEvent("integrationDisconnected", { integrationId: integration.id, generation }));
  await recordAudit({
    workspaceId: actor.workspaceId,
    actorId: actor.userId,
    action: "crm.disconnected",
    summary: `Disconnected ${providerName(integration.provider)}; its deals stay, no longer syncing`,
    targetType: "integration",
    targetId: integration.id,
  });
  return { ok: true };
}
