// Streams a file upload from the browser to the API's POST /v1/artifacts with the user's token.
import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";
import { API_URL } from "@/lib/api";

export async function POST(req: NextRequest) {
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
    const res = await fetch(`${API_URL}/v1/artifacts?${params}`, {
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
