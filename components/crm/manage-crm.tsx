"use client";
// Manage a CRM (Salesforce, HubSpot): status, connected account, last and next sync, deal / account /
// contact counts, Sync now, Disconnect (deals stay, no longer syncing), Reconnect (with the reason), the
// daily quota, the sync history and the records a sync skipped. Polls while a sync runs.
import { useQueryClient } from "@tanstack/react-query";
import { Loader2, PlugZap, RefreshCw, Unplug } from "lucide-react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "@/components/ui/toast";
import { Dialog } from "@/components/integrations/dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatDateTime } from "@/components/ui/format";
import { RunHistory, type RunField } from "@/components/ui/run-history";
import { Time, useTimeZone } from "@/components/ui/time-zone";
import type { CrmDetail, CrmRunRow, CrmSkippedRow } from "@/lib/crm/queries";
import { crmAction, crmDetailKey, useCrmDetail } from "./api";
import { CrmConnectDialog } from "./connect-dialog";
import { CRM_RUN_KIND_LABEL, OBJECT_LABEL, STATUS_LABEL, STATUS_TONE } from "./labels";

const n = (v: number) => v.toLocaleString("en-US");

export function ManageCrm({ initial }: { initial: CrmDetail }) {
  const tz = useTimeZone();
  const slug = initial.slug;
  const router = useRouter();
  const queryClient = useQueryClient();
  const { data: d } = useCrmDetail(slug, initial, (data) => (data?.syncing ? 1_500 : 10_000));
  const [busy, setBusy] = useState<string | null>(null);
  const [dialog, setDialog] = useState<"disconnect" | "connect" | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: crmDetailKey(slug) });

  const i = d.integration;
  const connected = d.status === "CONNECTED" || d.status === "SYNCING";
  // From the click on Sync now (busy until its lease shows in the refreshed detail) until the run has finished.
  const running = d.syncing || busy === "sync";
  const currentRun = d.runs.find((r) => r.status === "RUNNING");

  const syncNow = async () => {
    setBusy("sync");
    try {
      await crmAction(slug, "sync");
      toast.success(`Syncing ${d.name}`);
      await refresh();
    } catch (e) {
      toast.error(e instanceof Error ? e.message : "Something went wrong. Try again.");
    } finally {
      setBusy(null);
    }
  };

  const disconnect = async () => {
    setBusy("disconnect");
    try {
      await crmAction(slug, "disconnect");
      toast.success(`${d.name} disconnected. Its deals stay, no longer syncing.`);
      setDialog(null);
      await refresh();
      router.refresh();
    } catch (e) {
      toast.error(e instanceof Error ? e.message : "Something went wrong. Try again.");
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
            <span data-testid="crm-status">
              <Badge tone={STATUS_TONE[d.status] ?? "gray"}>{STATUS_LABEL[d.status] ?? d.status}</Badge>
            </span>
          </h1>
        </div>
        <div className="flex flex-wrap gap-2">
          {connected ? (
            <Button onClick={syncNow} disabled={running || busy !== null} aria-describedby={running ? "crm-sync-running" : undefined}>
              {running ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : <RefreshCw aria-hidden className="h-4 w-4" />}
              Sync now
            </Button>
          ) : null}
          {d.status === "RECONNECT_REQUIRED" || d.status === "DISCONNECTED" || d.status === "NOT_CONNECTED" || d.status === "CONNECTING" ? (
            <Button onClick={() => setDialog("connect")} disabled={busy !== null || !!d.blockedBy}>
              <PlugZap aria-hidden className="h-4 w-4" /> {d.status === "NOT_CONNECTED" ? "Connect" : "Reconnect"}
            </Button>
          ) : null}
          {d.status !== "DISCONNECTED" && d.status !== "NOT_CONNECTED" ? (
            <Button variant="secondary" onClick={() => setDialog("disconnect")} disabled={busy !== null}>
              <Unplug aria-hidden className="h-4 w-4" /> Disconnect
            </Button>
          ) : null}
        </div>
      </div>

      {d.status === "RECONNECT_REQUIRED" ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          <p className="font-medium">Reconnect required</p>
          <p className="mt-1">{i?.statusMessage ?? `${d.name} no longer accepts Callsync's access. Reconnect to resume syncing.`}</p>
        </div>
      ) : i?.statusMessage && d.status !== "CONNECTED" ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          {i.statusMessage}
        </p>
      ) : null}
      {d.blockedBy ? (
        <p className="rounded-md border border-slate-200 bg-slate-50 p-3 text-sm text-slate-700">
          {d.blockedBy} is this workspace&apos;s CRM. A workspace syncs deals from one CRM: disconnect {d.blockedBy} first to connect {d.name}.
        </p>
      ) : null}
      {running ? (
        <p id="crm-sync-running" role="status" className="flex items-center gap-2 rounded-md border border-sky-200 bg-sky-50 p-3 text-sm text-sky-900">
          <Loader2 aria-hidden className="h-4 w-4 animate-spin" />A sync is running
          {currentRun
            ? ` (${CRM_RUN_KIND_LABEL[currentRun.kind] ?? currentRun.kind}, started ${formatDateTime(currentRun.startedAt, tz)}): ${n(currentRun.dealsAdded)} deals added, ${n(currentRun.dealsUpdated)} updated so far`
            : ""}
          .
        </p>
      ) : null}

      <section aria-labelledby="crm-connection" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="crm-connection" className="text-lg font-semibold">
          Connection
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
          <Item label="Connected account" value={i?.accountLabel ?? "—"} testId="crm-account" />
          {d.provider === "HUBSPOT" ? <Item label="Hub ID" value={i?.accountId ?? "—"} testId="crm-account-id" /> : null}
          {d.provider === "SALESFORCE" ? (
            <>
              <Item label="Org ID" value={i?.accountId ?? "—"} testId="crm-account-id" />
              <Item label="Instance" value={i?.instanceUrl ? hostOf(i.instanceUrl) : "—"} testId="crm-instance" />
              <Item label="Login" value={i?.loginHost ? hostOf(i.loginHost) : "—"} />
            </>
          ) : null}
          <Item label="Connected at" value={i?.connectedAt ? `${formatDateTime(i.connectedAt, tz)}${i.connectedBy ? ` by ${i.connectedBy}` : ""}` : "—"} />
          <Item label="Last successful sync" value={formatDateTime(i?.lastSuccessfulSyncAt, tz)} testId="crm-last-sync" />
          <Item label="Next sync" value={formatDateTime(i?.nextSyncAt, tz)} testId="crm-next-sync" />
        </dl>
        {d.status === "DISCONNECTED" ? (
          <p className="mt-4 text-sm text-slate-600">
            Disconnected{i?.disconnectedAt ? ` on ${formatDateTime(i.disconnectedAt, tz)}` : ""}. Its deals, accounts and contacts are kept, marked as no longer
            syncing. Reconnect to resume syncing.
          </p>
        ) : null}
      </section>

      <section aria-labelledby="crm-records" className="rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="crm-records" className="text-lg font-semibold">
          Records in Callsync
        </h2>
        <dl className="mt-4 grid gap-x-6 gap-y-3 text-sm sm:grid-cols-3">
          <Item label="Deals" value={n(d.counts.deals)} testId="crm-count-deals" />
          <Item label={d.provider === "HUBSPOT" ? "Companies" : "Accounts"} value={n(d.counts.accounts)} testId="crm-count-accounts" />
          <Item label="Contacts" value={n(d.counts.contacts)} testId="crm-count-contacts" />
        </dl>
        {d.counts.dealsNotSyncing ? <p className="mt-3 text-sm text-slate-600">{n(d.counts.dealsNotSyncing)} of these deals are no longer syncing.</p> : null}
      </section>

      <section aria-labelledby="crm-quota" className="space-y-3 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="crm-quota" className="text-lg font-semibold">
          API quota
        </h2>
        <Quota detail={d} />
      </section>

      <section aria-labelledby="crm-history" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="crm-history" className="text-lg font-semibold">
          Sync history
        </h2>
        <History runs={d.runs} />
      </section>

      <section aria-labelledby="crm-skipped" className="space-y-4 rounded-lg border border-slate-200 bg-white p-5">
        <h2 id="crm-skipped" className="text-lg font-semibold">
          Skipped records
        </h2>
        <Skipped rows={d.skipped} total={d.skippedTotal} name={d.name} />
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
            <Button variant="danger" disabled={busy !== null} onClick={disconnect}>
              {busy === "disconnect" ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : null}
              Disconnect
            </Button>
          </>
        }
      >
        <p>Deals stop syncing from {d.name}, and any sync that is running stops now.</p>
        <p>
          <strong>Deals, accounts, contacts and call links already in Callsync are kept</strong>, marked as no longer syncing. You can reconnect at any time.
        </p>
      </Dialog>
      <CrmConnectDialog
        open={dialog === "connect"}
        onClose={() => setDialog(null)}
        slug={slug}
        name={d.name}
        hasLoginHosts={d.hasLoginHosts}
        reconnect={d.status !== "NOT_CONNECTED"}
        reason={d.status === "RECONNECT_REQUIRED" ? i?.statusMessage : null}
      />
    </div>
  );
}

