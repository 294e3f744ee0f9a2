// Binds an OAuth attempt to the browser that started it (issue 15, item 3). Starting an attempt sets a
// cookie holding a fresh random nonce, named after the attempt's state (so two attempts in one browser do
// not overwrite each other), HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which
// Lax lets through), Secure when APP_URL is https, sent only to the callback path, and living as long as the
// attempt. Only the nonce's SHA-256 is stored with the attempt; the callback clears the cookie once it has
// been presented. An approval finished in a browser without it (another browser, another device, a link
// someone was sent) connects nothing.
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { OAUTH_CALLBACK_PATH } from "@/lib/sync/clients";

/** How long an attempt (and its cookie) lives. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

const COOKIE_PREFIX = "callsync_oauth_";

const sha256Hex = (s: string) => createHash("sha256").update(s).digest("hex");

/** 32 random bytes, base64url: the value of the attempt's cookie. */
export const newBrowserNonce = (): string => randomBytes(32).toString("base64url");

/** What is stored with the attempt (never the nonce itself). */
export const hashBrowserNonce = (nonce: string): string => sha256Hex(nonce);

/** The cookie's name for an attempt: derived from its state, so the callback knows which one to read. */
export const bindingCookieName = (state: string): string => `${COOKIE_PREFIX}${sha256Hex(state).slice(0, 16)}`;

export type BindingCookie = {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: "lax"; secure: boolean; path: string; maxAge: number };
};

const cookieOptions = (appUrl: string, maxAge: number): BindingCookie["options"] => ({
  httpOnly: true,
  sameSite: "lax",
  secure: appUrl.startsWith("https:"),
  path: OAUTH_CALLBACK_PATH,
  maxAge,
});

/** The cookie the start of an attempt sets. */
export function bindingCookie(state: string, nonce: string, appUrl: string): BindingCookie {
  return { name: bindingCookieName(state), value: nonce, options: cookieOptions(appUrl, OAUTH_STATE_TTL_MS / 1000) };
}

/** The same cookie, expired: what the callback answers once the cookie was presented (single use). */
export function clearedBindingCookie(state: string, appUrl: string): BindingCookie {
  return { name: bindingCookieName(state), value: "", options: cookieOptions(appUrl, 0) };
}

/** Whether the presented nonce is the one whose hash the attempt stored (constant-time). */
export function browserNonceMatches(presented: string | null | undefined, storedHash: string | null): boolean {
  if (!presented || !storedHash || presented.length > 200) return false;
  const a = Buffer.from(hashBrowserNonce(presented), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
