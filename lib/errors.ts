// Typed domain errors. UI and route handlers map them to messages and status codes; nothing else
// should need to inspect error strings.

export class DomainError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Not signed in. */
export class UnauthenticatedError extends DomainError {
  constructor(message = "Please sign in to continue.") {
    super("UNAUTHENTICATED", message);
  }
}

/** Signed in, but the role does not allow this (e.g. a member managing integrations). */
export class ForbiddenError extends DomainError {
  constructor(message = "Only workspace admins can do this. Ask an admin of your workspace.") {
    super("FORBIDDEN", message);
  }
}

/** The thing does not exist, or exists in another workspace (never tell them apart). */
export class NotFoundError extends DomainError {
  constructor(what = "That item") {
    super("NOT_FOUND", `${what} was not found.`);
  }
}

/** Input failed validation; `fields` maps field names to messages for inline display. */
export class ValidationError extends DomainError {
  readonly fields: Record<string, string>;
  constructor(message: string, fields: Record<string, string> = {}) {
    super("VALIDATION", message);
    this.fields = fields;
  }
}

/** Too many failed attempts (passwords): wait, then try again. */
export class TooManyAttemptsError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("TOO_MANY_ATTEMPTS", message);
  }
}

/** A search that ran past its statement_timeout (lib/calls/search.ts): narrow it and search again. */
export class SearchTooSlowError extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super("SEARCH_TOO_SLOW", "The search took too long; narrow it with more words or a deal name, or a rarer word, and search again.", options);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super("CONFLICT", message);
  }
}

/** "Sync now" (or a poll) while another sync of the integration holds its sync lease. */
export class SyncAlreadyRunningError extends ConflictError {
  constructor(providerName: string) {
    super(`A sync is already running for ${providerName}. Wait for it to finish (it shows in the sync history), then try again.`);
  }
}

/**
 * An integration lifecycle event that is not allowed in the row's current state (lib/sync/lifecycle.ts).
 * Nothing was written; `message` is for people, the other fields for code and logs.
 */
export class IllegalTransitionError extends ConflictError {
  readonly event: string;
  readonly fromStatus: string | null;
  readonly fromStep: string | null;
  constructor(event: string, fromStatus: string | null, fromStep: string | null, message: string) {
    super(message);
    this.event = event;
    this.fromStatus = fromStatus;
    this.fromStep = fromStep;
  }
}

/**
 * A provider failed in a way the person can only retry: the failure table's kind of message and a
 * reference id; the provider's own detail is in the server log under that reference, never here.
 */
export class UpstreamError extends DomainError {
  constructor(
    message: string,
    readonly reference: string,
  ) {
    super("UPSTREAM", message);
  }
}

export class CryptoError extends DomainError {
  constructor(message: string) {
    super("CRYPTO", message);
  }
}

/**
 * Provider errors, classified so the sync engine can decide without looking at providers:
 * RATE_LIMITED (wait retryAfterMs), AUTH_REVOKED (stop, reconnect required), NOT_FOUND, TRANSIENT
 * (retry with backoff), INVALID_RESPONSE (payload did not match the schema; names the field),
 * INVALID_CREDENTIALS (Clari key/secret rejected on connect), CONFIG (missing client id etc.),
 * UNTRUSTED_HOST (a token response named an API host off the allow-list; nothing was stored),
 * CREDENTIALS_UNREADABLE (the stored credentials do not decrypt: wrong key, altered, copied from another
 * row; raised by the credential store before any request is made).
 */
export type ProviderErrorKind =
  | "RATE_LIMITED"
  | "AUTH_REVOKED"
  | "NOT_FOUND"
  | "TRANSIENT"
  | "INVALID_RESPONSE"
  | "INVALID_CREDENTIALS"
  | "CONFIG"
  | "UNTRUSTED_HOST"
  | "CREDENTIALS_UNREADABLE";

export class ProviderError extends DomainError {
  readonly kind: ProviderErrorKind;
  readonly provider: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly field?: string;
  /**
   * RATE_LIMITED by our own limiter, not the provider: the share of a calendar quota this priority may use
   * is spent (interactive requests keep to a bounded share so background sync keeps the rest) until resetsAt.
   */
  readonly quota?: { window: "daily" | "weekly"; resetsAt: Date };
  constructor(
    kind: ProviderErrorKind,
    provider: string,
    message: string,
    extra: { status?: number; retryAfterMs?: number; field?: string; cause?: unknown; quota?: { window: "daily" | "weekly"; resetsAt: Date } } = {},
  ) {
    super(`PROVIDER_${kind}`, message, { cause: extra.cause });
    this.kind = kind;
    this.provider = provider;
    this.status = extra.status;
    this.retryAfterMs = extra.retryAfterMs;
    this.field = extra.field;
    this.quota = extra.quota;
  }
}

/** What a sync failure can be: a provider's kind, or INTERNAL for anything else (lib/sync/failures.ts). */
export type SyncFailureKind = ProviderErrorKind | "INTERNAL";

/**
 * Carries a failure's kind to an Inngest onFailure handler. Of an error's cause the SDK keeps only name,
 * message and stack (StepError parses it with a strict schema; `code` and other fields are dropped), so
 * the kind travels in the name, "SyncFailure[<kind>]", read back by an exact lookup (failureKindOf).
 */
export class SyncFailureError extends DomainError {
  readonly kind: SyncFailureKind;
  constructor(kind: SyncFailureKind, message: string, options?: { cause?: unknown }) {
    super(`SYNC_${kind}`, message, options);
    this.name = syncFailureName(kind);
    this.kind = kind;
  }
}

export function syncFailureName(kind: SyncFailureKind): string {
  return `SyncFailure[${kind}]`;
}
