// Every secret the database holds, where it is bound (lib/crypto.ts: the AAD names the field and the row),
// and the rotation that re-encrypts them all with the current key (npm run secrets:rotate).
//
//   integration.credentials  Integration.credentialsEnc  provider OAuth tokens / Clari key+secret  bound to Integration.id
//   oauthState.codeVerifier  OAuthState.codeVerifier     PKCE verifier of an attempt              bound to OAuthState.state
//                                                        (its unique key, known before the row is written)
//   invitation.token         Invitation.tokenCiphertext  the invitation link's token              bound to Invitation.id
//
// Google sign-in tokens are not stored at all (lib/auth/options.ts): nothing calls Google APIs.
import "server-only";
import { currentEnvelopePrefix, decryptString, encryptString } from "@/lib/crypto";
import { db } from "@/lib/db";
import { CryptoError } from "@/lib/errors";

export type SecretField = "integration.credentials" | "oauthState.codeVerifier" | "invitation.token";

export function sealSecret(field: SecretField, rowKey: string, plaintext: string): string {
  return encryptString(plaintext, { purpose: field, id: rowKey });
}

/** Throws CryptoError when the value does not open (wrong or missing key, altered, copied from another row). */
export function openSecret(field: SecretField, rowKey: string, envelope: string): string {
  return decryptString(envelope, { purpose: field, id: rowKey });
}

type StaleRow = { id: string; rowKey: string; envelope: string };

/** How the rotation reads and writes one field; `stale` rows are those not encrypted with the current key. */
interface FieldStore {
  countAll(): Promise<number>;
  countStale(prefix: string): Promise<number>;
  /** Stale rows with an id after `afterId`, in id order. */
  stale(prefix: string, afterId: string, take: number): Promise<StaleRow[]>;
  /** Compare-and-set: only if the row still holds `from` (a token refresh meanwhile wrote a current value). */
  replace(id: string, from: string, to: string): Promise<boolean>;
}

const FIELDS: Record<SecretField, FieldStore> = {
  "integration.credentials": {
    countAll: () => db.integration.count({ where: { credentialsEnc: { not: null } } }),
    countStale: (prefix) => db.integration.count({ where: { credentialsEnc: { not: null }, NOT: { credentialsEnc: { startsWith: prefix } } } }),
    stale: async (prefix, afterId, take) =>
      (
        await db.integration.findMany({
          where: { id: { gt: afterId }, credentialsEnc: { not: null }, NOT: { credentialsEnc: { startsWith: prefix } } },
          orderBy: { id: "asc" },
          take,
          select: { id: true, credentialsEnc: true },
        })
      ).map((r) => ({ id: r.id, rowKey: r.id, envelope: r.credentialsEnc! })),
    replace: async (id, from, to) => (await db.integration.updateMany({ where: { id, credentialsEnc: from }, data: { credentialsEnc: to } })).count === 1,
  },
  "oauthState.codeVerifier": {
    countAll: () => db.oAuthState.count({ where: { codeVerifier: { not: null } } }),
    countStale: (prefix) => db.oAuthState.count({ where: { codeVerifier: { not: null }, NOT: { codeVerifier: { startsWith: prefix } } } }),
    stale: async (prefix, afterId, take) =>
      (
        await db.oAuthState.findMany({
          where: { id: { gt: afterId }, codeVerifier: { not: null }, NOT: { codeVerifier: { startsWith: prefix } } },
          orderBy: { id: "asc" },
          take,
          select: { id: true, state: true, codeVerifier: true },
        })
      ).map((r) => ({ id: r.id, rowKey: r.state, envelope: r.codeVerifier! })),
    replace: async (id, from, to) => (await db.oAuthState.updateMany({ where: { id, codeVerifier: from }, data: { codeVerifier: to } })).count === 1,
  },
  "invitation.token": {
    countAll: () => db.invitation.count({ where: { tokenCiphertext: { not: null } } }),
    countStale: (prefix) => db.invitation.count({ where: { tokenCiphertext: { not: null }, NOT: { tokenCiphertext: { startsWith: prefix } } } }),
    stale: async (prefix, afterId, take) =>
      (
        await db.invitation.findMany({
          where: { id: { gt: afterId }, tokenCiphertext: { not: null }, NOT: { tokenCiphertext: { startsWith: prefix } } },
          orderBy: { id: "asc" },
          take,
          select: { id: true, tokenCiphertext: true },
        })
      ).map((r) => ({ id: r.id, rowKey: r.id, envelope: r.tokenCiphertext! })),
    replace: async (id, from, to) => (await db.invitation.updateMany({ where: { id, tokenCiphertext: from }, data: { tokenCiphertext: to } })).count === 1,
  },
};

