// Mutable simulator state: config, dataset, simulated clock, OAuth servers, limiters, faults, stats.
import { DEMO_DEALS } from "../../lib/demo/data";
import { type SimConfig, type SimConfigInput, defaultConfig, mergeConfig } from "./config";
import { type Dataset, type GenerateCallOptions, type SimCall, generateCall, generateDataset } from "./data";
import { FaultRegistry } from "./faults";
import { BucketWindow, SlidingWindow, fixedWindow, utcDay, utcWeekFromSunday } from "./limits";
import { OAuthServer } from "./oauth";
import { HubspotSimState } from "./providers/hubspot";
import { StatsCollector } from "./stats";
import { uuidFrom } from "./util";

const GONG_CALL_BASE = 7_100_000_000_000_000_000n;

export class SimState {
  config: SimConfig;
  /** Configuration given at start-up; reset() returns to it before applying its input. */
  private readonly initialConfig: SimConfig;
  dataset!: Dataset;
  readonly stats = new StatsCollector();
  readonly faults = new FaultRegistry();
  /**
   * What Gong's token endpoint returns as api_base_url_for_customer instead of the tenant's own base
   * (tests of the host allow-list, POST /__sim/gong/token-api-base): a URL, or null to leave the field
   * out; undefined for the real behaviour. reset() restores it.
   */
  gongTokenApiBase: string | null | undefined = undefined;
  readonly gongOAuth: OAuthServer;
  readonly salesloftOAuth: OAuthServer;
  /** The simulated HubSpot portal: records, tokens, limiters (rebuilt by reset()). */
  hubspot!: HubspotSimState;
  limiters!: {
    gong: Map<string, { second: SlidingWindow; day: BucketWindow }>;
    salesloft: BucketWindow;
    clari: { second: SlidingWindow; week: BucketWindow };
  };
  private bySalesloftId = new Map<string, number>();
  private bySalesloftTranscription = new Map<string, number>();
  private byClariId = new Map<string, number>();
  /** Public base URL of the server (set once listening). */
  baseUrl = "http://127.0.0.1:4010";

  constructor(input: SimConfigInput = {}) {
    this.config = mergeConfig(defaultConfig(), input);
    this.initialConfig = structuredClone(this.config);
    // One authorization server per OAuth provider; only the client app and the access-token lifetime differ.
    const server = (label: string, client: () => { clientId: string; clientSecret: string }, accessTtlSec: () => number) =>
      new OAuthServer({ label, client, accessTtlSec, codeTtlMs: () => this.config.codeTtlMs, now: () => this.now() });
    this.gongOAuth = server(
      "Gong",
      () => this.config.gong,
      () => this.config.gongTokenTtlSec,
    );
    this.salesloftOAuth = server(
      "Salesloft",
      () => this.config.salesloft,
      () => this.config.salesloftTokenTtlSec,
    );
    this.regenerate();
    this.resetLimiters();
    this.hubspot = new HubspotSimState(this);
  }

  /** Simulated now (ms): the configured instant, or the real clock. */
  now(): number {
    return this.config.now ? Date.parse(this.config.now) : Date.now();
  }

  setNow(iso: string | null): void {
    this.config.now = iso;
  }

  advance(ms: number): void {
    this.config.now = new Date(this.now() + ms).toISOString();
  }

  private regenerate(): void {
    this.dataset = generateDataset(this.config);
    this.bySalesloftId.clear();
    this.bySalesloftTranscription.clear();
    this.byClariId.clear();
    for (const c of this.dataset.calls) this.index(c);
  }

  private index(c: SimCall): void {
    this.bySalesloftId.set(this.salesloftId(c), c.idx);
    this.bySalesloftTranscription.set(this.salesloftTranscriptionId(c), c.idx);
    this.byClariId.set(this.clariId(c), c.idx);
  }

  resetLimiters(): void {
    const l = this.config.limits;
    this.limiters = {
      gong: new Map(),
      salesloft: new BucketWindow(l.salesloft.costPerWindow, fixedWindow(l.salesloft.windowMs)),
      clari: { second: new SlidingWindow(l.clari.perSecond, 1000), week: new BucketWindow(l.clari.perWeek, utcWeekFromSunday) },
    };
  }

  gongLimiter(tenant: string) {
    let l = this.limiters.gong.get(tenant);
    if (!l) {
      l = { second: new SlidingWindow(this.config.limits.gong.perSecond, 1000), day: new BucketWindow(this.config.limits.gong.perDay, utcDay) };
      this.limiters.gong.set(tenant, l);
    }
    return l;
  }

  /**
   * Back to the start-up state: counters, tokens, faults, added calls, clock, limits. `input`
   * then overrides the start-up config (seed, callsPerUser, now, limits, ...).
   */
  reset(input: SimConfigInput = {}): void {
    const keepBase = this.baseUrl;
    this.config = mergeConfig(structuredClone(this.initialConfig), input);
    this.stats.reset();
    this.faults.clear();
    this.gongTokenApiBase = undefined;
    this.gongOAuth.reset();
    this.salesloftOAuth.reset();
    this.regenerate();
    this.resetLimiters();
    this.hubspot = new HubspotSimState(this);
    this.baseUrl = keepBase;
  }

  setLimits(input: SimConfigInput["limits"]): void {
    this.config = mergeConfig(this.config, { limits: input });
    this.resetLimiters();
    this.hubspot.resetLimits();
  }

