// Database-backed CredentialStore for one integration: secrets are encrypted at rest, and refreshes are
// serialized across workers with a short lease on the integration row (no long transaction is held
// open during the provider's HTTP call).
import "server-only";
import { db } from "@/lib/db";
import { CryptoError, ProviderError } from "@/lib/errors";
import { openSecret, sealSecret } from "@/lib/secrets";
import type { CredentialStore, ProviderCredentials } from "@/lib/providers/types";

const LEASE_MS = 30_000;

export function dbCredentialStore(integrationId: string, provider: string): CredentialStore {
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
      const deadline = Date.now() + LEASE_MS * 2;
      for (;;) {
        const taken = await db.$executeRaw`
          UPDATE "Integration" SET "refreshLockedUntil" = now() + make_interval(secs => ${LEASE_MS / 1000}), "updatedAt" = now()
          WHERE id = ${integrationId} AND ("refreshLockedUntil" IS NULL OR "refreshLockedUntil" < now())`;
        if (taken === 1) break;
        if (Date.now() > deadline) throw new ProviderError("TRANSIENT", provider, "Another worker is refreshing the token; try again.");
        await new Promise((r) => setTimeout(r, 50));
      }
      try {
        return await fn();
      } finally {
        await db.$executeRaw`UPDATE "Integration" SET "refreshLockedUntil" = NULL WHERE id = ${integrationId}`;
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
