import { TIER_HEADERS } from "@modelmarket/kserve";
import type { Request } from "express";

/** The tenant's scheduling weight, set by the API from the caller's plan (1 = free, at most 8). */
export function weightOf(req: Request): number {
  const w = Number(req.headers[TIER_HEADERS.weight]);
  return Number.isInteger(w) && w >= 1 ? Math.min(w, 8) : 1;
}

/** The deadline the API asked for (X-Deadline-Ms), within `limit`; `limit` when it asked for none. */
export function deadlineOf(req: Request, limit: number): number {
  const asked = Number(req.headers[TIER_HEADERS.deadlineMs]);
  return Number.isFinite(asked) && asked > 0 ? Math.min(asked, limit) : limit;
}
