/**
 * Where a call's time went, as the standard `Server-Timing` response header (W3C Server Timing:
 * `name;dur=ms, ...`). The tier sends its phases to the API, the API adds its own and sends
 * them to the caller: browsers' developer tools, `curl -i` and `npm run bench` read them.
 */
export type TimingPhases = Array<[name: string, ms: number]>;

/** `queue;dur=0.12, compute;dur=2.50` (milliseconds, two decimals). */
export function formatServerTiming(phases: TimingPhases): string {
  return phases.map(([name, ms]) => `${name};dur=${Math.max(0, ms).toFixed(2)}`).join(", ");
}

/** The phases of a Server-Timing header with a duration (others, and malformed ones, are skipped). */
export function parseServerTiming(header: string | string[] | null | undefined): TimingPhases {
  if (!header) return [];
  const phases: TimingPhases = [];
  for (const entry of (Array.isArray(header) ? header.join(",") : header).split(",")) {
    const [name, ...params] = entry.trim().split(";");
    const dur = params.map((p) => p.trim()).find((p) => p.startsWith("dur="));
    const ms = dur ? Number(dur.slice(4)) : Number.NaN;
    if (name && /^[A-Za-z0-9_.-]+$/.test(name) && Number.isFinite(ms)) phases.push([name, ms]);
  }
  return phases;
}
