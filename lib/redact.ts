// Secrets out of text bound for the server log: provider error detail (status, body excerpt, URLs) is
// logged with a reference id, never shown to members, and passes through here first. Redacts bearer /
// basic credentials, Authorization and API-key headers, secret-named fields in JSON bodies and in query or
// form strings, userinfo in URLs and JWT-shaped tokens; collapses control characters (a body cannot forge
// log lines) and caps the length.

/** What every redacted value becomes. */
export const REDACTED = "[REDACTED]";

/** Field, header and parameter names whose value is a secret (matched case-insensitively, `-`/`_` optional). */
const SECRET_NAMES = [
  "access[-_]?token",
  "refresh[-_]?token",
  "id[-_]?token",
  "client[-_]?secret",
  "api[-_]?key",
  "api[-_]?secret",
  "api[-_]?password",
  "x[-_]api[-_]key",
  "x[-_]api[-_]password",
  "authorization",
  "password",
  "passwd",
  "secret",
  "token",
  "code",
  "code[-_]?verifier",
  "assertion",
  "session[-_]?token",
  "cookie",
  "set[-_]cookie",
].join("|");

const RULES: Array<[RegExp, string | ((...m: string[]) => string)]> = [
  // "access_token": "…" (JSON, also inside escaped JSON strings).
  [new RegExp(`(\\\\?["'](?:${SECRET_NAMES})\\\\?["']\\s*:\\s*)(\\\\?["'])(?:[^"'\\\\]|\\\\(?!["']))*\\2`, "gi"), `$1$2${REDACTED}$2`],
  // "token": 12345 / true (unquoted JSON values).
  [new RegExp(`(["'](?:${SECRET_NAMES})["']\\s*:\\s*)(?![\\s"'])[^,}\\]\\s]+`, "gi"), `$1${REDACTED}`],
  // Authorization: Bearer … / X-Api-Key: … (header lines).
  [new RegExp(`\\b((?:${SECRET_NAMES})\\s*:\\s*)(?!["'\\s])(?:(?:Bearer|Basic|Token)\\s+)?[^\\s,;"']+`, "gi"), `$1${REDACTED}`],
  // Bearer … / Basic … anywhere else.
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/g, `$1 ${REDACTED}`],
  // ?access_token=…&code=… (query strings and form bodies).
  [new RegExp(`([^A-Za-z0-9_-]|^)((?:${SECRET_NAMES})=)[^&\\s#"'<>]*`, "gi"), `$1$2${REDACTED}`],
  // https://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*:[^/\s@]*@/gi, `$1${REDACTED}@`],
  // JWTs (three base64url parts, the first a JSON header).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

/** `text` with every secret replaced by [REDACTED], on one line, at most `maxLength` characters. */
export function redactSecrets(text: string, maxLength = 2_000): string {
  let out = text;
  for (const [pattern, replacement] of RULES) out = out.replace(pattern, replacement as string);
  // eslint-disable-next-line no-control-regex
  out = out.replace(/[\u0000-\u001f\u007f]+/g, " ");
  return out.length > maxLength ? `${out.slice(0, maxLength)}…` : out;
}

/** An error and its causes as one line of log detail (name, message, status), secrets redacted. */
export function describeErrorForLog(error: unknown, maxLength = 2_000): string {
  const parts: string[] = [];
  let node: unknown = error;
  for (let depth = 0; depth < 6 && node !== undefined && node !== null; depth++) {
    if (typeof node === "object") {
      const { name, message, status, code } = node as { name?: unknown; message?: unknown; status?: unknown; code?: unknown };
      const head = [typeof name === "string" ? name : "Error", typeof code === "string" ? code : null, typeof status === "number" ? `status ${status}` : null]
        .filter(Boolean)
        .join(" ");
      parts.push(`${head}: ${typeof message === "string" ? message : ""}`);
      node = (node as { cause?: unknown }).cause;
    } else {
      parts.push(String(node));
      break;
    }
  }
  return redactSecrets(parts.join(" <- caused by "), maxLength);
}
