// A small 5-field cron parser (minute hour day-of-month month day-of-week) with an optional
// "TZ=Area/City " prefix, as Inngest accepts. Supports *, lists, ranges, steps (*/n, a-b/n),
// month and weekday names, 7 as Sunday, the @hourly/@daily/@weekly/@monthly/@yearly macros and
// Vixie semantics: when both day fields are restricted, a day matches if either matches.
export class CronError extends Error {
  override name = "CronError";
}

export type CronSchedule = {
  source: string;
  timeZone: string;
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
};

const MACROS: Record<string, string> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};
const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

function parseValue(raw: string, names: string[] | undefined, offset: number, field: string): number {
  const upper = raw.toUpperCase();
  if (names) {
    const idx = names.indexOf(upper);
    if (idx >= 0) return idx + offset;
  }
  if (!/^\d+$/.test(raw)) throw new CronError(`Invalid ${field} value "${raw}"`);
  return Number(raw);
}

function parseField(text: string, min: number, max: number, field: string, names?: string[], nameOffset = 0): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(",")) {
    const [rangeText, stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new CronError(`Invalid step in ${field} "${part}"`);
    let from: number;
    let to: number;
    if (rangeText === "*") {
      from = min;
      to = max;
    } else if (rangeText.includes("-")) {
      const [a, b] = rangeText.split("-");
      from = parseValue(a, names, nameOffset, field);
      to = parseValue(b, names, nameOffset, field);
    } else {
      from = parseValue(rangeText, names, nameOffset, field);
      to = stepText === undefined ? from : max;
    }
    if (from < min || to > max || from > to) throw new CronError(`Out of range ${field} "${part}" (${min}-${max})`);
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expression: string): CronSchedule {
  let text = expression.trim();
  let timeZone = "UTC";
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(text);
  if (tz) {
    timeZone = tz[1];
    text = tz[2].trim();
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new CronError(`Unknown time zone "${timeZone}"`);
    }
  }
  text = MACROS[text.toLowerCase()] ?? text;
  const fields = text.split(/\s+/);
  if (fields.length !== 5) throw new CronError(`Expected 5 cron fields, got ${fields.length} in "${expression}"`);
  const [mi, ho, dom, mo, dow] = fields;
  const daysOfWeek = parseField(dow, 0, 7, "day-of-week", DAYS, 0);
  if (daysOfWeek.has(7)) {
    daysOfWeek.delete(7);
    daysOfWeek.add(0);
  }
  return {
    source: expression,
    timeZone,
    minutes: parseField(mi, 0, 59, "minute"),
    hours: parseField(ho, 0, 23, "hour"),
    daysOfMonth: parseField(dom, 1, 31, "day-of-month"),
    months: parseField(mo, 1, 12, "month", MONTHS, 1),
    daysOfWeek,
    domRestricted: dom !== "*" && !dom.startsWith("*/"),
    dowRestricted: dow !== "*" && !dow.startsWith("*/"),
  };
}

type LocalTime = { month: number; day: number; hour: number; minute: number; weekday: number };

const formatters = new Map<string, Intl.DateTimeFormat>();
function localTime(epochMs: number, timeZone: string): LocalTime {
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      weekday: "short",
    });
    formatters.set(timeZone, fmt);
  }
  const parts: Record<string, string> = {};
  for (const p of fmt.formatToParts(new Date(epochMs))) parts[p.type] = p.value;
  return {
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    weekday: DAYS.indexOf(parts.weekday.toUpperCase().slice(0, 3)),
  };
}

function dayMatches(s: CronSchedule, t: LocalTime): boolean {
  const dom = s.daysOfMonth.has(t.day);
  const dow = s.daysOfWeek.has(t.weekday);
  if (s.domRestricted && s.dowRestricted) return dom || dow;
  return dom && dow;
}

const MINUTE = 60_000;

/** The first instant strictly after `after` (epoch ms) that matches the schedule. */
export function nextCronTime(schedule: CronSchedule, after: number): number {
  // Walk forward minute by minute, skipping whole (local) hours whose month/day/hour cannot match.
  // Zone offsets are whole minutes here, so minute boundaries are the same in UTC and local time.
  let t = Math.floor(after / MINUTE) * MINUTE + MINUTE;
  const limit = t + 5 * 366 * 24 * 60 * MINUTE;
  while (t < limit) {
    const local = localTime(t, schedule.timeZone);
    if (!schedule.months.has(local.month) || !dayMatches(schedule, local) || !schedule.hours.has(local.hour)) {
      t += (60 - local.minute) * MINUTE;
      continue;
    }
    if (schedule.minutes.has(local.minute)) return t;
    t += MINUTE;
  }
  throw new CronError(`Cron "${schedule.source}" never fires`);
}
