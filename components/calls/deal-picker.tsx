"use client";

// Searchable deal picker (ARIA combobox + listbox): type to filter, arrows to move, Enter to choose.
import { useEffect, useId, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { LoaderCircle } from "lucide-react";
import { callApi } from "@/components/calls/api";
import type { DealOption } from "@/lib/calls/queries";

function useDebounced<T>(value: T, ms: number) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function DealPicker({
  callId,
  excludeDealId,
  selected,
  onSelect,
}: {
  callId: string;
  excludeDealId: string | null;
  selected: DealOption | null;
  onSelect: (deal: DealOption) => void;
}) {
  const id = useId();
  const [text, setText] = useState("");
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim(), 200);
  const { data, isFetching, error } = useQuery({
    queryKey: ["deal-options", callId, q],
    queryFn: () => callApi<{ deals: DealOption[] }>(`/api/calls/${callId}/deal-options?q=${encodeURIComponent(q)}`),
    placeholderData: (prev) => prev,
  });
  const options = (data?.deals ?? []).filter((d) => d.id !== excludeDealId);
  // A new query starts at its first option: adjusted while rendering, not in an effect.
  const [activeFor, setActiveFor] = useState(q);
  if (activeFor !== q) {
    setActiveFor(q);
    setActive(0);
  }

  const choose = (d: DealOption | undefined) => d && onSelect(d);
  const optionId = (i: number) => `${id}-opt-${i}`;

  return (
    <div>
      <label htmlFor={`${id}-input`} className="text-sm font-medium text-slate-700">
        Find a deal
      </label>
      <div className="relative mt-1">
        <input
          id={`${id}-input`}
          type="text"
          role="combobox"
          aria-expanded="true"
          aria-controls={`${id}-list`}
          aria-autocomplete="list"
          aria-activedescendant={options.length ? optionId(Math.min(active, options.length - 1)) : undefined}
          autoComplete="off"
          autoFocus
          maxLength={200}
          placeholder="Deal or account name"
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "ArrowDown") {
              e.preventDefault();
              setActive((a) => Math.min(a + 1, options.length - 1));
            } else if (e.key === "ArrowUp") {
              e.preventDefault();
              setActive((a) => Math.max(a - 1, 0));
            } else if (e.key === "Enter") {
              e.preventDefault();
              choose(options[active]);
            }
          }}
          className="block w-full rounded-md border border-slate-300 px-3 py-2 pr-9 text-sm shadow-sm"
        />
        {isFetching ? <LoaderCircle aria-hidden className="absolute right-2.5 top-2.5 h-4 w-4 animate-spin text-slate-400" /> : null}
      </div>
      <ul id={`${id}-list`} role="listbox" aria-label="Deals" className="mt-2 max-h-64 overflow-y-auto rounded-md border border-slate-200">
        {error ? (
          <li role="alert" className="px-3 py-2 text-sm text-red-700">
            {(error as Error).message}
          </li>
        ) : options.length === 0 && !isFetching ? (
          <li className="px-3 py-2 text-sm text-slate-600">{q ? `No deals match “${q}”.` : "No other deals in this workspace."}</li>
        ) : (
          options.map((d, i) => {
            const isSel = selected?.id === d.id;
            return (
              <li
                key={d.id}
                id={optionId(i)}
                role="option"
                aria-selected={isSel}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(d)}
                className={`cursor-pointer px-3 py-2 text-sm ${i === active ? "bg-brand-50" : ""} ${isSel ? "font-semibold text-brand-700" : "text-slate-800"}`}
              >
                <span>{d.name}</span>
                <span className="ml-2 text-xs text-slate-500">
                  {d.accountName ? `${d.accountName} · ` : ""}
                  {d.stage}
                </span>
              </li>
            );
          })
        )}
      </ul>
    </div>
  );
}
