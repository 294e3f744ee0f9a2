// Encryption at rest for provider secrets (OAuth tokens, Clari API key and secret): AES-256-GCM with a
// random 96-bit IV per value. Stored as "v1.<iv>.<tag>.<ciphertext>" (base64url parts).
import "server-only";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { env } from "@/lib/env";
import { CryptoError } from "@/lib/errors";

const key = (): Buffer => Buffer.from(env.ENCRYPTION_KEY, "base64");

export function encryptString(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ["v1", iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(".");
}

export function decryptString(envelope: string): string {
  const [version, iv, tag, ciphertext] = envelope.split(".");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) {
    throw new CryptoError("Stored secret has an unknown format");
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new CryptoError("Stored secret could not be decrypted (wrong ENCRYPTION_KEY?)");
  }
}

export function encryptJson(value: unknown): string {
  return encryptString(JSON.stringify(value));
}

export function decryptJson<T>(envelope: string): T {
  return JSON.parse(decryptString(envelope)) as T;
}
