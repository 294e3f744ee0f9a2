// Workspace search over transcripts: PostgreSQL full-text search with websearch_to_tsquery('english', q)
// (quoted phrases, OR and -exclusions work like a web search box), scoped by workspace and the call
// visibility rule, newest calls first. Words (and OR) are looked up in each call's word set
// (Call.transcriptLexemes) and the calls walked newest first; AND, phrases and exclusions, which must
// hold within one sentence, start from the sentence-level index. See searchTranscripts.
//
// A tenant's search costs what its own data costs (issue 15, item 7): both indexes lead with the workspace
// (btree_gin: "Call"("workspaceId", "transcriptLexemes") and "TranscriptSentence"("workspaceId", tsv)), so
// no other tenant's rows are read, and the matched sentences meet their calls by a join chosen on their
// actual count (SENTENCE_PROBE_LIMIT), so no plan flips with the size of the whole table; every search
// runs under a statement_timeout (SEARCH_TIMEOUT_MS) and
// each user may run SEARCHES_PER_MINUTE searches a minute (searchAsUser; the page and GET /api/search).
import "server-only";
import { RateLimiterPrisma, type RateLimiterRes } from "rate-limiter-flexible";
import { z } from "zod";
import { waitText } from "@/lib/auth/throttle";
import { db, Prisma } from "@/lib/db";
import { SearchTooSlowError, TooManyAttemptsError } from "@/lib/errors";
import { sqlText } from "@/lib/validation";
import { visibleCallSql, type Viewer } from "@/lib/calls/visibility";
import { buildSpeakers } from "@/lib/calls/transcript";
import { zonedDayStart } from "@/lib/time-zones";
import { PROVIDER_LIST, PROVIDER_SLUGS, providerFromSlug } from "@/lib/providers/registry";

export const SEARCH_PAGE_SIZE = 20;
/** A search that takes longer is cancelled by PostgreSQL and answered with SearchTooSlowError. */
export const SEARCH_TIMEOUT_MS = 5_000;
/** Searches per user per minute (searchAsUser). */
export const SEARCHES_PER_MINUTE = 30;
/**
 * An AND/phrase/exclusion search with at most this many matching sentences in the workspace looks each
 * one's call up by key; with more, it hashes the workspace's visible calls once (runSearch). ~2 us per
 * probe against ~0.3 us per call hashed: below this the probes cost a few ms whatever the tenant's size,
 * above it reading the matches costs more than the hash (scripts/bench/search-tenants.ts, docs/benchmarks.md).
 */
export const SENTENCE_PROBE_LIMIT = 2_000;

export const searchParamsSchema = z.object({
  q: z
    .string()
    .transform((v) => v.trim().slice(0, 200))
    .optional()
    .catch(undefined),
  page: z.coerce.number().int().min(1).max(50).default(1).catch(1),
});
export type SearchParams = z.infer<typeof searchParamsSchema>;

// Control characters never appear in transcript text; the UI turns them into <mark>.
export const HIT_START = "\u0001";
export const HIT_END = "\u0002";
const HEADLINE_OPTIONS = `StartSel=${HIT_START}, StopSel=${HIT_END}, HighlightAll=true`;

export type SearchHit = {
  sentenceId: string;
  callId: string;
  callTitle: string;
  startedAt: Date;
  isPrivate: boolean;
  startMs: number;
  /** Seconds for the `#t=` moment link. */
  second: number;
  speaker: string;
  speakerAffiliation: "INTERNAL" | "EXTERNAL" | "UNKNOWN";
  /** The sentence with hits wrapped in HIT_START / HIT_END. */
  headline: string;
  deal: { id: string; name: string } | null;
};

export type SearchResult = {
  query: string;
  /** False when the query has no searchable words (e.g. only stop words like "the"). */
  searchable: boolean;
  hits: SearchHit[];
  page: number;
  hasNext: boolean;
  /** Calls with a matching sentence that the viewer can see (0 on a page past the end). */
  total: number;
};

type Row = {
  sentenceId: bigint;
  callId: string;
  idx: number;
  speakerKey: string | null;
  startMs: number;
  callTitle: string;
  startedAt: Date;
  isPrivate: boolean;
  headline: string;
  dealId: string | null;
  dealName: string | null;
  speakerName: string | null;
  speakerAffiliation: "INTERNAL" | "EXTERNAL" | "UNKNOWN" | null;
};

type Tx = Prisma.TransactionClient;

const globalForSearch = globalThis as unknown as { __callsyncSearchLimiter?: RateLimiterPrisma };

// rate-limiter-flexible's Prisma store on the login throttle's table (its rows are the library's, keyed
// by prefix): shared by every app process, like the login limits (lib/auth/throttle.ts).
function searchLimiter(): RateLimiterPrisma {
  globalForSearch.__callsyncSearchLimiter ??= new RateLimiterPrisma({
    storeClient: db,
    tableName: "loginThrottle",
    keyPrefix: "search-user",
    points: SEARCHES_PER_MINUTE,
    duration: 60,
    clearExpiredByTimeout: true,
  });
  return globalForSearch.__callsyncSearchLimiter;
}

/** Counts one search against the user: TooManyAttemptsError (429) with the wait once the minute's searches are used. */
export async function consumeSearch(viewer: Viewer): Promise<void> {
  try {
    await searchLimiter().consume(viewer.userId);
  } catch (error) {
    // A refusal rejects with a RateLimiterRes; a store failure with an Error. Told apart by shape: the
    // production bundle can hold two copies of the library's classes (ESM and CJS), so instanceof fails.
    if (error instanceof Error || typeof (error as RateLimiterRes | null)?.msBeforeNext !== "number") throw error;
    const seconds = Math.max(1, Math.ceil((error as RateLimiterRes).msBeforeNext / 1000));
    throw new TooManyAttemptsError(`You have run ${SEARCHES_PER_MINUTE} searches in the last minute. Try again in ${waitText(seconds)}.`, seconds);
  }
}

