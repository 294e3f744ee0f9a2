// Secrets a production process must never run with: the build-time fillers (lib/env.ts), the dev, test
// and benchmark defaults checked into this repository, and keys anyone could guess (one byte repeated).
// Pure (no app imports), so the launcher (scripts/lib/stack.ts) can check before it starts anything.

/** What `next build` (and SKIP_ENV_VALIDATION=1 outside production) fills in when a secret is not set. */
export const BUILD_PLACEHOLDER_SECRET = "build-time-placeholder-secret-000000000";
export const BUILD_PLACEHOLDER_KEY = Buffer.alloc(32).toString("base64");

const KNOWN_SECRETS = new Set([
  BUILD_PLACEHOLDER_SECRET,
  "test-secret-test-secret-test-secret-0000",
  "bench-secret-bench-secret-bench-secret-00",
  "changeme",
  "change-me",
  "secret",
  "development-secret",
]);

/** A base64 key made of one byte repeated (all zeros, Buffer.alloc(32, n) in tests and benchmarks). */
function constantBytes(base64: string): boolean {
  const bytes = Buffer.from(base64, "base64");
  return bytes.length > 0 && bytes.every((b) => b === bytes[0]);
}

function weakSecret(value: string): boolean {
  return KNOWN_SECRETS.has(value) || new Set(value).size < 6;
}

export type SecretVars = {
  NEXTAUTH_SECRET?: string;
  ENCRYPTION_KEY?: string;
  /** "kid:base64,kid:base64" */
  ENCRYPTION_KEYS?: string;
  INNGEST_APP_KEY?: string;
};

/** One line per placeholder secret, naming its variable; empty when there is none. */
export function placeholderSecretProblems(vars: SecretVars): string[] {
  const problems: string[] = [];
  const fix = "set a random value (e.g. `openssl rand -base64 32`)";
  if (!vars.NEXTAUTH_SECRET) problems.push(`NEXTAUTH_SECRET is not set; ${fix}`);
  else if (weakSecret(vars.NEXTAUTH_SECRET)) problems.push(`NEXTAUTH_SECRET is a placeholder or development value; ${fix}`);
  if (!vars.ENCRYPTION_KEY && !vars.ENCRYPTION_KEYS) problems.push(`ENCRYPTION_KEY is not set; ${fix}`);
  if (vars.ENCRYPTION_KEY && constantBytes(vars.ENCRYPTION_KEY)) problems.push(`ENCRYPTION_KEY is a placeholder (one byte repeated); ${fix}`);
  for (const entry of (vars.ENCRYPTION_KEYS ?? "").split(",").filter(Boolean)) {
    const [kid, key] = entry.split(":");
    if (key && constantBytes(key)) problems.push(`ENCRYPTION_KEYS: key "${kid}" is a placeholder (one byte repeated); ${fix}`);
  }
  if (vars.INNGEST_APP_KEY && weakSecret(vars.INNGEST_APP_KEY)) problems.push(`INNGEST_APP_KEY is a placeholder or development value; ${fix}`);
  return problems;
}
