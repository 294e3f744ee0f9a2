// Login throttling: failed sign-ins counted per account (email) and per client address in PostgreSQL with
// rate-limiter-flexible, so every app process shares the counts and a restart forgets nothing. Its Prisma store
// over our one client, not its raw `pg` store: that one names its prepared statements, which collide on the
// embedded PGlite server (`npm run dev`) where pooled connections share one session. The table (LoginThrottle)
// comes from a migration; the library owns its rows.
//
// Limits: 5 failures per account in 15 minutes (a person who forgot their password has five tries, an attacker
// guessing one account gets 20 an hour), 50 failures per address in 15 minutes (an office behind one NAT is not
// locked out by one colleague). The client address comes from X-Forwarded-For only when TRUST_PROXY=1 says a
// proxy we run sets it; otherwise every client shares the "direct" bucket, whose higher limit then caps the
// total rate of guesses against all accounts. A successful sign-in clears its account's count.
import "server-only";
import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { sqlText } from "@/lib/validation";

export const ACCOUNT_FAILURES = 5;
export const ADDRESS_FAILURES = 50;
export const WINDOW_SECONDS = 15 * 60;

type Limiters = { account: RateLimiterPrisma; address: RateLimiterPrisma };

const globalForThrottle = globalThis as unknown as { __callsyncLoginLimiters?: Limiters };

function limiters(): Limiters {
  if (globalForThrottle.__callsyncLoginLimiters) return globalForThrottle.__callsyncLoginLimiters;
  // clearExpiredByTimeout: the library's hourly sweep of expired rows (a timer, unref'd by the library).
  const base = { storeClient: db, tableName: "loginThrottle", duration: WINDOW_SECONDS, clearExpiredByTimeout: true };
  const created: Limiters = {
    account: new RateLimiterPrisma({ ...base, keyPrefix: "login-account", points: ACCOUNT_FAILURES }),
    address: new RateLimiterPrisma({ ...base, keyPrefix: "login-address", points: ADDRESS_FAILURES }),
  };
  globalForThrottle.__callsyncLoginLimiters = created;
  return created;
}

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The client address the limits count against (see the header comment). */
export function clientAddress(headers: HeaderSource): string {
  if (!env.TRUST_PROXY) return "direct";
  const forwarded = header(headers, "x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || header(headers, "x-real-ip") || "direct";
}

// Keys are whatever the client sent: NUL (which PostgreSQL text refuses) dropped, length capped.
const accountKey = (email: string) => sqlText(email).trim().toLowerCase().slice(0, 254);
const addressKey = (address: string) => sqlText(address).slice(0, 64);

/** Seconds until this account or address may try again, or 0 when a sign-in may be attempted now. */
export async function loginWaitSeconds(email: string, address: string): Promise<number> {
  const { account, address: byAddress } = limiters();
  const [a, b] = await Promise.all([account.get(accountKey(email)), byAddress.get(addressKey(address))]);
  const wait = (res: RateLimiterRes | null, points: number) => (res && res.consumedPoints >= points ? Math.ceil(res.msBeforeNext / 1000) : 0);
  return Math.max(wait(a, ACCOUNT_FAILURES), wait(b, ADDRESS_FAILURES));
}

/** Counts one failed sign-in against the account and the address. */
export async function recordLoginFailure(email: string, address: string): Promise<void> {
  const { account, address: byAddress } = limiters();
  const count = (l: RateLimiterPrisma, key: string) => l.penalty(key, 1);
  await Promise.all([count(account, accountKey(email)), count(byAddress, addressKey(address))]);
}

/** A successful sign-in: the account starts afresh (the address keeps its count). */
export async function recordLoginSuccess(email: string): Promise<void> {
  await limiters().account.delete(accountKey(email));
}

/** "Try again in 14 minutes." */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? "" : "s"}`;
}
