// Injected faults: N x 429, N x 500, hangs, revoked tokens, invalid_grant on refresh, slow token
// refreshes, malformed payloads (a whole page, or one call record wherever it is served); optionally
// scoped to one endpoint and/or one provider user.
import type { SimProvider } from "./config";

export type FaultKind = "rate_limit" | "server_error" | "timeout" | "revoked" | "invalid_grant" | "slow_token" | "malformed";

const ALIASES: Record<string, FaultKind> = {
  "429": "rate_limit",
  rate_limit: "rate_limit",
  "500": "server_error",
  server_error: "server_error",
  timeout: "timeout",
  hang: "timeout",
  revoked: "revoked",
  "401": "revoked",
  invalid_grant: "invalid_grant",
  slow_token: "slow_token",
  malformed: "malformed",
};

export interface FaultInput {
  provider: SimProvider;
  kind: string;
  /** How many matching requests it affects; omit or null for "until cleared". */
  count?: number | null;
  /** Endpoint label ("POST /v2/calls/extensive") or path ("/v2/calls/extensive"); omit for all. */
  endpoint?: string;
  /** Provider user id or email the request must concern (e.g. Gong primaryUserIds, Clari filterUser). */
  providerUserId?: string;
  hangMs?: number;
  retryAfterSec?: number;
  /**
   * Malformed: dot-path of the field to corrupt; defaults to a per-endpoint field. With `callId`, the path is
   * inside that call's record (default: the provider's start time field).
   */
  field?: string;
  /**
   * Malformed: corrupt only the call record with this provider id, in every response that carries it
   * (listings, details), leaving the rest of the page valid. slow_token: `hangMs` is the token call's delay.
   */
  callId?: string;
  /** server_error: status to send (default 500). */
  status?: number;
  /** server_error: the response body to send instead of the JSON error (sent as HTML), e.g. a marker string. */
  body?: string;
}

export interface Fault extends Omit<FaultInput, "kind" | "count"> {
  id: number;
  kind: FaultKind;
  remaining: number | null;
  hits: number;
}

export interface FaultRequest {
  provider: SimProvider;
  endpoint: string;
  /** Provider user ids and emails the request concerns. */
  users: ReadonlySet<string>;
  /** True for the OAuth token endpoint with grant_type=refresh_token. */
  isRefresh: boolean;
  isApi: boolean;
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: FaultInput): Fault {
    const kind = ALIASES[String(input.kind)];
    if (!kind) throw new Error(`unknown fault kind "${input.kind}" (use ${Object.keys(ALIASES).join(", ")})`);
    const { count, kind: _k, ...rest } = input;
    const fault: Fault = { ...rest, id: this.nextId++, kind, remaining: count === undefined || count === null ? null : count, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** Removes every fault, or only one provider's (tests that run providers side by side). */
  clear(provider?: SimProvider): void {
    this.faults = provider ? this.faults.filter((f) => f.provider !== provider) : [];
  }

  private matches(f: Fault, req: FaultRequest): boolean {
    if (f.provider !== req.provider || f.remaining === 0) return false;
    if (f.kind === "invalid_grant" || f.kind === "slow_token") {
      if (!req.isRefresh) return false;
    } else if (!req.isApi) return false;
    if (f.endpoint) {
      const e = f.endpoint.trim();
      if (req.endpoint !== e && !req.endpoint.endsWith(` ${e}`)) return false;
    }
    if (f.providerUserId && !req.users.has(f.providerUserId) && !req.users.has(f.providerUserId.toLowerCase())) return false;
    return true;
  }

  /**
   * Returns the faults that fire for this request, consuming one use of each: at most one fault
   * that ends the request (429, 5xx, 401, invalid_grant), plus any hang / slow token / malformed modifiers.
   */
  take(req: FaultRequest): Fault[] {
    const fired: Fault[] = [];
    let terminal = false;
    for (const f of this.faults) {
      if (!this.matches(f, req)) continue;
      const ends = f.kind !== "timeout" && f.kind !== "slow_token" && f.kind !== "malformed";
      if (ends && terminal) continue;
      terminal ||= ends;
      if (f.remaining !== null) f.remaining--;
      f.hits++;
      fired.push(f);
    }
    return fired;
  }
}
