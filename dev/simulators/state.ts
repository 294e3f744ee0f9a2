// Mutable simulator state: config, dataset, simulated clock, OAuth servers, limiters, faults, stats.
import { DEMO_DEALS } from "../../lib/demo/data";
import { type SimConfig, type SimConfigInput, defaultConfig, mergeConfig } from "./config";
import { type Dataset, type GenerateCallOptions, type SimCall, type SimMeeting, generateCall, generateDataset } from "./data";
import { FaultRegistry } from "./faults";
import { BucketWindow, SlidingWindow, fixedWindow, utcDay, utcWeekFromSunday } from "./limits";
import { OAuthServer } from "./oauth";
import { HubspotSimState } from "./providers/hubspot";
import { SalesforceSimState, type SalesforceSimOptions } from "./providers/salesforce";
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
  /**
   * Salesloft as a non-admin connected it (POST /__sim/salesloft/view-as): conversations list only those
   * this user (email) owns, as Salesloft shows a user only the conversations they may see. null: an admin.
   */
  salesloftViewAs: string | null = null;
  /** Salesforce orgs, tokens and query locators (providers/salesforce.ts). */
  salesforce!: SalesforceSimState;
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
  private clariMeetings = new Map<string, SimMeeting>();
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
    this.resetSalesforce();
    this.bySalesloftId.clear();
    this.bySalesloftTranscription.clear();
    this.byClariId.clear();
    this.clariMeetings.clear();
    for (const c of this.dataset.calls) this.index(c);
    for (const m of this.dataset.meetings) this.clariMeetings.set(this.clariId(m.call), m);
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
      salesloft: new BucketWindow(l.salesloft.costPerWindow, fixedWindow(l.salesloft.windowMs), () => this.config.limits.salesloft.otherToolCostPerWindow),
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
    this.salesloftViewAs = null;
    this.gongOAuth.reset();
    this.salesloftOAuth.reset();
    this.regenerate();
    this.resetLimiters();
    this.hubspot = new HubspotSimState(this);
    this.baseUrl = keepBase;
  }

  /** Rebuilds the Salesforce orgs (tokens, locators, data) from the config's options, merged with `input`. */
  resetSalesforce(input: Partial<SalesforceSimOptions> = {}): void {
    const options = {
      ...this.config.salesforce,
      ...input,
      generated: { ...this.config.salesforce?.generated, ...input.generated },
    } as Partial<SalesforceSimOptions>;
    this.salesforce = new SalesforceSimState(options, () => this.now());
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
  /** A never-recorded Clari calendar meeting by its Clari id. */
  meetingByClariId(id: string): SimMeeting | undefined {
    return this.clariMeetings.get(id);
  }

  /** All provider ids of a call. */
  idsOf(c: SimCall) {
    return { index: c.idx, gong: this.gongCallId(c), salesloft: this.salesloftId(c), clari: this.clariId(c) };
  }

  // ----- visibility ----------------------------------------------------------------------------

  isVisible(c: SimCall, now = this.now()): boolean {
    return c.visibleAt <= now && (c.deletedAt === null || c.deletedAt > now);
  }
  /** Gong lists the call (it may list a call later than the others do). */
  gongListed(c: SimCall, now = this.now()): boolean {
    return this.isVisible(c, now) && (c.gongListedAt === null || c.gongListedAt <= now);
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
      // A call a test adds arrives whole unless the test asks for lateness.
      crmReadyAt: opts.crmReadyAt ?? opts.visibleAt ?? now,
      gongImported: opts.gongImported ?? false,
      salesloftNoExtensive: opts.salesloftNoExtensive ?? false,
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
    if (call.processedAt > now) call.processedAt = now;
    if (call.crmReadyAt > now) call.crmReadyAt = now;
  }

  /**
   * Changes a call at the provider after it was synced (POST /__sim/calls/update): title, privacy, CRM
   * context (a demo deal key, or null for none), or a deletion. Listings show the change from now on.
   */
  updateCall(call: SimCall, change: { title?: string; isPrivate?: boolean; crmDealKey?: string | null; deleted?: boolean }): void {
    if (change.title !== undefined) call.title = change.title;
    if (change.isPrivate !== undefined) call.isPrivate = change.isPrivate;
    if (change.crmDealKey !== undefined) {
      const idx = change.crmDealKey === null ? null : DEMO_DEALS.findIndex((d) => d.key === change.crmDealKey);
      if (idx === -1) throw new Error(`unknown deal ${change.crmDealKey}`);
      call.crmDealIdx = idx;
      if (idx !== null) call.contactDealIdx = idx;
      call.crmReadyAt = Math.min(call.crmReadyAt, this.now());
    }
    if (change.deleted) call.deletedAt = this.now();
  }

  /** Signed media URL valid for `ttlMs` of simulated time. */
  mediaUrl(provider: string, id: string, kind: "audio" | "video", ttlMs: number): string {
    const expires = this.now() + ttlMs;
    return `${this.baseUrl}/media/${provider}/${id}.${kind === "audio" ? "mp3" : "mp4"}?expires=${expires}&signature=sim`;
  }
}
