// Streams a file upload from the browser to the API's POST /v1/artifacts with the user's token.
import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { apiUrl } from "@/lib/api";
import { isSameOriginWrite } from "@/lib/visitor";

export async function POST(req: NextRequest) {
  // CSRF: the same guard as /api/graphql (a cross-site no-cors POST cannot send this type).
  if (!isSameOriginWrite(req, "application/octet-stream")) {
    return NextResponse.json(
      { error: { code: "BAD_USER_INPUT", message: "Send the file as application/octet-stream from this site." } },
      { status: 415 },
    );
  }
  const token = await getToken({ req });
  if (!token?.apiToken) {
    return NextResponse.json({ error: { code: "UNAUTHENTICATED", message: "Sign in to upload." } }, { status: 401 });
  }
  const params = new URLSearchParams();
  for (const name of ["kind", "filename"]) {
    const value = req.nextUrl.searchParams.get(name);
    if (value) params.set(name, value);
  }
  try {
    const res = await fetch(`${apiUrl()}/v1/artifacts?${params}`, {
      method: "POST",
      headers: {
        "content-type": "application/octet-stream",
        authorization: `Bearer ${token.apiToken}`,
        ...(req.headers.get("content-length") ? { "content-length": req.headers.get("content-length") as string } : {}),
      },
      body: req.body,
      duplex: "half",
    } as RequestInit);
    return new NextResponse(res.body, { status: res.status, headers: { "content-type": "application/json" } });
  } catch {
    return NextResponse.json(
      { error: { code: "UNAVAILABLE", message: "The API is unreachable; retry shortly." } },
      { status: 503 },
    );
  }
}