  // ----- ids ---------------------------------------------------------------------------------

  gongCallId(c: SimCall): string {
    return String(GONG_CALL_BASE + BigInt(this.config.seed % 1000) * 10_000_000n + BigInt(c.idx));
  }
  gongPartyId(c: SimCall, p: number): string {
    return String(6_200_000_000_000_000_000n + BigInt(c.idx) * 32n + BigInt(p));
  }
  gongSpeakerId(c: SimCall, p: number): string {
    return String(5_300_000_000_000_000_000n + BigInt(c.idx) * 32n + BigInt(p));
  }
  salesloftId(c: SimCall): string {
    return uuidFrom(`${this.config.seed}:sl-conv:${c.idx}`);
  }
  salesloftTranscriptionId(c: SimCall): string {
    return uuidFrom(`${this.config.seed}:sl-tr:${c.idx}`);
  }
  salesloftAttendeeId(c: SimCall, p: number): string {
    return uuidFrom(`${this.config.seed}:sl-att:${c.idx}:${p}`);
  }
  clariId(c: SimCall): string {
    return uuidFrom(`${this.config.seed}:clari-call:${c.idx}`);
  }

  callByGongId(id: string): SimCall | undefined {
    if (!/^\d{1,20}$/.test(id)) return undefined;
    const idx = BigInt(id) - GONG_CALL_BASE - BigInt(this.config.seed % 1000) * 10_000_000n;
    return idx >= 0n && idx < BigInt(this.dataset.calls.length) ? this.dataset.calls[Number(idx)] : undefined;
  }
  callBySalesloftId(id: string): SimCall | undefined {
    const idx = this.bySalesloftId.get(id);
    return idx === undefined ? undefined : this.dataset.calls[idx];
  }
  callBySalesloftTranscriptionId(id: string): SimCall | undefined {
    const idx = this.bySalesloftTranscription.get(id);
    return idx === undefined ? undefined : this.dataset.calls[idx];
  }
  callByClariId(id: string): SimCall | undefined {
    const idx = this.byClariId.get(id);
    return idx === undefined ? undefined : this.dataset.calls[idx];
  }

  /** All provider ids of a call. */
  idsOf(c: SimCall) {
    return { index: c.idx, gong: this.gongCallId(c), salesloft: this.salesloftId(c), clari: this.clariId(c) };
  }

  // ----- visibility ----------------------------------------------------------------------------

  isVisible(c: SimCall, now = this.now()): boolean {
    return c.visibleAt <= now;
  }
  transcriptReady(c: SimCall, now = this.now()): boolean {
    return c.transcriptReadyAt <= now;
  }
  /** Provider "updated/modified" time: listing, then transcript processing. */
  updatedAt(c: SimCall, now = this.now()): number {
    return this.transcriptReady(c, now) ? Math.max(c.transcriptReadyAt, c.visibleAt) : c.visibleAt;
  }

  // ----- test hooks ----------------------------------------------------------------------------

  /** Adds a call that ended just now (or at the given time) and is listed from now on. */
  addCall(opts: GenerateCallOptions & { ownerEmail?: string; transcriptReady?: boolean; crmDealKey?: string } = {}): SimCall {
    const now = this.now();
    const ownerIdx = opts.ownerEmail ? this.dataset.users.findIndex((u) => u.email === opts.ownerEmail!.toLowerCase()) : opts.ownerIdx;
    if (opts.ownerEmail && ownerIdx === -1) throw new Error(`unknown owner ${opts.ownerEmail}`);
    const crmDealIdx = opts.crmDealKey ? DEMO_DEALS.findIndex((d) => d.key === opts.crmDealKey) : opts.crmDealIdx;
    if (opts.crmDealKey && crmDealIdx === -1) throw new Error(`unknown deal ${opts.crmDealKey}`);
    const durationSec = opts.durationSec ?? 30 * 60;
    const startedAt = opts.startedAt ?? now - durationSec * 1000;
    const idx = this.dataset.calls.length;
    const call = generateCall(this.config, this.dataset.users, idx, {
      ...opts,
      ownerIdx: ownerIdx ?? undefined,
      crmDealIdx,
      durationSec,
      startedAt,
      visibleAt: opts.visibleAt ?? now,
      transcriptReadyAt: opts.transcriptReady ? now : (opts.transcriptReadyAt ?? startedAt + durationSec * 1000 + this.config.transcriptDelayMs),
    });
    this.dataset.calls.push(call);
    this.index(call);
    return call;
  }

  findCall(ref: { index?: number; id?: string }): SimCall | undefined {
    if (ref.index !== undefined) return this.dataset.calls[ref.index];
    if (!ref.id) return undefined;
    return this.callByGongId(ref.id) ?? this.callBySalesloftId(ref.id) ?? this.callByClariId(ref.id);
  }

  makeTranscriptReady(call: SimCall): void {
    const now = this.now();
    call.transcriptReadyAt = now;
    if (call.visibleAt > now) call.visibleAt = now;
  }

  /** Signed media URL valid for `ttlMs` of simulated time. */
  mediaUrl(provider: string, id: string, kind: "audio" | "video", ttlMs: number): string {
    const expires = this.now() + ttlMs;
    return `${this.baseUrl}/media/${provider}/${id}.${kind === "audio" ? "mp3" : "mp4"}?expires=${expires}&signature=sim`;
  }
}
