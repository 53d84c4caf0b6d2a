"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { DataTable } from "@/components/data-table";

export interface UsagePoint {
  start: string;
  model: string;
  units: number;
  calls: number;
  errors: number;
}

/**
 * Calls, units and errors per day (per hour for a one-day range), all models stacked. Every
 * period of the range has a bar, also those without calls, so a week reads as seven days.
 */
export function UsageCharts({
  points,
  days,
  from,
  to,
}: {
  points: UsagePoint[];
  days: number;
  from: string;
  to: string;
}) {
  const bucket = (iso: string) => (days === 1 ? `${iso.slice(11, 13)}:00` : iso.slice(5, 10));
  const series = new Map<string, { bucket: string; calls: number; units: number; errors: number }>();
  const step = days === 1 ? 3_600_000 : 86_400_000;
  for (let t = Math.floor(Date.parse(from) / step) * step; t <= Date.parse(to); t += step) {
    const key = bucket(new Date(t).toISOString());
    series.set(key, { bucket: key, calls: 0, units: 0, errors: 0 });
  }
  for (const p of [...points].sort((a, b) => a.start.localeCompare(b.start))) {
    const key = bucket(p.start);
    const row = series.get(key) ?? { bucket: key, calls: 0, units: 0, errors: 0 };
    row.calls += p.calls;
    row.units += p.units;
    row.errors += p.errors;
    series.set(key, row);
  }
  const data = [...series.values()];
  return (
    <figure className="card" style={{ margin: 0 }}>
      <figcaption className="muted">
        Calls, units and failed calls per {days === 1 ? "hour (UTC)" : "day (UTC)"}
      </figcaption>
      <div className="chart">
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 10, right: 10, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="bucket" />
            <YAxis allowDecimals={false} />
            <Tooltip />
            <Legend />
            <Bar dataKey="calls" fill="#3b2fc9" isAnimationActive={false} />
            <Bar dataKey="units" fill="#1d6b35" isAnimationActive={false} />
            <Bar dataKey="errors" fill="#a4161a" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <div className="visually-hidden">
        <DataTable
          caption="Usage per period"
          columns={["Period", "Calls", "Units", "Errors"]}
          rows={data.map((d) => [d.bucket, d.calls, d.units, d.errors])}
        />
      </div>
    </figure>
  );
}
