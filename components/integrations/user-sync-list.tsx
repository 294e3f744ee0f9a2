"use client";
// Per-user sync status (Needs sync + Backfill / Pending / In Progress / Completed (N calls) / Failed (error) + Retry), the
// overall progress bar, and the provider users who have no Callsync user (listed apart, never synced).
import { CheckCircle2, Clock, History, Loader2, RotateCw, UserPlus, XCircle } from "lucide-react";
import Link from "next/link";
import { useState } from "react";
import { toast } from "@/components/ui/toast";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { BACKFILL_OPTIONS } from "@/lib/integrations/catalog";
import type { IntegrationDetail, UserSyncRow } from "@/lib/integrations/queries";
import { integrationAction } from "./api";
import { Dialog } from "./dialog";

const STATUS: Record<UserSyncRow["status"], { label: string; tone: "gray" | "blue" | "green" | "red" | "amber"; Icon: typeof Clock }> = {
  NEEDS_SYNC: { label: "Needs sync", tone: "amber", Icon: History },
  PENDING: { label: "Pending", tone: "gray", Icon: Clock },
  IN_PROGRESS: { label: "In Progress", tone: "blue", Icon: Loader2 },
  COMPLETED: { label: "Completed", tone: "green", Icon: CheckCircle2 },
  FAILED: { label: "Failed", tone: "red", Icon: XCircle },
};

/** The backfill's user list is still being read: there is no "0 of 0" to tell yet. */
export function discoveringUsers(detail: IntegrationDetail) {
  return detail.discovering && detail.users.length === 0 && detail.unmatched.length === 0;
}

