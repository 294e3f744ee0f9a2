// Inngest time strings as the SDK emits them ("1w2d3h4m5s", "500ms", "30s") and ISO instants
// (step.sleepUntil). Returns milliseconds or an epoch instant.
export class DurationError extends Error {
  override name = "DurationError";
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Parses "1h30m", "10s", "250ms", "2d" (also a bare number of milliseconds) into milliseconds. */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/gy;
  let total = 0;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = re.exec(text)) !== null) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== text.length) throw new DurationError(`Invalid duration "${input}"`);
  return Math.round(total);
}

/** A sleep target: either an ISO date (sleepUntil) or a duration from `now` (sleep). */
export function resolveWakeTime(name: string, now: number): number {
  if (/^\d{4}-\d{2}-\d{2}T/.test(name)) {
    const at = Date.parse(name);
    if (Number.isNaN(at)) throw new DurationError(`Invalid date "${name}"`);
    return at;
  }
  return now + parseDuration(name);
}

/** HTTP `retry-after`: delay in seconds or an HTTP/ISO date. Returns the epoch ms to retry at. */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return now + Math.ceil(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
