"use client";

// Working through Unlinked calls: a checkbox per call, "Link selected to…" (deal picker), "Dismiss selected"
// (confirmed) or, in the Dismissed view, "Restore selected"; per call, its suggested deals with a one-click
// Link (the same manual link as "Move to a deal"). Success shows a toast and refreshes the server-rendered page.
import { useRef, useState, useTransition, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { EyeOff, Link2, RotateCcw } from "lucide-react";
import { toast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { Time } from "@/components/ui/time-zone";
import { callApi } from "@/components/calls/api";
import { CallList } from "@/components/calls/call-list";
import { DealPicker } from "@/components/calls/deal-picker";
import { ReassignControls } from "@/components/calls/reassign-controls";
import type { DealOption, UnlinkedCall } from "@/lib/calls/queries";
import type { DealSuggestion, TriageResult, TriageView } from "@/lib/calls/triage";

const plural = (n: number) => `${n} ${n === 1 ? "call" : "calls"}`;

function Dialog({ dialogRef, title, children }: { dialogRef: React.RefObject<HTMLDialogElement | null>; title: string; children: ReactNode }) {
  return (
    <dialog
      ref={dialogRef}
      aria-label={title}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
        {children}
      </div>
    </dialog>
  );
}

function Suggestions({
  call,
  suggestions,
  onLink,
  busy,
}: {
  call: UnlinkedCall;
  suggestions: DealSuggestion[];
  onLink: (s: DealSuggestion) => void;
  busy: boolean;
}) {
  if (suggestions.length === 0) return <p className="text-xs text-slate-500">No suggested deal: no contact, account domain or recent deal matches.</p>;
  return (
    <div className="w-full">
      <p className="text-xs font-medium text-slate-500">Suggested deals</p>
      <ul aria-label={`Suggested deals for “${call.title}”`} className="mt-1 space-y-1.5">
        {suggestions.map((s) => (
          <li key={s.deal.id} className="flex items-start justify-between gap-2 rounded-md border border-slate-200 px-2 py-1.5">
            <div className="min-w-0 text-sm">
              <p className="font-medium text-slate-900">
                {s.deal.name}
                {s.deal.isClosed ? <span className="ml-1 text-xs font-normal text-slate-500">(closed)</span> : null}
              </p>
              <p className="text-xs text-slate-600">{s.reason}</p>
            </div>
            <Button
              type="button"
              variant="secondary"
              className="shrink-0"
              disabled={busy}
              aria-label={`Link “${call.title}” to ${s.deal.name}`}
              onClick={() => onLink(s)}
            >
              <Link2 aria-hidden className="h-4 w-4" />
              Link
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function UnlinkedTriage({ view, calls, suggestions }: { view: TriageView; calls: UnlinkedCall[]; suggestions: Record<string, DealSuggestion[]> }) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [deal, setDeal] = useState<DealOption | null>(null);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [pickerKey, setPickerKey] = useState(0);
  const linkRef = useRef<HTMLDialogElement>(null);
  const dismissRef = useRef<HTMLDialogElement>(null);

  // Only calls still on this page count (a refresh may have taken some away).
  const chosen = calls.filter((c) => selected.has(c.id)).map((c) => c.id);
  const allChosen = calls.length > 0 && chosen.length === calls.length;
  const toggle = (id: string, on: boolean) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  async function bulk(body: { action: "link"; dealId: string } | { action: "dismiss" } | { action: "restore" }, dialog: HTMLDialogElement | null) {
    setBusy(true);
    setError(null);
    try {
      const r = await callApi<TriageResult>("/api/calls/triage", { method: "POST", body: { ...body, callIds: chosen } });
      dialog?.close();
      setSelected(new Set());
      toast.success(
        r.action === "link"
          ? `Linked ${plural(r.count)} to ${r.deal?.name}.`
          : r.action === "dismiss"
            ? `Dismissed ${plural(r.count)}. They are listed under Dismissed.`
            : `Restored ${plural(r.count)} to Unlinked calls.`,
      );
      startTransition(() => router.refresh());
    } catch (e) {
      const message = (e as Error).message;
      if (dialog) setError(message);
      else toast.error(message);
    } finally {
      setBusy(false);
    }
  }

  async function linkOne(call: UnlinkedCall, s: DealSuggestion) {
    setBusy(true);
    try {
      await callApi(`/api/calls/${call.id}/link`, { method: "POST", body: { dealId: s.deal.id } });
      toast.success(`Linked “${call.title}” to ${s.deal.name}.`);
      toggle(call.id, false);
      startTransition(() => router.refresh());
    } catch (e) {
      toast.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3">
      <div role="toolbar" aria-label="Selected calls" className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-slate-50 px-4 py-2">
        <label className="flex items-center gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="h-4 w-4 rounded border-slate-400"
            checked={allChosen}
            onChange={(e) => setSelected(e.target.checked ? new Set(calls.map((c) => c.id)) : new Set())}
          />
          Select all on this page
        </label>
        <span className="text-sm text-slate-600" aria-live="polite">
          {chosen.length} selected
        </span>
        <div className="ml-auto flex flex-wrap gap-2">
          {view === "dismissed" ? (
            <Button type="button" variant="secondary" disabled={chosen.length === 0 || busy} onClick={() => bulk({ action: "restore" }, null)}>
              <RotateCcw aria-hidden className="h-4 w-4" />
              Restore selected
            </Button>
          ) : (
            <>
              <Button
                type="button"
                variant="secondary"
                disabled={chosen.length === 0 || busy}
                onClick={() => {
                  setDeal(null);
                  setError(null);
                  setPickerKey((k) => k + 1);
                  setPickerOpen(true);
                  linkRef.current?.showModal();
                }}
              >
                <Link2 aria-hidden className="h-4 w-4" />
                Link selected to…
              </Button>
              <Button
                type="button"
                variant="ghost"
                disabled={chosen.length === 0 || busy}
                onClick={() => {
                  setError(null);
                  dismissRef.current?.showModal();
                }}
              >
                <EyeOff aria-hidden className="h-4 w-4" />
                Dismiss selected
              </Button>
            </>
          )}
        </div>
      </div>

      <CallList
        calls={calls}
        label={
          view === "dismissed" ? "Dismissed calls, newest first" : view === "internal" ? "Internal meetings, newest first" : "Customer calls, newest first"
        }
        lead={(c) => (
          <input
            type="checkbox"
            className="h-4 w-4 rounded border-slate-400"
            aria-label={`Select “${c.title}”`}
            checked={selected.has(c.id)}
            onChange={(e) => toggle(c.id, e.target.checked)}
          />
        )}
        aside={(c) => {
          const item = c as UnlinkedCall;
          if (view === "dismissed") {
            return (
              <div className="flex flex-col items-start gap-1 sm:items-end">
                <span className="text-xs text-slate-500">
                  Dismissed{item.dismissedBy ? ` by ${item.dismissedBy}` : ""}
                  {item.dismissedAt ? (
                    <>
                      {" "}
                      on <Time at={item.dismissedAt} dateOnly />
                    </>
                  ) : null}
                </span>
              </div>
            );
          }
          return (
            <div className="flex w-full flex-col items-start gap-2 sm:w-80">
              <Suggestions call={item} suggestions={suggestions[c.id] ?? []} busy={busy} onLink={(s) => linkOne(item, s)} />
              <ReassignControls callId={c.id} callTitle={c.title} currentDeal={null} allowUnlink={false} />
              {item.unlinkedAt ? (
                <span className="text-xs text-slate-500">
                  Unlinked{item.unlinkedBy ? ` by ${item.unlinkedBy}` : ""} on <Time at={item.unlinkedAt} dateOnly />
                </span>
              ) : null}
            </div>
          );
        }}
      />

      <Dialog dialogRef={linkRef} title={`Link ${plural(chosen.length)} to a deal`}>
        <p className="text-sm text-slate-600">Each selected call moves to the deal you choose. Your choice is kept: later syncs will not move them again.</p>
        {pickerOpen && chosen[0] ? <DealPicker key={pickerKey} callId={chosen[0]} excludeDealId={null} selected={deal} onSelect={setDeal} /> : null}
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button
            type="button"
            variant="ghost"
            onClick={() => {
              linkRef.current?.close();
              setPickerOpen(false);
            }}
          >
            Cancel
          </Button>
          <Button type="button" disabled={!deal || busy} onClick={() => deal && bulk({ action: "link", dealId: deal.id }, linkRef.current)}>
            {busy ? "Linking…" : deal ? `Link ${plural(chosen.length)} to ${deal.name}` : "Choose a deal"}
          </Button>
        </div>
      </Dialog>

      <Dialog dialogRef={dismissRef} title={`Dismiss ${plural(chosen.length)}?`}>
        <p className="text-sm text-slate-600">
          Dismissed calls leave Unlinked calls and later syncs keep them out. They stay listed under Dismissed, where you can restore them.
        </p>
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" autoFocus onClick={() => dismissRef.current?.close()}>
            Cancel
          </Button>
          <Button type="button" variant="danger" disabled={busy} onClick={() => bulk({ action: "dismiss" }, dismissRef.current)}>
            {busy ? "Dismissing…" : `Dismiss ${plural(chosen.length)}`}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