export const SECRET_FIELDS = Object.keys(FIELDS) as SecretField[];

/** Secrets not (yet) encrypted with the current key, per field. */
export async function countStaleSecrets(): Promise<{ total: number; byField: Record<SecretField, number> }> {
  const prefix = currentEnvelopePrefix();
  const counts = await Promise.all(SECRET_FIELDS.map((f) => FIELDS[f].countStale(prefix)));
  const byField = Object.fromEntries(SECRET_FIELDS.map((f, i) => [f, counts[i]!])) as Record<SecretField, number>;
  return { total: counts.reduce((a, b) => a + b, 0), byField };
}

export type FieldReport = { total: number; reencrypted: number; changedMeanwhile: number; unreadable: number; current: number };

export type RotationReport = {
  keyId: string;
  /** Re-encrypted with the current key by this run. */
  reencrypted: number;
  /** Rewritten by the app while the run looked at them (then already with the current key). */
  changedMeanwhile: number;
  /** Encrypted with the current key once the run finished. */
  current: number;
  /** Could not be decrypted with any configured key: left as they are (the app asks for a reconnect). */
  unreadable: Array<{ field: SecretField; id: string }>;
  byField: Record<SecretField, FieldReport>;
};

/**
 * Re-encrypts every stored secret that is not encrypted with the current key (v1 envelopes, or another
 * key id), `batchSize` rows at a time, each row a compare-and-set of its own. Idempotent: a second run
 * finds nothing to do. Unreadable values are reported and left alone.
 */
export async function rotateSecrets(
  opts: { batchSize?: number; onBatch?: (batch: { field: SecretField; size: number; reencrypted: number }) => void } = {},
): Promise<RotationReport> {
  const batchSize = Math.max(1, opts.batchSize ?? 200);
  const prefix = currentEnvelopePrefix();
  const report: RotationReport = {
    keyId: prefix.split(".")[1]!,
    reencrypted: 0,
    changedMeanwhile: 0,
    current: 0,
    unreadable: [],
    byField: {} as Record<SecretField, FieldReport>,
  };
  for (const field of SECRET_FIELDS) {
    const store = FIELDS[field];
    const fr: FieldReport = { total: 0, reencrypted: 0, changedMeanwhile: 0, unreadable: 0, current: 0 };
    let afterId = "";
    for (;;) {
      const rows = await store.stale(prefix, afterId, batchSize);
      if (rows.length === 0) break;
      let done = 0;
      for (const row of rows) {
        let plaintext: string;
        try {
          plaintext = openSecret(field, row.rowKey, row.envelope);
        } catch (e) {
          if (!(e instanceof CryptoError)) throw e;
          fr.unreadable++;
          report.unreadable.push({ field, id: row.id });
          continue;
        }
        if (await store.replace(row.id, row.envelope, sealSecret(field, row.rowKey, plaintext))) {
          fr.reencrypted++;
          done++;
        } else {
          fr.changedMeanwhile++;
        }
      }
      opts.onBatch?.({ field, size: rows.length, reencrypted: done });
      afterId = rows[rows.length - 1]!.id;
    }
    fr.total = await store.countAll();
    fr.current = fr.total - (await store.countStale(prefix));
    report.byField[field] = fr;
    report.reencrypted += fr.reencrypted;
    report.changedMeanwhile += fr.changedMeanwhile;
    report.current += fr.current;
  }
  return report;
}
