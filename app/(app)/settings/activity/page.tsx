import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { Time } from "@/components/ui/time-zone";
import { Pagination } from "@/components/ui/pagination";
import { listAuditEvents } from "@/lib/audit";
import { requirePageAdmin } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const session = await requirePageAdmin("/settings/activity");
  const params = await searchParams;
  const result = await listAuditEvents(session.workspaceId, Number(typeof params.page === "string" ? params.page : 1));
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">Settings</p>
        <h1 className="text-2xl font-semibold tracking-tight">Activity</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Who did what in {session.workspaceName}: sign-ups, invitations, role changes, deactivations, connections, syncs, backfills and deletions.
        </p>
      </div>
      {result.items.length === 0 ? (
        <EmptyState title="No activity yet">Changes to members and integrations will be listed here.</EmptyState>
      ) : (
        <>
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white shadow-sm">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <caption className="sr-only">Activity</caption>
              <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-4 py-2">
                    When
                  </th>
                  <th scope="col" className="px-4 py-2">
                    Who
                  </th>
                  <th scope="col" className="px-4 py-2">
                    What
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {result.items.map((e) => (
                  <tr key={e.id}>
                    <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                      <Time at={e.at} />
                    </td>
                    <td className="px-4 py-3" title={e.actorEmail ?? undefined}>
                      {e.actor}
                    </td>
                    <td className="px-4 py-3 text-slate-900">{e.summary}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={result.page} pageCount={result.pageCount} basePath="/settings/activity" params={params} />
        </>
      )}
    </div>
  );
}
