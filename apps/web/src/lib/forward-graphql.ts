// The browser's way to the API: forwards one GraphQL operation with the signed-in user's API
// token (read from the encrypted session cookie), so scripts in the page never hold it.
import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { readLimitedBody } from "@/lib/read-limited-body";
import { isSameOriginWrite, visitorHeaders } from "@/lib/visitor";
import { webEnv } from "@/lib/web-env";

const refuse = (status: number, code: string, message: string) =>
  NextResponse.json({ errors: [{ message, extensions: { code } }] }, { status });

/**
 * POST to the API's `path` (/graphql, or /graphql/stream for subscriptions over server-sent
 * events, whose answer is passed through as it streams; the browser leaving aborts the call).
 */
export async function forwardGraphql(req: NextRequest, path: "/graphql" | "/graphql/stream"): Promise<NextResponse> {
  // JSON only and same origin: a cross-site form or no-cors fetch cannot send it (CSRF).
  if (!isSameOriginWrite(req, "application/json")) {
    return refuse(415, "BAD_USER_INPUT", "Send the operation as application/json from this site.");
  }
  const { apiUrl, maxBodyBytes } = webEnv();
  const body = await readLimitedBody(req, maxBodyBytes);
  if (!body) {
    return refuse(
      413,
      "PAYLOAD_TOO_LARGE",
      `The request body is larger than the portal forwards (${maxBodyBytes} bytes).`,
    );
  }
  const token = await getToken({ req });
  const streaming = path === "/graphql/stream";
  try {
    const res = await fetch(`${apiUrl}${path}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(streaming ? { accept: "text/event-stream" } : {}),
        ...visitorHeaders(req.headers),
        ...(token?.apiToken ? { authorization: `Bearer ${token.apiToken}` } : {}),
      },
      body,
      cache: "no-store",
      signal: req.signal,
    });
    return new NextResponse(res.body, {
      status: res.status,
      headers: {
        "content-type": res.headers.get("content-type") ?? "application/json",
        "x-request-id": res.headers.get("x-request-id") ?? "",
        ...(streaming ? { "cache-control": "no-store", "x-accel-buffering": "no" } : {}),
      },
    });
  } catch {
    return refuse(503, "UNAVAILABLE", "The API is unreachable; retry shortly.");
  }
}
