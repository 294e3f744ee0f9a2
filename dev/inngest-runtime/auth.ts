// Who may talk to the runtime and where it may send signed requests.
// In: every request must come to one of the runtime's own host names (a DNS-rebinding page cannot reach it
// under a name of its own), carry no foreign Origin, send JSON when it has a body, and be signed with the
// shared key (inngest/runtime-signature.ts); a signature is accepted once. GET /health is the one open
// endpoint: a liveness probe that reads and writes nothing.
// Out: requests to apps are signed, and only ever sent to the configured app URLs (origin and path), so
// a sync or registration naming another URL never makes the runtime hand a signature to someone else.
import type http from "node:http";
import { signRequest, verifyRequest, SIGNATURE_HEADER } from "../../inngest/runtime-signature";
import type { RuntimeContext } from "./context";
import { query } from "./store";

export class ForeignAppUrlError extends Error {
  override name = "ForeignAppUrlError";
  constructor(url: string) {
    super(`${url} is not a configured app URL (INNGEST_LOCAL_APP_URL / appUrls); the runtime sends nothing there`);
  }
}

/** An app URL as the allow-list compares it: origin and path, no query (step requests add fnId/stepId). */
export function appUrlKey(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.protocol !== "http:" && u.protocol !== "https:") return null;
    if (u.username || u.password) return null;
    return `${u.origin}${u.pathname}`;
  } catch {
    return null;
  }
}

export const isAppUrl = (ctx: RuntimeContext, url: string): boolean => {
  const key = appUrlKey(url);
  return key !== null && ctx.appUrls.has(key);
};

/** fetch() to an app: signed, and refused (ForeignAppUrlError, nothing sent) for any URL not configured. */
export async function appFetch(ctx: RuntimeContext, url: string, init: RequestInit & { body?: string }): Promise<Response> {
  if (!isAppUrl(ctx, url)) throw new ForeignAppUrlError(url);
  const headers = new Headers(init.headers);
  headers.set(SIGNATURE_HEADER, signRequest(ctx.appKey, { method: init.method ?? "GET", url, body: init.body ?? "" }));
  return fetch(url, { ...init, headers, redirect: "error" });
}

export type Refusal = { status: number; error: string };

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/** The Host header values the runtime answers to: loopback names (and the bound host) with its port, plus extras. */
export function allowedHosts(boundHost: string | undefined, port: number, extra: string[] = []): Set<string> {
  const names = [...LOOPBACK];
  if (boundHost && !["0.0.0.0", "::"].includes(boundHost)) names.push(boundHost.includes(":") ? `[${boundHost}]` : boundHost);
  return new Set([...names.map((n) => `${n}:${port}`.toLowerCase()), ...extra.map((h) => h.toLowerCase())]);
}

/** Host and Origin: 403 for a name the runtime does not go by (DNS rebinding) or any other site's Origin. */
export function checkHost(req: http.IncomingMessage, hosts: Set<string>): Refusal | null {
  const host = (req.headers.host ?? "").toLowerCase();
  if (!hosts.has(host)) return { status: 403, error: `Host "${host}" is not this runtime; use http://127.0.0.1:<port>` };
  const origin = req.headers.origin;
  if (origin !== undefined) {
    const originHost = URL.canParse(origin) ? new URL(origin).host.toLowerCase() : null;
    if (originHost === null || !hosts.has(originHost)) return { status: 403, error: "Cross-origin requests are refused" };
  }
  return null;
}

/** Bodies are JSON: a POST/PUT without `Content-Type: application/json` is a 415. */
export function checkContentType(req: http.IncomingMessage): Refusal | null {
  if (req.method === "GET" || req.method === "HEAD") return null;
  const type = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json" ? null : { status: 415, error: "Send the body as JSON (Content-Type: application/json)" };
}

/** The signature over method, path, timestamp and body, with the shared key; each signature is accepted once. */
export async function checkSignature(ctx: RuntimeContext, req: http.IncomingMessage, body: string): Promise<Refusal | null> {
  const header = req.headers[SIGNATURE_HEADER];
  const verdict = verifyRequest(ctx.appKey, typeof header === "string" ? header : null, { method: req.method ?? "GET", url: req.url ?? "/", body });
  if (!verdict.ok)
    return { status: 401, error: `Unauthorized: ${verdict.reason}. Requests to this runtime are signed with INNGEST_APP_KEY (inngest/runtime-signature.ts)` };
  const now = Date.now();
  await query(ctx.db, `DELETE FROM ${ctx.s}.seen_signatures WHERE expires_at < $1`, [now]);
  const fresh = await query(ctx.db, `INSERT INTO ${ctx.s}.seen_signatures (signature, expires_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [
    verdict.signature,
    verdict.expiresAt,
  ]);
  return fresh.rowCount === 1 ? null : { status: 401, error: "Unauthorized: this signed request was already used (replay)" };
}
