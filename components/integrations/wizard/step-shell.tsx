"use client";
// What every wizard step shares: the props the orchestrator (../setup-wizard.tsx) hands each step, the
// step heading (it takes focus when the step changes, and labels the step's section), and the error box.
import { AlertTriangle } from "lucide-react";
import type { ReactNode } from "react";
import type { IntegrationDetail } from "@/lib/integrations/queries";

export type HeadingRef = React.RefObject<HTMLHeadingElement | null>;

export type StepProps = { detail: IntegrationDetail; headingRef: HeadingRef };

export function StepHeading({ headingRef, children, description }: { headingRef: HeadingRef; children: ReactNode; description?: ReactNode }) {
  return (
    <div className="mb-5">
      <h2 id="wizard-step-title" ref={headingRef} tabIndex={-1} className="text-lg font-semibold outline-none">
        {children}
      </h2>
      {description ? <p className="mt-1 max-w-2xl text-sm text-slate-600">{description}</p> : null}
    </div>
  );
}

export function ErrorAlert({ children }: { children: ReactNode }) {
  return (
    <div role="alert" className="flex gap-2 rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
      <AlertTriangle aria-hidden className="mt-0.5 h-4 w-4 shrink-0" />
      <div>{children}</div>
    </div>
  );
}
