import crypto from "node:crypto";
import type { Request } from "express";

/**
 * The caller's address, for per-address limits. `X-Forwarded-For` is believed only from a
 * trusted proxy: one whose socket address matches TRUST_PROXY (an ingress, by address or
 * subnet; none by default), or one that proves itself with the proxy secret in
 * `X-Proxy-Secret` (the portal, which forwards its visitor's address). Anyone else — a local
 * script included — is known by its socket address, so it cannot pick another's bucket.
 */
export function clientAddress(req: Request, proxySecret: string): string {
  const socket = req.socket.remoteAddress ?? "unknown";
  const given = req.headers["x-proxy-secret"];
  if (typeof given === "string" && given.length > 0 && sameSecret(given, proxySecret)) {
    const forwarded = lastForwarded(req.headers["x-forwarded-for"]);
    if (forwarded) return forwarded;
  }
  // Express applies TRUST_PROXY (app.set("trust proxy")) when computing req.ip.
  return req.ip ?? socket;
}

function lastForwarded(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header.join(",") : header;
  const last = value?.split(",").pop()?.trim();
  return last && /^[0-9a-fA-F:.]{2,45}$/.test(last) ? last : null;
}

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash("sha256").update(a).digest();
  const hb = crypto.createHash("sha256").update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}
