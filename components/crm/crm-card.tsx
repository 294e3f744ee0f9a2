"use client";
// One CRM on Settings → Integrations: name, what it brings, status, account and sync times, and Connect
// (a dialog: ./connect-dialog.tsx) or Manage. While the other CRM is the workspace's, this one says why it
// cannot connect. Reps do not reach this page (admin only, as for the call recorders).
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button, ButtonLink } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import type { CrmCard as Card } from "@/lib/crm/queries";
import { CrmConnectDialog } from "./connect-dialog";
import { STATUS_LABEL, STATUS_TONE } from "./labels";

export function CrmCard({ card }: { card: Card }) {
  const [open, setOpen] = useState(false);
  const base = `/settings/integrations/${card.slug}`;
  const manageable = card.status !== "NOT_CONNECTED" && card.status !== "CONNECTING";
  return (
    <article aria-labelledby={`crm-card-${card.slug}`} className="flex h-full flex-col rounded-lg border border-slate-200 bg-white p-5">
      <div className="flex items-start justify-between gap-3">
        <h3 id={`crm-card-${card.slug}`} className="text-base font-semibold">
          {card.name}
        </h3>
        <Badge tone={STATUS_TONE[card.status] ?? "gray"}>{STATUS_LABEL[card.status] ?? card.status}</Badge>
      </div>
      <p className="mt-2 text-sm text-slate-600">{card.description}</p>
      {card.statusMessage ? <p className="mt-2 text-sm text-red-700">{card.statusMessage}</p> : null}
      {card.blockedBy ? (
        <p className="mt-2 rounded-md bg-slate-50 p-2 text-sm text-slate-700" data-testid={`crm-blocked-${card.slug}`}>
          {card.blockedBy} is this workspace&apos;s CRM. A workspace syncs deals from one CRM: disconnect {card.blockedBy} first to connect {card.name}.
        </p>
      ) : null}
      <dl className="mt-4 grid grid-cols-2 gap-x-3 gap-y-2 text-xs">
        <dt className="text-slate-500">Connected account</dt>
        <dd className="text-slate-800">{card.accountLabel ?? "—"}</dd>
        <dt className="text-slate-500">Last successful sync</dt>
        <dd className="text-slate-800">
          <Time at={card.lastSuccessfulSyncAt} />
        </dd>
        <dt className="text-slate-500">Next sync</dt>
        <dd className="text-slate-800">
          <Time at={card.nextSyncAt} />
        </dd>
      </dl>
      <div className="mt-auto flex flex-wrap gap-2 pt-5">
        {manageable ? (
          <ButtonLink href={base} aria-label={`Manage ${card.name}`}>
            Manage
          </ButtonLink>
        ) : (
          <Button onClick={() => setOpen(true)} disabled={!!card.blockedBy} aria-label={`Connect ${card.name}`}>
            {card.status === "CONNECTING" ? "Continue connecting" : "Connect"}
          </Button>
        )}
      </div>
      <CrmConnectDialog open={open} onClose={() => setOpen(false)} slug={card.slug} name={card.name} hasLoginHosts={card.hasLoginHosts} />
    </article>
  );
}
