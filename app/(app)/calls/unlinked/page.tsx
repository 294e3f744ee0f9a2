import type { Metadata } from "next";
import Link from "next/link";
import { CallList } from "@/components/calls/call-list";
import { KeysetPager } from "@/components/calls/call-bits";
import { ReassignControls } from "@/components/calls/reassign-controls";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time-zone";
import { requirePageSession } from "@/lib/auth/session";
import { countUnlinkedCalls, listUnlinkedCalls, pageParamsSchema } from "@/lib/calls/queries";

export const metadata: Metadata = { title: "Unlinked calls" };

export default async function UnlinkedCallsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageSession("/calls/unlinked");
  const raw = await searchParams;
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  const paging = pageParamsSchema.parse({ before: first(raw.before), after: first(raw.after) });
  const [calls, total] = await Promise.all([listUnlinkedCalls(session, paging), countUnlinkedCalls(session)]);
  const byId = new Map(calls.items.map((c) => [c.id, c]));

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
          {total === 1 ? " it" : " them"} by hand. Move each one to the right deal; later syncs keep your choice.
        </p>
        <p className="mt-1 text-sm">
          <Link href="/calls/find" className="text-brand-700 underline">
            Can&apos;t find a call?
          </Link>
        </p>
      </header>
      {calls.items.length === 0 ? (
        total > 0 ? (
          <EmptyState
            title="No calls on this page"
            action={
              <Link href="/calls/unlinked" className="text-sm text-brand-700 hover:underline">
                Back to the newest
              </Link>
            }
          />
        ) : (
          <EmptyState
            title="Every call is on a deal"
            action={
              <Link href="/deals" className="text-sm text-brand-700 hover:underline">
                Go to deals
              </Link>
            }
          >
            Nothing to triage. Calls that match no deal will show up here after a sync.
          </EmptyState>
        )
      ) : (
        <>
          <CallList
            calls={calls.items}
            label="Unlinked calls, newest first"
            aside={(c) => {
              const item = byId.get(c.id);
              return (
                <div className="flex flex-col items-start gap-1 sm:items-end">
                  <ReassignControls callId={c.id} callTitle={c.title} currentDeal={null} allowUnlink={false} />
                  {item?.unlinkedAt ? (
                    <span className="text-xs text-slate-500">
                      Unlinked{item.unlinkedBy ? ` by ${item.unlinkedBy}` : ""} on <Time at={item.unlinkedAt} dateOnly />
                    </span>
                  ) : null}
                </div>
              );
            }}
          />
          <KeysetPager basePath="/calls/unlinked" newerCursor={calls.newerCursor} olderCursor={calls.olderCursor} label="Unlinked calls pages" />
        </>
      )}
    </div>
  );
}
