import "next-auth";
import "next-auth/jwt";

declare module "next-auth" {
  interface User {
    apiToken: string;
    tenantSlug: string;
  }
  interface Session {
    user: { email: string | null; name: string | null; tenantSlug?: string };
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    apiToken?: string;
    tenantSlug?: string;
  }
}
