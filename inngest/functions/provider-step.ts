// Shared by the sync functions: the provider-calling step (retry policy from the failure table, a rate
// limit as a durable sleep) and the cancel-on-disconnect rule.
import { NonRetriableError } from "inngest";
import { events } from "@/inngest/client";
import { db } from "@/lib/db";
import { ProviderError } from "@/lib/errors";
import { carrierOf, DEFAULT_RATE_LIMIT_WAIT_MS, FAILURES } from "@/lib/sync/failures";
import type { Provider } from "@/lib/generated/prisma/enums";

/** Disconnect cancels every run of the integration (and bumps its generation, which each step checks). */
export const cancelOnDisconnect = [{ event: events.integrationDisconnected.name, match: "data.integrationId" }];

type StepOutcome<T> = { value: T } | { rateLimitedMs: number };

/**
 * Provider errors -> what the runtime should do, as the failure table says: sleep durably (rate limit),
 * give up (e.g. revoked access) or retry with backoff. The thrown error's message is the table's text (plus
 * a reference id; the provider's detail is logged under it, redacted) and its cause a SyncFailureError whose name carries the kind through the SDK to onFailure (failureOf).
 */
async function providerStep<T>(provider: Provider, fn: () => Promise<T>): Promise<StepOutcome<T>> {
  try {
    return { value: await fn() };
  } catch (error) {
    if (!(error instanceof ProviderError)) throw error;
    // Being rate limited is not a failure: the caller sleeps durably and tries again.
    if (FAILURES[error.kind].retry === "sleep") return { rateLimitedMs: Math.max(1_000, error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS) };
    // The table's text and a reference; the provider's detail only in the log, under that reference.
    const { failure, cause } = carrierOf(provider, error);
    if (FAILURES[error.kind].retry === "none") throw new NonRetriableError(failure.message, { cause });
    // Retried with backoff. The cause is the typed carrier (its own cause a sanitized copy of the provider error).
    // eslint-disable-next-line preserve-caught-error
    throw new Error(failure.message, { cause });
  }
}

type Step = { run: <T>(id: string, fn: () => Promise<T>) => Promise<unknown>; sleep: (id: string, ms: number) => Promise<unknown> };

/**
 * One provider-calling step. A rate limit becomes a durable sleep and a fresh step (so it never uses
 * up the function's retries); other errors are retried by the runtime with backoff.
 */
export async function providerCall<T>(step: Step, id: string, provider: Provider, fn: () => Promise<T>): Promise<T> {
  for (let wait = 0; ; wait++) {
    const outcome = (await step.run(wait === 0 ? id : `${id}-after-wait-${wait}`, () => providerStep(provider, fn))) as StepOutcome<T>;
    if ("value" in outcome) return outcome.value;
    await step.sleep(`${id}-rate-limited-${wait}`, outcome.rateLimitedMs);
  }
}

export async function providerOf(integrationId: string) {
  return (await db.integration.findUniqueOrThrow({ where: { id: integrationId }, select: { provider: true } })).provider;
}
