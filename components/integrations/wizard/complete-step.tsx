"use client";
// Step 5, Complete: what was synced, when the next automatic sync runs, and where to go next.
import { CheckCircle2 } from "lucide-react";
import { ButtonLink } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import { useRetry } from "../use-retry";
import { UserSyncList } from "../user-sync-list";
import { ViewWarningNotice } from "../view-warning-notice";
import { StepHeading, type StepProps } from "./step-shell";

export function CompleteStep({ detail, headingRef, onRetried }: StepProps & { onRetried: () => unknown }) {
  const { retry, retrying } = useRetry(detail.slug, onRetried);
  return (
    <div className="space-y-5">
      <StepHeading headingRef={headingRef}>
        <span className="inline-flex items-center gap-2">
          <CheckCircle2 aria-hidden className="h-5 w-5 text-emerald-600" /> {detail.name} is connected
        </span>
      </StepHeading>
      <dl className="grid gap-4 sm:grid-cols-3">
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-xs text-slate-500">Total calls synced</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid="total-calls">
            {detail.totalCalls.toLocaleString("en-US")}
          </dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-xs text-slate-500">Next automatic sync</dt>
          <dd className="mt-1 text-sm font-medium">
            <Time at={detail.integration?.nextSyncAt} />
          </dd>
        </div>
        <div className="rounded-md border border-slate-200 p-4">
          <dt className="text-xs text-slate-500">Users synced</dt>
          <dd className="mt-1 text-sm font-medium">
            {detail.users.filter((u) => u.status === "COMPLETED").length} of {detail.users.length}
            {detail.progress.failed ? <span className="text-red-700"> ({detail.progress.failed} failed)</span> : null}
          </dd>
        </div>
      </dl>
      <ViewWarningNotice detail={detail} />
      <section aria-labelledby="complete-users" className="space-y-3">
        <h3 id="complete-users" className="text-sm font-semibold text-slate-800">
          Calls synced per user
        </h3>
        <UserSyncList detail={detail} onRetry={retry} retrying={retrying} />
      </section>
      <p className="text-sm text-slate-600">
        Your call data now syncs automatically every 2 hours. New calls appear as they become available from {detail.name}.
      </p>
      <div className="flex flex-wrap gap-2">
        <ButtonLink href="/deals">Go to Deals</ButtonLink>
        <ButtonLink href={`/settings/integrations/${detail.slug}`} variant="secondary">
          Manage Integration
        </ButtonLink>
        <ButtonLink href="/settings/integrations" variant="secondary">
          Connect Another Integration
        </ButtonLink>
      </div>
    </div>
  );
}