/** A user's search: counted against their per-minute limit, then run (the page and GET /api/search). */
export async function searchAsUser(viewer: Viewer, params: { q?: string; page?: number }): Promise<SearchResult> {
  const query = sqlText(params.q ?? "").trim();
  if (query) await consumeSearch(viewer);
  return searchTranscripts(viewer, params);
}

/** PostgreSQL's query_canceled (57014): what statement_timeout raises, wherever the client put the code. */
function isStatementTimeout(error: unknown): boolean {
  const seen = new Set<unknown>();
  const stack: unknown[] = [error];
  while (stack.length > 0) {
    const e = stack.pop();
    if (!e || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    if (o.code === "57014" || o.originalCode === "57014") return true;
    stack.push(o.cause, o.meta, o.driverAdapterError);
  }
  return false;
}

/**
 * Runs the search in one transaction under `statement_timeout` (SEARCH_TIMEOUT_MS unless `timeoutMs`):
 * a query that runs longer is cancelled by PostgreSQL and answered with SearchTooSlowError.
 */
export async function searchTranscripts(viewer: Viewer, params: { q?: string; page?: number }, opts: { timeoutMs?: number } = {}): Promise<SearchResult> {
  const timeoutMs = Math.max(1, Math.trunc(opts.timeoutMs ?? SEARCH_TIMEOUT_MS));
  try {
    return await db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true)`;
        return await runSearch(tx, viewer, params);
      },
      // Prisma's own transaction limit stays above the statement's, so PostgreSQL's cancel is what ends it.
      { timeout: timeoutMs + 10_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (isStatementTimeout(error)) throw new SearchTooSlowError({ cause: error });
    throw error;
  }
}

async function runSearch(tx: Tx, viewer: Viewer, params: { q?: string; page?: number }): Promise<SearchResult> {
  const query = sqlText(params.q ?? "")
    .trim()
    .slice(0, 200);
  const pageNo = Math.min(Math.max(params.page ?? 1, 1), 50);
  const empty: SearchResult = { query, searchable: false, hits: [], page: pageNo, hasNext: false, total: 0 };
  if (!query) return empty;
  const [{ nodes, tree, full } = { nodes: 0, tree: "T", full: "" }] = await tx.$queryRaw<Array<{ nodes: number; tree: string; full: string }>>`
    SELECT numnode(q)::int AS nodes, querytree(q) AS tree, q::text AS full FROM websearch_to_tsquery('english', ${query}) AS q`;
  // querytree() is the part of the query an index can use: "T" when there is none (only exclusions).
  if (!nodes || tree === "T") return empty;
  const rows = await tx.$queryRaw<Array<Row & { total: bigint }>>(searchStatement(viewer, query, { tree, full }, pageNo));

  const pageRows = rows.slice(0, SEARCH_PAGE_SIZE);
  const labels = await unnamedSpeakerLabels(tx, pageRows);
  // An empty page past the end knows no total; page 1 empty means none.
  const total = Number(rows[0]?.total ?? 0);
  return {
    query,
    searchable: true,
    page: pageNo,
    hasNext: rows.length > SEARCH_PAGE_SIZE,
    total,
    hits: pageRows.map((r) => ({
      sentenceId: String(r.sentenceId),
      callId: r.callId,
      callTitle: r.callTitle,
      startedAt: r.startedAt,
      isPrivate: r.isPrivate,
      startMs: r.startMs,
      second: Math.floor(r.startMs / 1000),
      speaker: r.speakerName ?? labels.get(`${r.callId}\u0000${r.speakerKey ?? ""}`) ?? "Unknown speaker",
      speakerAffiliation: r.speakerAffiliation ?? "UNKNOWN",
      headline: r.headline,
      deal: r.dealId && r.dealName ? { id: r.dealId, name: r.dealName } : null,
    })),
  };
}

/**
 * The statement that finds one page of hits for `query` (already trimmed, with a searchable `querytree`):
 * runSearch sends it; scripts/bench/search-tenants.ts explains it.
 */
export function searchStatement(viewer: Viewer, query: string, parsed: { tree: string; full: string }, pageNo: number): Prisma.Sql {
  const { tree, full } = parsed;
  const visible = visibleCallSql(viewer, "c", "hashed");
  const visibleProbe = visibleCallSql(viewer, "c", "probe");
  const probeLimit = Prisma.raw(String(SENTENCE_PROBE_LIMIT));
  const offset = (pageNo - 1) * SEARCH_PAGE_SIZE;
  const tsquery = Prisma.sql`websearch_to_tsquery('english', ${query})`;
  // One word, or words joined by OR: a call has a match exactly when its word set does. Candidate calls
  // come from the call-level GIN index and are walked newest first, each one's sentences read through
  // its (callId, idx) index, until the page is full: a common word stops after a few calls.
  // AND, phrases and exclusions must hold within one sentence, which few sentences do: those come from
  // the sentence-level GIN index first (MATERIALIZED pins that plan), then are joined to visible calls.
  // How they are joined is decided on the actual count, not the planner's estimate (tsquery estimates
  // are off by 25x for common word pairs, and with other tenants present the planner turned the hash
  // join it used alone into one primary-key probe per sentence): up to SENTENCE_PROBE_LIMIT sentences,
  // one probe each; more, one hash join with the tenant's visible calls, read from the covering
  // ("workspaceId", id, "startedAt", "isPrivate") index. Either way the cost follows the tenant's own
  // matches and calls. The other branch's one-time filter is false, so it never runs. Title, text and
  // speaker are read for the page's rows only.
  const wordsOnly = isWordsOnly(tree, full);
  const hitsSql = wordsOnly
    ? Prisma.sql`
      WITH matched_all AS MATERIALIZED (
        SELECT c.id, c.title, c."startedAt", c."isPrivate", c."meetingId"
        FROM "Call" c
        WHERE c."workspaceId" = ${viewer.workspaceId} AND c."transcriptLexemes" @@ ${tree}::tsquery AND ${visible}
      ), matched_calls AS MATERIALIZED (
        -- One meeting two recorders recorded is one result: the first matching recording (smallest id).
        SELECT a.id, a.title, a."startedAt", a."isPrivate" FROM matched_all a
        WHERE a."meetingId" IS NULL OR NOT EXISTS (SELECT 1 FROM matched_all o WHERE o."meetingId" = a."meetingId" AND o.id < a.id)
      ), hits AS (
        SELECT m.*, cl.title, cl."startedAt", cl."isPrivate", (SELECT count(*) FROM matched_calls) AS total
        FROM (SELECT * FROM matched_calls ORDER BY "startedAt" DESC, id DESC) cl
        CROSS JOIN LATERAL (
          SELECT s.id, s."callId", s.idx, s."speakerKey", s."startMs", s.text
          FROM "TranscriptSentence" s
          WHERE s."callId" = cl.id AND s.tsv @@ ${tsquery}
          ORDER BY s.idx
        ) m
        LIMIT ${SEARCH_PAGE_SIZE + 1} OFFSET ${offset}
      )`
    : Prisma.sql`
      WITH m AS MATERIALIZED (
        SELECT s.id, s."callId", s.idx
        FROM "TranscriptSentence" s
        WHERE s."workspaceId" = ${viewer.workspaceId} AND s.tsv @@ ${tsquery}
      ), n AS MATERIALIZED (
        SELECT count(*) AS n FROM m
      ), visible_calls AS MATERIALIZED (
        SELECT c.id, c."startedAt" FROM "Call" c
        WHERE c."workspaceId" = ${viewer.workspaceId} AND ${visible} AND (SELECT n FROM n) > ${probeLimit}
      ), matched AS MATERIALIZED (
        SELECT m.id, m."callId", m.idx, vc."startedAt"
        FROM m JOIN visible_calls vc ON vc.id = m."callId"
        WHERE (SELECT n FROM n) > ${probeLimit}
        UNION ALL
        SELECT m.id, m."callId", m.idx, pc."startedAt"
        FROM m CROSS JOIN LATERAL (
          SELECT c."startedAt" FROM "Call" c
          WHERE c.id = m."callId" AND c."workspaceId" = ${viewer.workspaceId} AND ${visibleProbe}
          OFFSET 0
        ) pc
        WHERE (SELECT n FROM n) <= ${probeLimit}
      ), later_recordings AS MATERIALIZED (
        -- A meeting two recorders recorded is one result: matches of a later recording (larger id) of a meeting
        -- whose first one matched too are left out. Read from the tenant's grouped calls only
        -- ("workspaceId", "meetingId" index), whatever the match count.
        SELECT c2.id FROM "Call" c1
        JOIN "Call" c2 ON c2."workspaceId" = c1."workspaceId" AND c2."meetingId" = c1."meetingId" AND c2.id > c1.id
        WHERE c1."workspaceId" = ${viewer.workspaceId} AND c1."meetingId" IS NOT NULL
          AND c1.id IN (SELECT "callId" FROM matched) AND c2.id IN (SELECT "callId" FROM matched)
      ), first_matched AS MATERIALIZED (
        SELECT * FROM matched WHERE NOT EXISTS (SELECT 1 FROM later_recordings lr WHERE lr.id = matched."callId")
      ), hits AS (
        SELECT first_matched.*, (SELECT count(*) FROM (SELECT "callId" FROM first_matched GROUP BY "callId") g) AS total
        FROM first_matched
        ORDER BY "startedAt" DESC, "callId" DESC, idx ASC
        LIMIT ${SEARCH_PAGE_SIZE + 1} OFFSET ${offset}
      ), page AS (
        SELECT h.id, h."callId", h.idx, s."speakerKey", s."startMs", s.text, c.title, h."startedAt", c."isPrivate", h.total
        FROM hits h
        JOIN "TranscriptSentence" s ON s.id = h.id
        JOIN "Call" c ON c.id = h."callId"
      )`;
  const hitsFrom = wordsOnly ? Prisma.sql`hits` : Prisma.sql`page`;
  return Prisma.sql`
      ${hitsSql}
      SELECT h.id AS "sentenceId", h."callId", h.idx, h."speakerKey", h."startMs", h.title AS "callTitle", h."startedAt",
             h."isPrivate", h.total,
             ts_headline('english', h.text, ${tsquery}, ${HEADLINE_OPTIONS}) AS headline,
             d.id AS "dealId", d.name AS "dealName", sp.name AS "speakerName", sp.affiliation::text AS "speakerAffiliation"
      FROM ${hitsFrom} h
      LEFT JOIN "CallDealLink" l ON l."callId" = h."callId"
      LEFT JOIN "Deal" d ON d.id = l."dealId" AND d."workspaceId" = ${viewer.workspaceId}
      LEFT JOIN LATERAL (
        SELECT COALESCE(NULLIF(btrim(p.name), ''), p.email) AS name, p.affiliation
        FROM "CallParticipant" p WHERE p."callId" = h."callId" AND p."speakerKey" = h."speakerKey"
        ORDER BY p.position LIMIT 1
      ) sp ON true
      ORDER BY h."startedAt" DESC, h."callId" DESC, h.idx ASC`;
}

/**
 * "Speaker N" labels for hits whose speaker is no participant, numbered exactly as the transcript viewer
 * numbers them (order of first appearance in the call). Only the calls that need it are read.
 */
async function unnamedSpeakerLabels(tx: Tx, rows: Array<Pick<Row, "callId" | "speakerKey" | "speakerName">>): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const callIds = [...new Set(rows.filter((r) => !r.speakerName).map((r) => r.callId))];
  if (callIds.length === 0) return labels;
  // One after the other: both run on the transaction's one connection.
  const firsts = await tx.$queryRaw<Array<{ callId: string; speakerKey: string | null }>>`
    SELECT "callId", "speakerKey" FROM "TranscriptSentence" WHERE "callId" = ANY(${callIds}::text[])
    GROUP BY "callId", "speakerKey" ORDER BY "callId", min(idx)`;
  const participants = await tx.callParticipant.findMany({
    where: { callId: { in: callIds } },
    select: { callId: true, speakerKey: true, name: true, email: true, affiliation: true },
    orderBy: { position: "asc" },
  });
  for (const callId of callIds) {
    const { list } = buildSpeakers(
      firsts.filter((f) => f.callId === callId).map((f) => f.speakerKey),
      participants.filter((p) => p.callId === callId),
    );
    for (const s of list) labels.set(`${callId}\u0000${s.key ?? ""}`, s.label);
  }
  return labels;
}

/** Splits a headline into plain and highlighted parts for rendering without HTML injection. */
export function headlineParts(headline: string): Array<{ text: string; hit: boolean }> {
  const parts: Array<{ text: string; hit: boolean }> = [];
  const re = new RegExp(`${HIT_START}([^${HIT_END}]*)${HIT_END}`, "g");
  let last = 0;
  for (let m = re.exec(headline); m; m = re.exec(headline)) {
    if (m.index > last) parts.push({ text: headline.slice(last, m.index), hit: false });
    parts.push({ text: m[1]!, hit: true });
    last = m.index + m[0].length;
  }
  if (last < headline.length) parts.push({ text: headline.slice(last), hit: false });
  return parts.map((p) => ({ ...p, text: p.text.replaceAll(HIT_START, "").replaceAll(HIT_END, "") }));
}

// ---------------------------------------------------------------------------------------------------
// Results grouped by call (issue 17, item 2): the search page and GET /api/search. Each matching call once,
// newest first, paged over calls (SEARCH_CALLS_PAGE_SIZE), with its best SNIPPETS_PER_CALL sentences
// (ts_rank, then transcript order), how many of its sentences match and where the first one is. The
// totals are of calls and sentences, both counted in full. Filters (provider, days in the viewer's
// zone, participant, deal) narrow the visible calls before any sentence is read.

export const SEARCH_CALLS_PAGE_SIZE = 10;
export const SNIPPETS_PER_CALL = 3;
/**
 * Totals are counted exactly up to these bounds and shown as "N+" past them (issue 18, target 3): counting every
 * matching sentence of a workspace whose calls all say "pricing" reads every such sentence (~170,000 at 10,000
 * real-shaped calls, seconds), while a page needs a few dozen. Sentences: at most this many are counted.
 */
export const SENTENCE_COUNT_LIMIT = 500;
/** AND, phrase and exclusion past SENTENCE_PROBE_LIMIT matches: calls are counted up to this many ("1,000+ calls"). */
export const CALL_COUNT_LIMIT = 200;
/**
 * ... and at most this many candidate calls (the newest whose word sets hold the query's words) are checked for a
 * matching sentence, so a query whose words are common but rarely in one sentence stays bounded: past them the
 * call count is a lower bound too.
 */
export const CANDIDATE_WALK_LIMIT = 1_000;
/**
 * The walk starts with this many candidates: when fewer than one in WALK_SPARSE_SHARE of them match, the query's words
 * are common but rarely together in one sentence, and the sentence index (whose cost follows the rarest word's
 * sentences) answers it sooner than checking every candidate's sentences would.
 */
export const WALK_PROBE = 50;
export const WALK_SPARSE_SHARE = 10;

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Dates are written YYYY-MM-DD.")
  .refine((v) => {
    const d = new Date(`${v}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }, "That date does not exist.");

