"use client";
// API requests per hour over the last 24 hours, and how much of the provider's quota window is used. A
// provider whose budget is in cost units (Salesloft: 600 a minute) is counted in cost units throughout:
// the quota, the used figure and the bars (issue 17.4).
import { useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatHour, timeZoneShortName } from "@/components/ui/format";
import { useTimeZone } from "@/components/ui/time-zone";
import type { IntegrationDetail } from "@/lib/integrations/queries";

const HOUR = 3_600_000;

/** The current time, moved on every minute (the chart's hour buckets only change that often). */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function UsageChart({ detail }: { detail: IntegrationDetail }) {
  const now = useMinuteClock();
  const tz = useTimeZone();
  const start = Math.floor(now / HOUR) * HOUR - 23 * HOUR;
  const q = detail.quota;
  const unit = q.unit === "cost" ? "cost units" : "requests";
  const byHour = new Map(detail.usage.map((u) => [new Date(u.bucketStart).getTime(), u]));
  const data = Array.from({ length: 24 }, (_, i) => {
    const t = start + i * HOUR;
    const u = byHour.get(t);
    return { hour: formatHour(t, tz), used: (q.unit === "cost" ? u?.cost : u?.requests) ?? 0, throttled: u?.throttled ?? 0 };
  });
  const last24 = data.reduce((s, d) => s + d.used, 0);
  const throttled = data.reduce((s, d) => s + d.throttled, 0);
  const pct = q.used !== null ? Math.min(100, Math.round((q.used / q.limit) * 1000) / 10) : null;
  const windowLabel = q.period === "day" ? "today (UTC day)" : q.period === "week" ? "this week (UTC, from Sunday)" : `per ${q.period}`;

  return (
    <figure className="space-y-4">
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="rounded-md border border-slate-200 p-3">
          <p className="text-xs text-slate-500">Quota</p>
          <p className="mt-1 text-sm font-medium">
            {q.limit.toLocaleString("en-US")} {unit} {q.period === "day" ? "per day" : q.period === "week" ? "per week" : `per ${q.period}`}
          </p>
        </div>
        <div className="rounded-md border border-slate-200 p-3">
          <p className="text-xs text-slate-500">Used {q.used !== null ? windowLabel : "in the last 24 hours"}</p>
          <p className="mt-1 text-sm font-medium tabular-nums">
            {(q.used ?? last24).toLocaleString("en-US")} {unit}
            {pct !== null ? ` (${pct}% of quota)` : ""}
          </p>
          {pct !== null ? (
            <div
              role="meter"
              aria-label={`Quota used ${windowLabel}`}
              aria-valuemin={0}
              aria-valuemax={q.limit}
              aria-valuenow={q.used ?? 0}
              className="mt-2 h-1.5 overflow-hidden rounded-full bg-slate-100"
            >
              <div className={`h-full ${pct > 80 ? "bg-red-500" : "bg-brand-600"}`} style={{ width: `${Math.max(pct, q.used ? 1 : 0)}%` }} />
            </div>
          ) : null}
        </div>
        <div className="rounded-md border border-slate-200 p-3">
          <p className="text-xs text-slate-500">Throttled (429) in the last 24 hours</p>
          <p className="mt-1 text-sm font-medium tabular-nums">{throttled.toLocaleString("en-US")}</p>
        </div>
      </div>
      <div className="h-56 w-full" aria-hidden>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="hour" tick={{ fontSize: 11, fill: "#475569" }} interval={3} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#475569" }} width={44} />
            <Tooltip />
            <Bar dataKey="used" name={q.unit === "cost" ? "Cost units" : "Requests"} fill="#4f46e5" radius={[3, 3, 0, 0]} />
            <Bar dataKey="throttled" name="Throttled" fill="#dc2626" radius={[3, 3, 0, 0]} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="text-xs text-slate-600">
        {q.unit === "cost" ? "API cost units spent at" : "API requests to"} {detail.name} per hour ({timeZoneShortName(tz)}), last 24 hours:{" "}
        {last24.toLocaleString("en-US")} {unit} in total. Callsync paces itself to stay under the provider&apos;s limit.
      </figcaption>
    </figure>
  );
}
