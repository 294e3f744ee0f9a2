// Mutable simulator state: config, dataset, simulated clock, OAuth servers, limiters, faults, stats.
import { DEMO_DEALS } from "../../lib/demo/data";
import { type SimConfig, type SimConfigInput, defaultConfig, mergeConfig } from "./config";
import {
  type Dataset,
  type GenerateCallOptions,
  type GongCrmContext,
  type SimCall,
  type SimMeeting,
  type SimUser,
  generateCall,
  generateDataset,
} from "./data";
import { FaultRegistry } from "./faults";
import { BucketWindow, SlidingWindow, fixedWindow, utcDay, utcWeekFromSunday } from "./limits";
import { OAuthServer } from "./oauth";
import { HubspotSimState } from "./providers/hubspot";
import { SalesforceSimState, type SalesforceSimOptions } from "./providers/salesforce";
import { StatsCollector } from "./stats";
import { hash32, rng, uuidFrom } from "./util";

const GONG_CALL_BASE = 7_100_000_000_000_000_000n;
/** Gong-only users and calls added by tests (POST /__sim/gong/users, /__sim/gong/calls) index from here. */
const GONG_ONLY_IDX = 5_000_000;
/** Clari-only calls added by tests (POST /__sim/clari/calls) index from here. */
const CLARI_ONLY_IDX = 6_000_000;

