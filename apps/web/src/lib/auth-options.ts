import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { gql } from "./api";
import { sameOriginPath } from "./safe-redirect";
import { visitorHeaders } from "./visitor";
import { webEnv } from "./web-env";

const SIGN_IN = `mutation($email: String!, $password: String!) {
  signIn(email: $email, password: $password) { token user { id email role tenant { slug name } } }
}`;

interface SignInData {
  signIn: { token: string; user: { id: string; email: string; role: string; tenant: { slug: string; name: string } } };
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
        const result = await gql<SignInData>(
          SIGN_IN,
          { email: credentials.email, password: credentials.password },
          null,
          visitorHeaders(headers),
        );
        const code = result.errors?.[0]?.extensions?.code;
        if (code === "RATE_LIMITED") throw new Error("Too many attempts; wait a minute and try again.");
        if (!result.data) return null;
        const { token, user } = result.data.signIn;
        return {
          id: user.id,
          email: user.email,
          name: user.tenant.name,
          apiToken: token,
          tenantSlug: user.tenant.slug,
        };
      },
    }),
  ],
  callbacks: {
    // Only this portal's own paths are followed after signing in or out.
    redirect({ url, baseUrl }) {
      if (url.startsWith(baseUrl)) return `${baseUrl}${sameOriginPath(url.slice(baseUrl.length) || "/")}`;
      return `${baseUrl}${sameOriginPath(url)}`;
    },
    jwt({ token, user }) {
      if (user) {
        token.apiToken = user.apiToken;
        token.tenantSlug = user.tenantSlug;
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
