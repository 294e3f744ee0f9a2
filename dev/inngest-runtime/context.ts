// Runtime-wide settings and services shared by the store, scheduler and HTTP modules.
import type { Db } from "./store";

export type Logger = {
  info: (msg: string) => void;
  warn: (msg: string) => void;
  error: (msg: string) => void;
  debug: (msg: string) => void;
};

export type Clock = { now: () => number };

export type RuntimeContext = {
  db: Db;
  /** Quoted schema name, ready to prefix table names. */
  s: string;
  schema: string;
  clock: Clock;
  log: Logger;
  /** Identifies this runtime instance in leases. */
  owner: string;
  leaseMs: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  requestTimeoutMs: number;
  /** Wakes the scheduler loop (new events or jobs). */
  wake: () => void;
  /** The key shared with the apps: requests both ways are signed with it (inngest/runtime-signature.ts). */
  appKey: string;
  /** The only app URLs (origin + path, see auth.ts appUrlKey) the runtime sends requests to. */
  appUrls: Set<string>;
};

export const consoleLogger = (level: "debug" | "info" | "warn" | "error" | "silent" = "info"): Logger => {
  const order = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 } as const;
  const at = order[level];
  const out = (l: keyof typeof order, fn: (m: string) => void) => (m: string) => {
    if (order[l] >= at) fn(`[inngest-local] ${m}`);
  };
  return {
    debug: out("debug", console.debug),
    info: out("info", console.log),
    warn: out("warn", console.warn),
    error: out("error", console.error),
  };
};
