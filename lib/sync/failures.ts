// What a sync failure means, in one table: for each kind (the ProviderError kinds, plus INTERNAL for
// anything else) how the runtime retries it, what the person reading the sync status is told, the code
// stored (UserSync.errorCode) and which lifecycle change it causes. The Inngest functions and the engine
// read this table; nothing inspects error message text.
//
// How the kind survives to an onFailure handler: the Inngest SDK serializes a failed step's error keeping
// only name, message, stack, `code` and `cause` (node_modules/inngest/helpers/errors.js); the StepError it
// rethrows into the function drops the top-level `code` and parses the cause with a strict schema that
// keeps only its name, message and stack (node_modules/inngest/components/StepError.js, types.js). The
// provider step (inngest/functions/provider-step.ts) therefore throws an error whose message is the
// table's text and whose cause is a SyncFailureError named "SyncFailure[<kind>]" (its own cause is the
// ProviderError). failureKindOf() walks the cause chain and looks names (and, for live errors, codes) up
// in maps built from the table: an exact key match, never a pattern over text.
import "server-only";
import { randomBytes } from "node:crypto";
import { describeErrorForLog } from "@/lib/redact";
import { ProviderError, SyncFailureError, syncFailureName, type SyncFailureKind } from "@/lib/errors";
import type { Provider } from "@/lib/generated/prisma/enums";
import { providerName } from "@/lib/providers/registry";

export type FailureKind = SyncFailureKind;

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

/** How the UI names an integration whose stored credentials do not decrypt. */
export const CREDENTIALS_UNREADABLE_TEXT = "Credentials unreadable: reconnect";

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
    // An answer with an error status (5xx, 408) is not a silence: say which one it was (issue 17.4).
    message: (name, e) =>
      e?.status
        ? `${name} answered with an error (HTTP ${e.status}, temporary). Retry this user; if it keeps failing, ${name} may be having problems.`
        : `${name} did not respond in time (temporary error). Retry this user.`,
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
  UNTRUSTED_HOST: {
    retry: "none",
    code: "UNTRUSTED_HOST",
    // The refused refresh response carried the only new (single-use) refresh token: reconnecting is the way on.
    lifecycle: "reconnectRequired",
    message: (name) =>
      `${name} named an API address Callsync does not trust, so no request was sent there and nothing was stored. Reconnect the integration; if it happens again, contact support.`,
  },
  CREDENTIALS_UNREADABLE: {
    retry: "none",
    code: "CREDENTIALS_UNREADABLE",
    // Nothing can sync until an admin connects again (new credentials, encrypted with the current key).
    lifecycle: "reconnectRequired",
    message: (name) =>
      `${CREDENTIALS_UNREADABLE_TEXT}. The stored ${name} credentials could not be decrypted (the encryption key changed, or the stored value was altered). Reconnect ${name} to resume syncing.`,
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
  return { kind, code: rule.code, message: rule.message(providerName(provider), error instanceof ProviderError ? error : undefined) };
}

// -------------------------------------------------------------------------------------------------
// Reference ids: what a person sees is the table's message plus a reference; the upstream detail
// (status, body excerpt, causes) goes to the server log under the same reference, secrets redacted.
// -------------------------------------------------------------------------------------------------

/** A short random id a person can quote to support ("R-3FA9C21B7D"). */
export function newReference(): string {
  return `R-${randomBytes(5).toString("hex").toUpperCase()}`;
}

/** A message with its reference appended, as stored and shown. */
export function withReference(message: string, reference: string): string {
  return `${message} Reference: ${reference}.`;
}

/** The log line of a failure's detail (lib/redact.ts strips tokens, keys and credentials). */
export function logFailureDetail(reference: string, context: string, error: unknown): void {
  console.error(`[failure] ref=${reference} ${context}: ${describeErrorForLog(error)}`);
}

export type ReportedFailure = Failure & { reference: string };

/**
 * A live error described for a person with a reference id, its detail logged under that reference.
 * The message is the table's text (never the provider's body) plus the reference.
 */
export function reportFailure(provider: Provider, error: unknown, context: string): ReportedFailure {
  const failure = describeSyncError(provider, error);
  const reference = newReference();
  logFailureDetail(reference, `${context} (${provider}, ${failure.kind})`, error);
  return { ...failure, reference, message: withReference(failure.message, reference) };
}

/**
 * The provider error as it may travel on (into the runtime's stored run output): same kind, status and
 * field, the message cut to its redacted first part; the full detail is in the log under the reference.
 */
function sanitizedProviderError(error: ProviderError, reference: string): ProviderError {
  return new ProviderError(error.kind, error.provider, `${error.provider} request failed (${error.kind}); detail logged as ${reference}`, {
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    field: error.field,
  });
}

const ALL_KINDS = Object.keys(FAILURES) as FailureKind[];
/** "SyncFailure[<kind>]" (SyncFailureError.name, kept by the SDK) -> kind. */
const KIND_BY_NAME = new Map<string, FailureKind>(ALL_KINDS.map((k) => [syncFailureName(k), k]));
/** `PROVIDER_<kind>` (ProviderError.code, on live errors) -> kind. */
const KIND_BY_PROVIDER_CODE = new Map<string, FailureKind>(ALL_KINDS.filter((k) => k !== "INTERNAL").map((k) => [`PROVIDER_${k}`, k]));

/**
 * The error the provider step throws in place of `error`: the table's text with a reference, the kind in
 * its cause (see the top). The detail is logged under the reference; the cause chain carries a
 * sanitized copy of the provider error, never its body.
 */
export function carrierOf(provider: Provider, error: unknown): { failure: ReportedFailure; cause: SyncFailureError } {
  const failure = reportFailure(provider, error, "sync step failed");
  const carried = error instanceof ProviderError ? sanitizedProviderError(error, failure.reference) : undefined;
  return { failure, cause: new SyncFailureError(failure.kind, failure.message, { cause: carried }) };
}

/** The failure kind an error carries, itself or in its cause chain (live, or serialized by the SDK). */
export function failureKindOf(error: unknown): FailureKind {
  let node: unknown = error;
  for (let depth = 0; depth < 8 && typeof node === "object" && node !== null; depth++) {
    const { name, code } = node as { name?: unknown; code?: unknown };
    const kind = (typeof name === "string" && KIND_BY_NAME.get(name)) || (typeof code === "string" && KIND_BY_PROVIDER_CODE.get(code)) || undefined;
    if (kind) return kind;
    node = (node as { cause?: unknown }).cause;
  }
  return "INTERNAL";
}

/**
 * A failure that reached an onFailure handler (serialized by the SDK). The provider step put the
 * table's text and a reference in the message; anything else gets the INTERNAL text with a new
 * reference (never a stack or driver message), its detail logged under it.
 */
export function failureOf(error: unknown): Failure {
  const kind = failureKindOf(error);
  const carried = typeof error === "object" && error !== null ? (error as { message?: unknown }).message : undefined;
  if (kind !== "INTERNAL" && typeof carried === "string" && carried) return { kind, code: FAILURES[kind].code, message: carried };
  const reference = newReference();
  logFailureDetail(reference, "background function failed", error);
  return { kind, code: FAILURES[kind].code, message: withReference(FAILURES[kind].message(""), reference) };
}
