import { TIER_HEADERS } from "@modelmarket/kserve";
import type { Request } from "express";

/** The tenant's scheduling weight, set by the API from the caller's plan (1 = free, at most 8). */
export function weightOf(req: Request): number {
  return weightFrom(req.headers[TIER_HEADERS.weight]);
}

/** A scheduling weight as sent (header or socket frame): an integer 1–8, 1 when it is not one. */
export function weightFrom(value: unknown): number {
  const w = Number(value);
  return Number.isInteger(w) && w >= 1 ? Math.min(w, 8) : 1;
}

/** The deadline the API asked for (X-Deadline-Ms), within `limit`; `limit` when it asked for none. */
export function deadlineOf(req: Request, limit: number): number {
  return deadlineFrom(req.headers[TIER_HEADERS.deadlineMs], limit);
}

/** A deadline as sent (header or socket frame), within `limit`; `limit` when none was asked. */
export function deadlineFrom(value: unknown, limit: number): number {
  const asked = Number(value);
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, limit) : limit;
}
