import { z } from "zod";

/** The portal's settings, validated once (server side only). */
const schema = z.object({
  API_URL: z.string().url().default("http://127.0.0.1:4000"),
  /** The API address shown in the code snippets (what a developer's code calls). */
  PUBLIC_API_URL: z.string().url().optional(),
  /** Key of next-auth's encrypted session cookie (npm start sets it). */
  NEXTAUTH_SECRET: z.string().min(1).optional(),
  /** The same setting as the API's: the portal's session lasts as long as the API token in it. */
  SESSION_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(12 * 3600),
  /** Shared with the API: lets the portal forward its visitor's address (lib/visitor.ts). */
  PROXY_SHARED_SECRET: z.string().min(32).optional(),
  /** Proxies in front of the portal that append to X-Forwarded-For (an ingress: 1); read by server-guard.cjs, checked here. */
  WEB_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Largest GraphQL body /api/graphql forwards; refused while streaming past it. */
  WEB_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 1024 * 1024),
});

type WebEnv = {
  apiUrl: string;
  publicApiUrl: string;
  nextAuthSecret?: string;
  sessionTtlSeconds: number;
  proxySecret?: string;
  maxBodyBytes: number;
};

let cached: WebEnv | null = null;

export function webEnv(): WebEnv {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid portal environment: ${problems}`);
  }
  cached = {
    apiUrl: parsed.data.API_URL.replace(/\/$/, ""),
    publicApiUrl: (parsed.data.PUBLIC_API_URL ?? parsed.data.API_URL).replace(/\/$/, ""),
    nextAuthSecret: parsed.data.NEXTAUTH_SECRET,
    sessionTtlSeconds: parsed.data.SESSION_TTL_SECONDS,
    proxySecret: parsed.data.PROXY_SHARED_SECRET,
    maxBodyBytes: parsed.data.WEB_MAX_BODY_BYTES,
  };
  return cached;
}
