"use client";
// Manage Integration: status and account, Sync now, per-user status with Retry, the quota chart, the
// sync history, the call records a sync skipped, and Disconnect / Reconnect / Delete synced data. Polls
// while anything is running.
import { useQueryClient } from "@tanstack/react-query";
import { Loader2, RefreshCw, Trash2, Unplug, PlugZap } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "@/components/ui/toast";
import { ApiError } from "@/components/lib/api-client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDate, formatDateTime } from "@/components/ui/format";
import { RunHistory, type RunField } from "@/components/ui/run-history";
import { Time, useTimeZone } from "@/components/ui/time-zone";
import { BACKFILL_LABEL, RUN_KIND_LABEL, STATUS_LABEL, STATUS_TONE } from "@/lib/integrations/catalog";
import type { IntegrationDetail, SkippedCallRow, SyncRunRow } from "@/lib/integrations/queries";
import { detailKey, integrationAction, useIntegrationDetail } from "./api";
import { Dialog } from "./dialog";
import { useRetry } from "./use-retry";
import { UsageChart } from "./usage-chart";
import { ViewWarningNotice } from "./view-warning-notice";
import { SyncProgress, UserSyncList } from "./user-sync-list";

export function ManageIntegration({ initial }: { initial: IntegrationDetail }) {
  const tz = useTimeZone();
  const slug = initial.slug;
  const router = useRouter();
  const queryClient = useQueryClient();
  const [purgeWatch, setPurgeWatch] = useState(false);
  const { data: d } = useIntegrationDetail(slug, initial, (data) =>
    data &&
    (data.syncing ||
      data.runs.some((r) => r.status === "RUNNING") ||
      [...data.users, ...(data.outsideHosts ? [data.outsideHosts] : [])].some((u) => u.status === "PENDING" || u.status === "IN_PROGRESS"))
      ? 1_500
      : purgeWatch
        ? 1_500
        : 10_000,
  );
  const refresh = () => queryClient.invalidateQueries({ queryKey: detailKey(slug) });
  const { retry, retrying } = useRetry(slug, refresh);
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"disconnect" | "purge" | null>(null);

  const i = d.integration;
  // From the click on: the request itself is part of the sync a person started (issue 17.4).
  const running = busy === "sync" || d.syncing || d.runs.some((r) => r.status === "RUNNING" && r.kind !== "PURGE");
  const currentRun = d.runs.find((r) => r.status === "RUNNING" && r.kind !== "PURGE");
  const connected = d.status === "CONNECTED" || d.status === "SYNCING";

  const act = async (action: string, success: string) => {
    setBusy(action);
    try {
      await integrationAction(slug, action);
      toast.success(success);
      await refresh();
      return true;
    } catch (e) {
      toast.error(e instanceof Error ? e.message : "Something went wrong. Try again.");
      return false;
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="space-y-8">
      <div className="flex flex-col gap-4 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <p className="text-sm text-slate-500">
            <Link href="/settings/integrations" className="hover:underline">
              Settings → Integrations
            </Link>
          </p>
          <h1 className="flex items-center gap-3 text-2xl font-semibold tracking-tight">
            {d.name}
            <span data-testid="integration-status">
              <Badge tone={STATUS_TONE[d.status] ?? "gray"}>{STATUS_LABEL[d.status] ?? d.status}</Badge>
            </span>
          </h1>
        </div>
        <div className="flex flex-wrap gap-2">
          {connected ? (
            <Button onClick={() => act("sync", "Sync started")} disabled={running || busy !== null} aria-describedby={running ? "sync-running" : undefined}>
              {running || busy === "sync" ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : <RefreshCw aria-hidden className="h-4 w-4" />}
              Sync now
            </Button>
          ) : null}
          <Button
            variant={connected ? "secondary" : "primary"}
            disabled={busy !== null}
            onClick={async () => {
              if (await act("reconnect", `Reconnecting ${d.name}: choose a new backfill period after connecting`))
                router.push(`/settings/integrations/${slug}/setup?step=connect`);
            }}
          >
            <PlugZap aria-hidden className="h-4 w-4" /> Reconnect
          </Button>
          {d.status !== "DISCONNECTED" && d.status !== "NOT_CONNECTED" && d.status !== "PURGING" ? (
            <Button variant="secondary" onClick={() => setDialog("disconnect")} disabled={busy !== null}>
              <Unplug aria-hidden className="h-4 w-4" /> Disconnect
            </Button>
          ) : null}
          <Button
            variant="danger"
            onClick={() => {
              setDialog("purge");
            }}
            disabled={busy !== null}
          >
            <Trash2 aria-hidden className="h-4 w-4" /> Delete synced data
          </Button>
        </div>
      </div>

      {i?.statusMessage ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {i.statusMessage}
        </p>
      ) : null}
      {running ? (
        <p id="sync-running" role="status" className="flex items-center gap-2 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900">
          <Loader2 aria-hidden className="h-4 w-4 animate-spin" />A sync is running
          {currentRun
            ? ` (${RUN_KIND_LABEL[currentRun.kind] ?? currentRun.kind}, started ${formatDateTime(currentRun.startedAt, tz)}): ${currentRun.callsAdded} added, ${currentRun.callsUpdated} updated, ${currentRun.requestsUsed} requests so far`
            : ""}
          .
        </p>
      ) : null}

      <section aria-labelledby="overview" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="overview" className="text-lg font-semibold">
          Connection
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
          <Item label="Connected account" value={i?.accountName ?? "—"} />
          <Item label="Connected at" value={i?.connectedAt ? `${formatDateTime(i.connectedAt, tz)}${i.connectedBy ? ` by ${i.connectedBy}` : ""}` : "—"} />
          <Item label="Backfill" value={i?.backfillPeriod ? (BACKFILL_LABEL[i.backfillPeriod] ?? i.backfillPeriod) : "—"} />
          <Item label="Last sync" value={formatDateTime(i?.lastSuccessAt, tz)} testId="last-sync" />
          <Item label="Next sync" value={connected ? formatDateTime(i?.nextSyncAt, tz) : "—"} />
          <Item label="Calls from this integration" value={d.totalCalls.toLocaleString("en-US")} testId="calls-total" />
        </dl>
        {i?.lastFailure ? (
          <p data-testid="last-failure" className="mt-4 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            <span className="font-medium">Last sync failed</span> at {formatDateTime(i.lastFailure.at, tz)}: {i.lastFailure.reason}
          </p>
        ) : null}
        {d.status === "DISCONNECTED" && d.purged ? (
          <p role="status" data-testid="purged-notice" className="mt-4 text-sm text-slate-600">
            Disconnected. The data synced from {d.name} was deleted on {formatDateTime(d.purged.at, tz)} ({d.purged.callsDeleted.toLocaleString("en-US")} call
            {d.purged.callsDeleted === 1 ? "" : "s"} with their transcripts and deal links). Connect it again to sync anew.
          </p>
        ) : d.status === "DISCONNECTED" ? (
          <p className="mt-4 text-sm text-slate-600">
            Disconnected{i?.disconnectedAt ? ` on ${formatDateTime(i.disconnectedAt, tz)}` : ""}. Calls, transcripts and deal links synced before are kept.
            Reconnect to resume syncing.
          </p>
        ) : null}
        {d.status === "PURGING" ? (
          <p role="status" className="mt-4 text-sm text-slate-600">
            Disconnected. The calls synced from {d.name} are being deleted{d.purge ? ` (${d.purge.callsDeleted.toLocaleString("en-US")} so far)` : ""}. Connect
            it again when the deletion has finished.
          </p>
        ) : null}
      </section>

      <section aria-labelledby="users" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="users" className="text-lg font-semibold">
          Users
        </h2>
        {d.users.length ? <SyncProgress detail={d} /> : null}
        <ViewWarningNotice detail={d} />
        <UserSyncList detail={d} onRetry={retry} retrying={retrying} onBackfillStarted={refresh} />
      </section>

      <section aria-labelledby="usage" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="usage" className="text-lg font-semibold">
          API usage
        </h2>
        <UsageChart detail={d} />
      </section>

      <section aria-labelledby="history" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="history" className="text-lg font-semibold">
          Sync history
        </h2>
        <SyncHistory runs={d.runs} />
      </section>

      <section aria-labelledby="skipped" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="skipped" className="text-lg font-semibold">
          Skipped records
        </h2>
        <SkippedCalls rows={d.skipped} total={d.skippedTotal} name={d.name} />
      </section>

      <Dialog
        open={dialog === "disconnect"}
        onClose={() => setDialog(null)}
        title={`Disconnect ${d.name}?`}
        footer={
          <>
            <Button variant="secondary" onClick={() => setDialog(null)}>
              Cancel
            </Button>
            <Button
              variant="danger"
              disabled={busy !== null}
              onClick={async () => {
                if (await act("disconnect", `${d.name} disconnected. Synced calls are kept.`)) setDialog(null);
              }}
            >
              {busy === "disconnect" ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : null}
              Disconnect
            </Button>
          </>
        }
      >
        <p>Future calls stop syncing, and any sync that is running stops now.</p>
        <p>
          <strong>Calls, transcripts and deal links already synced are kept.</strong> You can still read them on your deals, and you can reconnect at any time.
        </p>
      </Dialog>

      <PurgeDialog
        open={dialog === "purge"}
        detail={d}
        onClose={() => {
          setDialog(null);
          setPurgeWatch(false);
        }}
        onStarted={async () => {
          setPurgeWatch(true);
          await refresh();
        }}
      />
    </div>
  );
}

