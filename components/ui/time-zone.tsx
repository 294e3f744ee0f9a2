"use client";
// The viewer's time zone on the client: the root layout passes down the zone the server rendered with
// (lib/accounts/time-zone.ts), so client-rendered times use the same zone and never flash from one to another.
import { createContext, useContext, type ReactNode } from "react";
import { DEFAULT_TIME_ZONE } from "@/lib/time-zones";
import { formatDate, formatDateTime } from "./format";

const TimeZoneContext = createContext<string>(DEFAULT_TIME_ZONE);

export function TimeZoneProvider({ zone, children }: { zone: string; children: ReactNode }) {
  return <TimeZoneContext.Provider value={zone}>{children}</TimeZoneContext.Provider>;
}

/** The zone every time on this page is shown in. */
export const useTimeZone = () => useContext(TimeZoneContext);

/** An instant in the viewer's zone, as a <time> element (date and time with the zone's name, or the day only). */
export function Time({ at, dateOnly = false, className }: { at: Date | string | null | undefined; dateOnly?: boolean; className?: string }) {
  const zone = useTimeZone();
  if (!at) return <span className={className}>—</span>;
  const iso = new Date(at).toISOString();
  return (
    <time dateTime={iso} className={className}>
      {dateOnly ? formatDate(at, zone) : formatDateTime(at, zone)}
    </time>
  );
}
