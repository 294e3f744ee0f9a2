// Redirect targets a request may name (callbackUrl on sign-in and sign-out, next-auth's redirect): only paths
// on our own origin. Parsed against APP_URL, and refused outright when the raw or the percent-decoded text
// holds a backslash or a control character, or starts like a protocol-relative URL ("//", "/\"), which
// browsers resolve to another host. Pure (no server-only): the same rules serve pages, next-auth and tests.

const MAX_LENGTH = 2048;

function suspicious(text: string): boolean {
  if (text.includes("\\")) return true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return /^\/\//.test(text) || /^\s/.test(text);
}

/** Up to three rounds of percent-decoding (so %255C is seen as a backslash too); null when not decodable. */
function decodings(text: string): string[] | null {
  const out = [text];
  let current = text;
  for (let round = 0; round < 3; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return null;
    }
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

/**
 * The path (with query and fragment) to send the browser to, or `fallback` when the target is missing, not a
 * path on `appUrl`'s origin, or looks like an attempt to leave it.
 */
export function safeRedirectPath(target: unknown, appUrl: string, fallback = "/deals"): string {
  if (typeof target !== "string" || target.length === 0 || target.length > MAX_LENGTH) return fallback;
  const variants = decodings(target);
  if (!variants || variants.some(suspicious)) return fallback;
  const origin = new URL(appUrl).origin;
  let url: URL;
  try {
    url = new URL(target, origin);
  } catch {
    return fallback;
  }
  if (url.origin !== origin || url.username || url.password) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path.startsWith("/") && !path.startsWith("//") ? path : fallback;
}
