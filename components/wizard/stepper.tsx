// The wizard's visible stepper: done / current / upcoming, with aria-current on the current step.
import { Check } from "lucide-react";

export function Stepper({ steps, current }: { steps: ReadonlyArray<{ key: string; label: string }>; current: string }) {
  const index = steps.findIndex((s) => s.key === current);
  return (
    <nav aria-label="Setup steps">
      <ol className="flex flex-wrap items-center gap-x-2 gap-y-2">
        {steps.map((s, i) => {
          const state = i < index ? "done" : i === index ? "current" : "upcoming";
          return (
            <li key={s.key} aria-current={state === "current" ? "step" : undefined} className="flex items-center gap-2">
              <span
                aria-hidden
                className={`flex h-7 w-7 items-center justify-center rounded-full text-xs font-semibold ${
                  state === "done"
                    ? "bg-brand-600 text-white"
                    : state === "current"
                      ? "border-2 border-brand-600 bg-white text-brand-700"
                      : "border border-slate-300 bg-white text-slate-600"
                }`}
              >
                {state === "done" ? <Check className="h-4 w-4" /> : i + 1}
              </span>
              <span className={`text-sm ${state === "current" ? "font-semibold text-slate-900" : "text-slate-600"}`}>
                <span className="sr-only">Step {i + 1}: </span>
                {s.label}
                {state === "done" ? <span className="sr-only"> (done)</span> : null}
              </span>
              {i < steps.length - 1 ? <span aria-hidden className="mx-1 hidden h-px w-8 bg-slate-300 sm:block" /> : null}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
