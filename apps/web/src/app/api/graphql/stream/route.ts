import type { NextRequest } from "next/server";
import { forwardGraphql } from "@/lib/forward-graphql";

// Subscriptions over server-sent events (generateTextStream): streamed through as they come.
export const dynamic = "force-dynamic";

export function POST(req: NextRequest) {
  return forwardGraphql(req, "/graphql/stream");
}
