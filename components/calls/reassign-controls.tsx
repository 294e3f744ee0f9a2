"use client";

// "Move to another deal" and "Unlink" for a call. Both are recorded as a manual choice that later syncs
// keep. Unlink asks for confirmation; success shows a toast and refreshes the server-rendered page.
import { useRef, useState, useTransition, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { ArrowRightLeft, Link2Off } from "lucide-react";
import { toast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { callApi } from "@/components/calls/api";
import { DealPicker } from "@/components/calls/deal-picker";
import type { DealOption } from "@/lib/calls/queries";

type Result = { callId: string; deal: { id: string; name: string } | null };

function Dialog({
  dialogRef,
  title,
  children,
  onClose,
}: {
  dialogRef: React.RefObject<HTMLDialogElement | null>;
  title: string;
  children: ReactNode;
  onClose?: () => void;
}) {
  return (
    <dialog
      ref={dialogRef}
      aria-label={title}
      onClose={onClose}
      className="m-auto w-[min(32rem,calc(100vw-2rem))] rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="space-y-4 p-5">
        <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
        {children}
      </div>
    </dialog>
  );
}

export function ReassignControls({
  callId,
  callTitle,
  currentDeal,
  allowUnlink = true,
}: {
  callId: string;
  callTitle: string;
  currentDeal: { id: string; name: string } | null;
  allowUnlink?: boolean;
}) {
  const router = useRouter();
  const moveRef = useRef<HTMLDialogElement>(null);
  const unlinkRef = useRef<HTMLDialogElement>(null);
  const [selected, setSelected] = useState<DealOption | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  const [pickerKey, setPickerKey] = useState(0);
  // The picker (and its query) exists only while the dialog is open: a list of 25 calls does not fetch 25 times.
  const [moveOpen, setMoveOpen] = useState(false);

  async function submit(dealId: string | null, dialog: HTMLDialogElement | null) {
    setBusy(true);
    setError(null);
    try {
      const r = await callApi<Result>(`/api/calls/${callId}/link`, { method: "POST", body: { dealId } });
      dialog?.close();
      toast.success(r.deal ? `Moved “${callTitle}” to ${r.deal.name}.` : `Unlinked “${callTitle}”. It is listed under Unlinked calls.`);
      startTransition(() => router.refresh());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-wrap gap-2">
      <Button
        type="button"
        variant="secondary"
        onClick={() => {
          setSelected(null);
          setError(null);
          setPickerKey((k) => k + 1);
          setMoveOpen(true);
          moveRef.current?.showModal();
        }}
      >
        <ArrowRightLeft aria-hidden className="h-4 w-4" />
        {currentDeal ? "Move to another deal" : "Move to a deal"}
      </Button>
      {allowUnlink && currentDeal ? (
        <Button
          type="button"
          variant="ghost"
          onClick={() => {
            setError(null);
            unlinkRef.current?.showModal();
          }}
        >
          <Link2Off aria-hidden className="h-4 w-4" />
          Unlink
        </Button>
      ) : null}

      <Dialog dialogRef={moveRef} title={currentDeal ? "Move to another deal" : "Move to a deal"} onClose={() => setMoveOpen(false)}>
        <p className="text-sm text-slate-600">
          {currentDeal ? (
            <>
              Now on <strong>{currentDeal.name}</strong>.{" "}
            </>
          ) : null}
          Your choice is kept: later syncs will not move this call again.
        </p>
        {moveOpen ? <DealPicker key={pickerKey} callId={callId} excludeDealId={currentDeal?.id ?? null} selected={selected} onSelect={setSelected} /> : null}
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" onClick={() => moveRef.current?.close()}>
            Cancel
          </Button>
          <Button type="button" disabled={!selected || busy} onClick={() => selected && submit(selected.id, moveRef.current)}>
            {busy ? "Moving…" : selected ? `Move to ${selected.name}` : "Choose a deal"}
          </Button>
        </div>
      </Dialog>

      <Dialog dialogRef={unlinkRef} title="Unlink this call?">
        <p className="text-sm text-slate-600">
          “{callTitle}” will no longer appear on <strong>{currentDeal?.name}</strong>. It moves to Unlinked calls, and later syncs will not link it again until
          someone moves it to a deal.
        </p>
        {error ? (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="ghost" autoFocus onClick={() => unlinkRef.current?.close()}>
            Cancel
          </Button>
          <Button type="button" variant="danger" disabled={busy} onClick={() => submit(null, unlinkRef.current)}>
            {busy ? "Unlinking…" : "Unlink call"}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
