"use client";
// The five-step setup wizard: Connect -> Authorize -> Backfill -> Sync -> Complete. This file is the
// orchestrator; each step is its own file in ./wizard/ (what steps share: wizard/step-shell.tsx). The
// server's Integration.wizardStep decides where we are; the step is mirrored in the URL (?step=) so a reload
// or the OAuth return lands on the right step, and focus moves to the new step's heading. The OAuth consent
// page opens in a new tab and the Authorize step polls the attempt until it is answered.
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { toast } from "@/components/ui/toast";
import { Stepper } from "@/components/wizard/stepper";
import { WIZARD_STEPS, type WizardStepKey } from "@/lib/integrations/catalog";
import type { IntegrationDetail } from "@/lib/integrations/queries";
import { detailKey, useIntegrationDetail } from "./api";
import { AuthorizeStep } from "./wizard/authorize-step";
import { BackfillStep } from "./wizard/backfill-step";
import { CompleteStep } from "./wizard/complete-step";
import { ApiKeyStep, OAuthConnectStep } from "./wizard/connect-step";
import { SyncStep } from "./wizard/sync-step";

const STEP_BY_SLUG = Object.fromEntries(WIZARD_STEPS.map((s) => [s.slug, s.key])) as Record<string, WizardStepKey>;
const SLUG_BY_STEP = Object.fromEntries(WIZARD_STEPS.map((s) => [s.key, s.slug])) as Record<WizardStepKey, string>;

/** Where to show the wizard: the server's step, except that the Sync step stays viewable once complete. */
function resolveStep(serverStep: string, urlStep: string | null): WizardStepKey {
  const server = (WIZARD_STEPS.some((s) => s.key === serverStep) ? serverStep : "CONNECT") as WizardStepKey;
  const wanted = urlStep ? STEP_BY_SLUG[urlStep] : undefined;
  if (server === "COMPLETE" && wanted === "SYNC") return "SYNC";
  return server;
}

export function SetupWizard({ initial, urlStep, messages }: { initial: IntegrationDetail; urlStep: string | null; messages: Record<string, string> }) {
  const slug = initial.slug;
  const queryClient = useQueryClient();
  const [step, setStep] = useState<WizardStepKey>(() => resolveStep(initial.wizardStep, urlStep));
  const { data: detail } = useIntegrationDetail(slug, initial, (d) =>
    step === "SYNC" || (step === "COMPLETE" && d?.users.some((u) => u.status === "PENDING" || u.status === "IN_PROGRESS")) ? 1_500 : false,
  );
  const headingRef = useRef<HTMLHeadingElement>(null);
  const firstRender = useRef(true);

  // Mirror the step in the URL; move focus to the new step's heading.
  useEffect(() => {
    const url = new URL(window.location.href);
    if (url.searchParams.get("step") !== SLUG_BY_STEP[step]) {
      url.searchParams.set("step", SLUG_BY_STEP[step]);
      window.history.replaceState(window.history.state, "", url);
    }
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    headingRef.current?.focus();
  }, [step]);

  const refresh = useCallback(() => queryClient.invalidateQueries({ queryKey: detailKey(slug) }), [queryClient, slug]);

  // Sync step: move on by itself when the server says the backfill is complete and nobody failed.
  const syncFinished = step === "SYNC" && detail.wizardStep === "COMPLETE";
  const autoAdvanced = useRef(false);
  useEffect(() => {
    if (syncFinished && detail.progress.failed === 0 && !autoAdvanced.current) {
      autoAdvanced.current = true;
      setStep("COMPLETE");
    }
  }, [syncFinished, detail.progress.failed]);

  const reconnecting = !!detail.integration?.connectedAt;

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-slate-500">
          <Link href="/settings/integrations" className="hover:underline">
            Settings → Integrations
          </Link>
        </p>
        <h1 className="text-2xl font-semibold tracking-tight">{reconnecting && step === "CONNECT" ? `Reconnect ${detail.name}` : `Set up ${detail.name}`}</h1>
      </div>
      <Stepper steps={WIZARD_STEPS} current={step} />
      <section aria-labelledby="wizard-step-title" className="rounded-lg border border-slate-200 bg-white p-5 sm:p-6">
        {step === "CONNECT" ? (
          detail.auth === "apiKey" ? (
            <ApiKeyStep
              detail={detail}
              headingRef={headingRef}
              onDone={() => {
                void refresh();
                setStep("BACKFILL");
              }}
            />
          ) : (
            <OAuthConnectStep detail={detail} headingRef={headingRef} onStarted={() => setStep("AUTHORIZE")} />
          )
        ) : step === "AUTHORIZE" ? (
          <AuthorizeStep
            detail={detail}
            headingRef={headingRef}
            messages={messages}
            onAuthorized={() => {
              toast.success(`${detail.name} authorized`);
              void refresh();
              setStep("BACKFILL");
            }}
          />
        ) : step === "BACKFILL" ? (
          <BackfillStep
            detail={detail}
            headingRef={headingRef}
            onSaved={() => {
              // Until the refetch lands, the Sync step shows "finding users", never the stale "0 of 0" (issue 17.4).
              queryClient.setQueryData<IntegrationDetail>(detailKey(slug), (d) => (d ? { ...d, status: "SYNCING", wizardStep: "SYNC", discovering: true } : d));
              void refresh();
              setStep("SYNC");
            }}
          />
        ) : step === "SYNC" ? (
          <SyncStep
            detail={detail}
            headingRef={headingRef}
            finished={syncFinished || detail.progress.failed > 0}
            onContinue={() => setStep("COMPLETE")}
            onRetried={refresh}
          />
        ) : (
          <CompleteStep detail={detail} headingRef={headingRef} onRetried={refresh} />
        )}
      </section>
    </div>
  );
}
