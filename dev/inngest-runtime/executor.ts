// One execution request to an app's serve endpoint, the way an Inngest server sends it
// (`POST <url>?fnId=..&stepId=step|<hashed step id>` with the run's memoized state), and the
// classification of the SDK's answer: 200 = run finished, 206 = ops, 4xx/5xx = a failed attempt.
import { ForeignAppUrlError } from "./auth";
import { parseRetryAfter } from "./duration";
import { outgoingOpsSchema, toSerializedError, type EventPayload, type OutgoingOp, type SerializedError, type StepResult } from "./protocol";

export type ExecRequest = {
  url: string;
  /** A planned step to run (hashed id), or null for discovery (`stepId=step`). */
  stepId: string | null;
  runId: string;
  event: EventPayload;
  events: EventPayload[];
  steps: Record<string, StepResult>;
  /** Hashed ids of resolved steps, in completion order. */
  stack: string[];
  attempt: number;
  maxAttempts: number;
  disableImmediateExecution: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  now: number;
  /** How to reach the app (auth.ts appFetch: signed, configured app URLs only); default plain fetch. */
  fetch?: (url: string, init: RequestInit & { body: string }) => Promise<Response>;
};

export type ExecOutcome =
  | { kind: "complete"; output: unknown }
  /** `retriable`/`retryAt` come from the headers sent with a failed step (StepError). */
  | { kind: "ops"; ops: OutgoingOp[]; retriable: boolean; retryAt?: number }
  /** `unreachable`: the app could not be reached at all (connection refused, DNS, reset). */
  | { kind: "error"; error: SerializedError; retriable: boolean; retryAt?: number; unreachable?: boolean };

export function requestUrl(fnUrl: string, stepId: string | null): string {
  const url = new URL(fnUrl);
  url.searchParams.set("stepId", stepId ?? "step");
  return url.toString();
}

export function requestBody(req: ExecRequest): unknown {
  return {
    version: 2,
    event: req.event,
    events: req.events,
    steps: req.steps,
    ctx: {
      run_id: req.runId,
      attempt: req.attempt,
      max_attempts: req.maxAttempts,
      disable_immediate_execution: req.disableImmediateExecution,
      use_api: false,
      stack: { stack: req.stack, current: req.stack.length },
    },
  };
}

function isUnreachable(err: unknown): boolean {
  const cause = (err as { cause?: { code?: string } } | undefined)?.cause;
  const code = cause?.code ?? (err as { code?: string } | undefined)?.code;
  return ["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "EAI_AGAIN", "EHOSTUNREACH", "UND_ERR_SOCKET"].includes(code ?? "");
}

function parseJson(text: string): unknown {
  if (!text.trim()) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function execute(req: ExecRequest): Promise<ExecOutcome> {
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let res: Response;
  let text: string;
  try {
    res = await (req.fetch ?? fetch)(requestUrl(req.url, req.stepId), {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-inngest-server-kind": "dev",
        "x-inngest-req-version": "2",
      },
      body: JSON.stringify(requestBody(req)),
      signal,
    });
    text = await res.text();
  } catch (err) {
    if (req.signal?.aborted) throw err;
    if (err instanceof ForeignAppUrlError) return { kind: "error", error: { name: err.name, message: err.message }, retriable: false };
    const unreachable = isUnreachable(err);
    const message = timeout.aborted
      ? `Request to ${req.url} timed out after ${req.timeoutMs} ms`
      : `Request to ${req.url} failed: ${(err as Error).message}${unreachable ? " (app unreachable)" : ""}`;
    return { kind: "error", error: { name: "FetchError", message }, retriable: true, unreachable };
  }

  const noRetry = res.headers.get("x-inngest-no-retry");
  const retryAfter = res.headers.get("retry-after");
  const retryAt = retryAfter ? parseRetryAfter(retryAfter, req.now) : undefined;
  const body = parseJson(text);

  if (res.status === 200) return { kind: "complete", output: body };
  if (res.status === 206) {
    const ops = outgoingOpsSchema.safeParse(body);
    if (!ops.success) {
      return {
        kind: "error",
        error: { name: "ProtocolError", message: `Unexpected 206 body from SDK: ${ops.error.message}` },
        retriable: true,
      };
    }
    return { kind: "ops", ops: ops.data, retriable: noRetry !== "true", ...(retryAt ? { retryAt } : {}) };
  }
  if (res.status === 201) {
    return {
      kind: "error",
      error: { name: "ProtocolError", message: "Streaming responses are not supported by the local runtime; unset INNGEST_STREAMING" },
      retriable: false,
    };
  }
  const retriable = noRetry === null ? res.status >= 500 || res.status === 408 || res.status === 429 : noRetry !== "true";
  const error =
    typeof body === "object" && body !== null
      ? toSerializedError("error" in body && typeof body.error === "string" && !("message" in body) ? { message: body.error } : body)
      : { name: "Error", message: `HTTP ${res.status}${typeof body === "string" && body ? `: ${body.slice(0, 500)}` : ""}` };
  return { kind: "error", error, retriable, ...(retryAt ? { retryAt } : {}) };
}
