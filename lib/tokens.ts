// Single-use link tokens (invitations, password resets): the link carries a random token, the database only
// its SHA-256, so a leaked table cannot be turned into working links.
import "server-only";
import { createHash, randomBytes } from "node:crypto";

/** A fresh URL-safe token (256 bits) and the hash to store. */
export function newLinkToken(): { token: string; tokenHash: string } {
  const token = randomBytes(32).toString("base64url");
  return { token, tokenHash: hashLinkToken(token) };
}

export function hashLinkToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
