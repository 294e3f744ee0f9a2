import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PrivateBadge } from "@/components/calls/call-bits";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time-zone";
import { requirePageSession } from "@/lib/auth/session";
import { viewerTimeZone } from "@/lib/accounts/time-zone";
import { db } from "@/lib/db";
import { recorderSetup } from "@/lib/integrations/queries";
import { DayOneNotice } from "@/components/integrations/day-one-notice";
import {
  headlineParts,
  resolveFilters,
  searchCallsAsUser,
  searchFiltersSchema,
  searchParamsSchema,
  totalText,
  type CallSearchResult,
  type SearchFilters,
} from "@/lib/calls/search";
import { formatTimestamp } from "@/lib/calls/transcript";
import { SearchTooSlowError, TooManyAttemptsError } from "@/lib/errors";
import { PROVIDER_LIST } from "@/lib/providers/registry";
import { timeZoneShortName } from "@/lib/time-zones";

export const metadata: Metadata = { title: "Search" };

const TONE = { INTERNAL: "text-brand-700", EXTERNAL: "text-emerald-700", UNKNOWN: "text-slate-700" } as const;
const FIELD = "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm";
const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

export default async function SearchPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/search");
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const params = searchParamsSchema.parse({ q: first(raw.q), page: first(raw.page) });
  const rawFilters = { provider: first(raw.provider), from: first(raw.from), to: first(raw.to), participant: first(raw.participant), deal: first(raw.deal) };
  const kept = Object.fromEntries(Object.entries(rawFilters).filter(([, v]) => typeof v === "string" && v !== "")) as Record<string, string>;
  const href = (over: Record<string, string | number | undefined>) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries({ q: params.q, ...kept, ...over })) if (v !== undefined && v !== "") sp.set(k, String(v));
    return `/search?${sp.toString()}`;
  };
  const pageHref = (p: number) => href({ page: p });
  // The form sends every filter, empty ones too: the address keeps only those in use.
  if (Object.keys(rawFilters).some((k) => raw[k] === "")) redirect(href({ page: first(raw.page) }));
  const parsedFilters = searchFiltersSchema.safeParse(rawFilters);
  const filters: SearchFilters = parsedFilters.success ? parsedFilters.data : {};
  const { zone } = await viewerTimeZone();
  // Deals that have calls, for the deal filter; the scoped deal by its name (only this workspace's).
  const [dealOptions, scopedDeal] = await Promise.all([
    db.deal.findMany({
      where: { workspaceId: session.workspaceId, callLinks: { some: {} } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
      take: 300,
    }),
    filters.deal ? db.deal.findFirst({ where: { id: filters.deal, workspaceId: session.workspaceId }, select: { id: true, name: true } }) : null,
  ]);

  // A filter that cannot be used, too many searches this minute, or one that ran out of time: the message says what to do.
  let result: CallSearchResult | null = null;
  let refused: { title: string; message: string } | null = null;
  if (!parsedFilters.success) refused = { title: "Those filters cannot be used", message: parsedFilters.error.issues[0]!.message };
  else if (filters.deal && !scopedDeal) refused = { title: "Those filters cannot be used", message: "That deal was not found." };
  else {
    try {
      result = params.q ? await searchCallsAsUser(session, params, resolveFilters(filters, zone)) : null;
    } catch (error) {
      if (error instanceof TooManyAttemptsError) refused = { title: "Too many searches", message: error.message };
      else if (error instanceof SearchTooSlowError) refused = { title: "Search took too long", message: error.message };
      else throw error;
    }
  }
  const recorders = await recorderSetup(session.workspaceId);
  const filtered = Boolean(filters.provider || filters.from || filters.to || filters.participant);

  return (
    <div className="space-y-6">
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Search transcripts</h1>
        <p className="mt-1 text-sm text-slate-600">
          {scopedDeal ? "The call transcripts of one deal" : `Every call transcript you can see in ${session.workspaceName}`}. Use quotes for a phrase,{" "}
          <code>or</code> for either word, and <code>-word</code> to leave a word out.
        </p>
      </header>
      <DayOneNotice setup={recorders} isAdmin={session.role === "ADMIN"} />
      <form method="get" action="/search" role="search" aria-label="Search transcripts" className="space-y-3">
        {scopedDeal ? (
          <p className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-600">Searching</span>
            <span className="inline-flex items-center gap-1 rounded-full border border-brand-200 bg-brand-50 py-0.5 pl-3 pr-1 font-medium text-brand-800">
              In {scopedDeal.name}
              <Link
                href={href({ deal: undefined, page: undefined })}
                aria-label={`Search all deals, not only ${scopedDeal.name}`}
                className="rounded-full px-1.5 text-brand-700 hover:bg-brand-100 hover:text-brand-900"
              >
                ×
              </Link>
            </span>
          </p>
        ) : null}
        <div className="flex flex-col gap-2 sm:flex-row">
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
            className={FIELD}
          />
          <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700">
            Search
          </button>
        </div>
        <fieldset className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-3 sm:grid-cols-3 lg:grid-cols-5">
          <legend className="px-1 text-xs font-medium uppercase tracking-wide text-slate-500">Filters</legend>
          <div>
            <label htmlFor="search-provider" className="block text-xs font-medium text-slate-700">
              Provider
            </label>
            <select id="search-provider" name="provider" defaultValue={filters.provider ?? ""} className={`${FIELD} mt-1`}>
              <option value="">Any provider</option>
              {PROVIDER_LIST.map((p) => (
                <option key={p.slug} value={p.slug}>
                  {p.displayName}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="search-deal" className="block text-xs font-medium text-slate-700">
              Deal
            </label>
            <select id="search-deal" name="deal" defaultValue={scopedDeal?.id ?? ""} className={`${FIELD} mt-1`}>
              <option value="">Any deal</option>
              {scopedDeal && !dealOptions.some((d) => d.id === scopedDeal.id) ? <option value={scopedDeal.id}>{scopedDeal.name}</option> : null}
              {dealOptions.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </div>
          <div className="col-span-2 sm:col-span-1">
            <label htmlFor="search-participant" className="block text-xs font-medium text-slate-700">
              Participant
            </label>
            <input
              id="search-participant"
              name="participant"
              type="text"
              defaultValue={typeof rawFilters.participant === "string" ? rawFilters.participant : ""}
              maxLength={200}
              placeholder="Name or email"
              className={`${FIELD} mt-1`}
            />
          </div>
          <div>
            <label htmlFor="search-from" className="block text-xs font-medium text-slate-700">
              From <span className="font-normal text-slate-500">({timeZoneShortName(zone)})</span>
            </label>
            <input id="search-from" name="from" type="date" defaultValue={rawFilters.from ?? ""} className={`${FIELD} mt-1`} />
          </div>
          <div>
            <label htmlFor="search-to" className="block text-xs font-medium text-slate-700">
              To <span className="font-normal text-slate-500">({timeZoneShortName(zone)})</span>
            </label>
            <input id="search-to" name="to" type="date" defaultValue={rawFilters.to ?? ""} className={`${FIELD} mt-1`} />
          </div>
        </fieldset>
      </form>

      {refused ? (
        <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          <p className="font-medium">{refused.title}</p>
          <p className="mt-1">{refused.message}</p>
        </div>
      ) : !result ? (
        <EmptyState title={scopedDeal ? `Search what was said on ${scopedDeal.name}'s calls` : "Search what was said on calls"}>
          Type a word or phrase: results show each call once, with its deal, who said it and when.
        </EmptyState>
      ) : !result.searchable ? (
        <EmptyState title="Nothing to search for">
          <strong>{result.query}</strong> has no word to look for: very common words (like “the” or “and”) are not indexed, and a word with a minus only
          excludes. Add a more specific word.
        </EmptyState>
      ) : result.calls.length === 0 ? (
        <EmptyState title={result.page > 1 ? "No more matches" : `No matches for ${result.query}`}>
          {result.page > 1 ? (
            <Link href={pageHref(1)} className="text-brand-700 hover:underline">
              Back to the first page
            </Link>
          ) : filtered || scopedDeal ? (
            "No call matches under these filters. Remove a filter to search more calls."
          ) : (
            "Try fewer or different words. Search matches word forms too (price, prices, pricing)."
          )}
        </EmptyState>
      ) : (
        <>
          <p className="text-sm text-slate-600" aria-live="polite" data-testid="search-summary">
            {totalText(result.totalCalls, result.callsMore, "call", "calls")}, {totalText(result.totalSentences, result.sentencesMore, "sentence", "sentences")}{" "}
            match <strong className="font-medium text-slate-900">{result.query}</strong>
            {scopedDeal ? ` in ${scopedDeal.name}` : ""}, newest calls first.
          </p>
          <ol className="space-y-4" aria-label="Search results">
            {result.calls.map((call) => {
              const more = call.sentenceCount - call.snippets.length;
              return (
                <li key={call.callId} className="rounded-lg border border-slate-200 bg-white" aria-label={call.callTitle}>
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
                    <span className="text-xs text-slate-600 sm:ml-auto">{plural(call.sentenceCount, "matching sentence", "matching sentences")}</span>
                  </div>
                  <ul className="divide-y divide-slate-50">
                    {call.snippets.map((h) => (
                      <li key={h.sentenceId}>
                        <Link href={`/calls/${call.callId}#t=${h.second}`} className="block px-4 py-2.5 hover:bg-slate-50 focus-visible:bg-slate-50">
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
                  {more > 0 ? (
                    <div className="border-t border-slate-100 px-4 py-2">
                      <Link href={`/calls/${call.callId}#t=${call.firstSecond}`} className="text-sm font-medium text-brand-700 hover:underline">
                        {more.toLocaleString("en-US")} more in this call
                        <span className="sr-only"> ({call.callTitle}, from the first match)</span>
                      </Link>
                    </div>
                  ) : null}
                </li>
              );
            })}
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
