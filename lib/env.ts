// The one place that reads process.env for the app. Validated once, at start-up.
import { createHash } from "node:crypto";
import { z } from "zod";
import { BUILD_PLACEHOLDER_KEY, BUILD_PLACEHOLDER_SECRET, placeholderSecretProblems } from "@/lib/env-placeholders";
import { CRM_LIST, PROVIDER_LIST, type CrmEnvNames, type ProviderEnvNames } from "@/lib/providers/registry";
import { parseHostList } from "@/lib/providers/trusted-host";

const optional = z
  .string()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

/** A comma-separated allow-list of API hosts (lib/providers/trusted-host.ts): *.domain, host names or origins. */
const hostList = optional.superRefine((v, ctx) => {
  try {
    parseHostList(v);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: e instanceof Error ? e.message : String(e) });
  }
});

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    DATABASE_URL: z.string().url({ message: "DATABASE_URL must be a postgres:// URL" }),
    // Public URL of the app (OAuth redirect URIs, links in logs).
    APP_URL: z.string().url().default("http://localhost:3000"),
    NEXTAUTH_SECRET: z.string().min(32, "NEXTAUTH_SECRET must be at least 32 characters"),
    // 32 bytes, base64: a key that encrypts provider tokens and API secrets at rest (lib/crypto.ts). Its key
    // id is derived from it (keyIdOf). For a rotation, ENCRYPTION_KEYS names further keys
    // ("kid:base64,kid:base64") and ENCRYPTION_KEY_ID the one new values are encrypted with; every
    // configured key still decrypts (npm run secrets:rotate re-encrypts everything with the current one).
    ENCRYPTION_KEY: optional.refine((v) => v === undefined || isKey(v), "ENCRYPTION_KEY must be 32 bytes, base64-encoded"),
    ENCRYPTION_KEYS: optional,
    ENCRYPTION_KEY_ID: optional,
    GOOGLE_CLIENT_ID: optional,
    GOOGLE_CLIENT_SECRET: optional,
    // Outgoing email (invitations, password resets): an SMTP URL such as smtps://user:pass@smtp.example.com:465.
    // Unset: messages go to the local outbox (the OutboxEmail table), shown at /dev/outbox in development.
    SMTP_URL: optional,
    // Whether anyone may create another workspace from the sign-up page once one exists (0 for single-tenant
    // installs: then new people join by invitation only). The first workspace can always be created.
    // Behind a proxy we run that sets X-Forwarded-For (1): login throttling counts per client address from it.
    TRUST_PROXY: z
      .string()
      .optional()
      .transform((v) => v === "1" || v?.toLowerCase() === "true"),
    ALLOW_WORKSPACE_SIGNUP: z
      .string()
      .optional()
      .transform((v) => v === undefined || v === "" || !["0", "false", "no", "off"].includes(v.toLowerCase())),
    EMAIL_FROM: z.string().default("Callsync <no-reply@callsync.local>"),
    // Set only by the demo start (scripts/lib/stack.ts, a fresh random value per start that seeded the demo
    // workspace with the simulators on): the key of /api/dev/demo-crm, which connects the demo workspace's
    // HubSpot through the simulator. Unset (every other start): that route answers 404.
    DEMO_SETUP_KEY: z.string().min(32, "DEMO_SETUP_KEY must be at least 32 characters").optional(),

    // Every provider's base URLs and OAuth app (GONG_API_BASE_URL, GONG_CLIENT_ID, ...): names and
    // defaults come from its registry entry.
    ...(Object.fromEntries(
      PROVIDER_LIST.flatMap((p) => {
        const e: ProviderEnvNames = p.env;
        const d: { apiBaseUrl: string; oauthBaseUrl?: string } = p.envDefaults;
        return [
          [e.apiBaseUrl, z.string().url().default(d.apiBaseUrl)],
          ...(e.oauthBaseUrl ? [[e.oauthBaseUrl, z.string().url().default(d.oauthBaseUrl!)]] : []),
          ...(e.clientId ? [[e.clientId, optional]] : []),
          ...(e.clientSecret ? [[e.clientSecret, optional]] : []),
          ...(e.apiHosts ? [[e.apiHosts, hostList]] : []),
        ];
      }),
    ) as Record<string, z.ZodType<string | undefined>>),

    // Every CRM's hosts and OAuth app (HUBSPOT_CLIENT_ID, SALESFORCE_LOGIN_URL, SALESFORCE_INSTANCE_HOSTS, ...),
    // from its registry entry likewise.
    ...(Object.fromEntries(
      CRM_LIST.flatMap((p) => {
        const e: CrmEnvNames = p.env;
        const d: { apiBaseUrl?: string; oauthBaseUrl: string; sandboxLoginUrl?: string } = p.envDefaults;
        return [
          ...(e.apiBaseUrl ? [[e.apiBaseUrl, z.string().url().default(d.apiBaseUrl!)]] : []),
          [e.oauthBaseUrl, z.string().url().default(d.oauthBaseUrl)],
          ...(e.sandboxLoginUrl ? [[e.sandboxLoginUrl, z.string().url().default(d.sandboxLoginUrl!)]] : []),
          [e.clientId, optional],
          [e.clientSecret, optional],
          ...(e.apiHosts ? [[e.apiHosts, hostList]] : []),
        ];
      }),
    ) as Record<string, z.ZodType<string | undefined>>),

    LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),

    // Background jobs: either the bundled local runtime (npm start with INNGEST_LOCAL=1, npm run dev): the SDK
    // in dev mode (INNGEST_DEV, INNGEST_BASE_URL = the runtime) and a key shared with the runtime that signs
    // requests both ways (inngest/runtime-signature.ts); or Inngest Cloud / a self-hosted Inngest server:
    // INNGEST_SIGNING_KEY (the SDK checks the server's request signatures with it) and INNGEST_EVENT_KEY,
    // INNGEST_BASE_URL for self-hosted.
    INNGEST_DEV: optional,
    INNGEST_BASE_URL: z
      .string()
      .url("INNGEST_BASE_URL must be a URL such as https://inngest.example.com")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    INNGEST_APP_KEY: z
      .string()
      .min(32, "INNGEST_APP_KEY must be at least 32 characters")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    INNGEST_SIGNING_KEY: optional,
    INNGEST_SIGNING_KEY_FALLBACK: optional,
    INNGEST_EVENT_KEY: optional,
    // Set by `next build`: the build evaluates modules without the runtime's keys.
    NEXT_PHASE: optional,
  })
  .superRefine((e, ctx) => {
    const ring = keyringOf(e);
    if (typeof ring === "string") ctx.addIssue({ code: "custom", path: [ring.split(":")[0]!], message: ring.slice(ring.indexOf(":") + 2) });
    if (e.NODE_ENV !== "production" || e.NEXT_PHASE === "phase-production-build") return;
    const devMode = Boolean(e.INNGEST_DEV && e.INNGEST_DEV !== "0");
    if (devMode && !e.INNGEST_APP_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["INNGEST_APP_KEY"],
        message:
          "required in production with INNGEST_DEV: without it anyone who can reach /api/inngest could run the app's functions (npm start sets it with INNGEST_LOCAL=1)",
      });
    }
    if (!devMode && (!e.INNGEST_SIGNING_KEY || !e.INNGEST_EVENT_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [e.INNGEST_SIGNING_KEY ? "INNGEST_EVENT_KEY" : "INNGEST_SIGNING_KEY"],
        message:
          "required in production: set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY for Inngest Cloud (plus INNGEST_BASE_URL for a self-hosted Inngest), or start with INNGEST_LOCAL=1 to use the bundled runtime",
      });
    }
  });