export function SyncProgress({ detail }: { detail: IntegrationDetail }) {
  const { total, done, failed, percent } = detail.progress;
  if (discoveringUsers(detail)) {
    return (
      <p role="status" data-testid="discovering-users" className="flex items-center gap-2 text-sm text-slate-700">
        <Loader2 aria-hidden className="h-4 w-4 animate-spin text-brand-600" />
        Finding your {detail.name} users… each one appears here with their progress.
      </p>
    );
  }
  return (
    <div>
      <div className="flex items-baseline justify-between text-sm">
        <span id={`progress-${detail.slug}`} className="font-medium text-slate-800">
          Overall progress
        </span>
        <span className="tabular-nums text-slate-600">
          {done} of {total} user{total === 1 ? "" : "s"} done{failed ? ` · ${failed} failed` : ""}
        </span>
      </div>
      <div
        role="progressbar"
        aria-labelledby={`progress-${detail.slug}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%: ${done} of ${total} users done`}
        className="mt-2 h-2.5 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full rounded-full transition-all ${failed ? "bg-amber-500" : "bg-brand-600"}`} style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** "Backfill <name>" for a Needs-sync user: a period chooser (default 30 days), then the per-user backfill. */
function BackfillUser({ slug, userSyncId, label, onStarted }: { slug: string; userSyncId: string; label: string; onStarted: () => unknown }) {
  const [open, setOpen] = useState(false);
  const [period, setPeriod] = useState<string>("DAYS_30");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const start = async () => {
    setPending(true);
    setError(undefined);
    try {
      await integrationAction(slug, "user-backfill", { userSyncId, period });
      setOpen(false);
      toast.success(`Backfilling ${label}`);
      await onStarted();
    } catch (e) {
      setError(e instanceof Error ? e.message : "Could not start the backfill. Try again.");
    } finally {
      setPending(false);
    }
  };
  return (
    <>
      <Button variant="secondary" className="px-2.5 py-1 text-xs" onClick={() => setOpen(true)} aria-label={`Backfill ${label}`}>
        <History aria-hidden className="h-3.5 w-3.5" /> Backfill
      </Button>
      <Dialog
        open={open}
        onClose={() => setOpen(false)}
        title={`Backfill ${label}`}
        footer={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button onClick={start} disabled={pending}>
              {pending ? "Starting…" : "Start backfill"}
            </Button>
          </>
        }
      >
        <p>Bring in {label}&apos;s calls from before they joined. New calls arrive with every automatic sync.</p>
        <div>
          <label htmlFor={`period-${userSyncId}`} className="block font-medium text-slate-800">
            Backfill period
          </label>
          <select
            id={`period-${userSyncId}`}
            value={period}
            onChange={(e) => setPeriod(e.target.value)}
            className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          >
            {BACKFILL_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-red-700">
            {error}
          </p>
        ) : null}
      </Dialog>
    </>
  );
}

/** One row of the sync status: a user, or the calls hosted outside the workspace (no Backfill button: not a member). */
function SyncRow({
  row: u,
  slug,
  onRetry,
  retrying,
  onBackfillStarted,
}: {
  row: UserSyncRow;
  slug: string;
  onRetry: (userSyncId: string, label: string) => void;
  retrying: string | null;
  onBackfillStarted?: () => unknown;
}) {
  const s = STATUS[u.status];
  const label = u.name ?? u.email ?? "User";
  return (
    <li aria-label={label} className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between">
      <div className="min-w-0">
        <p className="truncate text-sm font-medium text-slate-900">{label}</p>
        {u.email && u.name ? <p className="truncate text-xs text-slate-500">{u.email}</p> : null}
        {u.status === "FAILED" && u.error ? <p className="mt-1 text-xs text-red-700">{u.error}</p> : null}
      </div>
      <div className="flex shrink-0 items-center gap-3">
        <span className="inline-flex items-center gap-1.5">
          <s.Icon
            aria-hidden
            className={`h-4 w-4 ${u.status === "IN_PROGRESS" ? "animate-spin text-sky-600" : u.status === "COMPLETED" ? "text-emerald-600" : u.status === "FAILED" ? "text-red-600" : "text-slate-400"}`}
          />
          <Badge tone={s.tone}>
            {u.status === "COMPLETED"
              ? `Completed (${u.callsSynced} call${u.callsSynced === 1 ? "" : "s"})`
              : u.status === "IN_PROGRESS" && u.callsSynced
                ? `In Progress (${u.callsSynced} so far)`
                : s.label}
          </Badge>
        </span>
        {u.status === "NEEDS_SYNC" && onBackfillStarted ? <BackfillUser slug={slug} userSyncId={u.id} label={label} onStarted={onBackfillStarted} /> : null}
        {u.status === "FAILED" ? (
          <Button
            variant="secondary"
            className="px-2.5 py-1 text-xs"
            disabled={retrying === u.id}
            onClick={() => onRetry(u.id, label)}
            aria-label={`Retry ${label}`}
          >
            <RotateCw aria-hidden className="h-3.5 w-3.5" /> Retry
          </Button>
        ) : null}
      </div>
    </li>
  );
}

export function UserSyncList({
  detail,
  onRetry,
  retrying,
  onBackfillStarted,
}: {
  detail: IntegrationDetail;
  onRetry: (userSyncId: string, label: string) => void;
  retrying: string | null;
  /** Given on the Manage page: Needs-sync users get a Backfill button. */
  onBackfillStarted?: () => unknown;
}) {
  if (discoveringUsers(detail)) return null;
  const total = detail.totalCalls;
  const sum = detail.perUserSum;
  return (
    <div className="space-y-5">
      {detail.users.length === 0 ? (
        <p className="text-sm text-slate-600">No {detail.name} user matches a Callsync user yet.</p>
      ) : (
        <ul aria-label="User sync status" className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {detail.users.map((u) => (
            <SyncRow key={u.id} row={u} slug={detail.slug} onRetry={onRetry} retrying={retrying} onBackfillStarted={onBackfillStarted} />
          ))}
        </ul>
      )}
      {detail.outsideHosts ? (
        <ul aria-label="Calls hosted outside the workspace" className="rounded-lg border border-slate-200 bg-white">
          <SyncRow row={detail.outsideHosts} slug={detail.slug} onRetry={onRetry} retrying={retrying} />
        </ul>
      ) : null}
      {detail.users.length && sum !== total ? (
        <p data-testid="counts-note" className="text-xs text-slate-600">
          {sum > total
            ? `The per-user counts add up to ${sum.toLocaleString("en-US")}, the total is ${total.toLocaleString("en-US")}: a call with more than one of these users on it counts for each of them, and once in the total.`
            : `The per-user counts add up to ${sum.toLocaleString("en-US")}, the total is ${total.toLocaleString("en-US")}: the other calls belong to users no longer listed here.`}
        </p>
      ) : null}
      {detail.unmatched.length ? (
        <section aria-labelledby={`unmatched-${detail.slug}`} className="rounded-lg border border-amber-200 bg-amber-50/60 p-4">
          <h3 id={`unmatched-${detail.slug}`} className="text-sm font-semibold text-amber-900">
            Not synced: {detail.unmatched.length} {detail.name} user{detail.unmatched.length === 1 ? "" : "s"} without a Callsync user
          </h3>
          <ul aria-label="Users without a Callsync user" className="mt-2 space-y-1.5">
            {detail.unmatched.map((u) => (
              <li key={u.id} className="text-sm text-slate-800">
                <span className="font-medium">{u.name ?? u.email ?? "Unknown user"}</span>
                {u.email && u.name ? <span className="text-slate-600"> · {u.email}</span> : null}
                <span className="block text-xs text-amber-900">No Callsync user with this email — invite them to sync their calls</span>
                {u.email ? (
                  <Link
                    href={`/settings/members?invite=${encodeURIComponent(u.email)}`}
                    aria-label={`Invite ${u.email}`}
                    className="mt-0.5 inline-flex items-center gap-1 text-xs font-medium text-brand-700 hover:underline"
                  >
                    <UserPlus aria-hidden className="h-3.5 w-3.5" /> Invite
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