/** The filters of a search, as the page's form and GET /api/search send them (empty fields are no filter). */
export const searchFiltersSchema = z
  .object({
    provider: z.preprocess(
      emptyToUndefined,
      z
        .enum(PROVIDER_SLUGS, {
          message: `Pick ${PROVIDER_LIST.map((p) => p.displayName)
            .join(", ")
            .replace(/, ([^,]*)$/, " or $1")}.`,
        })
        .optional(),
    ),
    from: z.preprocess(emptyToUndefined, day.optional()),
    to: z.preprocess(emptyToUndefined, day.optional()),
    participant: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .transform((v) => sqlText(v).trim())
        .pipe(z.string().min(1).max(200, "A participant is at most 200 characters."))
        .optional(),
    ),
    deal: z.preprocess(
      emptyToUndefined,
      z
        .string()
        .regex(/^[A-Za-z0-9_-]{8,64}$/, "That deal was not found.")
        .optional(),
    ),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "The “from” date is after the “to” date.", path: ["to"] });
export type SearchFilters = z.infer<typeof searchFiltersSchema>;

/** A total as the search page says it: a lower bound (callsMore, sentencesMore) reads "200+ calls". */
export function totalText(n: number, more: boolean, one: string, many: string): string {
  return more ? `${n.toLocaleString("en-US")}+ ${many}` : `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

export type CallSnippet = {
  sentenceId: string;
  startMs: number;
  /** Seconds for the `#t=` moment link. */
  second: number;
  speaker: string;
  speakerAffiliation: "INTERNAL" | "EXTERNAL" | "UNKNOWN";
  /** The sentence with hits wrapped in HIT_START / HIT_END. */
  headline: string;
};

