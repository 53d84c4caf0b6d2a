import {
  AcceptInvitationDocument,
  CreateOrganisationDocument,
  type SessionFieldsFragment,
  SignInDocument,
  SwitchOrganisationDocument,
} from "@modelmarket/sdk";
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { gql } from "./api";
import { sameOriginPath } from "./safe-redirect";
import { visitorHeaders } from "./visitor";
import { webEnv } from "./web-env";

type ApiSession = SessionFieldsFragment;

/** What next-auth keeps of an API session (the token stays server-side, in the encrypted cookie). */
function sessionUser({ token, user }: ApiSession) {
  return { id: user.id, email: user.email, name: user.tenant.name, apiToken: token, tenantSlug: user.tenant.slug };
}

/** What the sign-in form may show for a refused attempt. */
function refusal(errors: { message: string; extensions?: { code?: string } }[] | undefined): Error | null {
  const code = errors?.[0]?.extensions?.code;
  if (code === "RATE_LIMITED") return new Error("Too many attempts; wait a minute and try again.");
  return null;
}

/**
 * next-auth with one Credentials provider that signs in against the API. The API's session
 * token is kept in next-auth's encrypted JWT cookie (never sent to the browser's scripts); the
 * portal's server code and its /api/graphql proxy use it on the user's behalf.
 */
export const authOptions: NextAuthOptions = {
  // As long as the API token it carries (the same SESSION_TTL_SECONDS setting).
  session: { strategy: "jwt", maxAge: webEnv().sessionTtlSeconds },
  pages: { signIn: "/signin" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.email || !credentials.password) return null;
        const headers = new Headers(req?.headers as Record<string, string> | undefined);
        const result = await gql(
          SignInDocument,
          { email: credentials.email, password: credentials.password },
          null,
          visitorHeaders(headers),
        );
        const refused = refusal(result.errors);
        if (refused) throw refused;
        return result.data ? sessionUser(result.data.signIn) : null;
      },
    }),
    // Accepting an invitation signs the person in to the organisation they joined.
    CredentialsProvider({
      id: "invitation",
      name: "Invitation",
      credentials: { invitation: { type: "text" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, req) {
        if (!credentials?.invitation || !credentials.password) return null;
        const headers = new Headers(req?.headers as Record<string, string> | undefined);
        const result = await gql(
          AcceptInvitationDocument,
          { token: credentials.invitation, password: credentials.password },
          null,
          visitorHeaders(headers),
        );
        if (result.data) return sessionUser(result.data.acceptInvitation);
        // The API's message says what to do (wrong password, expired, weak password…).
        throw (
          refusal(result.errors) ?? new Error(result.errors?.[0]?.message ?? "The invitation could not be accepted.")
        );
      },
    }),
  ],
  callbacks: {
    // Only this portal's own paths are followed after signing in or out.
    redirect({ url, baseUrl }) {
      if (url.startsWith(baseUrl)) return `${baseUrl}${sameOriginPath(url.slice(baseUrl.length) || "/")}`;
      return `${baseUrl}${sameOriginPath(url)}`;
    },
    async jwt({ token, user, trigger, session }) {
      if (user) {
        token.apiToken = user.apiToken;
        token.tenantSlug = user.tenantSlug;
      }
      // The header's organisation switcher and the team page's "new organisation" form ask for
      // a session in another organisation; the API decides (membership), here only its answer is kept.
      if (trigger === "update" && token.apiToken && session && typeof session === "object") {
        const ask = session as { organisation?: unknown; createOrganisation?: unknown };
        const result =
          typeof ask.organisation === "string"
            ? await gql(SwitchOrganisationDocument, { tenant: ask.organisation }, token.apiToken)
            : typeof ask.createOrganisation === "string"
              ? await gql(CreateOrganisationDocument, { name: ask.createOrganisation }, token.apiToken)
              : null;
        const next = result?.data && Object.values(result.data)[0];
        if (next) {
          const user = sessionUser(next);
          token.apiToken = user.apiToken;
          token.tenantSlug = user.tenantSlug;
          token.name = user.name;
        }
      }
      return token;
    },
    // What the browser may see: no API token.
    session({ session, token }) {
      session.user = { email: token.email ?? null, name: token.name ?? null, tenantSlug: token.tenantSlug };
      return session;
    },
  },
};
