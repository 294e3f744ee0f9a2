import type { Metadata } from "next";
import Link from "next/link";
import { KeysetPager } from "@/components/calls/call-bits";
import { UnlinkedTriage } from "@/components/calls/unlinked-triage";
import { EmptyState } from "@/components/ui/empty-state";
import { requirePageSession } from "@/lib/auth/session";
import { pageParamsSchema } from "@/lib/calls/queries";
import { countTriageCalls, listTriageCalls, suggestDeals, TRIAGE_VIEWS, type TriageView } from "@/lib/calls/triage";

export const metadata: Metadata = { title: "Unlinked calls" };

const VIEW_LABEL: Record<TriageView, string> = { customer: "Customer calls", internal: "Internal meetings", dismissed: "Dismissed" };
const hrefOf = (v: TriageView) => (v === "customer" ? "/calls/unlinked" : `/calls/unlinked?view=${v}`);

const EMPTY: Record<TriageView, { title: string; body: string }> = {
  customer: { title: "Every customer call is on a deal", body: "Nothing to triage. Customer calls that match no deal will show up here after a sync." },
  internal: { title: "No internal meetings to triage", body: "Calls where every participant is from your company show up here, apart from customer calls." },
  dismissed: { title: "No dismissed calls", body: "Calls you dismiss from Unlinked calls are kept here, and you can restore them." },
};

export default async function UnlinkedCallsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/calls/unlinked");
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const paging = pageParamsSchema.parse({ before: first(raw.before), after: first(raw.after) });
  const view: TriageView = (TRIAGE_VIEWS as readonly string[]).includes(first(raw.view) ?? "") ? (first(raw.view) as TriageView) : "customer";
  const [calls, counts] = await Promise.all([listTriageCalls(session, view, paging), countTriageCalls(session)]);
  const suggestions =
    view === "dismissed"
      ? new Map()
      : await suggestDeals(
          session,
          calls.items.map((c) => c.id),
        );
  const total = counts.customer + counts.internal;

  return (
    <div className="space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/deals" className="hover:underline">
          Deals
        </Link>{" "}
        <span aria-hidden>/</span> <span>Unlinked calls</span>
      </nav>
      <header>
        <h1 className="text-2xl font-semibold tracking-tight">Unlinked calls</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          {total} {total === 1 ? "call is" : "calls are"} not on any deal: no CRM id or contact email matched, or someone unlinked
          {total === 1 ? " it" : " them"} by hand. Link each one to the right deal, or dismiss what belongs to none; later syncs keep your choice.
        </p>
        <p className="mt-1 text-sm">
          <Link href="/calls/find" className="text-brand-700 underline">
            Can&apos;t find a call?
          </Link>
        </p>
      </header>
      {/* The views wrap instead of running off a phone's screen; there, wrapped underline tabs would read as two
          rows of tabs, so below 640 px they are pills (the current one filled) and from 640 px up underlined tabs. */}
      <nav aria-label="Unlinked calls views" className="flex flex-wrap gap-2 sm:gap-1 sm:border-b sm:border-slate-200">
        {TRIAGE_VIEWS.map((v) => (
          <Link
            key={v}
            href={hrefOf(v)}
            aria-current={v === view ? "page" : undefined}
            className={`whitespace-nowrap rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset sm:-mb-px sm:rounded-none sm:rounded-t-md sm:border-b-2 sm:py-2 sm:ring-0 ${v === view ? "bg-brand-50 text-brand-700 ring-brand-600 sm:border-brand-600 sm:bg-transparent" : "text-slate-600 ring-slate-300 hover:text-slate-900 sm:border-transparent"}`}
          >
            {VIEW_LABEL[v]} ({counts[v]})
          </Link>
        ))}
      </nav>
      {calls.items.length === 0 ? (
        counts[view] > 0 ? (
          <EmptyState
            title="No calls on this page"
            action={
              <Link href={hrefOf(view)} className="text-sm text-brand-700 hover:underline">
                Back to the newest
              </Link>
            }
          />
        ) : (
          <EmptyState
            title={EMPTY[view].title}
            action={
              <Link href="/deals" className="text-sm text-brand-700 hover:underline">
                Go to deals
              </Link>
            }
          >
            {EMPTY[view].body}
          </EmptyState>
        )
      ) : (
        <>
          <UnlinkedTriage view={view} calls={calls.items} suggestions={Object.fromEntries(suggestions)} />
          <KeysetPager basePath={hrefOf(view)} newerCursor={calls.newerCursor} olderCursor={calls.olderCursor} label="Unlinked calls pages" />
        </>
      )}
    </div>
  );
}
