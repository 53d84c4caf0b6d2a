// Server-side access to the GraphQL API (never imported by client components: the API token
// lives in the encrypted next-auth cookie and is read here only).

import { ModelmarketClient, type Operation } from "@modelmarket/sdk";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import { webEnv } from "./web-env";

/** Where the portal's server reaches the API (web-env.ts). */
export const apiUrl = () => webEnv().apiUrl;

export interface GqlError {
  message: string;
  extensions?: { code?: string; field?: string; fields?: { field: string; message: string }[]; retryAfterMs?: number };
}

export interface GqlResult<T> {
  data?: T;
  errors?: GqlError[];
  requestId?: string;
  status: number;
}

/** An SDK document (packages/sdk/src/operations/*.graphql): the portal sends no other operation. */
export type Document<T, V> = Exclude<Operation<T, V>, string>;

/** One operation against the API with the SDK's client, as the given token (or anonymously). */
export async function gql<T, V = Record<string, unknown>>(
  query: Document<T, V>,
  variables?: V,
  token?: string | null,
  headers: Record<string, string> = {},
): Promise<GqlResult<T>> {
  try {
    const client = new ModelmarketClient(apiUrl(), token ?? undefined);
    const { status, body } = await client.raw<T, V>(query, variables ?? ({} as V), headers);
    return {
      data: body.data ?? undefined,
      errors: body.errors as GqlError[] | undefined,
      requestId: body.extensions?.requestId,
      status,
    };
  } catch {
    return {
      status: 503,
      errors: [{ message: "The API is unreachable; retry shortly.", extensions: { code: "UNAVAILABLE" } }],
    };
  }
}

const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

/** The API session token of the signed-in user, from the next-auth cookie; null when signed out. */
export async function apiToken(): Promise<string | null> {
  const jar = await cookies();
  const raw = SESSION_COOKIES.map((name) => jar.get(name)?.value).find(Boolean);
  if (!raw) return null;
  const secret = webEnv().nextAuthSecret;
  if (!secret) return null;
  const token = await decode({ token: raw, secret }).catch(() => null);
  return typeof token?.apiToken === "string" ? token.apiToken : null;
}

/**
 * For server components: runs the operation as the signed-in user. An expired API session
 * sends the user to sign in again; other errors are returned for the page to show.
 */
export async function gqlAsUser<T, V = Record<string, unknown>>(
  query: Document<T, V>,
  variables?: V,
): Promise<GqlResult<T>> {
  const token = await apiToken();
  const result = await gql<T, V>(query, variables, token);
  if (token && result.errors?.[0]?.extensions?.code === "UNAUTHENTICATED") redirect("/signin?expired=1");
  return result;
}
