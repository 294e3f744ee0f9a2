// Request signatures between the app and the bundled local Inngest runtime (dev/inngest-runtime/), both
// directions: the runtime signs its sync and step requests to /api/inngest, the app's Inngest client signs
// its event sends and registrations to the runtime. One shared key (INNGEST_APP_KEY); the header is
// `t=<unix seconds>&n=<nonce>&s=<hex HMAC-SHA256 over timestamp, nonce, method, path with query and body>`.
// A receiver accepts a signature only within SIGNATURE_WINDOW_MS of its timestamp and only once (it keeps
// the signatures it saw for that long), so a captured request cannot be replayed or re-aimed at another
// endpoint. With Inngest Cloud or a self-hosted server the SDK's own X-Inngest-Signature applies instead.
// Not "server-only": the runtime (plain Node) imports it too.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SIGNATURE_HEADER = "x-callsync-signature";
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export type SignedParts = {
  method: string;
  /** Absolute URL or path with query; only the path and query are signed (proxies may change the host). */
  url: string;
  body: string;
};

const target = (url: string) => {
  const u = new URL(url, "http://runtime.invalid");
  return `${u.pathname}${u.search}`;
};

function mac(key: string, t: string, nonce: string, req: SignedParts): string {
  return createHmac("sha256", key)
    .update(`${t}\n${nonce}\n${req.method.toUpperCase()}\n${target(req.url)}\n`)
    .update(req.body)
    .digest("hex");
}

/** The signature header value for one request. */
export function signRequest(key: string, req: SignedParts, now = Date.now()): string {
  const t = String(Math.floor(now / 1000));
  const nonce = randomBytes(16).toString("base64url");
  return `t=${t}&n=${nonce}&s=${mac(key, t, nonce, req)}`;
}

export type Verdict =
  | { ok: true; /** What a receiver remembers to refuse a replay. */ signature: string; /** Until when it must remember it. */ expiresAt: number }
  | { ok: false; reason: string };

/** Checks a header from signRequest: right key, this method, path and body, timestamp within the window. */
export function verifyRequest(key: string, header: string | null | undefined, req: SignedParts, now = Date.now()): Verdict {
  if (!header) return { ok: false, reason: "the request is not signed" };
  const p = new URLSearchParams(header);
  const t = p.get("t") ?? "";
  const nonce = p.get("n") ?? "";
  const s = p.get("s") ?? "";
  if (!/^\d{1,12}$/.test(t) || !/^[\w-]{16,64}$/.test(nonce) || !/^[0-9a-f]{64}$/.test(s)) return { ok: false, reason: "the signature is malformed" };
  const at = Number(t) * 1000;
  if (Math.abs(now - at) > SIGNATURE_WINDOW_MS) return { ok: false, reason: "the signature has expired" };
  if (!timingSafeEqual(Buffer.from(mac(key, t, nonce, req), "hex"), Buffer.from(s, "hex"))) return { ok: false, reason: "the signature does not match" };
  return { ok: true, signature: s, expiresAt: at + SIGNATURE_WINDOW_MS };
}

/**
 * The SDK's form (X-Inngest-Signature `t=<unix seconds>&s=<hex HMAC-SHA256(body + t)>`, keyed with the signing
 * key without its `signkey-<env>-` prefix), as Inngest Cloud and self-hosted servers sign requests to the app.
 */
export function verifyInngestSignature(keys: string[], header: string | null | undefined, body: string, now = Date.now()): Verdict {
  if (!header) return { ok: false, reason: "the request is not signed" };
  const p = new URLSearchParams(header);
  const t = p.get("t") ?? "";
  const s = p.get("s") ?? "";
  if (!/^\d{1,12}$/.test(t) || !/^[0-9a-f]{64}$/.test(s)) return { ok: false, reason: "the signature is malformed" };
  const at = Number(t) * 1000;
  if (Math.abs(now - at) > SIGNATURE_WINDOW_MS) return { ok: false, reason: "the signature has expired" };
  const given = Buffer.from(s, "hex");
  const match = keys.some((k) =>
    timingSafeEqual(
      createHmac("sha256", k.replace(/^signkey-\w+-/, ""))
        .update(body + t)
        .digest(),
      given,
    ),
  );
  return match ? { ok: true, signature: s, expiresAt: at + SIGNATURE_WINDOW_MS } : { ok: false, reason: "the signature does not match" };
}

const requestUrl = (input: string | URL | Request) => (typeof input === "string" ? input : input instanceof URL ? input.href : input.url);

/**
 * A fetch that signs requests to the given origins and sends everything else as is, so the key's signature
 * never goes anywhere else. Bodies must be strings (the SDK's are); anything else is refused, not sent unsigned.
 */
export function signingFetch(key: string, origins: string[], base: typeof fetch = fetch): typeof fetch {
  const allowed = new Set(origins.map((o) => new URL(o).origin));
  return (input, init) => {
    const url = requestUrl(input);
    if (!allowed.has(new URL(url).origin)) return base(input, init);
    if (input instanceof Request) return Promise.reject(new Error("signingFetch: pass a URL and init, not a Request"));
    const body = init?.body ?? "";
    if (typeof body !== "string") return Promise.reject(new Error("signingFetch: only string bodies can be signed"));
    const headers = new Headers(init?.headers);
    headers.set(SIGNATURE_HEADER, signRequest(key, { method: init?.method ?? "GET", url, body }));
    // A redirect would carry the signature to wherever it points.
    return base(url, { ...init, headers, redirect: "error" });
  };
}