export type Env = z.infer<typeof schema>;

function isKey(base64: string): boolean {
  return /^[A-Za-z0-9+/]+={0,2}$/.test(base64) && Buffer.from(base64, "base64").length === 32;
}

/** The id of a key given as ENCRYPTION_KEY (a hash of it: stable, and reveals nothing usable). */
export function keyIdOf(base64: string): string {
  return createHash("sha256").update("callsync/encryption-key-id/").update(Buffer.from(base64, "base64")).digest("base64url").slice(0, 10);
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** The keys lib/crypto.ts decrypts with, and the one it encrypts with. */
export type Keyring = { currentId: string; keys: ReadonlyMap<string, Buffer> };

/** The keyring the settings describe, or "<VARIABLE>: <what is wrong>". */
function keyringOf(e: { ENCRYPTION_KEY?: string; ENCRYPTION_KEYS?: string; ENCRYPTION_KEY_ID?: string }): Keyring | string {
  const keys = new Map<string, Buffer>();
  for (const entry of (e.ENCRYPTION_KEYS ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = entry.indexOf(":");
    const kid = at > 0 ? entry.slice(0, at) : "";
    const key = entry.slice(at + 1);
    if (!KEY_ID_PATTERN.test(kid) || !isKey(key)) {
      return "ENCRYPTION_KEYS: must be a comma-separated list of <key id>:<32 bytes, base64> (key ids: letters, digits, - and _)";
    }
    if (keys.has(kid)) return `ENCRYPTION_KEYS: key id "${kid}" appears twice`;
    keys.set(kid, Buffer.from(key, "base64"));
  }
  const named = [...keys.keys()];
  let derived: string | null = null;
  if (e.ENCRYPTION_KEY) {
    derived = keyIdOf(e.ENCRYPTION_KEY);
    if (keys.has(derived) && !keys.get(derived)!.equals(Buffer.from(e.ENCRYPTION_KEY, "base64")))
      return `ENCRYPTION_KEYS: key id "${derived}" is ENCRYPTION_KEY's`;
    keys.set(derived, Buffer.from(e.ENCRYPTION_KEY, "base64"));
  }
  if (keys.size === 0) return "ENCRYPTION_KEY: required (32 bytes, base64), or ENCRYPTION_KEYS with ENCRYPTION_KEY_ID";
  const currentId = e.ENCRYPTION_KEY_ID ?? (keys.size === 1 ? [...keys.keys()][0]! : null);
  if (!currentId) return `ENCRYPTION_KEY_ID: required when several keys are configured (one of ${[...named, ...(derived ? [derived] : [])].join(", ")})`;
  if (!keys.has(currentId)) return `ENCRYPTION_KEY_ID: "${currentId}" is not one of the configured keys (${[...keys.keys()].join(", ")})`;
  return { currentId, keys };
}

function load(): Env {
  // `next build` evaluates modules without the runtime environment; real validation happens at start.
  const building = process.env.NEXT_PHASE === "phase-production-build";
  let parsed;
  if (building || process.env.SKIP_ENV_VALIDATION === "1") {
    parsed = validateEnv({
      ...process.env,
      DATABASE_URL: process.env.DATABASE_URL || "postgresql://build@localhost:5432/build",
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || BUILD_PLACEHOLDER_SECRET,
      ENCRYPTION_KEY: process.env.ENCRYPTION_KEY || (process.env.ENCRYPTION_KEYS ? undefined : BUILD_PLACEHOLDER_KEY),
    });
  } else {
    parsed = validateEnv(process.env);
  }
  // A production server never runs with a placeholder or development secret, whatever SKIP_ENV_VALIDATION says.
  if (parsed.NODE_ENV === "production" && !building) {
    const problems = placeholderSecretProblems(parsed);
    if (problems.length) {
      throw new Error(
        `Refusing to start in production with placeholder secrets:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSee the configuration table in README.md.`,
      );
    }
  }
  return parsed;
}

/** Parses an environment (process.env at start-up); throws one message listing every variable to fix. */
export function validateEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}\nSee the configuration table in README.md.`);
  }
  return parsed.data;
}

export const env: Env = load();

/** Validated by the schema above, so always a keyring here. */
export const encryptionKeyring: Keyring = keyringOf(env) as Keyring;

export const googleAuthEnabled = Boolean(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET);
