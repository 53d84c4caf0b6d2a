import { webEnv } from "./web-env";

/**
 * Headers that tell the API who the visitor is, so its per-address limits apply to each
 * visitor and not to the portal as a whole. The API believes X-Forwarded-For only with the
 * proxy secret (PROXY_SHARED_SECRET). The address is the one the portal's server guard
 * (apps/web/server-guard.cjs) took from the socket and WEB_TRUSTED_PROXY_HOPS, never a
 * client's own X-Forwarded-For; without the guard none is forwarded.
 */
export function visitorHeaders(headers: Headers): Record<string, string> {
  const { proxySecret } = webEnv();
  const address = headers.get("x-modelmarket-visitor");
  if (!proxySecret || !address) return {};
  return { "x-forwarded-for": address, "x-proxy-secret": proxySecret };
}

/**
 * CSRF guard of the portal's write routes: a browser sends Origin on cross-site POSTs, and a
 * cross-site `no-cors` request cannot set a non-simple Content-Type. Both must fit.
 */
export function isSameOriginWrite(req: Request, contentType: string): boolean {
  if (!req.headers.get("content-type")?.toLowerCase().startsWith(contentType)) return false;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return false;
  if (!origin) return true;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
