// Time zones and times shown in them, shared by the server (lib/accounts/time-zone.ts, messages) and the
// client (components/ui): pure. Calendar dates (a deal's close date) are dates, not instants: they show as
// stored, whatever the zone.

export const DEFAULT_TIME_ZONE = "UTC";

/** The cookie in which the browser tells the server its own zone (set by the root layout's script). */
export const TIME_ZONE_COOKIE = "callsync-tz";

/** True for a time zone Intl knows (an IANA name such as "Europe/Paris", or "UTC"). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== "string" || zone.length === 0 || zone.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Every IANA zone this runtime knows, for the Settings → Account picker. */
export function timeZoneNames(): string[] {
  const names = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return names.includes(DEFAULT_TIME_ZONE) ? names : [DEFAULT_TIME_ZONE, ...names];
}

type Formatters = { date: Intl.DateTimeFormat; dateTime: Intl.DateTimeFormat; hour: Intl.DateTimeFormat; name: Intl.DateTimeFormat };
const byZone = new Map<string, Formatters>();

function formatters(zone: string): Formatters {
  const tz = isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE;
  let f = byZone.get(tz);
  if (!f) {
    f = {
      date: new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: tz }),
      dateTime: new Intl.DateTimeFormat("en-US", {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: tz,
        timeZoneName: "short",
      }),
      hour: new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: tz }),
      name: new Intl.DateTimeFormat("en-US", { timeZone: tz, timeZoneName: "short" }),
    };
    byZone.set(tz, f);
  }
  return f;
}

const calendarFmt = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

type When = Date | string | number | null | undefined;

/** The day of an instant in the viewer's zone ("Dec 4, 2026"). */
export const formatDate = (d: When, zone: string) => (d ? formatters(zone).date.format(new Date(d)) : "—");
/** An instant in the viewer's zone with the zone's short name ("Dec 4, 2026, 09:30 AM EST"). */
export const formatDateTime = (d: When, zone: string) => (d ? formatters(zone).dateTime.format(new Date(d)) : "—");
/** The hour and minute of an instant in the viewer's zone, 24-hour ("09:30"). */
export const formatHour = (d: When, zone: string) => (d ? formatters(zone).hour.format(new Date(d)) : "—");
/** A calendar date stored as midnight UTC (close dates): the same day for every viewer. */
export const formatCalendarDate = (d: When) => (d ? calendarFmt.format(new Date(d)) : "—");

/** The zone's short name at an instant ("EST", "GMT+9", "UTC"). */
export function timeZoneShortName(zone: string, at: Date = new Date()): string {
  const part = formatters(zone)
    .name.formatToParts(at)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? zone;
}

/** "America/New_York (EST)": how a zone is named where it matters. */
export const timeZoneLabel = (zone: string, at?: Date) => {
  const short = timeZoneShortName(zone, at);
  return short === zone ? zone : `${zone.replace(/_/g, " ")} (${short})`;
};

/** Milliseconds east of UTC of `zone` at the instant `at` (Paris in winter: 3,600,000). */
function zoneOffsetMs(zone: string, at: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(at));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return Date.UTC(n("year"), n("month") - 1, n("day"), n("hour"), n("minute"), n("second")) - Math.floor(at / 1000) * 1000;
}

/**
 * The instant a calendar day ("2026-12-04") starts in `zone`: search's date filters, picked as days in the
 * viewer's zone. `addDays` moves the day first (the end of a "to" day is the start of the next one).
 */
export function zonedDayStart(day: string, zone: string, addDays = 0): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d + addDays);
  // The offset at the guess, then at the corrected instant (a DST change near midnight moves it).
  let at = wall - zoneOffsetMs(zone, wall);
  at = wall - zoneOffsetMs(zone, at);
  return new Date(at);
}
