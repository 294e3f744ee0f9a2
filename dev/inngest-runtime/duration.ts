// Inngest time strings as the SDK emits them ("1w2d3h4m5s", "500ms", "30s") and ISO instants
// (step.sleepUntil). `ms` does the unit arithmetic; it reads one "<number><unit>" at a time, so a
// compound string is split into its parts first. Returns milliseconds or an epoch instant.
import ms from "ms";

export class DurationError extends Error {
  override name = "DurationError";
}

// Sticky + global: consecutive parts from the start; anything left over makes the string invalid.
const PARTS = /\d+(?:\.\d+)?(?:ms|w|d|h|m|s)/gy;

/** Parses "1h30m", "10s", "250ms", "2d" (also a bare number of milliseconds) into milliseconds. */
export function parseDuration(input: string): number {
  const text = input.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const parts = text.match(PARTS) ?? [];
  if (parts.length === 0 || parts.join("") !== text) throw new DurationError(`Invalid duration "${input}"`);
  return Math.round(parts.reduce((total, part) => total + ms(part as ms.StringValue), 0));
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
  if (/^\d+(\.\d+)?$/.test(text)) return now + Math.ceil(ms(`${Number(text)}s`));
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : at;
}
