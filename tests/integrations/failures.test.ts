// The failure table, and the way a failure kind survives the Inngest SDK's serialization on its way to
// an onFailure handler (a failed step -> StepError rethrown into the function -> the function's error).
import { NonRetriableError, serializeError, StepError } from "inngest";
import { describe, expect, it } from "vitest";
import { ProviderError, type ProviderErrorKind } from "@/lib/errors";
import { carrierOf, describeSyncError, FAILURES, failureKindOf, failureOf, type FailureKind } from "@/lib/sync/failures";

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const KINDS: ProviderErrorKind[] = [
  "RATE_LIMITED",
  "AUTH_REVOKED",
  "NOT_FOUND",
  "TRANSIENT",
  "INVALID_RESPONSE",
  "INVALID_CREDENTIALS",
  "CONFIG",
  "UNTRUSTED_HOST",
  "CREDENTIALS_UNREADABLE",
];

/** What the provider step throws for a ProviderError (inngest/functions/provider-step.ts). */
function thrownByStep(error: ProviderError) {
  const { failure, cause } = carrierOf("GONG", error);
  return FAILURES[error.kind].retry === "none" ? new NonRetriableError(failure.message, { cause }) : new Error(failure.message, { cause });
}

/** The SDK's round trip: the step error goes over the wire, comes back as a StepError, fails the function, goes over the wire again. */
function throughTheSdk(thrown: unknown) {
  const wire = JSON.parse(JSON.stringify(serializeError(thrown)));
  const stepError = new StepError("page-0", wire);
  return JSON.parse(JSON.stringify(serializeError(stepError)));
}

describe("the failure table", () => {
  it("has a row for every ProviderError kind and INTERNAL", () => {
    expect(Object.keys(FAILURES).sort()).toEqual([...KINDS, "INTERNAL"].sort());
  });

  it("says how each kind is retried and which lifecycle change it causes", () => {
    const summary = Object.fromEntries(Object.entries(FAILURES).map(([k, r]) => [k, [r.retry, r.lifecycle, r.code]]));
    expect(summary).toEqual({
      RATE_LIMITED: ["sleep", null, "RATE_LIMITED"],
      AUTH_REVOKED: ["none", "reconnectRequired", "AUTH_REVOKED"],
      NOT_FOUND: ["backoff", null, "NOT_FOUND"],
      TRANSIENT: ["backoff", null, "TRANSIENT"],
      INVALID_RESPONSE: ["backoff", null, "INVALID_RESPONSE"],
      INVALID_CREDENTIALS: ["none", "reconnectRequired", "INVALID_CREDENTIALS"],
      CONFIG: ["none", null, "CONFIG"],
      UNTRUSTED_HOST: ["none", "reconnectRequired", "UNTRUSTED_HOST"],
      CREDENTIALS_UNREADABLE: ["none", "reconnectRequired", "CREDENTIALS_UNREADABLE"],
      INTERNAL: ["backoff", null, "INTERNAL"],
    });
  });

  it("keeps today's messages", () => {
    const m = (kind: ProviderErrorKind, extra = {}) => describeSyncError("SALESLOFT", new ProviderError(kind, "salesloft", "client id missing", extra)).message;
    expect(m("AUTH_REVOKED")).toBe("Salesloft access was revoked or has expired. Reconnect the integration to resume syncing.");
    expect(m("RATE_LIMITED")).toBe("Salesloft's API limit was reached. Syncing resumes automatically; you can also Retry later.");
    expect(m("INVALID_RESPONSE", { field: "calls.0.id" })).toBe(
      'Salesloft returned data we could not read (field "calls.0.id"). Retry; if it keeps failing, contact support.',
    );
    expect(m("INVALID_RESPONSE")).toBe("Salesloft returned data we could not read. Retry; if it keeps failing, contact support.");
    expect(m("NOT_FOUND")).toBe("Salesloft could not find this user's calls. Check the user still exists in Salesloft, then Retry.");
    expect(m("INVALID_CREDENTIALS")).toBe("Salesloft rejected the credentials. Reconnect the integration.");
    expect(m("CONFIG")).toBe("Salesloft is not configured on this server (client id missing). Ask your administrator.");
    expect(m("CREDENTIALS_UNREADABLE")).toBe(
      "Credentials unreadable: reconnect. The stored Salesloft credentials could not be decrypted (the encryption key changed, or the stored value was altered). Reconnect Salesloft to resume syncing.",
    );
    expect(m("TRANSIENT")).toBe("Salesloft did not respond in time (temporary error). Retry this user.");
    // An HTTP 500 is an answer, not a silence (issue 17.4).
    expect(m("TRANSIENT", { status: 500 })).toBe(
      "Salesloft answered with an error (HTTP 500, temporary). Retry this user; if it keeps failing, Salesloft may be having problems.",
    );
    expect(m("TRANSIENT", { status: 503 })).not.toMatch(/did not respond/);
    expect(describeSyncError("CLARI", new Error("boom")).message).toBe("Syncing stopped on an unexpected error. Retry; if it keeps failing, contact support.");
  });
});

describe("a failure's kind reaches onFailure typed", () => {
  it.each(KINDS.map((k) => [k] as const))("%s survives the SDK's serialization, with its message", (kind) => {
    const error = new ProviderError(kind, "gong", "raw provider text", { field: "x" });
    const arrived = throughTheSdk(thrownByStep(error));
    expect(failureKindOf(arrived)).toBe(kind);
    // The table's text plus the reference its detail was logged under (issue 15, item 10); never the raw text.
    const failure = failureOf(arrived);
    expect(failure).toMatchObject({ kind, code: FAILURES[kind].code });
    expect(failure.message).toMatch(new RegExp(`^${escape(describeSyncError("GONG", error).message)} Reference: R-[0-9A-F]{10}\\.$`));
    // CONFIG's text quotes its own message, which our code writes (a missing setting), never a provider body.
    if (kind !== "CONFIG") expect(JSON.stringify(arrived)).not.toContain("raw provider text");
  });

  it("an error that is not a provider's is INTERNAL with the table's text, never its own message or stack", () => {
    const arrived = throughTheSdk(new Error("Invalid `prisma.userSync.update()` invocation: Record to update not found"));
    const failure = failureOf(arrived);
    expect(failure).toMatchObject({ kind: "INTERNAL", code: "INTERNAL" });
    expect(failure.message).toMatch(new RegExp(`^${escape(FAILURES.INTERNAL.message(""))} Reference: R-[0-9A-F]{10}\\.$`));
  });

  it("the message text plays no part: a provider-sounding message without the code is INTERNAL", () => {
    const kinds: FailureKind[] = [
      failureKindOf({ message: "AUTH_REVOKED: Gong access was revoked" }),
      failureKindOf(new Error("revoked, Reconnect")),
      failureKindOf({ name: "Error", message: "x", cause: { name: "SyncFailure[AUTH_REVOKED]x", message: "y" } }),
    ];
    expect(kinds).toEqual(["INTERNAL", "INTERNAL", "INTERNAL"]);
  });

  it("a live ProviderError is read from its own code", () => {
    expect(failureKindOf(new ProviderError("TRANSIENT", "clari", "x"))).toBe("TRANSIENT");
  });
});
