// Workspace search over transcripts: PostgreSQL full-text search with websearch_to_tsquery('english', q)
// (quoted phrases, OR and -exclusions work like a web search box), scoped by workspace and the call
// visibility rule, newest calls first. Two levels: each call keeps the set of words its transcript uses
// (Call.transcriptLexemes, GIN index), which finds the candidate calls whatever their number; then the
// calls are walked newest first and only their matching sentences are read, until the page is full.
import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { sqlText } from "@/lib/validation";
import { visibleCallSql, type Viewer } from "@/lib/calls/visibility";
import { buildSpeakers } from "@/lib/calls/transcript";

export const SEARCH_PAGE_SIZE = 20;

export const searchParamsSchema = z.object({
  q: z.string().transform((v) => v.trim().slice(0, 200)).optional().catch(undefined),
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
  /**
   * Calls with a matching sentence that the viewer can see (0 on a page past the end), or null when it
   * would take reading every candidate call to know (AND, phrases and exclusions narrow per sentence).
   */
  total: number | null;
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

export async function searchTranscripts(viewer: Viewer, params: { q?: string; page?: number }): Promise<SearchResult> {
  const query = sqlText(params.q ?? "").trim().slice(0, 200);
  const pageNo = Math.min(Math.max(params.page ?? 1, 1), 50);
  const empty: SearchResult = { query, searchable: false, hits: [], page: pageNo, hasNext: false, total: 0 };
  if (!query) return empty;
  // querytree() keeps the part of the query an index can use (negations dropped); phrase operators
  // become AND for the call level, which keeps no word positions. Sentences get the full query.
  const [{ nodes, tree, full } = { nodes: 0, tree: "T", full: "" }] = await db.$queryRaw<Array<{ nodes: number; tree: string; full: string }>>`
    SELECT numnode(q)::int AS nodes, querytree(q) AS tree, q::text AS full FROM websearch_to_tsquery('english', ${query}) AS q`;
  if (!nodes || tree === "T") return empty;
  const callQuery = tree.replace(/<(?:-|\d+)>/g, "&");
  // One word, or words joined by OR: a call matches exactly when one of its sentences does, so the
  // candidate calls are the answer's calls and can be counted.
  const exact = tree === full && !/[&<]/.test(tree);

  const visible = visibleCallSql(viewer, "c", "hashed");
  const offset = (pageNo - 1) * SEARCH_PAGE_SIZE;
  // Candidate calls come from the call-level GIN index (MATERIALIZED pins that plan), then are walked
  // newest first, each call's sentences read through its (callId, idx) index, until the page is full:
  // a common word stops after a few calls, a rare one only visits the calls that have it.
  const rows = await db.$queryRaw<Array<Row & { total: bigint }>>`
      WITH calls AS MATERIALIZED (
        SELECT c.id, c.title, c."startedAt", c."isPrivate"
        FROM "Call" c
        WHERE c."workspaceId" = ${viewer.workspaceId} AND c."transcriptLexemes" @@ ${callQuery}::tsquery AND ${visible}
      ), hits AS (
        SELECT m.*, cl.title, cl."startedAt", cl."isPrivate"
        FROM (SELECT * FROM calls ORDER BY "startedAt" DESC, id DESC) cl
        CROSS JOIN LATERAL (
          SELECT s.id, s."callId", s.idx, s."speakerKey", s."startMs", s.text
          FROM "TranscriptSentence" s
          WHERE s."callId" = cl.id AND s.tsv @@ websearch_to_tsquery('english', ${query})
          ORDER BY s.idx
        ) m
        LIMIT ${SEARCH_PAGE_SIZE + 1} OFFSET ${offset}
      )
      SELECT h.id AS "sentenceId", h."callId", h.idx, h."speakerKey", h."startMs", h.title AS "callTitle", h."startedAt",
             h."isPrivate", (SELECT count(*) FROM calls) AS total,
             ts_headline('english', h.text, websearch_to_tsquery('english', ${query}), ${HEADLINE_OPTIONS}) AS headline,
             d.id AS "dealId", d.name AS "dealName", sp.name AS "speakerName", sp.affiliation::text AS "speakerAffiliation"
      FROM hits h
      LEFT JOIN "CallDealLink" l ON l."callId" = h."callId"
      LEFT JOIN "Deal" d ON d.id = l."dealId" AND d."workspaceId" = ${viewer.workspaceId}
      LEFT JOIN LATERAL (
        SELECT COALESCE(NULLIF(btrim(p.name), ''), p.email) AS name, p.affiliation
        FROM "CallParticipant" p WHERE p."callId" = h."callId" AND p."speakerKey" = h."speakerKey"
        ORDER BY p.position LIMIT 1
      ) sp ON true
      ORDER BY h."startedAt" DESC, h."callId" DESC, h.idx ASC`;

  const pageRows = rows.slice(0, SEARCH_PAGE_SIZE);
  const labels = await unnamedSpeakerLabels(pageRows);
  // An empty page past the end knows no total; page 1 empty means none.
  const total = exact ? Number(rows[0]?.total ?? 0) : rows.length === 0 && pageNo === 1 ? 0 : null;
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
 * "Speaker N" labels for hits whose speaker is no participant, numbered exactly as the transcript viewer
 * numbers them (order of first appearance in the call). Only the calls that need it are read.
 */
async function unnamedSpeakerLabels(rows: Row[]): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  const callIds = [...new Set(rows.filter((r) => !r.speakerName).map((r) => r.callId))];
  if (callIds.length === 0) return labels;
  const [firsts, participants] = await Promise.all([
    db.$queryRaw<Array<{ callId: string; speakerKey: string | null }>>`
      SELECT "callId", "speakerKey" FROM "TranscriptSentence" WHERE "callId" = ANY(${callIds}::text[])
      GROUP BY "callId", "speakerKey" ORDER BY "callId", min(idx)`,
    db.callParticipant.findMany({
      where: { callId: { in: callIds } },
      select: { callId: true, speakerKey: true, name: true, email: true, affiliation: true },
      orderBy: { position: "asc" },
    }),
  ]);
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