function Item({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 font-medium text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function SyncHistory({ runs }: { runs: SyncRunRow[] }) {
  const tz = useTimeZone();
  const fields: Array<RunField<SyncRunRow>> = [
    {
      label: "Window",
      nowrap: true,
      wide: true,
      muted: true,
      value: (r) => (r.windowFrom || r.windowTo ? `${formatDate(r.windowFrom, tz)} → ${formatDate(r.windowTo, tz)}` : "—"),
    },
    {
      label: "Added / updated",
      count: true,
      nowrap: true,
      value: (r) => (r.kind === "PURGE" ? `${r.callsDeleted} deleted` : `${r.callsAdded} / ${r.callsUpdated}`),
    },
    { label: "Transcripts", count: true, value: (r) => r.transcriptsAdded },
    { label: "Requests", count: true, value: (r) => r.requestsUsed },
  ];
  return <RunHistory runs={runs} kindLabel={RUN_KIND_LABEL} who={(r) => r.userName} fields={fields} />;
}

function PurgeDialog({ open, detail, onClose, onStarted }: { open: boolean; detail: IntegrationDetail; onClose: () => void; onStarted: () => unknown }) {
  const [value, setValue] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [runStartedAt, setRunStartedAt] = useState<string | null>(null);
  const purge = detail.purge;
  const mine = runStartedAt && purge && purge.startedAt >= runStartedAt ? purge : null;
  const finished = mine && mine.status !== "RUNNING";

  const close = () => {
    setValue("");
    setError(null);
    setRunStartedAt(null);
    onClose();
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title={`Delete synced data from ${detail.name}?`}
      footer={
        runStartedAt ? (
          <Button variant="secondary" onClick={close} disabled={!finished}>
            Close
          </Button>
        ) : (
          <>
            <Button variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button variant="danger" type="submit" form="purge-form" disabled={busy}>
              {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : null}
              Delete synced data
            </Button>
          </>
        )
      }
    >
      {runStartedAt ? (
        <div role="status" aria-live="polite">
          {finished ? (
            <p className="font-medium text-emerald-800">
              {mine.status === "SUCCEEDED"
                ? `Finished: ${mine.callsDeleted} call${mine.callsDeleted === 1 ? "" : "s"} deleted.`
                : `Deletion stopped (${mine.status.toLowerCase()}). Try again.`}
            </p>
          ) : (
            <p className="flex items-center gap-2">
              <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> Deleting… {mine ? `${mine.callsDeleted} calls deleted so far.` : ""}
            </p>
          )}
        </div>
      ) : (
        <form
          id="purge-form"
          noValidate
          onSubmit={async (e) => {
            e.preventDefault();
            setError(null);
            if (value.trim() !== "DELETE") {
              setError("Type DELETE to confirm.");
              return;
            }
            setBusy(true);
            const startedAt = new Date(Date.now() - 5_000).toISOString();
            try {
              await integrationAction(detail.slug, "purge", { confirm: value.trim() });
              toast.success(`Deleting ${detail.name} data`);
              setRunStartedAt(startedAt);
              await onStarted();
            } catch (err) {
              setError(err instanceof ApiError ? (err.fields.confirm ?? err.message) : "Could not start the deletion. Try again.");
            } finally {
              setBusy(false);
            }
          }}
          className="space-y-3"
        >
          <p>
            This permanently deletes every call, participant, transcript and deal link that Callsync synced from {detail.name} (
            {detail.totalCalls.toLocaleString("en-US")} calls).
            {detail.status !== "DISCONNECTED" && detail.status !== "NOT_CONNECTED" && detail.status !== "PURGING"
              ? ` ${detail.name} is disconnected first.`
              : ""}{" "}
            This cannot be undone.
          </p>
          <div>
            <label htmlFor="purge-confirm" className="block font-medium text-slate-800">
              Type DELETE to confirm
            </label>
            <input
              id="purge-confirm"
              value={value}
              onChange={(e) => setValue(e.target.value)}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? "purge-error" : undefined}
              className={`mt-1 block w-full rounded-md border px-3 py-2 text-sm ${error ? "border-red-500" : "border-slate-300"}`}
            />
            {error ? (
              <p id="purge-error" role="alert" className="mt-1 text-sm text-red-700">
                {error}
              </p>
            ) : null}
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** Call records a sync could not read (failed validation): skipped, the rest of the sync went on. */
function SkippedCalls({ rows, total, name }: { rows: SkippedCallRow[]; total: number; name: string }) {
  if (!rows.length) return <p className="text-sm text-slate-600">No call records were skipped.</p>;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600" data-testid="skipped-total">
        {total.toLocaleString("en-US")} {total === 1 ? "call record" : "call records"} from {name} could not be read and {total === 1 ? "was" : "were"} skipped;
        the rest of each sync went on. A later sync that reads one correctly brings the call in and removes it from this list.
        {total > rows.length ? ` Showing the ${rows.length} seen most recently.` : ""}
      </p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Skipped call records, most recently seen first</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">
                {name} call id
              </th>
              <th scope="col" className="px-3 py-2">
                Field
              </th>
              <th scope="col" className="px-3 py-2">
                Problem
              </th>
              <th scope="col" className="px-3 py-2">
                First seen
              </th>
              <th scope="col" className="px-3 py-2">
                Last seen
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((r) => (
              <tr key={r.id}>
                <td className="px-3 py-2 font-mono text-xs">{r.providerCallId}</td>
                <td className="px-3 py-2 font-mono text-xs">{r.field}</td>
                <td className="px-3 py-2 text-slate-700">{r.message}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <Time at={r.firstSeenAt} />
                </td>
                <td className="whitespace-nowrap px-3 py-2">
                  <Time at={r.lastSeenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
