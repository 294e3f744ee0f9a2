// Encryption at rest for secrets (provider OAuth tokens, Clari API key and secret, PKCE verifiers,
// invitation tokens): AES-256-GCM with a random 96-bit IV per value.
//
// Stored as "v2.<key id>.<iv>.<tag>.<ciphertext>" (base64url parts). The key id says which configured
// key encrypted the value (lib/env.ts: ENCRYPTION_KEY, ENCRYPTION_KEYS, ENCRYPTION_KEY_ID), so keys can
// be rotated (npm run secrets:rotate). The additional authenticated data binds the value to where it is
// stored: the key id, the field ("integration.credentials") and the row's id, so a ciphertext copied to
// another row or column does not decrypt. Values written before key ids ("v1.<iv>.<tag>.<ciphertext>",
// no binding) are still read with any configured key, and re-encrypted as v2 by the rotation command.
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { encryptionKeyring, keyIdOf } from "@/lib/env";
import { CryptoError } from "@/lib/errors";

export { keyIdOf };

/** Where a secret is stored: the field (table.column) and the id of its row. */
export type SecretBinding = { purpose: string; id: string };

const additionalData = (kid: string, b: SecretBinding) => Buffer.from(JSON.stringify(["callsync", "v2", kid, b.purpose, b.id]), "utf8");

export function currentKeyId(): string {
  return encryptionKeyring.currentId;
}

export function encryptString(plaintext: string, binding: SecretBinding): string {
  const kid = encryptionKeyring.currentId;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKeyring.keys.get(kid)!, iv);
  cipher.setAAD(additionalData(kid, binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v2", kid, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

function open(key: Buffer, iv: string, tag: string, ciphertext: string, aad: Buffer | null): string {
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

export function decryptString(envelope: string, binding: SecretBinding): string {
  const parts = envelope.split(".");
  if (parts[0] === "v2" && parts.length === 5) {
    const [, kid, iv, tag, ciphertext] = parts as [string, string, string, string, string];
    const key = encryptionKeyring.keys.get(kid);
    if (!key) throw new CryptoError(`Stored secret was encrypted with key "${kid}", which is not configured (ENCRYPTION_KEY / ENCRYPTION_KEYS)`);
    try {
      return open(key, iv, tag, ciphertext, additionalData(kid, binding));
    } catch {
      throw new CryptoError(`Stored secret could not be decrypted with key "${kid}" (altered, or copied from another row)`);
    }
  }
  if (parts[0] === "v1" && parts.length === 4) {
    const [, iv, tag, ciphertext] = parts as [string, string, string, string];
    // No key id: whichever configured key encrypted it (ENCRYPTION_KEY at the time).
    for (const key of encryptionKeyring.keys.values()) {
      try {
        return open(key, iv, tag, ciphertext, null);
      } catch {
        // the next key
      }
    }
    throw new CryptoError("Stored secret could not be decrypted with any configured key (wrong ENCRYPTION_KEY?)");
  }
  throw new CryptoError("Stored secret has an unknown format");
}

export function encryptJson(value: unknown, binding: SecretBinding): string {
  return encryptString(JSON.stringify(value), binding);
}

export function decryptJson<T>(envelope: string, binding: SecretBinding): T {
  return JSON.parse(decryptString(envelope, binding)) as T;
}

/** The key id an envelope names; null for a v1 envelope (or anything else). */
export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split(".");
  return parts[0] === "v2" && parts.length === 5 ? parts[1]! : null;
}

/** The prefix of every envelope encrypted with the current key (the rotation command looks for the others). */
export function currentEnvelopePrefix(): string {
  return `v2.${encryptionKeyring.currentId}.`;
}

/** Encrypted with the current key in today's format (nothing for the rotation command to do). */
export function isCurrentEnvelope(envelope: string): boolean {
  return envelope.startsWith(currentEnvelopePrefix()) && envelopeKeyId(envelope) === encryptionKeyring.currentId;
}