function hostOf(url: string) {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function Item({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="mt-0.5 break-all font-medium text-slate-900" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function Quota({ detail }: { detail: CrmDetail }) {
  const tz = useTimeZone();
  const q = detail.quota;
  const used = q.used ?? 0;
  const pct = q.limit ? Math.min(100, Math.round((used / q.limit) * 1000) / 10) : 0;
  return (
    <div className="max-w-xl space-y-2 text-sm">
      <p className="tabular-nums" data-testid="crm-quota">
        {n(used)} of {n(q.limit)} requests used today ({pct}%)
      </p>
      <div
        role="meter"
        aria-label="API requests used today"
        aria-valuemin={0}
        aria-valuemax={q.limit}
        aria-valuenow={used}
        className="h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={`h-full ${pct > 80 ? "bg-red-500" : "bg-brand-600"}`} style={{ width: `${Math.max(pct, used ? 1 : 0)}%` }} />
      </div>
      <p className="text-xs text-slate-600">
        {q.fromCrm
          ? `As ${detail.name} last reported it${q.readAt ? ` (${formatDateTime(q.readAt, tz)})` : ""}. Callsync paces itself and stops before the daily limit.`
          : `Requests Callsync made today (UTC day) against ${detail.name}'s daily limit. Callsync paces itself and stops before the limit.`}
      </p>
    </div>
  );
}

function History({ runs }: { runs: CrmRunRow[] }) {
  const fields: Array<RunField<CrmRunRow>> = [
    { label: "Added", count: true, value: (r) => n(r.dealsAdded) },
    { label: "Updated", count: true, value: (r) => n(r.dealsUpdated) },
    { label: "Deleted", count: true, value: (r) => n(r.dealsDeleted) },
    { label: "Skipped", count: true, value: (r) => n(r.recordsSkipped) },
    { label: "Requests", count: true, value: (r) => n(r.requestsUsed) },
  ];
  return <RunHistory runs={runs} kindLabel={CRM_RUN_KIND_LABEL} fields={fields} />;
}

function Skipped({ rows, total, name }: { rows: CrmSkippedRow[]; total: number; name: string }) {
  if (!rows.length) return <p className="text-sm text-slate-600">No records were skipped.</p>;
  return (
    <div className="space-y-2">
      <p className="text-sm text-slate-600">
        Records that failed validation are skipped and counted; the rest of the sync goes on. Fix them in {name} and the next sync picks them up.
        {total > rows.length ? ` Showing the newest ${rows.length} of ${n(total)}.` : ""}
      </p>
      <div className="overflow-x-auto">
        <table className="min-w-full text-sm">
          <caption className="sr-only">Skipped records, newest first</caption>
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-2">
                When
              </th>
              <th scope="col" className="px-3 py-2">
                Record
              </th>
              <th scope="col" className="px-3 py-2">
                CRM id
              </th>
              <th scope="col" className="px-3 py-2">
                Field
              </th>
              <th scope="col" className="px-3 py-2">
                Problem
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((s) => (
              <tr key={s.id}>
                <td className="whitespace-nowrap px-3 py-2">
                  <Time at={s.createdAt} />
                </td>
                <td className="px-3 py-2">{OBJECT_LABEL[s.object] ?? s.object}</td>
                <td className="px-3 py-2 font-mono text-xs">{s.crmId ?? "—"}</td>
                <td className="px-3 py-2 font-mono text-xs">{s.field}</td>
                <td className="px-3 py-2 text-slate-700">{s.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
