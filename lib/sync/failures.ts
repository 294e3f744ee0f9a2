// What a sync failure means, in one table: for each kind (the ProviderError kinds, plus INTERNAL for
// anything else) how the runtime retries it, what the person reading the sync status is told, the code
// stored (UserSync.errorCode) and which lifecycle change it causes. The Inngest functions and the engine
// read this table; nothing inspects error message text.
//
// How the kind survives to an onFailure handler: the Inngest SDK serializes a failed step's error keeping
// only name, message, stack, `code` and `cause` (node_modules/inngest/helpers/errors.js), and the StepError
// it rethrows into the function keeps name, message and `cause` but drops the top-level `code`. The
// provider step (inngest/functions/provider-step.ts) therefore throws an error whose message is the
// table's text and whose `cause` is the ProviderError itself, whose `code` is `PROVIDER_<kind>`.
// failureOf() walks that cause chain and looks the code up in the table (an exact key match).
import "server-only";
import { ProviderError, type ProviderErrorKind } from "@/lib/errors";
import type { Provider } from "@/lib/generated/prisma/enums";

export type FailureKind = ProviderErrorKind | "INTERNAL";

/** backoff: the runtime retries the step with backoff; sleep: a durable sleep, then a fresh step; none: give up at once. */
export type RetryPolicy = "backoff" | "sleep" | "none";

export interface FailureRule {
  retry: RetryPolicy;
  /** Stored as UserSync.errorCode. */
  code: string;
  /** The lifecycle event the failure causes, if any (applied by markUserFailed and the failure handlers). */
  lifecycle: "reconnectRequired" | null;
  /** What the person is told; `name` is the provider's display name. */
  message: (name: string, error?: ProviderError) => string;
}

export const PROVIDER_NAME: Record<Provider, string> = { GONG: "Gong", SALESLOFT: "Salesloft", CLARI: "Clari Copilot" };

/** A wait of a rate limit whose response named none. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 30_000;

export const FAILURES: Record<FailureKind, FailureRule> = {
  RATE_LIMITED: {
    retry: "sleep",
    code: "RATE_LIMITED",
    lifecycle: null,
    message: (name) => `${name}'s API limit was reached. Syncing resumes automatically; you can also Retry later.`,
  },
  AUTH_REVOKED: {
    retry: "none",
    code: "AUTH_REVOKED",
    lifecycle: "reconnectRequired",
    message: (name) => `${name} access was revoked or has expired. Reconnect the integration to resume syncing.`,
  },
  NOT_FOUND: {
    retry: "backoff",
    code: "NOT_FOUND",
    lifecycle: null,
    message: (name) => `${name} could not find this user's calls. Check the user still exists in ${name}, then Retry.`,
  },
  TRANSIENT: {
    retry: "backoff",
    code: "TRANSIENT",
    lifecycle: null,
    message: (name) => `${name} did not respond in time (temporary error). Retry this user.`,
  },
  INVALID_RESPONSE: {
    retry: "backoff",
    code: "INVALID_RESPONSE",
    lifecycle: null,
    message: (name, e) => `${name} returned data we could not read${e?.field ? ` (field "${e.field}")` : ""}. Retry; if it keeps failing, contact support.`,
  },
  INVALID_CREDENTIALS: {
    retry: "none",
    code: "INVALID_CREDENTIALS",
    // Its message asks for a reconnect, and nothing syncs with rejected credentials.
    lifecycle: "reconnectRequired",
    message: (name) => `${name} rejected the credentials. Reconnect the integration.`,
  },
  CONFIG: {
    retry: "none",
    code: "CONFIG",
    lifecycle: null,
    message: (name, e) => `${name} is not configured on this server (${e?.message ?? "missing settings"}). Ask your administrator.`,
  },
  INTERNAL: {
    retry: "backoff",
    code: "INTERNAL",
    lifecycle: null,
    message: () => `Syncing stopped on an unexpected error. Retry; if it keeps failing, contact support.`,
  },
};

export type Failure = { kind: FailureKind; code: string; message: string };

/** A live error (thrown in this process) described for a person. */
export function describeSyncError(provider: Provider, error: unknown): Failure {
  const kind: FailureKind = error instanceof ProviderError ? error.kind : "INTERNAL";
  const rule = FAILURES[kind];
  return { kind, code: rule.code, message: rule.message(PROVIDER_NAME[provider], error instanceof ProviderError ? error : undefined) };
}

/** `PROVIDER_<kind>` (ProviderError.code) -> kind. */
const KIND_BY_PROVIDER_CODE = new Map<string, FailureKind>(
  (Object.keys(FAILURES) as FailureKind[]).filter((k) => k !== "INTERNAL").map((k) => [`PROVIDER_${k}`, k]),
);

/** The failure kind an error carries: its own `code`, or the first one in its cause chain (live or serialized). */
export function failureKindOf(error: unknown): FailureKind {
  let node: unknown = error;
  for (let depth = 0; depth < 8 && typeof node === "object" && node !== null; depth++) {
    const code = (node as { code?: unknown }).code;
    const kind = typeof code === "string" ? KIND_BY_PROVIDER_CODE.get(code) : undefined;
    if (kind) return kind;
    node = (node as { cause?: unknown }).cause;
  }
  return "INTERNAL";
}

/**
 * A failure that reached an onFailure handler (serialized by the SDK). The provider step put the
 * table's text in the message; anything else gets the INTERNAL text (never a stack or driver message).
 */
export function failureOf(error: unknown): Failure {
  const kind = failureKindOf(error);
  const carried = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  const message = kind !== "INTERNAL" && typeof carried === "string" && carried ? carried : FAILURES.INTERNAL.message("");
  return { kind, code: FAILURES[kind].code, message };
}
