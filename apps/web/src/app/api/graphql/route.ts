// The browser's way to the API: forwards one GraphQL operation with the signed-in user's API
// token (read from the encrypted session cookie), so scripts in the page never hold it.
import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { API_URL } from "@/lib/api";

export async function POST(req: NextRequest) {
  // JSON only: a cross-site form cannot send it without a CORS preflight (CSRF).
  if (!req.headers.get("content-type")?.startsWith("application/json")) {
    return NextResponse.json(
      { errors: [{ message: "Send the operation as application/json.", extensions: { code: "BAD_USER_INPUT" } }] },
      { status: 415 },
    );
  }
  const token = await getToken({ req });
  try {
    const res = await fetch(`${API_URL}/graphql`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(token?.apiToken ? { authorization: `Bearer ${token.apiToken}` } : {}),
      },
      body: await req.text(),
      cache: "no-store",
    });
    return new NextResponse(res.body, {
      status: res.status,
      headers: { "content-type": "application/json", "x-request-id": res.headers.get("x-request-id") ?? "" },
    });
  } catch {
    return NextResponse.json(
      { errors: [{ message: "The API is unreachable; retry shortly.", extensions: { code: "UNAVAILABLE" } }] },
      { status: 503 },
    );
  }
}
