// Request counters per provider, endpoint and status (read with GET /__sim/stats).
import { SIM_PROVIDERS, type SimProvider } from "./config";

export interface EndpointStats {
  total: number;
  byStatus: Record<string, number>;
}

export interface ProviderStats {
  /** Every request to this provider's routes (OAuth, consent pages and API). */
  total: number;
  /** API requests only (what counts against the provider's rate limit). */
  apiRequests: number;
  /** 429 responses (real limiter and injected). */
  throttled: number;
  /** Refresh-token grants that reached the token endpoint. */
  refreshes: number;
  byStatus: Record<string, number>;
  byEndpoint: Record<string, EndpointStats>;
}

export type SimStats = Record<SimProvider, ProviderStats>;

const empty = (): ProviderStats => ({ total: 0, apiRequests: 0, throttled: 0, refreshes: 0, byStatus: {}, byEndpoint: {} });

export class StatsCollector {
  private data: SimStats = this.fresh();

  private fresh(): SimStats {
    return Object.fromEntries(SIM_PROVIDERS.map((p) => [p, empty()])) as SimStats;
  }

  reset(): void {
    this.data = this.fresh();
  }

  record(provider: SimProvider, endpoint: string, status: number, isApi: boolean): void {
    const s = this.data[provider];
    s.total++;
    if (isApi) s.apiRequests++;
    if (status === 429) s.throttled++;
    s.byStatus[status] = (s.byStatus[status] ?? 0) + 1;
    const e = (s.byEndpoint[endpoint] ??= { total: 0, byStatus: {} });
    e.total++;
    e.byStatus[status] = (e.byStatus[status] ?? 0) + 1;
  }

  refresh(provider: SimProvider): void {
    this.data[provider].refreshes++;
  }

  snapshot(): SimStats {
    return structuredClone(this.data);
  }
}