export type CallMatch = {
  callId: string;
  callTitle: string;
  startedAt: Date;
  isPrivate: boolean;
  provider: string;
  deal: { id: string; name: string } | null;
  /** Sentences of this call that match (all of them, not only the snippets). */
  sentenceCount: number;
  /** Second of the call's first matching sentence: where "N more in this call" opens it. */
  firstSecond: number;
  /** Up to SNIPPETS_PER_CALL best matching sentences, in transcript order. */
  snippets: CallSnippet[];
};

export type CallSearchResult = {
  query: string;
  searchable: boolean;
  calls: CallMatch[];
  page: number;
  hasNext: boolean;
  /** Visible calls with a matching sentence, under the filters (0 on a page past the end). */
  totalCalls: number;
  /** Matching sentences in those calls. */
  totalSentences: number;
  /** True when more calls match than totalCalls says: it is then a lower bound ("1,000+ calls"). */
  callsMore: boolean;
  /** True when more sentences match than totalSentences says (at most SENTENCE_COUNT_LIMIT are counted). */
  sentencesMore: boolean;
};

/** Filters as SQL: the instants of the day bounds are already resolved in the viewer's zone. */
export type ResolvedFilters = { provider?: string; from?: Date; before?: Date; participant?: string; dealId?: string };

export function resolveFilters(filters: SearchFilters, zone: string): ResolvedFilters {
  return {
    provider: filters.provider ? (providerFromSlug(filters.provider) ?? undefined) : undefined,
    from: filters.from ? zonedDayStart(filters.from, zone) : undefined,
    before: filters.to ? zonedDayStart(filters.to, zone, 1) : undefined,
    participant: filters.participant,
    dealId: filters.deal,
  };
}

