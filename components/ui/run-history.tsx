// The sync history of a Manage page (call recorders and CRMs alike): kind (and whom a per-user run was for),
// start, duration, the counts each kind of integration keeps, and the status with its reason. A table from
// 640 px up; below, one stacked card per run with every field labelled (as the deals list does), so a phone
// neither scrolls sideways nor cuts a column off.
import type { ReactNode } from "react";
import { Badge } from "@/components/ui/badge";
import { formatDuration } from "@/components/ui/format";
import { Time } from "@/components/ui/time-zone";

export const RUN_STATUS_LABEL: Record<string, string> = { RUNNING: "Running", SUCCEEDED: "Succeeded", FAILED: "Failed", CANCELLED: "Cancelled" };
export const RUN_STATUS_TONE: Record<string, "blue" | "green" | "red" | "gray"> = { RUNNING: "blue", SUCCEEDED: "green", FAILED: "red", CANCELLED: "gray" };

export type RunRowBase = { id: string; kind: string; status: string; startedAt: string; finishedAt: string | null; error: string | null };

/**
 * A column after Kind, Started and Duration. `count`: a number, right-aligned in the table; `wide`: takes the
 * whole width of a stacked card; `muted`: small grey text in the table.
 */
export type RunField<R> = { label: string; count?: boolean; tabular?: boolean; nowrap?: boolean; wide?: boolean; muted?: boolean; value: (r: R) => ReactNode };

const CAPTION = "Sync history, newest first";

function duration(r: RunRowBase) {
  if (!r.finishedAt) return "—";
  return formatDuration(Math.max(0, (new Date(r.finishedAt).getTime() - new Date(r.startedAt).getTime()) / 1000));
}

function Status({ run }: { run: RunRowBase }) {
  return <Badge tone={RUN_STATUS_TONE[run.status] ?? "gray"}>{RUN_STATUS_LABEL[run.status] ?? run.status}</Badge>;
}

function RunError({ run, className }: { run: RunRowBase; className: string }) {
  return run.error ? <p className={`text-xs text-red-700 ${className}`}>{run.error}</p> : null;
}

export function RunHistory<R extends RunRowBase>({
  runs,
  kindLabel,
  who,
  fields,
}: {
  runs: R[];
  kindLabel: Record<string, string>;
  /** Whom a per-user run was for (shown under its kind). */
  who?: (r: R) => string | null;
  fields: Array<RunField<R>>;
}) {
  if (!runs.length) return <p className="text-sm text-slate-600">No syncs yet.</p>;
  const all: Array<RunField<R>> = [
    { label: "Started", nowrap: true, wide: true, value: (r) => <Time at={r.startedAt} /> },
    { label: "Duration", tabular: true, nowrap: true, value: duration },
    ...fields,
  ];
  // On a card the whole-width fields come first, so the others pair up two by two without gaps.
  const stacked = [...all.filter((f) => f.wide), ...all.filter((f) => !f.wide)];
  const kind = (r: R) => kindLabel[r.kind] ?? r.kind;
  return (
    <>
      {/* Phones: display none from 640 px up, so only one of the two is in the accessibility tree. */}
      <ul aria-label={CAPTION} className="divide-y divide-slate-100 rounded-md border border-slate-200 sm:hidden">
        {runs.map((r) => (
          <li key={r.id} className="px-3 py-3">
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0 text-sm font-medium text-slate-900">
                {kind(r)}
                {who?.(r) ? <span className="block break-words text-xs font-normal text-slate-600">{who(r)}</span> : null}
              </div>
              <Status run={r} />
            </div>
            <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
              {stacked.map((f) => (
                <div key={f.label} className={`min-w-0 ${f.wide ? "col-span-2" : ""}`}>
                  <dt className="text-xs text-slate-500">{f.label}</dt>
                  <dd className={`break-words text-slate-900 ${f.count || f.tabular ? "tabular-nums" : ""}`}>{f.value(r)}</dd>
                </div>
              ))}
            </dl>
            <RunError run={r} className="mt-2 break-words" />
          </li>
        ))}
      </ul>
      <div className="hidden overflow-x-auto sm:block">
        <table className="min-w-full text-sm">
          <caption className="sr-only">{CAPTION}</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">
                Kind
              </th>
              {all.map((f) => (
                <th key={f.label} scope="col" className={`px-3 py-2 ${f.count ? "text-right" : ""}`}>
                  {f.label}
                </th>
              ))}
              <th scope="col" className="px-3 py-2">
                Status
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {runs.map((r) => (
              <tr key={r.id}>
                <td className="whitespace-nowrap px-3 py-2 font-medium">
                  {kind(r)}
                  {who?.(r) ? <span className="block text-xs font-normal text-slate-600">{who(r)}</span> : null}
                </td>
                {all.map((f) => (
                  <td
                    key={f.label}
                    className={`px-3 py-2 ${f.count ? "text-right" : ""} ${f.count || f.tabular ? "tabular-nums" : ""} ${f.nowrap ? "whitespace-nowrap" : ""} ${f.muted ? "text-xs text-slate-600" : ""}`}
                  >
                    {f.value(r)}
                  </td>
                ))}
                <td className="px-3 py-2">
                  <Status run={r} />
                  <RunError run={r} className="mt-1 max-w-xs" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
