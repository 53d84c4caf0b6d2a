import type { NextRequest } from "next/server";
import { forwardGraphql } from "@/lib/forward-graphql";

export function POST(req: NextRequest) {
  return forwardGraphql(req, "/graphql");
}
