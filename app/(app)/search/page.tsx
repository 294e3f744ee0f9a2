import type { Metadata } from "next";
import Link from "next/link";
import { PrivateBadge } from "@/components/calls/call-bits";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time-zone";
import { requirePageSession } from "@/lib/auth/session";
import { recorderSetup } from "@/lib/integrations/queries";
import { DayOneNotice } from "@/components/integrations/day-one-notice";
import { headlineParts, searchAsUser, searchParamsSchema, type SearchHit, type SearchResult } from "@/lib/calls/search";
import { formatTimestamp } from "@/lib/calls/transcript";
import { SearchTooSlowError, TooManyAttemptsError } from "@/lib/errors";

export const metadata: Metadata = { title: "Search" };

const TONE = { INTERNAL: "text-brand-700", EXTERNAL: "text-emerald-700", UNKNOWN: "text-slate-700" } as const;

export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/search");
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const params = searchParamsSchema.parse({ q: first(raw.q), page: first(raw.page) });
  // Too many searches this minute, or one that ran out of time: the message says what to do.
  let result: SearchResult | null = null;
  let refused: { title: string; message: string } | null = null;
  try {
    result = params.q ? await searchAsUser(session, params) : null;
  } catch (error) {
    if (error instanceof TooManyAttemptsError) refused = { title: "Too many searches", message: error.message };
    else if (error instanceof SearchTooSlowError) refused = { title: "Search took too long", message: error.message };
    else throw error;
  }

  // Consecutive hits of one call are shown under one heading.
  const groups: Array<{ call: SearchHit; hits: SearchHit[] }> = [];
  for (const h of result?.hits ?? []) {
    const last = groups[groups.length - 1];
    if (last && last.call.callId === h.callId) last.hits.push(h);
    else groups.push({ call: h, hits: [h] });
  }
  const recorders = await recorderSetup(session.workspaceId);
  const pageHref = (p: number) => `/search?q=${encodeURIComponent(params.q ?? "")}&page=${p}`;

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Search transcripts</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every call transcript you can see in {session.workspaceName}. Use quotes for a phrase, <code>or</code> for either word, and <code>-word</code> to
          leave a word out.
        </p>
      </header>
      <DayOneNotice setup={recorders} isAdmin={session.role === "ADMIN"} />
      <form method="get" action="/search" role="search" aria-label="Search transcripts" className="flex flex-col gap-2 sm:flex-row">
        <label htmlFor="search-q" className="sr-only">
          Search transcripts
        </label>
        <input
          id="search-q"
          name="q"
          type="search"
          defaultValue={params.q}
          maxLength={200}
          autoFocus={!params.q}
          placeholder='e.g. "security review" or pricing -discount'
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
        />
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
          Search
        </button>
      </form>

      {refused ? (
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">{refused.title}</p>
          <p className="mt-1">{refused.message}</p>
        </div>
      ) : !result ? (
        <EmptyState title="Search what was said on calls">Type a word or phrase: results show the call, its deal, who said it and when.</EmptyState>
      ) : !result.searchable ? (
        <EmptyState title="Nothing to search for">
          <strong>{result.query}</strong> has no word to look for: very common words (like “the” or “and”) are not indexed, and a word with a minus only
          excludes. Add a more specific word.
        </EmptyState>
      ) : result.hits.length === 0 ? (
        <EmptyState title={result.page > 1 ? "No more matches" : `No matches for ${result.query}`}>
          {result.page > 1 ? (
            <Link href={pageHref(1)} className="text-brand-700 hover:underline">
              Back to the first page
            </Link>
          ) : (
            "Try fewer or different words. Search matches word forms too (price, prices, pricing)."
          )}
        </EmptyState>
      ) : (
        <>
          <p className="text-sm text-slate-600" aria-live="polite">
            {result.total.toLocaleString("en-US")} {result.total === 1 ? "call matches" : "calls match"}{" "}
            <strong className="font-medium text-slate-900">{result.query}</strong>, newest calls first.
          </p>
          <ol className="space-y-4" aria-label="Search results">
            {groups.map(({ call, hits }) => (
              <li key={`${call.callId}-${hits[0]!.sentenceId}`} className="rounded-lg border border-slate-200 bg-white">
                <div className="flex flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-100 px-4 py-2.5">
                  <Link href={`/calls/${call.callId}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                    {call.callTitle}
                  </Link>
                  {call.isPrivate ? <PrivateBadge /> : null}
                  <span className="text-xs text-slate-600">
                    <Time at={call.startedAt} dateOnly />
                  </span>
                  <span className="text-xs text-slate-600">
                    {call.deal ? (
                      <Link href={`/deals/${call.deal.id}`} className="hover:underline">
                        {call.deal.name}
                      </Link>
                    ) : (
                      <span className="italic">No deal</span>
                    )}
                  </span>
                </div>
                <ul className="divide-y divide-slate-50">
                  {hits.map((h) => (
                    <li key={h.sentenceId}>
                      <Link href={`/calls/${h.callId}#t=${h.second}`} className="block px-4 py-2.5 hover:bg-slate-50 focus-visible:bg-slate-50">
                        <span className="flex items-baseline gap-2 text-xs">
                          <span className={`font-semibold ${TONE[h.speakerAffiliation]}`}>{h.speaker}</span>
                          <span className="tabular-nums text-slate-500">{formatTimestamp(h.startMs)}</span>
                        </span>
                        <span className="mt-0.5 block text-sm text-slate-800">
                          {headlineParts(h.headline).map((p, i) =>
                            p.hit ? (
                              <mark key={i} className="rounded-sm bg-yellow-200 px-0.5">
                                {p.text}
                              </mark>
                            ) : (
                              <span key={i}>{p.text}</span>
                            ),
                          )}
                        </span>
                      </Link>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ol>
          <nav aria-label="Search result pages" className="flex items-center justify-between text-sm">
            <span className="text-slate-600">Page {result.page}</span>
            <div className="flex gap-2">
              {result.page > 1 ? (
                <Link className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" href={pageHref(result.page - 1)} rel="prev">
                  Previous
                </Link>
              ) : null}
              {result.hasNext && result.page < 50 ? (
                <Link className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-50" href={pageHref(result.page + 1)} rel="next">
                  Next
                </Link>
              ) : null}
            </div>
          </nav>
        </>
      )}
    </div>
  );
}
