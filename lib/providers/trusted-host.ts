// Base URLs a provider hands us at run time (Gong's api_base_url_for_customer; later Salesforce's
// instance_url): every API request, with its bearer token, goes to that host, so it must be one we chose.
// An allow-list entry is one of
//   *.gong.io              https on any subdomain of gong.io (not gong.io itself), default port
//   api.gong.io            https on exactly that host, default port
//   http://127.0.0.1:4010  exactly that origin, any scheme (the local simulators)
// and the URL may carry no userinfo, query or fragment (a path-only base). Nothing is "repaired": a URL
// that needs it is refused. Display-safe and pure, so the registry, the clients and tests share it.

export type BaseUrlCheck = { ok: true; url: string } | { ok: false; reason: string };

// A host label as URL parsing leaves it (lower case, punycode): letters, digits, inner hyphens.
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})+$`);
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Control characters, whitespace or backslashes: URL parsing strips or rewrites them, so they are refused first. */
function hasUnsafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x5c) return true;
  }
  return false;
}

type Entry = { kind: "wildcard"; suffix: string } | { kind: "host"; host: string } | { kind: "origin"; origin: string };

function parseEntry(raw: string): Entry | null {
  const entry = raw.trim().toLowerCase();
  if (!entry || hasUnsafe(entry)) return null;
  if (entry.startsWith("*.")) {
    const domain = entry.slice(2);
    // At least two labels under the wildcard: "*.gong.io", never "*.io" or "*".
    return HOSTNAME.test(domain) && !IPV4.test(domain) ? { kind: "wildcard", suffix: `.${domain}` } : null;
  }
  if (entry.includes("://")) {
    let u: URL;
    try {
      u = new URL(entry);
    } catch {
      return null;
    }
    const bare = `${u.protocol}//${u.host}`;
    if ((u.protocol !== "https:" && u.protocol !== "http:") || u.username || u.password || entry.replace(/\/$/, "") !== bare) return null;
    return { kind: "origin", origin: u.origin };
  }
  return HOSTNAME.test(entry) ? { kind: "host", host: entry } : null;
}

/** An env value such as "*.gong.io, http://localhost:4010" as a list; null when unset or blank; throws on a bad entry. */
export function parseHostList(value: string | undefined | null): string[] | null {
  const entries = (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  if (!entries.length) return null;
  for (const e of entries) {
    if (!parseEntry(e)) throw new Error(`"${e}" is not an allowed-host entry: use a host name, *.domain, or an origin such as http://localhost:4010`);
  }
  return entries;
}

function allowedBy(u: URL, entry: Entry): boolean {
  switch (entry.kind) {
    case "origin":
      return u.origin === entry.origin;
    case "wildcard":
      return u.protocol === "https:" && u.port === "" && u.hostname.endsWith(entry.suffix) && u.hostname.length > entry.suffix.length;
    case "host":
      return u.protocol === "https:" && u.port === "" && u.hostname === entry.host;
  }
}

/**
 * Whether `raw` is an acceptable API base URL under `allowed` (entries as above). On success the URL
 * normalized to origin + path without a trailing slash; otherwise a reason a person can read.
 */
export function checkBaseUrl(raw: unknown, allowed: readonly string[]): BaseUrlCheck {
  if (typeof raw !== "string" || !raw) return { ok: false, reason: "no URL was given" };
  if (raw.length > 2_000) return { ok: false, reason: "the URL is too long" };
  if (hasUnsafe(raw)) return { ok: false, reason: "the URL contains spaces, control characters or backslashes" };
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return { ok: false, reason: "it is not an absolute URL" };
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return { ok: false, reason: `${u.protocol} URLs are not allowed` };
  if (
    u.username ||
    u.password ||
    raw
      .slice(u.protocol.length + 2)
      .split("/")[0]!
      .includes("@")
  ) {
    return { ok: false, reason: "the URL carries a user name or password" };
  }
  if (raw.includes("?") || u.search) return { ok: false, reason: "the URL carries a query" };
  if (raw.includes("#") || u.hash) return { ok: false, reason: "the URL carries a fragment" };
  const entries = allowed.map(parseEntry).filter((e): e is Entry => e !== null);
  if (!entries.some((e) => allowedBy(u, e))) return { ok: false, reason: `${u.protocol}//${u.host} is not an allowed host` };
  return { ok: true, url: `${u.origin}${u.pathname.replace(/\/+$/, "")}` };
}
