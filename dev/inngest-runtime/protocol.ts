// The wire shapes exchanged with the SDK (inngest@4): function registration, event intake and the
// ops an SDK returns from an execution request. Inbound bodies are zod-parsed here; see
// node_modules/inngest types.js (functionConfigSchema), helpers/functions.js (parseFnData) and
// components/execution/engine.js (what each StepOpCode carries).
import { z } from "zod";

export const serializedErrorSchema = z
  .object({
    name: z.string().optional(),
    message: z.string().optional(),
    stack: z.string().optional(),
  })
  .loose();
export type SerializedError = { name: string; message: string; stack?: string; [key: string]: unknown };

export function toSerializedError(value: unknown, fallbackName = "Error"): SerializedError {
  const parsed = serializedErrorSchema.safeParse(value);
  if (parsed.success && (parsed.data.message !== undefined || parsed.data.name !== undefined)) {
    return { ...parsed.data, name: parsed.data.name ?? fallbackName, message: parsed.data.message ?? "" };
  }
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  return { name: fallbackName, message: typeof value === "string" ? value : JSON.stringify(value ?? null) };
}

const concurrencyOptionSchema = z.object({
  limit: z.number(),
  key: z.string().optional(),
  scope: z.enum(["fn", "env", "account"]).optional(),
});
export type ConcurrencyOption = z.infer<typeof concurrencyOptionSchema>;

const triggerSchema = z.union([
  z.object({ event: z.string().min(1), expression: z.string().optional().nullable() }),
  z.object({ cron: z.string().min(1), jitter: z.string().optional() }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const functionConfigSchema = z
  .object({
    id: z.string().min(1),
    name: z.string().optional(),
    triggers: z.array(triggerSchema).default([]),
    steps: z.record(
      z.string(),
      z
        .object({
          id: z.string().optional(),
          name: z.string().optional(),
          runtime: z.object({ type: z.string().optional(), url: z.string().url() }),
          retries: z.object({ attempts: z.number().int().min(0).optional() }).optional(),
        })
        .loose(),
    ),
    concurrency: z
      .union([z.number(), concurrencyOptionSchema, z.array(concurrencyOptionSchema)])
      .optional()
      .nullable(),
    cancel: z
      .array(z.object({ event: z.string(), if: z.string().optional(), timeout: z.string().optional() }))
      .optional()
      .nullable(),
    singleton: z
      .object({ key: z.string().optional(), mode: z.enum(["skip", "cancel"]) })
      .optional()
      .nullable(),
    idempotency: z.string().optional().nullable(),
  })
  .loose();
export type FunctionConfig = z.infer<typeof functionConfigSchema>;

// An app's function set, whether the SDK pushes it (`POST /fn/register`) or we pull it (in-band
// sync); only the name of the app's id field differs. (Field order as before: it orders the issues
// in a validation error.)
const appUrl = z.string().url();
const appFunctionsShape = { functions: z.array(functionConfigSchema), sdk: z.string().optional(), framework: z.string().optional() };

export const registerBodySchema = z.object({ url: appUrl, appName: z.string().min(1), ...appFunctionsShape }).loose();
export type RegisterBody = z.infer<typeof registerBodySchema>;

/** The in-band sync answer of `PUT <serve url>` with `x-inngest-sync-kind: in_band`. */
export const inBandSyncResponseSchema = z.object({ app_id: z.string().min(1), url: appUrl, ...appFunctionsShape }).loose();

export const eventInputSchema = z.object({
  name: z.string({ error: (iss) => (iss.input === undefined ? "is required" : "must be a string") }).min(1, "must not be empty"),
  data: z.record(z.string(), z.unknown()).optional().nullable(),
  id: z.string().optional().nullable(),
  ts: z.number().optional().nullable(),
  v: z.string().optional().nullable(),
  user: z.record(z.string(), z.unknown()).optional().nullable(),
});
export type EventInput = z.infer<typeof eventInputSchema>;

/** An event as functions see it (`ctx.event`). */
export type EventPayload = {
  id: string;
  name: string;
  data: Record<string, unknown>;
  ts: number;
  v?: string;
  user?: Record<string, unknown>;
};

export const outgoingOpSchema = z
  .object({
    id: z.string(),
    op: z.string(),
    name: z.string().optional().nullable(),
    displayName: z.string().optional().nullable(),
    opts: z.record(z.string(), z.unknown()).optional().nullable(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .loose();
export type OutgoingOp = z.infer<typeof outgoingOpSchema>;
export const outgoingOpsSchema = z.union([z.array(outgoingOpSchema), outgoingOpSchema.transform((op) => [op])]);

/** Memoized state of one step as sent back to the SDK in `steps`. */
export type StepResult = { type: "data"; data: unknown } | { type: "error"; error: SerializedError };

export const invokeOptsSchema = z.object({
  function_id: z.string().min(1),
  payload: z
    .object({ data: z.record(z.string(), z.unknown()).optional().nullable(), v: z.string().optional().nullable() })
    .loose()
    .optional(),
  timeout: z.string().optional().nullable(),
});

export const waitOptsSchema = z.object({
  timeout: z.string().min(1),
  if: z.string().optional().nullable(),
});

/** Op codes from inngest `StepOpCode` (types.d.ts). */
export const OpCode = {
  StepRun: "StepRun",
  StepError: "StepError",
  StepFailed: "StepFailed",
  StepPlanned: "StepPlanned",
  Sleep: "Sleep",
  WaitForEvent: "WaitForEvent",
  InvokeFunction: "InvokeFunction",
  RunComplete: "RunComplete",
  StepNotFound: "StepNotFound",
  DeferAdd: "DeferAdd",
  DeferAbort: "DeferAbort",
} as const;

export const InternalEvent = {
  FunctionFailed: "inngest/function.failed",
  FunctionFinished: "inngest/function.finished",
  FunctionInvoked: "inngest/function.invoked",
  FunctionCancelled: "inngest/function.cancelled",
  ScheduledTimer: "inngest/scheduled.timer",
} as const;
