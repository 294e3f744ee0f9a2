// CLI-only shim for a Prisma 6.19 defect: the WASM schema engine leaves 10-60 s timers pending after a
// command has finished, so `prisma migrate ...` hangs for about a minute before exiting.
// Unref every timer of 10 s or longer created in the CLI process so it can exit when its work is done.
// Never imported by the app runtime.
const LONG_TIMER_MS = 10_000;

const originalSetTimeout = globalThis.setTimeout;
const originalSetInterval = globalThis.setInterval;

function unrefIfLong<T>(handle: T, ms: unknown): T {
  if (typeof ms === "number" && ms >= LONG_TIMER_MS) {
    (handle as { unref?: () => void }).unref?.();
  }
  return handle;
}

globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
  unrefIfLong(originalSetTimeout(fn, ms, ...args), ms)) as typeof setTimeout;
globalThis.setInterval = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) =>
  unrefIfLong(originalSetInterval(fn, ms, ...args), ms)) as typeof setInterval;

export {};
