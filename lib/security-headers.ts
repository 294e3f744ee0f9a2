// The response headers that depend on the request or on how the app is deployed, built in one place for
// proxy.ts (which sets them on every page and route response): a Content-Security-Policy with a fresh nonce
// per response, and HSTS when the app is served over https. The headers that never change (X-Frame-Options,
// nosniff, Referrer-Policy, ...) stay in next.config.js, which also covers static files.
//
// Scripts: only those carrying the response's nonce run ('strict-dynamic' lets them load Next's chunks), so an
// injected <script> or inline handler never does. Next.js reads the nonce from the request's CSP header and
// puts it on every script it renders; that needs pages rendered per request (app/layout.tsx). Styles keep
// 'unsafe-inline': React renders style attributes, which a nonce cannot cover, and a style cannot run code.
// Development adds eval (React's dev tooling) and the HMR websocket.
//
// HSTS (two years, subdomains too, no preload: preloading is a commitment for the operator to make) is sent
// when APP_URL is https in production: browsers ignore it over http, and a development or test stack on
// http://localhost must never pin localhost to https.

/** The Strict-Transport-Security value sent when APP_URL is https. */
export const HSTS = "max-age=63072000; includeSubDomains";

/** 128 random bits, base64: unguessable, and new for every response. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function contentSecurityPolicy(opts: { nonce: string; dev: boolean; https?: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${opts.dev ? " ws: wss:" : ""}`,
    // Recording links open in a new tab (not embedded), so no media or frame sources are needed.
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(opts.https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

/** The per-response security headers: the CSP for this nonce, and HSTS when a production app's APP_URL is https. */
export function securityHeaders(opts: { nonce: string; appUrl: string; production: boolean }): Record<string, string> {
  const https = new URL(opts.appUrl).protocol === "https:";
  const headers: Record<string, string> = { "Content-Security-Policy": contentSecurityPolicy({ nonce: opts.nonce, dev: !opts.production, https }) };
  if (opts.production && https) headers["Strict-Transport-Security"] = HSTS;
  return headers;
}