function filterSql(f: ResolvedFilters, alias: string): Prisma.Sql {
  const a = Prisma.raw(`"${alias.replace(/"/g, "")}"`);
  const parts: Prisma.Sql[] = [];
  if (f.provider) parts.push(Prisma.sql`${a}.provider::text = ${f.provider}`);
  if (f.from) parts.push(Prisma.sql`${a}."startedAt" >= ${f.from}`);
  if (f.before) parts.push(Prisma.sql`${a}."startedAt" < ${f.before}`);
  if (f.dealId) parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "CallDealLink" fl WHERE fl."callId" = ${a}.id AND fl."dealId" = ${f.dealId})`);
  if (f.participant) {
    const like = `%${f.participant.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "CallParticipant" fp WHERE fp."callId" = ${a}.id AND (fp.email ILIKE ${like} OR fp.name ILIKE ${like}))`);
  }
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

/** A user's grouped search: counted against their per-minute limit, then run. */
export async function searchCallsAsUser(viewer: Viewer, params: { q?: string; page?: number }, filters: ResolvedFilters = {}): Promise<CallSearchResult> {
  const query = sqlText(params.q ?? "").trim();
  if (query) await consumeSearch(viewer);
  return searchCalls(viewer, params, filters);
}

/** The grouped search, in one transaction under statement_timeout like searchTranscripts. */
export async function searchCalls(
  viewer: Viewer,
  params: { q?: string; page?: number },
  filters: ResolvedFilters = {},
  opts: { timeoutMs?: number } = {},
): Promise<CallSearchResult> {
  const timeoutMs = Math.max(1, Math.trunc(opts.timeoutMs ?? SEARCH_TIMEOUT_MS));
  try {
    return await db.$transaction(
      async (tx) => {
        // Custom plans only: a generic plan (which PostgreSQL may switch a prepared statement to after five runs) cannot
        // see how common the words are and has planned the per-call checks as scans of the tenant's sentence index.
        // No sequential scans: when most calls hold a word the planner reads every call and unpacks its word set
        // (37 ms at 10,000 real-shaped calls) rather than take them from the call-level index (8 ms), which it misprices.
        await tx.$queryRaw`SELECT set_config('statement_timeout', ${String(timeoutMs)}, true), set_config('plan_cache_mode', 'force_custom_plan', true),
          set_config('enable_seqscan', 'off', true)`;
        return await runCallSearch(tx, viewer, params, filters);
      },
      { timeout: timeoutMs + 10_000, maxWait: 10_000 },
    );
  } catch (error) {
    if (isStatementTimeout(error)) throw new SearchTooSlowError({ cause: error });
    throw error;
  }
}

type CallRow = {
  callId: string;
  callTitle: string;
  startedAt: Date;
  isPrivate: boolean;
  provider: string;
  sentenceCount: bigint;
  firstMs: number;
  totalCalls: bigint;
  totalSentences: bigint;
  callsMore: boolean;
  sentencesMore: boolean;
  dealId: string | null;
  dealName: string | null;
  sentenceId: bigint;
  idx: number;
  speakerKey: string | null;
  startMs: number;
  headline: string;
  speakerName: string | null;
  speakerAffiliation: "INTERNAL" | "EXTERNAL" | "UNKNOWN" | null;
};

async function runCallSearch(tx: Tx, viewer: Viewer, params: { q?: string; page?: number }, filters: ResolvedFilters): Promise<CallSearchResult> {
  const query = sqlText(params.q ?? "")
    .trim()
    .slice(0, 200);
  const pageNo = Math.min(Math.max(params.page ?? 1, 1), 50);
  const empty: CallSearchResult = {
    query,
    searchable: false,
    calls: [],
    page: pageNo,
    hasNext: false,
    totalCalls: 0,
    totalSentences: 0,
    callsMore: false,
    sentencesMore: false,
  };
  if (!query) return empty;
  const [{ nodes, tree, full } = { nodes: 0, tree: "T", full: "" }] = await tx.$queryRaw<Array<{ nodes: number; tree: string; full: string }>>`
    SELECT numnode(q)::int AS nodes, querytree(q) AS tree, q::text AS full FROM websearch_to_tsquery('english', ${query}) AS q`;
  if (!nodes || tree === "T") return empty;
  // AND, phrases and exclusions: the newest candidate calls are checked first (candidateWalkStatement); only when
  // that walk cannot settle the answer does the sentence index give every match (callSearchStatement's exact path).
  const walked = isWordsOnly(tree, full) ? undefined : await walkCandidates(tx, viewer, query, tree, pageNo, filters);
  const rows = await tx.$queryRaw<CallRow[]>(callSearchStatement(viewer, query, { tree, full }, pageNo, filters, { walked: walked ?? undefined }));
  const labels = await unnamedSpeakerLabels(tx, rows);
  const calls: CallMatch[] = [];
  for (const r of rows) {
    let call = calls[calls.length - 1];
    if (!call || call.callId !== r.callId) {
      call = {
        callId: r.callId,
        callTitle: r.callTitle,
        startedAt: r.startedAt,
        isPrivate: r.isPrivate,
        provider: r.provider,
        deal: r.dealId && r.dealName ? { id: r.dealId, name: r.dealName } : null,
        sentenceCount: Number(r.sentenceCount),
        firstSecond: Math.floor(r.firstMs / 1000),
        snippets: [],
      };
      calls.push(call);
    }
    call.snippets.push({
      sentenceId: String(r.sentenceId),
      startMs: r.startMs,
      second: Math.floor(r.startMs / 1000),
      speaker: r.speakerName ?? labels.get(`${r.callId}\u0000${r.speakerKey ?? ""}`) ?? "Unknown speaker",
      speakerAffiliation: r.speakerAffiliation ?? "UNKNOWN",
      headline: r.headline,
    });
  }
  return {
    query,
    searchable: true,
    page: pageNo,
    hasNext: calls.length > SEARCH_CALLS_PAGE_SIZE,
    calls: calls.slice(0, SEARCH_CALLS_PAGE_SIZE),
    totalCalls: Number(rows[0]?.totalCalls ?? 0),
    totalSentences: Number(rows[0]?.totalSentences ?? 0),
    callsMore: rows[0]?.callsMore ?? false,
    sentencesMore: rows[0]?.sentencesMore ?? false,
  };
}

/** One word, or words joined by OR: a call matches exactly when its word set does (no sentence needs checking). */
export function isWordsOnly(tree: string, full: string): boolean {
  return tree === full && !/[&<]/.test(tree);
}

/** The calls a candidate walk found to match, newest first (at most CALL_COUNT_LIMIT + 1), and whether more match. */
export type WalkedCalls = { ids: string[]; more: boolean };

/** The query's words as an AND, for a call's word set (it has no positions, so a phrase cannot hold there). */
export function candidateTree(tree: string): string {
  return tree.replace(/<(?:-|\d+)>/g, "&");
}

/**
 * The walk for an AND, phrase or exclusion query, or null when the sentence index should answer it: first the newest
 * WALK_PROBE candidates; if all candidates were among them, that is the answer. If at least one in WALK_SPARSE_SHARE
 * matched, the walk goes on over up to CANDIDATE_WALK_LIMIT candidates (more for deep pages) until the page and the
 * count are settled; a walk that checked them all, or found more matches than it counts, is the answer.
 */
async function walkCandidates(tx: Tx, viewer: Viewer, query: string, tree: string, pageNo: number, filters: ResolvedFilters): Promise<WalkedCalls | null> {
  const limit = Math.max(CALL_COUNT_LIMIT, pageNo * SEARCH_CALLS_PAGE_SIZE);
  const run = async (candidates: number) => {
    const [w] = await tx.$queryRaw<Array<{ ids: string[] | null; candidates: number }>>(
      candidateWalkStatement(viewer, query, tree, filters, { candidates, limit }),
    );
    return { ids: w?.ids ?? [], candidates: w?.candidates ?? 0, walked: candidates };
  };
  const settled = (w: { ids: string[]; candidates: number; walked: number }) =>
    w.ids.length > limit ? { ids: w.ids, more: true } : w.candidates <= w.walked ? { ids: w.ids, more: false } : null;
  const first = await run(WALK_PROBE);
  if (settled(first)) return settled(first);
  if (first.ids.length * WALK_SPARSE_SHARE < WALK_PROBE) return null;
  return settled(await run(Math.max(CANDIDATE_WALK_LIMIT, 2 * limit)));
}

/**
 * AND, phrases and exclusions, newest calls first: the visible calls (under the filters) whose word set holds
 * every word of the query, from the call-level index, checked one after the other for one matching sentence
 * (their own sentences, through the ("callId", idx) index) until CALL_COUNT_LIMIT + 1 match or
 * CANDIDATE_WALK_LIMIT were checked. Where the words are common (every call says "budget" and "approved") the
 * first sentences of each call settle it: cost follows the calls returned, not how many sentences match in the
 * workspace, which is what the sentence index would read (~170,000 entries for two common words at 10,000
 * real-shaped calls). `ids` is null when nothing matched; `candidates` is counted up to CANDIDATE_WALK_LIMIT + 1.
 */
export function candidateWalkStatement(
  viewer: Viewer,
  query: string,
  tree: string,
  filters: ResolvedFilters = {},
  bounds: { candidates: number; limit: number } = { candidates: CANDIDATE_WALK_LIMIT, limit: CALL_COUNT_LIMIT },
): Prisma.Sql {
  const visible = visibleCallSql(viewer, "c", "hashed");
  const where = filterSql(filters, "c");
  return Prisma.sql`
    WITH candidates AS MATERIALIZED (
      SELECT c.id, c."startedAt" FROM "Call" c
      WHERE c."workspaceId" = ${viewer.workspaceId} AND c."transcriptLexemes" @@ ${candidateTree(tree)}::tsquery AND ${visible} ${where}
      ORDER BY c."startedAt" DESC, c.id DESC
      LIMIT ${bounds.candidates + 1}
    ), verified AS MATERIALIZED (
      SELECT w.id, w."startedAt"
      FROM (SELECT * FROM candidates ORDER BY "startedAt" DESC, id DESC LIMIT ${bounds.candidates}) w
      WHERE EXISTS (
        SELECT 1 FROM "TranscriptSentence" s WHERE s."callId" = w.id AND ts_match_vq(s.tsv, websearch_to_tsquery('english', ${query}))
      )
      LIMIT ${bounds.limit + 1}
    )
    SELECT (SELECT array_agg(id ORDER BY "startedAt" DESC, id DESC) FROM verified) AS ids, (SELECT count(*)::int FROM candidates) AS candidates`;
}

/**
 * The grouped statement: which calls match, the totals, then one page of calls (plus one, to know there is a
 * next) with each one's match count, first match and best snippets read from its own sentences through the
 * ("callId", idx) index, so the page costs what its calls hold. Which calls match, by kind of query:
 * - words and OR: the calls whose word set holds them (the call-level GIN index), counted exactly;
 * - AND, phrases and exclusions that a candidate walk settled (`walked`, from walkCandidates): those calls, the
 *   count exact unless the walk found more than it counts (callsMore);
 * - the others (the walk could not settle them): every matching sentence from the sentence index, joined to the
 *   visible calls by the join their count calls for (SENTENCE_PROBE_LIMIT); exact.
 * Sentences are counted up to SENTENCE_COUNT_LIMIT from the matching calls' own sentences, never from the sentence
 * index, whose entries for a common word are most of the tenant's. Per-call checks use ts_match_vq (the function
 * behind @@), which no index serves: with @@ the planner AND-ed the tenant's whole sentence index with each call's
 * rows (75 ms per call at 10,000 real-shaped calls) instead of reading the call's few hundred sentences.
 * A meeting two recorders recorded is one result (issue 16.10): of its matching recordings the first (smallest
 * id) stays.
 */
export function callSearchStatement(
  viewer: Viewer,
  query: string,
  parsed: { tree: string; full: string },
  pageNo: number,
  filters: ResolvedFilters = {},
  opts: { walked?: WalkedCalls } = {},
): Prisma.Sql {
  const { tree, full } = parsed;
  const visible = visibleCallSql(viewer, "c", "hashed");
  const visibleProbe = visibleCallSql(viewer, "c", "probe");
  const where = filterSql(filters, "c");
  const probeLimit = Prisma.raw(String(SENTENCE_PROBE_LIMIT));
  const countLimit = SENTENCE_COUNT_LIMIT;
  const offset = (pageNo - 1) * SEARCH_CALLS_PAGE_SIZE;
  const tsquery = Prisma.sql`websearch_to_tsquery('english', ${query})`;
  const wordsOnly = isWordsOnly(tree, full);
  const oneRecordingPerMeeting = Prisma.sql`later_recordings AS MATERIALIZED (
        SELECT c2.id FROM "Call" c1
        JOIN "Call" c2 ON c2."workspaceId" = c1."workspaceId" AND c2."meetingId" = c1."meetingId" AND c2.id > c1.id
        WHERE c1."workspaceId" = ${viewer.workspaceId} AND c1."meetingId" IS NOT NULL
          AND c1.id IN (SELECT id FROM call_set_all) AND c2.id IN (SELECT id FROM call_set_all)
      ), call_set AS MATERIALIZED (
        SELECT a.id, a."startedAt" FROM call_set_all a WHERE a.id NOT IN (SELECT id FROM later_recordings)
      )`;
  // Matching sentences of call_set, newest call first, each call's own through the ("callId", idx) index, counted
  // up to SENTENCE_COUNT_LIMIT + 1: never the sentence index, whose entries for a common word are most of the tenant's.
  const sentenceCount = Prisma.sql`sentence_count AS MATERIALIZED (
        SELECT count(*) AS n FROM (
          SELECT 1 FROM (SELECT id FROM call_set ORDER BY "startedAt" DESC, id DESC) cs
          CROSS JOIN LATERAL (SELECT 1 FROM "TranscriptSentence" s WHERE s."callId" = cs.id AND ts_match_vq(s.tsv, ${tsquery})) x
          LIMIT ${countLimit + 1}
        ) y
      )`;
  // call_set: (id, "startedAt") of the matching visible calls; totals: how many calls and sentences, and whether more match.
  const matchSql = wordsOnly
    ? Prisma.sql`
      WITH call_set_all AS MATERIALIZED (
        SELECT c.id, c."startedAt" FROM "Call" c
        WHERE c."workspaceId" = ${viewer.workspaceId} AND c."transcriptLexemes" @@ ${tree}::tsquery AND ${visible} ${where}
      ), ${oneRecordingPerMeeting}, ${sentenceCount}, totals AS MATERIALIZED (
        SELECT (SELECT count(*) FROM call_set) AS calls, false AS "callsMore",
               LEAST((SELECT n FROM sentence_count), ${countLimit}) AS sentences, (SELECT n FROM sentence_count) > ${countLimit} AS "sentencesMore"
      )`
    : opts.walked
      ? Prisma.sql`
      WITH call_set_all AS MATERIALIZED (
        SELECT c.id, c."startedAt" FROM "Call" c
        WHERE c.id = ANY(${opts.walked.ids}::text[]) AND c."workspaceId" = ${viewer.workspaceId}
      ), ${oneRecordingPerMeeting}, ${sentenceCount}, totals AS MATERIALIZED (
        SELECT LEAST((SELECT count(*) FROM call_set), ${opts.walked.ids.length - (opts.walked.more ? 1 : 0)}) AS calls, ${Prisma.raw(opts.walked.more ? "true" : "false")} AS "callsMore",
               LEAST((SELECT n FROM sentence_count), ${countLimit}) AS sentences,
               -- Calls past the count hold sentences of their own: the sentence total is then a lower bound too.
               ((SELECT n FROM sentence_count) > ${countLimit} OR ${Prisma.raw(opts.walked.more ? "true" : "false")}) AS "sentencesMore"
      )`
      : Prisma.sql`
      WITH m AS MATERIALIZED (
        SELECT s.id, s."callId"
        FROM "TranscriptSentence" s
        WHERE s."workspaceId" = ${viewer.workspaceId} AND s.tsv @@ ${tsquery}
      ), n AS MATERIALIZED (
        SELECT count(*) AS n FROM m
      ), visible_calls AS MATERIALIZED (
        SELECT c.id, c."startedAt" FROM "Call" c
        WHERE c."workspaceId" = ${viewer.workspaceId} AND ${visible} ${where} AND (SELECT n FROM n) > ${probeLimit}
      ), matched AS MATERIALIZED (
        SELECT m."callId", vc."startedAt"
        FROM m JOIN visible_calls vc ON vc.id = m."callId"
        WHERE (SELECT n FROM n) > ${probeLimit}
        UNION ALL
        SELECT m."callId", pc."startedAt"
        FROM m CROSS JOIN LATERAL (
          SELECT c."startedAt" FROM "Call" c
          WHERE c.id = m."callId" AND c."workspaceId" = ${viewer.workspaceId} AND ${visibleProbe} ${where}
          OFFSET 0
        ) pc
        WHERE (SELECT n FROM n) <= ${probeLimit}
      ), call_set_all AS MATERIALIZED (
        SELECT "callId" AS id, max("startedAt") AS "startedAt" FROM matched GROUP BY "callId"
      ), ${oneRecordingPerMeeting}, totals AS MATERIALIZED (
        SELECT (SELECT count(*) FROM call_set) AS calls, false AS "callsMore",
               (SELECT count(*) FROM matched WHERE "callId" IN (SELECT id FROM call_set)) AS sentences, false AS "sentencesMore"
      )`;
  return Prisma.sql`
      ${matchSql}, page_calls AS MATERIALIZED (
        SELECT id, "startedAt" FROM call_set ORDER BY "startedAt" DESC, id DESC
        LIMIT ${SEARCH_CALLS_PAGE_SIZE + 1} OFFSET ${offset}
      )
      SELECT pc.id AS "callId", c.title AS "callTitle", c."startedAt", c."isPrivate", c.provider::text AS provider,
             st.n AS "sentenceCount", st."firstMs", t.calls AS "totalCalls", t.sentences AS "totalSentences",
             t."callsMore", t."sentencesMore",
             d.id AS "dealId", d.name AS "dealName",
             sn.id AS "sentenceId", sn.idx, sn."speakerKey", sn."startMs",
             ts_headline('english', sn.text, ${tsquery}, ${HEADLINE_OPTIONS}) AS headline,
             sp.name AS "speakerName", sp.affiliation::text AS "speakerAffiliation"
      FROM page_calls pc
      CROSS JOIN totals t
      JOIN "Call" c ON c.id = pc.id
      CROSS JOIN LATERAL (
        SELECT count(*) AS n, (array_agg(s."startMs" ORDER BY s.idx))[1] AS "firstMs"
        FROM "TranscriptSentence" s WHERE s."callId" = pc.id AND ts_match_vq(s.tsv, ${tsquery})
      ) st
      CROSS JOIN LATERAL (
        SELECT s.id, s.idx, s."speakerKey", s."startMs", s.text
        FROM "TranscriptSentence" s WHERE s."callId" = pc.id AND ts_match_vq(s.tsv, ${tsquery})
        ORDER BY ts_rank(s.tsv, ${tsquery}) DESC, s.idx ASC
        LIMIT ${SNIPPETS_PER_CALL}
      ) sn
      LEFT JOIN "CallDealLink" l ON l."callId" = pc.id
      LEFT JOIN "Deal" d ON d.id = l."dealId" AND d."workspaceId" = ${viewer.workspaceId}
      LEFT JOIN LATERAL (
        SELECT COALESCE(NULLIF(btrim(p.name), ''), p.email) AS name, p.affiliation
        FROM "CallParticipant" p WHERE p."callId" = pc.id AND p."speakerKey" = sn."speakerKey"
        ORDER BY p.position LIMIT 1
      ) sp ON true
      ORDER BY pc."startedAt" DESC, pc.id DESC, sn.idx ASC`;
}
