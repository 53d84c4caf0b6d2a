import { z } from "zod";

/** The portal's settings, validated once (server side only). */
const schema = z.object({
  API_URL: z.string().url().default("http://127.0.0.1:4000"),
  /** Shared with the API: lets the portal forward its visitor's address (lib/visitor.ts). */
  PROXY_SHARED_SECRET: z.string().min(32).optional(),
  /** Proxies in front of the portal that append to X-Forwarded-For (an ingress: 1). */
  WEB_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Largest GraphQL body /api/graphql forwards; refused while streaming past it. */
  WEB_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 1024 * 1024),
});

let cached: { apiUrl: string; proxySecret?: string; trustedProxyHops: number; maxBodyBytes: number } | null = null;

export function webEnv() {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`Invalid portal environment: ${problems}`);
  }
  cached = {
    apiUrl: parsed.data.API_URL.replace(/\/$/, ""),
    proxySecret: parsed.data.PROXY_SHARED_SECRET,
    trustedProxyHops: parsed.data.WEB_TRUSTED_PROXY_HOPS,
    maxBodyBytes: parsed.data.WEB_MAX_BODY_BYTES,
  };
  return cached;
}
