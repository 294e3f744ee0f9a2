// A list of calls as rows: date, title, duration, provider, participants by side, a line of summary.
import type { ReactNode } from "react";
import Link from "next/link";
import { formatDuration } from "@/components/ui/format";
import { Time } from "@/components/ui/time-zone";
import { PrivateBadge, ProviderBadge } from "@/components/calls/call-bits";
import { PROVIDER_NAMES } from "@/lib/calls/provider-names";
import type { CallRow, ParticipantBrief } from "@/lib/calls/queries";

export type CallRowData = CallRow;

function names(list: ParticipantBrief[], max = 4) {
  if (list.length <= max) return list.map((p) => p.name).join(", ");
  return `${list
    .slice(0, max)
    .map((p) => p.name)
    .join(", ")} +${list.length - max}`;
}

/** `lead`, when given, comes before the call's title (e.g. a selection checkbox). */
export function CallList({
  calls,
  label,
  aside,
  lead,
}: {
  calls: CallRowData[];
  label: string;
  aside?: (call: CallRowData) => ReactNode;
  lead?: (call: CallRowData) => ReactNode;
}) {
  return (
    <ol aria-label={label} className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      {calls.map((c) => {
        const internal = c.participants.filter((p) => p.affiliation === "INTERNAL");
        const external = c.participants.filter((p) => p.affiliation === "EXTERNAL");
        const unknown = c.participants.filter((p) => p.affiliation === "UNKNOWN");
        return (
          <li key={c.id} className="flex flex-col gap-3 px-4 py-3 sm:flex-row sm:items-start">
            <div className="min-w-0 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                {lead ? lead(c) : null}
                <Link href={`/calls/${c.id}`} className="font-medium text-slate-900 hover:text-brand-700 hover:underline">
                  {c.title}
                </Link>
                {c.isPrivate ? <PrivateBadge /> : null}
              </div>
              <div className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1 text-xs text-slate-600">
                <Time at={c.startedAt} />
                <span aria-label="Duration">{formatDuration(c.durationSec)}</span>
                {c.alsoRecordedIn.length ? (
                  <span
                    className="flex items-center gap-1"
                    aria-label={`Recorded by ${[c.provider, ...c.alsoRecordedIn.map((o) => o.provider)].map((p) => PROVIDER_NAMES[p]).join(" · ")}`}
                  >
                    <ProviderBadge provider={c.provider} />
                    {c.alsoRecordedIn.map((o) => (
                      <span key={o.id} className="flex items-center gap-1">
                        <span aria-hidden>·</span>
                        <ProviderBadge provider={o.provider} />
                      </span>
                    ))}
                  </span>
                ) : (
                  <ProviderBadge provider={c.provider} />
                )}
              </div>
              {c.alsoRecordedIn.length ? (
                <p className="mt-1 text-xs text-slate-600">
                  Also recorded in{" "}
                  {c.alsoRecordedIn.map((o, i) => (
                    <span key={o.id}>
                      {i > 0 ? ", " : null}
                      <Link href={`/calls/${o.id}`} className="text-brand-700 hover:underline">
                        {PROVIDER_NAMES[o.provider]}
                      </Link>
                    </span>
                  ))}
                </p>
              ) : null}
              <dl className="mt-2 grid gap-x-4 gap-y-0.5 text-xs text-slate-700 sm:grid-cols-[auto_1fr]">
                {internal.length ? (
                  <>
                    <dt className="font-medium text-slate-500">Internal</dt>
                    <dd className="truncate">{names(internal)}</dd>
                  </>
                ) : null}
                {external.length ? (
                  <>
                    <dt className="font-medium text-slate-500">External</dt>
                    <dd className="truncate">{names(external)}</dd>
                  </>
                ) : null}
                {unknown.length ? (
                  <>
                    <dt className="font-medium text-slate-500">Unknown</dt>
                    <dd className="truncate">{names(unknown)}</dd>
                  </>
                ) : null}
              </dl>
              {c.summary ? <p className="mt-2 line-clamp-1 text-sm text-slate-600">{c.summary}</p> : null}
            </div>
            {aside ? <div className="shrink-0">{aside(c)}</div> : null}
          </li>
        );
      })}
    </ol>
  );
}
