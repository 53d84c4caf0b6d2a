// Route protection (Next 16's proxy, formerly middleware): dashboards need a session.
import { type NextRequest, NextResponse } from "next/server";
import { getToken } from "next-auth/jwt";

export async function proxy(req: NextRequest) {
  const token = await getToken({ req });
  if (token?.apiToken) return NextResponse.next();
  const signIn = new URL("/signin", req.url);
  signIn.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.redirect(signIn);
}

export const config = {
  matcher: [
    "/usage/:path*",
    "/keys/:path*",
    "/audit/:path*",
    "/team/:path*",
    "/billing/:path*",
    "/publish/:path*",
    "/publishing/:path*",
    "/models/:publisher/:name/manage",
  ],
};
