"use client";
// Toasts that cover nothing (issue 17.8): they are not laid over the page but take their own place in it, a
// strip right under the top bar that sticks to the top of the screen while the page scrolls. A toast pushes
// the page down by its height instead of hiding a button, a field or a line of text, at any width (a phone has
// no free corner and a 1366 px page no free margin). Each one is announced (the strip is a polite live region),
// can be dismissed, and stays while the pointer or the keyboard is on it.
//
// `toast.success(message)` / `toast.error(message)` from any client component; <Toaster /> is rendered once,
// by the app's layout.
import { CheckCircle2, CircleAlert, X } from "lucide-react";
import { useEffect, useState, useSyncExternalStore } from "react";

type Tone = "success" | "error";
type Item = { id: number; tone: Tone; message: string };

/** Success goes after 6 s, an error after 12 s (more to read, and something to do about it). */
const DURATION: Record<Tone, number> = { success: 6_000, error: 12_000 };
/** The newest first; older ones beyond this go at once. */
const MAX = 3;

let items: Item[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const EMPTY: Item[] = [];

function emit() {
  for (const l of listeners) l();
}

/**
 * Where the page is scrolled, a toast must push the content below it down, not lay the strip over the top of
 * what is on screen: the browser's scroll anchoring would keep the content in place (under the grown strip), so
 * it is off for the change and back on once the toast is painted (then a toast that goes leaves the content still).
 */
function withoutScrollAnchoring(change: () => void) {
  const root = document.documentElement;
  root.style.overflowAnchor = "none";
  change();
  requestAnimationFrame(() => requestAnimationFrame(() => (root.style.overflowAnchor = "")));
}

function add(tone: Tone, message: string) {
  const id = nextId++;
  // The same message again (a second click) replaces the first rather than stacking up.
  withoutScrollAnchoring(() => {
    items = [{ id, tone, message }, ...items.filter((t) => !(t.tone === tone && t.message === message))].slice(0, MAX);
    emit();
  });
  return id;
}

function dismiss(id: number) {
  if (!items.some((t) => t.id === id)) return;
  items = items.filter((t) => t.id !== id);
  emit();
}

export const toast = {
  success: (message: string) => add("success", message),
  error: (message: string) => add("error", message),
  dismiss,
};

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function ToastItem({ item }: { item: Item }) {
  const [held, setHeld] = useState({ pointer: false, focus: false });
  const paused = held.pointer || held.focus;
  useEffect(() => {
    if (paused) return;
    const timer = setTimeout(() => dismiss(item.id), DURATION[item.tone]);
    return () => clearTimeout(timer);
  }, [item, paused]);
  const Icon = item.tone === "error" ? CircleAlert : CheckCircle2;
  return (
    <li
      data-toast={item.tone}
      onPointerEnter={() => setHeld((h) => ({ ...h, pointer: true }))}
      onPointerLeave={() => setHeld((h) => ({ ...h, pointer: false }))}
      onFocus={() => setHeld((h) => ({ ...h, focus: true }))}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setHeld((h) => ({ ...h, focus: false }));
      }}
      onKeyDown={(e) => {
        if (e.key === "Escape") dismiss(item.id);
      }}
      className={`flex items-start gap-3 rounded-md border bg-white px-3 py-2 text-sm shadow-sm ${
        item.tone === "error" ? "border-red-200 text-red-800" : "border-slate-200 text-slate-800"
      }`}
    >
      <Icon aria-hidden className={`mt-0.5 h-4 w-4 shrink-0 ${item.tone === "error" ? "text-red-600" : "text-emerald-600"}`} />
      <p className="min-w-0 flex-1 break-words">{item.message}</p>
      <button
        type="button"
        aria-label="Dismiss notification"
        onClick={() => dismiss(item.id)}
        className="-my-1 -mr-1 shrink-0 rounded p-1 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
      >
        <X aria-hidden className="h-4 w-4" />
      </button>
    </li>
  );
}

export function Toaster() {
  const list = useSyncExternalStore(
    subscribe,
    () => items,
    () => EMPTY,
  );
  return (
    // Always in the page (empty, it takes no room), so a screen reader hears each toast as it is added.
    <section aria-label="Notifications" aria-live="polite" aria-relevant="additions text" className="sticky top-0 z-30">
      {list.length ? (
        <div className="border-b border-slate-200 bg-slate-50/95 backdrop-blur-sm">
          <ol className="mx-auto max-w-7xl space-y-2 px-4 py-2 sm:px-6">
            {list.map((item) => (
              <ToastItem key={item.id} item={item} />
            ))}
          </ol>
        </div>
      ) : null}
    </section>
  );
}
