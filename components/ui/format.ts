// Display formatting shared by server and client components. Times (lib/time-zones.ts) are shown in the
// viewer's time zone: lib/accounts/time-zone.ts picks it on the server and the root layout hands the same zone
// to the client (components/ui/time-zone.tsx), with a fixed locale, so the server and client renders agree.

export { formatCalendarDate, formatDate, formatDateTime, formatHour, timeZoneLabel, timeZoneShortName } from "@/lib/time-zones";

export function formatMoney(amount: number | null | undefined, currency = "USD") {
  if (amount === null || amount === undefined) return "—";
  return new Intl.NumberFormat("en-US", { style: "currency", currency, maximumFractionDigits: 0 }).format(amount);
}

export function formatDuration(seconds: number) {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  if (h) return `${h}h ${m}m`;
  if (m) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}
