// Deterministic dataset shared by the three simulators: the same people and calls, each provider
// showing them with its own ids and shapes. Calls are compact records; transcripts, summaries and
// ids are derived on demand from (seed, call index), so 10,000+ calls stay cheap.
import { DEMO_DEALS, DEMO_UNMATCHED_PROVIDER_USERS, DEMO_USERS, type DemoDeal } from "../../lib/demo/data";
import type { SimConfig } from "./config";
import { between, hash32, pick, rng, uuidFrom } from "./util";

export interface SimUser {
  idx: number;
  email: string;
  name: string;
  firstName: string;
  lastName: string;
  title: string;
  inWorkspace: boolean;
  gongId: string;
  salesloftId: number;
  salesloftGuid: string;
  clariId: string;
  phone: string;
}

export interface SimPerson {
  name: string;
  email: string;
  title: string | null;
  phone: string | null;
}

export interface SimParticipant {
  /** Index into users, or -1 for an external person. */
  userIdx: number;
  person: SimPerson;
  internal: boolean;
  invitee: boolean;
  attendee: boolean;
}

export interface SimCall {
  idx: number;
  ownerIdx: number;
  startedAt: number;
  durationSec: number;
  title: string;
  kind: "meeting" | "phone";
  system: string;
  direction: "Inbound" | "Outbound" | "Conference";
  language: "eng" | "spa" | "fre";
  isPrivate: boolean;
  /** Deal whose CRM ids are on the call (null: no CRM context). */
  crmDealIdx: number | null;
  /** Deal whose contacts take part (CRM context or not). */
  contactDealIdx: number | null;
  participants: SimParticipant[];
  visibleAt: number;
  transcriptReadyAt: number;
  /**
   * Clari Copilot: from here the call is PROCESSED (transcript there, summary and action items not yet);
   * POST_PROCESSING_DONE at transcriptReadyAt.
   */
  processedAt: number;
  /** Gong: CRM context is attached from here on (Gong fills it in after listing the call). */
  crmReadyAt: number;
  /** Gong: an imported call (telephony import), listed without `parties`. */
  gongImported: boolean;
  /** Salesloft: GET /v2/conversations/{id}/extensive answers 404 for this conversation. */
  salesloftNoExtensive: boolean;
  /** Deleted at the provider (listings leave it out from then on); null while it exists. */
  deletedAt: number | null;
  /** Last changed at the provider after it was listed (title, privacy, CRM context); null: never. */
  changedAt?: number | null;
  /** Gong alone lists the call only from here (null: from visibleAt like the others). */
  gongListedAt: number | null;
  /** Clari alone reaches POST_PROCESSING_DONE only from here (null: at transcriptReadyAt). */
  clariDoneAt: number | null;
  /**
   * Gong's call-level `context` as given by a test (POST /__sim/gong/calls), returned as is instead of the
   * demo deal's; only Gong-only calls (state.gongCalls) have it.
   */
  gongContext?: GongCrmContext[];
}

/** Gong's call-level CRM context (specs/gong-openapi.json: CallContextDto / ExternalCallObject / ContextField). */
export interface GongCrmContext {
  system: string;
  objects: Array<{ objectType: string; objectId: string; fields?: Array<{ name: string; value: unknown }>; timing?: string }>;
}

/**
 * A Clari Copilot calendar meeting that was never recorded (Clari lists every calendar meeting, whatever
 * became of it): a future one is SCHEDULED, a past one has the status saying why nothing was recorded.
 */
export interface SimMeeting {
  idx: number;
  call: SimCall;
  status: ClariUnrecordedStatus;
  /** Listed from here (the invite reached the calendar). */
  listedAt: number;
  /** last_modified_time: when the status last changed. */
  modifiedAt: number;
}

/** The Clari statuses of meetings that never become a recording (official spec, CallStatus). */
export const CLARI_NEVER_RECORDED = [
  "NOBODY_JOINED_CALL",
  "NO_DATA_INCALL",
  "CALL_DID_NOT_HAPPEN",
  "BOTJOIN_DENIED",
  "BOTJOIN_DISABLED",
  "UNABLE_TO_JOIN",
  "IGNORED_BY_USER",
  "ERROR_IN_RECORDING",
] as const;
export type ClariUnrecordedStatus = (typeof CLARI_NEVER_RECORDED)[number] | "SCHEDULED";