/** A party of a Gong-only call: a Gong user (internal, by email) or anyone else. */
export interface GongPartyInput {
  email: string;
  name?: string;
  title?: string;
  affiliation?: "Internal" | "External";
}

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
   * Signed media URLs issued up to this serial answer 403 before their expiry: what a pre-signed object URL
   * does once the credentials that signed it are rotated (POST /__sim/media/expire). Serials, not times:
   * the simulated clock may stand still.
   */
  mediaRevokedUpTo: number | null = null;
  mediaSerial = 0;
  /**
   * Salesloft as a non-admin connected it (POST /__sim/salesloft/view-as): conversations list only those
   * this user (email) owns, as Salesloft shows a user only the conversations they may see. null: an admin.
   */
  salesloftViewAs: string | null = null;
  /**
   * Whether the connecting user's role has the "Download Conversations" permission
   * (POST /__sim/salesloft/downloads): without it GET /v2/transcriptions/:id/artifact answers 403
   * (developer.salesloft.com "Fetch a Transcription Artifact": "403 Forbidden - Download Conversations role
   * permission required").
   */
  salesloftDownloads = true;
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
  /**
   * Users and calls that only Gong has, added by tests (POST /__sim/gong/users, /__sim/gong/calls): listed by
   * Gong's /v2/users and /v2/calls* after the dataset's, never by Salesloft or Clari, and never picked as a
   * participant of generated calls. reset() drops them.
   */
  gongUsers: SimUser[] = [];
  gongCalls: SimCall[] = [];
  /**
   * Users and calls that only Clari Copilot has, added by tests (POST /__sim/clari/users, /__sim/clari/calls):
   * listed by Clari's /users and /calls after the dataset's, never by Gong or Salesloft. reset() drops them.
   */
  clariUsers: SimUser[] = [];
  clariCalls: SimCall[] = [];
  private clariOnlyById = new Map<string, SimCall>();
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

  /** Draws round trips (config.latencyMs) in request order; reseeded by reset(). */
  private latencyDraw: () => number = rng(0);

  /**
   * The network round trip of the next provider request (ms): 0 when no latency is configured (nothing is
   * drawn), else uniform in [latencyMs.min, latencyMs.max], deterministic in request order for a seed.
   */
  nextLatencyMs(): number {
    const { min, max } = this.config.latencyMs;
    if (max <= 0) return 0;
    return min + this.latencyDraw() * (max - min);
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
    this.latencyDraw = rng(hash32(`latency:${this.config.seed}`));
    this.dataset = generateDataset(this.config);
    this.gongUsers = [];
    this.gongCalls = [];
    this.clariUsers = [];
    this.clariCalls = [];
    this.clariOnlyById.clear();
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
    this.mediaRevokedUpTo = null;
    this.salesloftViewAs = null;
    this.salesloftDownloads = true;
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
    if (idx >= BigInt(GONG_ONLY_IDX)) return this.gongCalls[Number(idx) - GONG_ONLY_IDX];
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
    return idx === undefined ? this.clariOnlyById.get(id) : this.dataset.calls[idx];
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
  /** Provider "updated/modified" time: listing, then transcript processing, then any later change (updateCall). */
  updatedAt(c: SimCall, now = this.now()): number {
    const processed = this.transcriptReady(c, now) ? Math.max(c.transcriptReadyAt, c.visibleAt) : c.visibleAt;
    return c.changedAt && c.changedAt <= now ? Math.max(processed, c.changedAt) : processed;
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

  /** Gong's users: the dataset's, then the Gong-only ones tests added (their idx continues the dataset's). */
  gongUserList(): SimUser[] {
    return this.gongUsers.length === 0 ? this.dataset.users : [...this.dataset.users, ...this.gongUsers];
  }

  /** Gong's calls: the dataset's, then the Gong-only ones tests added. */
  gongCallList(): SimCall[] {
    return this.gongCalls.length === 0 ? this.dataset.calls : [...this.dataset.calls, ...this.gongCalls];
  }

  /** Clari Copilot's users: the dataset's, then the Clari-only ones tests added (idx continues the dataset's). */
  clariUserList(): SimUser[] {
    return this.clariUsers.length === 0 ? this.dataset.users : [...this.dataset.users, ...this.clariUsers];
  }

  /** A user only Clari Copilot has (POST /__sim/clari/users); an email Clari already lists is refused. */
  addClariUser(input: { email: string; name: string }): SimUser {
    const email = input.email.trim().toLowerCase();
    if (this.clariUserList().some((u) => u.email === email)) throw new Error(`Clari Copilot already has a user ${email}`);
    const k = this.clariUsers.length;
    const [firstName = input.name, ...last] = input.name.split(" ");
    const user: SimUser = {
      idx: this.dataset.users.length + k,
      email,
      name: input.name,
      firstName,
      lastName: last.join(" "),
      title: "Account Executive",
      inWorkspace: false,
      // Never listed by Gong or Salesloft; their ids are only there to keep the shape.
      gongId: "0",
      salesloftId: 0,
      salesloftGuid: uuidFrom(`${this.config.seed}:clari-only-user-sl:${k}`),
      clariId: uuidFrom(`${this.config.seed}:clari-only-user:${k}`),
      phone: `+1 415-557-${String(100 + (k % 9900)).padStart(4, "0")}`,
    };
    this.clariUsers.push(user);
    return user;
  }

  /**
   * A call only Clari Copilot has (POST /__sim/clari/calls), POST_PROCESSING_DONE from now on: its organizer is a
   * Clari user (by email), its participants exactly the given ones (one with a Clari user's email is that user).
   */
  addClariCall(input: {
    organizerEmail: string;
    title: string;
    participants: Array<{ email: string; name?: string }>;
    startedAt?: number;
    durationSec?: number;
  }): SimCall {
    const users = this.clariUserList();
    const byEmail = (email: string) => users.find((u) => u.email === email.trim().toLowerCase());
    const owner = byEmail(input.organizerEmail);
    if (!owner) throw new Error(`unknown Clari Copilot user ${input.organizerEmail}`);
    const now = this.now();
    const durationSec = input.durationSec ?? 30 * 60;
    const startedAt = input.startedAt ?? now - durationSec * 1000 - 60_000;
    const idx = CLARI_ONLY_IDX + this.clariCalls.length;
    const call = generateCall(this.config, users, idx, {
      ownerIdx: owner.idx,
      crmDealIdx: null,
      durationSec,
      startedAt,
      visibleAt: now,
      crmReadyAt: now,
      transcriptReadyAt: now,
      processedAt: now,
      isPrivate: false,
      gongImported: false,
      salesloftNoExtensive: false,
    });
    const people = [{ email: owner.email, name: owner.name }, ...input.participants].filter(
      (p, i, all) => all.findIndex((q) => q.email.toLowerCase() === p.email.toLowerCase()) === i,
    );
    call.participants = people.map((p) => {
      const u = byEmail(p.email);
      return {
        userIdx: u ? u.idx : -1,
        person: { name: p.name ?? u?.name ?? p.email, email: p.email.trim().toLowerCase(), title: u?.title ?? null, phone: null },
        internal: Boolean(u),
        invitee: true,
        attendee: true,
      };
    });
    call.title = input.title;
    call.contactDealIdx = null;
    call.deletedAt = null;
    this.clariCalls.push(call);
    this.clariOnlyById.set(this.clariId(call), call);
    return call;
  }

  /** A user only Gong has (POST /__sim/gong/users); an email Gong already lists is refused. */
  addGongUser(input: { email: string; firstName: string; lastName: string; title?: string }): SimUser {
    const email = input.email.trim().toLowerCase();
    if (this.gongUserList().some((u) => u.email === email)) throw new Error(`Gong already has a user ${email}`);
    const idx = this.dataset.users.length + this.gongUsers.length;
    const k = this.gongUsers.length;
    const user: SimUser = {
      idx,
      email,
      name: `${input.firstName} ${input.lastName}`.trim(),
      firstName: input.firstName,
      lastName: input.lastName,
      title: input.title ?? "Account Executive",
      inWorkspace: false,
      gongId: String(2_346_000_000_000_000_000n + BigInt(this.config.seed % 1000) * 1_000_000n + BigInt(k)),
      // Never listed by Salesloft or Clari; their ids are only there to keep the shape.
      salesloftId: 0,
      salesloftGuid: uuidFrom(`${this.config.seed}:gong-only-user:${k}`),
      clariId: uuidFrom(`${this.config.seed}:gong-only-user:${k}`),
      phone: `+1 415-556-${String(100 + (k % 9900)).padStart(4, "0")}`,
    };
    this.gongUsers.push(user);
    return user;
  }

  /**
   * A call only Gong has (POST /__sim/gong/calls), listed from now on with its transcript ready: its primary
   * user is a Gong user (by email), its parties are exactly the given ones (a party whose email is a Gong
   * user's carries that userId), its call-level `context` is exactly the given one.
   */
  addGongCall(input: {
    primaryUserEmail: string;
    title: string;
    parties: GongPartyInput[];
    context: GongCrmContext[];
    startedAt?: number;
    durationSec?: number;
  }): SimCall {
    const users = this.gongUserList();
    const byEmail = (email: string) => users.find((u) => u.email === email.trim().toLowerCase());
    const owner = byEmail(input.primaryUserEmail);
    if (!owner) throw new Error(`unknown Gong user ${input.primaryUserEmail}`);
    const now = this.now();
    const durationSec = input.durationSec ?? 30 * 60;
    const startedAt = input.startedAt ?? now - durationSec * 1000 - 60_000;
    const idx = GONG_ONLY_IDX + this.gongCalls.length;
    const call = generateCall(this.config, users, idx, {
      ownerIdx: owner.idx,
      crmDealIdx: null,
      durationSec,
      startedAt,
      visibleAt: now,
      crmReadyAt: now,
      transcriptReadyAt: now,
      processedAt: now,
      isPrivate: false,
      gongImported: false,
      salesloftNoExtensive: false,
    });
    const parties = [{ email: owner.email, name: owner.name, title: owner.title, affiliation: "Internal" as const }, ...input.parties].filter(
      (p, i, all) => all.findIndex((q) => q.email.toLowerCase() === p.email.toLowerCase()) === i,
    );
    call.participants = parties.map((p) => {
      const u = byEmail(p.email);
      const internal = (p.affiliation ?? (u ? "Internal" : "External")) === "Internal";
      return {
        userIdx: u ? u.idx : -1,
        person: { name: p.name ?? u?.name ?? p.email, email: p.email.trim().toLowerCase(), title: p.title ?? u?.title ?? null, phone: null },
        internal,
        invitee: true,
        attendee: true,
      };
    });
    call.title = input.title;
    call.contactDealIdx = null;
    call.gongContext = input.context;
    this.gongCalls.push(call);
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
    // Salesloft's updated_at moves with any change of the record: the cursor poller lists it again.
    call.changedAt = this.now();
  }

  /** Signed URL of a Salesloft transcription artifact (a JSON file), valid for `ttlMs` of simulated time. */
  salesloftArtifactUrl(transcriptionId: string, ttlMs: number): string {
    const expires = this.now() + ttlMs;
    return `${this.baseUrl}/media/salesloft-artifacts/${transcriptionId}.json?n=${++this.mediaSerial}&expires=${expires}&signature=sim`;
  }

  /** Signed media URL valid for `ttlMs` of simulated time. */
  mediaUrl(provider: string, id: string, kind: "audio" | "video", ttlMs: number): string {
    const expires = this.now() + ttlMs;
    return `${this.baseUrl}/media/${provider}/${id}.${kind === "audio" ? "mp3" : "mp4"}?n=${++this.mediaSerial}&expires=${expires}&signature=sim`;
  }
}
