"use client";
// Step 3, Backfill: how far back to sync historical calls, or skip and sync only new calls.
import { Loader2 } from "lucide-react";
import { useState, type FormEvent } from "react";
import { toast } from "@/components/ui/toast";
import { Button } from "@/components/ui/button";
import { BACKFILL_OPTIONS, DEFAULT_BACKFILL_PERIOD } from "@/lib/integrations/catalog";
import { integrationAction } from "../api";
import { ErrorAlert, StepHeading, type StepProps } from "./step-shell";

export function BackfillStep({ detail, headingRef, onSaved }: StepProps & { onSaved: () => void }) {
  const [period, setPeriod] = useState<string>(DEFAULT_BACKFILL_PERIOD);
  const [skip, setSkip] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await integrationAction(detail.slug, "backfill", { period: skip ? "SKIP" : period });
      toast.success(skip ? "Backfill skipped: only new calls will sync" : "Backfill started");
      onSaved();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Could not save the backfill period. Try again.");
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="space-y-5">
      <StepHeading
        headingRef={headingRef}
        description="Choose how far back to sync historical calls. Larger periods take longer to complete; for most teams 90 days gives good context."
      >
        Choose your backfill period
      </StepHeading>
      {error ? <ErrorAlert>{error}</ErrorAlert> : null}
      <fieldset disabled={skip} className="space-y-2">
        <legend className="mb-2 text-sm font-medium text-slate-800">Backfill period</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {BACKFILL_OPTIONS.map((o) => (
            <label
              key={o.value}
              className={`flex cursor-pointer items-start gap-3 rounded-md border p-3 text-sm ${period === o.value && !skip ? "border-brand-600 bg-brand-50" : "border-slate-200"} ${skip ? "opacity-60" : ""}`}
            >
              <input type="radio" name="period" value={o.value} checked={period === o.value} onChange={() => setPeriod(o.value)} className="mt-0.5" />
              <span>
                <span className="font-medium text-slate-900">{o.label}</span>
                {o.recommended ? <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">Recommended</span> : null}
                <span className="block text-xs text-slate-600">{o.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <label className="flex items-center gap-2 text-sm text-slate-800">
        <input type="checkbox" checked={skip} onChange={(e) => setSkip(e.target.checked)} />
        Skip backfill <span className="text-slate-600">(only sync new calls going forward)</span>
      </label>
      <Button type="submit" disabled={busy}>
        {busy ? <Loader2 aria-hidden className="h-4 w-4 animate-spin" /> : null}
        Save &amp; Continue
      </Button>
    </form>
  );
}