const MEETING_TOPICS = [
  "Discovery call",
  "Product demo",
  "Pricing review",
  "Security review",
  "Technical deep dive",
  "Kickoff",
  "Quarterly business review",
  "Negotiation sync",
  "Implementation planning",
  "Executive alignment",
  "Renewal discussion",
  "Proof of concept check-in",
];
const MEETING_SYSTEMS = ["Zoom", "Google Meet", "Microsoft Teams"];
const PHONE_SYSTEMS = ["Dialer", "Outreach", "Aircall"];
const EXTERNAL_FIRST = ["Ari", "Bea", "Cal", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lou", "Max", "Nia", "Oz", "Pia"];
const EXTERNAL_LAST = ["Reyes", "Novak", "Quinn", "Adler", "Byrne", "Costa", "Duarte", "Engel", "Frost", "Gale"];
const OTHER_COMPANIES = ["northwind", "contoso", "fabrikam", "tailspin", "adventureworks", "wideworld"];
const TITLES = ["VP of Sales", "Head of Operations", "Engineering Manager", "Finance Director", "IT Admin", "COO"];

const EXTRA_FIRST = ["Avery", "Blake", "Cameron", "Dakota", "Emerson", "Finley", "Harper", "Jamie", "Kendall", "Logan", "Parker", "Quinn", "Reese", "Sage"];
const EXTRA_LAST = ["Allen", "Baker", "Carter", "Ellis", "Foster", "Grant", "Hayes", "Irwin", "Keller", "Lane", "Moore"];
const EXTRA_TITLES = ["Account Executive", "Sales Development Rep", "Senior Account Executive", "Solutions Engineer"];

/**
 * `count` extra workspace reps, numbered after the demo reps (rep6@acme.test, rep7@acme.test, ...).
 * Deterministic; the bench creates the matching workspace users.
 */
export function extraWorkspaceUsers(count: number): Array<{ email: string; name: string; title: string }> {
  const repNumbers = DEMO_USERS.map((u) => /^rep(\d+)@/.exec(u.email)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  const first = Math.max(0, ...repNumbers) + 1;
  return Array.from({ length: Math.max(0, Math.floor(count)) }, (_, k) => ({
    email: `rep${first + k}@acme.test`,
    name: `${EXTRA_FIRST[k % EXTRA_FIRST.length]} ${EXTRA_LAST[(k * 3 + Math.floor(k / EXTRA_FIRST.length)) % EXTRA_LAST.length]}`,
    title: EXTRA_TITLES[k % EXTRA_TITLES.length]!,
  }));
}

function buildUsers(seed: number, extra = 0): SimUser[] {
  const people = [
    ...DEMO_USERS.map((u) => ({ email: u.email, name: u.name, title: u.title, inWorkspace: true })),
    ...DEMO_UNMATCHED_PROVIDER_USERS.map((u) => ({ email: u.email, name: u.name, title: u.title, inWorkspace: false })),
    // Appended last so the demo users keep their indices (and ids) when extras are added.
    ...extraWorkspaceUsers(extra).map((u) => ({ ...u, inWorkspace: true })),
  ];
  const seedPart = BigInt(seed % 1000);
  return people.map((p, idx) => {
    const [firstName, ...rest] = p.name.split(" ");
    return {
      idx,
      email: p.email,
      name: p.name,
      firstName: firstName ?? p.name,
      lastName: rest.join(" "),
      title: p.title,
      inWorkspace: p.inWorkspace,
      gongId: String(2_345_000_000_000_000_000n + seedPart * 1_000_000n + BigInt(idx)),
      salesloftId: 49_000 + idx,
      salesloftGuid: uuidFrom(`${seed}:sl-user:${idx}`),
      clariId: uuidFrom(`${seed}:clari-user:${idx}`),
      phone: `+1 415-555-${String(100 + idx).padStart(4, "0")}`,
    };
  });
}

function externalPerson(r: () => number, domain: string): SimPerson {
  const first = pick(r, EXTERNAL_FIRST);
  const last = pick(r, EXTERNAL_LAST);
  return {
    name: `${first} ${last}`,
    email: `${first}.${last}@${domain}`.toLowerCase(),
    title: r() < 0.7 ? pick(r, TITLES) : null,
    phone: r() < 0.3 ? `+1 212-555-${String(between(r, 1000, 9999))}` : null,
  };
}

export interface GenerateCallOptions {
  ownerIdx?: number;
  startedAt?: number;
  durationSec?: number;
  visibleAt?: number;
  transcriptReadyAt?: number;
  crmDealIdx?: number | null;
  isPrivate?: boolean;
  /** Late-data knobs (generated calls draw them; calls added by tests default to none). */
  crmReadyAt?: number;
  processedAt?: number;
  gongImported?: boolean;
  salesloftNoExtensive?: boolean;
}

/** Added to the start-up config's call delays: how late real providers are (see SimConfig.lateData). */
function lateDraws(config: SimConfig, idx: number, phone: boolean, end: number, hasCrm: boolean) {
  const r = rng(hash32(`${config.seed}:late:${idx}`));
  const on = config.lateData;
  // Gong lists some calls up to a day after they end (NOTES.md 1.4: "It takes time the whole day for the call to appear").
  const listedLate = on && r() < 0.15;
  const visibleAt = end + (listedLate ? Math.round(2 * 3_600_000 + r() * 22 * 3_600_000) : config.callDelayMs);
  const transcriptReadyAt = Math.max(end + config.transcriptDelayMs, visibleAt + 3_600_000);
  // ... and fills in CRM context later still.
  const crmLate = on && hasCrm && r() < 0.25;
  const crmReadyAt = crmLate ? visibleAt + Math.round(3_600_000 + r() * 47 * 3_600_000) : visibleAt;
  const gongImported = on && phone && r() < 0.3;
  const salesloftNoExtensive = on && r() < 0.05;
  return { visibleAt, transcriptReadyAt, crmReadyAt, gongImported, salesloftNoExtensive };
}

export function generateCall(config: SimConfig, users: SimUser[], idx: number, opts: GenerateCallOptions = {}): SimCall {
  const r = rng(hash32(`${config.seed}:call:${idx}`));
  const ownerIdx = opts.ownerIdx ?? idx % users.length;
  const owner = users[ownerIdx]!;
  const anchor = Date.parse(config.anchor);
  const span = config.historyDays * 86_400_000;
  const phone = r() < 0.2;
  const durationSec = opts.durationSec ?? (phone ? between(r, 2 * 60, 30 * 60) : between(r, 15 * 60, 90 * 60));
  // Most recent calls end a bit before the anchor; keep them on minute boundaries.
  // ~3% of calls happened in the last two days, so fresh data has calls still waiting for a transcript.
  const recent = r() < 0.03;
  const ago = recent ? durationSec * 1000 + r() * 2 * 86_400_000 : 2 * 3_600_000 + r() * span;
  const startedAt = opts.startedAt ?? Math.floor((anchor - ago) / 60_000) * 60_000;

  const roll = r();
  const ownedDeals = DEMO_DEALS.map((d, i) => ({ d, i })).filter(({ d }) => d.ownerEmail === owner.email);
  const anyDeal = () => (ownedDeals.length > 0 && r() < 0.8 ? pick(r, ownedDeals).i : between(r, 0, DEMO_DEALS.length - 1));
  let crmDealIdx: number | null = null;
  let contactDealIdx: number | null = null;
  if (opts.crmDealIdx !== undefined) {
    crmDealIdx = opts.crmDealIdx;
    contactDealIdx = opts.crmDealIdx;
  } else if (roll < 0.7) {
    crmDealIdx = anyDeal();
    contactDealIdx = crmDealIdx;
  } else if (roll < 0.85) {
    contactDealIdx = anyDeal(); // email matching only
  }
  const deal: DemoDeal | null = contactDealIdx === null ? null : DEMO_DEALS[contactDealIdx]!;

  const participants: SimParticipant[] = [
    {
      userIdx: ownerIdx,
      person: { name: owner.name, email: owner.email, title: owner.title, phone: owner.phone },
      internal: true,
      invitee: true,
      attendee: true,
    },
  ];
  const target = phone ? 2 : between(r, 2, 10);
  if (!phone) {
    const extraInternal = Math.min(target - 2, between(r, 0, 2));
    for (let k = 0; k < extraInternal; k++) {
      const u = users[(ownerIdx + 1 + between(r, 0, users.length - 2)) % users.length]!;
      if (participants.some((p) => p.userIdx === u.idx)) continue;
      participants.push({
        userIdx: u.idx,
        person: { name: u.name, email: u.email, title: u.title, phone: null },
        internal: true,
        invitee: r() < 0.9,
        attendee: r() < 0.85,
      });
    }
  }
  const internalOnly = !deal && !phone && r() < 0.15;
  if (deal) {
    const contacts = [...deal.contacts].sort(() => r() - 0.5).slice(0, Math.max(1, Math.min(target - participants.length, deal.contacts.length)));
    for (const c of contacts) {
      participants.push({
        userIdx: -1,
        person: { name: c.name, email: c.email, title: c.title, phone: null },
        internal: false,
        invitee: !phone,
        attendee: true,
      });
    }
  }
  const domain = deal ? deal.domain : `${pick(r, OTHER_COMPANIES)}.example`;
  while (participants.length < target) {
    if (internalOnly) {
      const u = users[between(r, 0, users.length - 1)]!;
      if (participants.some((p) => p.userIdx === u.idx)) {
        if (participants.length >= users.length) break;
        continue;
      }
      participants.push({
        userIdx: u.idx,
        person: { name: u.name, email: u.email, title: u.title, phone: null },
        internal: true,
        invitee: true,
        attendee: r() < 0.8,
      });
      continue;
    }
    const person = externalPerson(r, domain);
    if (participants.some((p) => p.person.email === person.email)) continue;
    participants.push({ userIdx: -1, person, internal: false, invitee: !phone && r() < 0.9, attendee: r() < 0.75 });
  }
  for (const p of participants) if (!p.invitee && !p.attendee) p.attendee = true;
  if (!participants.some((p) => !p.internal || p.userIdx !== ownerIdx)) participants[0]!.attendee = true;

  const company = deal?.accountName ?? domain.split(".")[0]!.replace(/^./, (c) => c.toUpperCase());
  const title = phone
    ? `Call with ${participants[1]?.person.name ?? company}`
    : internalOnly
      ? pick(r, ["Pipeline review", "Deal desk", "Forecast call", "Team standup"])
      : `${company} <> Acme | ${pick(r, MEETING_TOPICS)}`;
  const end = startedAt + durationSec * 1000;
  const langRoll = r();
  const late = lateDraws(config, idx, phone, end, crmDealIdx !== null);
  const visibleAt = opts.visibleAt ?? late.visibleAt;
  const transcriptReadyAt = opts.transcriptReadyAt ?? late.transcriptReadyAt;
  // Clari: the transcript comes first (PROCESSED), summary and action items up to 2 h later (POST_PROCESSING_DONE).
  const processedAt = opts.processedAt ?? Math.max(visibleAt, transcriptReadyAt - 2 * 3_600_000);
  return {
    idx,
    ownerIdx,
    startedAt,
    durationSec,
    title,
    kind: phone ? "phone" : "meeting",
    system: phone ? pick(r, PHONE_SYSTEMS) : pick(r, MEETING_SYSTEMS),
    direction: phone ? (r() < 0.8 ? "Outbound" : "Inbound") : "Conference",
    language: langRoll < 0.93 ? "eng" : langRoll < 0.97 ? "spa" : "fre",
    isPrivate: opts.isPrivate ?? r() < 0.05,
    crmDealIdx,
    contactDealIdx,
    participants,
    visibleAt,
    transcriptReadyAt,
    processedAt: Math.min(processedAt, transcriptReadyAt),
    crmReadyAt: opts.crmReadyAt ?? late.crmReadyAt,
    gongImported: opts.gongImported ?? late.gongImported,
    salesloftNoExtensive: opts.salesloftNoExtensive ?? late.salesloftNoExtensive,
    deletedAt: null,
    gongListedAt: null,
    clariDoneAt: null,
  };
}

export interface Dataset {
  users: SimUser[];
  calls: SimCall[];
  /** Clari Copilot only: calendar meetings that were never recorded (future ones included). */
  meetings: SimMeeting[];
}

/** Never-recorded meetings are numbered from here in the call index space (their own ids and content). */
const MEETING_IDX_BASE = 10_000_000;

/**
 * About one never-recorded calendar meeting per four recordings, and two future ones per user: what a
 * Clari Copilot /calls listing carries besides recordings.
 */
export function generateMeetings(config: SimConfig, users: SimUser[], recorded: number): SimMeeting[] {
  if (!config.lateData) return [];
  const anchor = Date.parse(config.anchor);
  const out: SimMeeting[] = [];
  const past = Math.round(recorded / 4);
  const future = users.length * 2;
  for (let k = 0; k < past + future; k++) {
    const idx = MEETING_IDX_BASE + k;
    const r = rng(hash32(`${config.seed}:meeting:${k}`));
    const isFuture = k >= past;
    const startedAt = isFuture ? Math.floor((anchor + 3_600_000 + r() * 6 * 86_400_000) / 60_000) * 60_000 : undefined;
    const call = generateCall(config, users, idx, { startedAt, crmDealIdx: null });
    if (call.kind !== "meeting") {
      call.kind = "meeting";
      call.system = "Zoom";
      call.direction = "Conference";
    }
    const end = call.startedAt + call.durationSec * 1000;
    const status: ClariUnrecordedStatus = isFuture ? "SCHEDULED" : pick(r, CLARI_NEVER_RECORDED);
    const listedAt = Math.min(call.startedAt - 7 * 86_400_000, anchor - 86_400_000);
    out.push({ idx, call, status, listedAt, modifiedAt: isFuture ? listedAt : end + 15 * 60_000 });
  }
  return out;
}

export function generateDataset(config: SimConfig): Dataset {
  const users = buildUsers(config.seed, config.extraWorkspaceUsers ?? 0);
  const total = config.callsPerUser * users.length;
  const calls: SimCall[] = new Array(total);
  for (let i = 0; i < total; i++) calls[i] = generateCall(config, users, i);
  return { users, calls, meetings: generateMeetings(config, users, total) };
}

// ---------------------------------------------------------------------------------------------
// Lazily derived content
// ---------------------------------------------------------------------------------------------

const OPENERS = [
  "Thanks everyone for joining today.",
  "Can everyone hear me okay?",
  "Let's get started, we have a lot to cover.",
  "Great to see you again.",
  "I put a quick agenda in the invite.",
];
const LINES = [
  "Our main goal this quarter is to shorten the sales cycle.",
  "How are you handling call recordings today?",
  "We looked at two other vendors last year.",
  "The integration with Salesforce is a must-have for us.",
  "Could you walk me through the pricing tiers?",
  "Security will want to see the SOC 2 report.",
  "What does onboarding usually look like?",
  "We have about forty reps across three regions.",
  "That makes sense, let me check with my team.",
  "The budget is approved for the second half.",
  "Who else needs to be involved in the decision?",
  "I can send over a mutual action plan after this.",
  "We need single sign-on from day one.",
  "The reporting piece is what sold me in the demo.",
  "Let's schedule a technical deep dive next week.",
  "Our contract renews at the end of the quarter.",
  "Can you share a customer reference in our industry?",
  "I'd like to loop in our procurement lead.",
  "Timeline-wise we are aiming to go live in ninety days.",
  "What happens to our data if we cancel?",
  "Okay, that answers my question.",
  "We saw a big lift in conversion after the pilot.",
  "Do you support HubSpot as well?",
  "The admin console looks straightforward.",
  "Let me recap what I heard so far.",
  "Are there any blockers on your side?",
];
const CLOSERS = ["I'll send the follow-up today.", "Thanks, talk soon.", "Great, let's reconnect next week.", "Appreciate the time today."];

export interface SimSentence {
  /** Index into call.participants. */
  speaker: number;
  startMs: number;
  endMs: number;
  text: string;
}

/** The whole transcript of a call, deterministic per (seed, call). ~one sentence per 6 s. */
export function transcriptFor(seed: number, call: SimCall): SimSentence[] {
  const r = rng(hash32(`${seed}:transcript:${call.idx}`));
  const speakers = call.participants
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => p.attendee)
    .map(({ i }) => i);
  if (speakers.length === 0) speakers.push(0);
  const total = call.durationSec * 1000;
  const out: SimSentence[] = [];
  let t = between(r, 500, 3000);
  let speaker = speakers[0]!;
  while (t < total - 1500) {
    if (r() < 0.45) speaker = pick(r, speakers);
    const len = between(r, 1800, 9000);
    const end = Math.min(total, t + len);
    const text = out.length === 0 ? pick(r, OPENERS) : end >= total - 12_000 ? pick(r, CLOSERS) : pick(r, LINES);
    out.push({ speaker, startMs: t, endMs: end, text });
    t = end + between(r, 150, 1500);
  }
  return out;
}

export function summaryFor(seed: number, call: SimCall): { brief: string; keyPoints: string[]; actionItems: string[] } {
  const r = rng(hash32(`${seed}:summary:${call.idx}`));
  const deal = call.contactDealIdx === null ? null : DEMO_DEALS[call.contactDealIdx]!;
  const who = deal ? deal.accountName : "the prospect";
  return {
    brief: `${call.title}: the team reviewed goals, timeline and next steps with ${who}.`,
    keyPoints: [pick(r, LINES), pick(r, LINES)],
    actionItems: [
      `Send follow-up email to ${who}`,
      pick(r, ["Share pricing proposal", "Schedule technical deep dive", "Loop in procurement", "Send security documentation"]),
    ],
  };
}

/** The transcript line banks, for benchmarks that generate transcripts of the same shape in SQL (scripts/bench/search-tenants.ts). */
export const TRANSCRIPT_LINES = { OPENERS, LINES, CLOSERS } as const;
