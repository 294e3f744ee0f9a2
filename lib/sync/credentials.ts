// Database-backed CredentialStore for one integration: secrets are encrypted at rest, and refreshes are
// serialized across workers with a short lease on the integration row (no long transaction is held
// open during the provider's HTTP call). The lease carries its holder's id and is renewed while the
// token call is in flight, so a slow token endpoint never lets a second worker spend the same
// single-use (Gong) or rotating (Salesloft) refresh token; only the holder renews or releases it.
import "server-only";
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { CryptoError, ProviderError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/secrets";
import type { CredentialStore, ProviderCredentials } from "@/lib/providers/types";

/** The refresh lease; renewed every third of it while the holder's refresh runs. */
export const REFRESH_LEASE_MS = 30_000;

export interface CredentialStoreOptions {
  /** Lease length (tests use a short one to prove the renewal). */
  leaseMs?: number;
  /** How long a second worker waits for the holder's refresh before giving up (TRANSIENT, retried). */
  waitMs?: number;
}

export function dbCredentialStore(integrationId: string, provider: string, options: CredentialStoreOptions = {}): CredentialStore {
  const leaseMs = options.leaseMs ?? REFRESH_LEASE_MS;
  const leaseSecs = leaseMs / 1000;
  const waitMs = options.waitMs ?? REFRESH_LEASE_MS * 2;
  return {
    async get() {
      const row = await db.integration.findUnique({ where: { id: integrationId }, select: { credentialsEnc: true } });
      if (!row?.credentialsEnc) {
        throw new ProviderError("AUTH_REVOKED", provider, "This integration is disconnected. Reconnect it to sync again.");
      }
      return openCredentials(integrationId, provider, row.credentialsEnc);
    },
    async update(next) {
      await db.integration.update({
        where: { id: integrationId },
        data: {
          credentialsEnc: sealCredentials(integrationId, next),
          tokenExpiresAt: next.kind === "oauth" && next.expiresAt ? new Date(next.expiresAt) : null,
          ...(next.kind === "oauth" && next.apiBaseUrl ? { apiBaseUrl: next.apiBaseUrl } : {}),
        },
      });
    },
    async withRefreshLock<T>(fn: () => Promise<T>): Promise<T> {
      const holder = randomUUID();
      const deadline = Date.now() + waitMs;
      for (;;) {
        const taken = await db.$executeRaw`
          UPDATE "Integration" SET "refreshLockedUntil" = now() + make_interval(secs => ${leaseSecs}), "refreshLockHolder" = ${holder}, "updatedAt" = now()
          WHERE id = ${integrationId} AND ("refreshLockedUntil" IS NULL OR "refreshLockedUntil" < now())`;
        if (taken === 1) break;
        if (Date.now() > deadline) throw new ProviderError("TRANSIENT", provider, "Another worker is refreshing the token; try again.");
        await new Promise((r) => setTimeout(r, 50));
      }
      // Renewed while the token call is in flight; a renewal that finds another holder stops (the lease was lost).
      let renewing = Promise.resolve();
      const timer = setInterval(
        () => {
          renewing = renewing.then(async () => {
            try {
              const renewed = await db.$executeRaw`
              UPDATE "Integration" SET "refreshLockedUntil" = now() + make_interval(secs => ${leaseSecs})
              WHERE id = ${integrationId} AND "refreshLockHolder" = ${holder}`;
              if (renewed === 0) clearInterval(timer);
            } catch {
              // The next tick tries again; the lease still has two thirds of its length.
            }
          });
        },
        Math.max(10, Math.floor(leaseMs / 3)),
      );
      try {
        return await fn();
      } finally {
        clearInterval(timer);
        await renewing;
        await db.$executeRaw`
          UPDATE "Integration" SET "refreshLockedUntil" = NULL, "refreshLockHolder" = NULL
          WHERE id = ${integrationId} AND "refreshLockHolder" = ${holder}`;
      }
    },
  };
}

/** Encrypts credentials for storage in the integration's row (bound to it: lib/secrets.ts). */
export const sealCredentials = (integrationId: string, c: ProviderCredentials) => sealSecret("integration.credentials", integrationId, JSON.stringify(c));

/**
 * The stored credentials, decrypted. Ones that do not decrypt (wrong or removed key, altered, copied
 * from another row) are a CREDENTIALS_UNREADABLE provider error, raised before any request is made.
 */
export function openCredentials(integrationId: string, provider: string, envelope: string): ProviderCredentials {
  try {
    return JSON.parse(openSecret("integration.credentials", integrationId, envelope)) as ProviderCredentials;
  } catch (e) {
    if (!(e instanceof CryptoError)) throw e;
    throw new ProviderError("CREDENTIALS_UNREADABLE", provider, "The stored credentials could not be decrypted.", { cause: e });
  }
}
