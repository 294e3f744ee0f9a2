// Participants grouped Internal / External / Unknown, with title, email, phone and invitee/attendee.
import { Mail, Phone } from "lucide-react";
import { Badge } from "@/components/ui/badge";
import type { CallDetail } from "@/lib/calls/queries";

type P = CallDetail["participants"]["internal"][number];

function Person({ p }: { p: P }) {
  const name = p.name || p.email || p.phone || "Unnamed participant";
  return (
    <li className="px-4 py-3 text-sm">
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium text-slate-900">{name}</span>
        {p.isAttendee ? <Badge tone="green">Attended</Badge> : p.isInvitee ? <Badge tone="gray">Invited, did not attend</Badge> : null}
        {p.isAttendee && p.isInvitee ? <Badge tone="gray">Invitee</Badge> : null}
      </div>
      {p.title ? <div className="text-slate-600">{p.title}</div> : null}
      <div className="mt-0.5 flex flex-col gap-0.5 text-xs text-slate-600">
        {p.email ? (
          <a href={`mailto:${p.email}`} className="inline-flex items-center gap-1 break-all hover:text-brand-700 hover:underline">
            <Mail aria-hidden className="h-3 w-3 shrink-0" />
            {p.email}
          </a>
        ) : null}
        {p.phone ? (
          <a href={`tel:${p.phone.replace(/[^+\d]/g, "")}`} className="inline-flex items-center gap-1 hover:text-brand-700 hover:underline">
            <Phone aria-hidden className="h-3 w-3 shrink-0" />
            {p.phone}
          </a>
        ) : null}
      </div>
    </li>
  );
}

export function Participants({ groups }: { groups: CallDetail["participants"] }) {
  const sections: Array<[string, P[], string]> = [
    ["Internal", groups.internal, "People from your company"],
    ["External", groups.external, "Customers and prospects"],
    ["Unknown", groups.unknown, "The provider could not tell whether they are internal or external"],
  ];
  const total = groups.internal.length + groups.external.length + groups.unknown.length;
  return (
    <section aria-labelledby="participants-heading" className="rounded-lg border border-slate-200 bg-white">
      <h2 id="participants-heading" className="border-b border-slate-100 px-4 py-3 text-sm font-semibold text-slate-900">
        Participants <span className="font-normal text-slate-500">({total})</span>
      </h2>
      {total === 0 ? <p className="px-4 py-3 text-sm text-slate-600">The provider listed no participants.</p> : null}
      {sections.map(([label, list, hint]) =>
        list.length ? (
          <div key={label}>
            <h3 className="bg-slate-50 px-4 py-1.5 text-xs font-semibold uppercase tracking-wide text-slate-500" title={hint}>
              {label} ({list.length})
            </h3>
            <ul className="divide-y divide-slate-100">
              {list.map((p) => (
                <Person key={p.id} p={p} />
              ))}
            </ul>
          </div>
        ) : null,
      )}
    </section>
  );
}
