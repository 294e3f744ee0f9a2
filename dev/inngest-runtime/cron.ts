// Cron triggers as Inngest accepts them: 5 fields (names, ranges, steps, 7 = Sunday, @daily-style
// macros) with an optional "TZ=Area/City " prefix. croner parses and computes the runs; this file
// adds only what croner does not do the Inngest way: the prefix, strict 5-field mode and the
// day-of-month/day-of-week rule.
import { Cron } from "croner";

export class CronError extends Error {
  override name = "CronError";
}

export type CronSchedule = { source: string; timeZone: string; cron: Cron };

// Vixie cron ORs the two day fields only when both are restricted, and a field that starts with "*"
// (also "*/2") is not restricted. croner's OR mode treats only a bare "*" so, hence the explicit flag.
const unrestricted = (field: string | undefined) => field === undefined || field.startsWith("*");

export function parseCron(expression: string): CronSchedule {
  let pattern = expression.trim();
  let timeZone = "UTC";
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(pattern);
  if (tz) {
    timeZone = tz[1];
    pattern = tz[2].trim();
    // croner checks the zone only when it first computes a run; reject it here, with the pattern.
    try {
      new Intl.DateTimeFormat("en-US", { timeZone });
    } catch {
      throw new CronError(`Unknown time zone "${timeZone}"`);
    }
  }
  const [, , dom, , dow] = pattern.split(/\s+/);
  try {
    const cron = new Cron(pattern, {
      timezone: timeZone,
      mode: "5-part",
      // "5/10" = from 5 to the end in steps of 10, as Vixie and Inngest read it.
      sloppyRanges: true,
      domAndDow: unrestricted(dom) || unrestricted(dow),
      paused: true,
    });
    return { source: expression, timeZone, cron };
  } catch (err) {
    throw new CronError(`Invalid cron "${expression}": ${(err as Error).message}`);
  }
}

/** The first instant strictly after `after` (epoch ms) that matches the schedule. */
export function nextCronTime(schedule: CronSchedule, after: number): number {
  const next = schedule.cron.nextRun(new Date(after));
  if (!next) throw new CronError(`Cron "${schedule.source}" never fires`);
  return next.getTime();
}
