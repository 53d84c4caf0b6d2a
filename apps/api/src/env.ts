import path from "node:path";
import { type DatabaseConfig, databaseConfigFromEnv } from "@modelmarket/db";
import { invalidEnvironment, localSecret } from "@modelmarket/domain";
import { z } from "zod";

const bool = z.enum(["true", "false", "1", "0", ""]).transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().default("127.0.0.1"),
    DATA_DIR: z.string().default("data"),
    DATABASE_URL: z
      .string()
      .optional()
      .refine(
        (v) => !v || /^postgres(ql)?:\/\//.test(v),
        "must be a postgres:// URL (leave unset for the embedded database)",
      ),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    SESSION_SECRET: z.string().min(32, "SESSION_SECRET must be at least 32 characters").optional(),
    SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .positive()
      .default(12 * 3600),
    ARTIFACT_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      // ModelVersion.sizeBytes is a GraphQL Int
      .max(2 ** 31 - 1)
      .default(200 * 1024 * 1024),
    ASSET_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(50 * 1024 * 1024),
    MODEL_VALIDATION_MEMORY_BYTES: z.coerce
      .number()
      .int()
      .min(1024 ** 3)
      .default(4 * 1024 ** 3),
    MODEL_VALIDATION_TIMEOUT_MS: z.coerce.number().int().positive().default(60_000),
    /** Default: one image of IMAGE_MAX_BYTES, base64-encoded (4/3), plus 1 MiB for the rest. */
    GRAPHQL_MAX_BODY_BYTES: z.coerce.number().int().positive().optional(),
    /** Browser apps on these origins may call the API (CORS); comma-separated, none by default. */
    CORS_ORIGINS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((o) => o.trim().replace(/\/$/, ""))
          .filter(Boolean),
      )
      .refine((list) => list.every((o) => o === "*" || /^https?:\/\/[^/\s]+$/.test(o)), {
        message: "must be origins such as https://app.example.com (scheme, host, optional port), comma-separated",
      }),
    SIGNIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
    SIGNIN_MAX_ATTEMPTS_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(30),
    SIGNUP_MAX_PER_IP_PER_HOUR: z.coerce.number().int().positive().default(20),
    /** Proxies whose X-Forwarded-For is believed, by address ("10.0.0.0/8, 127.0.0.1"); none by default. */
    TRUST_PROXY: z.string().default(""),
    /** Shared with the portal: lets it forward its visitor's address (X-Proxy-Secret). */
    PROXY_SHARED_SECRET: z.string().min(32).optional(),
    API_KEY_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
    CATALOG_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
    ROUTING_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
    SUBSCRIPTION_CACHE_TTL_MS: z.coerce.number().int().min(0).default(5000),
    LAST_USED_FLUSH_MS: z.coerce.number().int().positive().default(10_000),
    SEED_DEMO: bool.default(true),
    DEMO_PASSWORD: z.string().min(10).default("demo-publisher-2026"),
    IMAGE_MAX_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    IMAGE_MAX_PIXELS: z.coerce.number().int().positive().default(40_000_000),
    /** Pixels this process decodes at once (infra/decode-gate.ts); unset = IMAGE_MAX_PIXELS. */
    IMAGE_DECODE_MAX_PIXELS: z.coerce.number().int().positive().optional(),
    /** libvips threads per decode: 1 keeps one large decode to one core. */
    IMAGE_DECODE_THREADS: z.coerce.number().int().positive().default(1),
    MAX_INPUTS_PER_CALL: z.coerce.number().int().positive().default(64),
    TEXT_MAX_CHARS: z.coerce.number().int().positive().default(10_000),
    INFERENCE_URL: z.string().url().default("http://127.0.0.1:4001"),
    /**
     * The Unix socket of the tier at INFERENCE_URL when it runs on this machine (its
     * INFERENCE_SOCKET): the shared pool's infer calls go over it instead of HTTP.
     */
    INFERENCE_SOCKET: z.string().max(100).optional(),
    INFERENCE_SHARED_SECRET: z.string().min(32).optional(),
    INFERENCE_DEADLINE_MS: z.coerce.number().int().positive().default(10_000),
    /** Longest one generation (generateText, /v1/completions) may run; it ends with finish "timeout". */
    GENERATION_DEADLINE_MS: z.coerce.number().int().positive().default(120_000),
    REDIS_URL: z.string().url().optional(),
    INFERENCE_RATE_LIMITS: z.enum(["on", "off"]).default("on"),
    /** Calls per minute an organisation may make to its own models without a subscription (not billed). */
    OWN_MODEL_CALLS_PER_MINUTE: z.coerce.number().int().positive().default(60),
    /** previewVersion calls per organisation per minute (it runs examples and decodes unbilled). */
    PREVIEW_MAX_PER_MINUTE: z.coerce.number().int().positive().default(30),
    /** off: inference is neither metered nor billed — only to measure metering's cost. */
    METERING: z.enum(["on", "off"]).default("on"),
    /** Inference calls running at once in this API process (tenant-admission.ts); 0 = no limit. */
    API_MAX_CONCURRENT_CALLS: z.coerce.number().int().min(0).default(64),
    /** Of those, at most this many for one tenant; its excess waits behind its own calls. */
    API_TENANT_CONCURRENT_CALLS: z.coerce.number().int().positive().default(16),
    /** How long a call may wait for a place before RATE_LIMITED with a retry hint. */
    API_ADMISSION_MAX_WAIT_MS: z.coerce.number().int().positive().default(5_000),
    USAGE_COMMIT_MAX_DELAY_MS: z.coerce.number().int().min(0).max(100).default(0),
    PLATFORM_FEE_PERCENT: z.coerce.number().min(0).max(100).default(20),
    BILLING_CLOSE_INTERVAL_MS: z.coerce.number().int().min(0).default(3_600_000),
    /** How often units reserved by calls that never finished (a crash) are given back; 0 = never. */
    RESERVATION_RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).default(30_000),
    /** Stripe: unset = the internal ledger is the whole billing system. */
    STRIPE_SECRET_KEY: z.string().min(1).optional(),
    STRIPE_WEBHOOK_SECRET: z.string().min(1).optional(),
    /** Another Stripe API endpoint (tests, stripe-mock), e.g. http://127.0.0.1:12111. */
    STRIPE_API_BASE: z.string().url().optional(),
    STRIPE_SYNC_INTERVAL_MS: z.coerce.number().int().min(0).default(5_000),
    /**
     * Usage events reach Stripe once this old (default: INFERENCE_DEADLINE_MS + 2 s, longer than
     * any call runs): a call charged while its model runs takes the charge back if the run fails.
     */
    STRIPE_REPORT_DELAY_MS: z.coerce.number().int().min(0).optional(),
    STRIPE_CONNECT_RETURN_URL: z.string().url().default("http://localhost:3000/billing"),
    /** The portal's public address: invitation links point there. */
    PORTAL_URL: z
      .string()
      .url()
      .default("http://localhost:3000")
      .transform((v) => v.replace(/\/$/, "")),
    INVITATIONS_MAX_PER_TENANT_PER_HOUR: z.coerce.number().int().positive().default(50),
    PASSWORD_RESETS_PER_IP_PER_HOUR: z.coerce.number().int().positive().default(10),
    INVITATION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(7 * 24),
    /** Invitations are mailed through this server when set (smtp:// or smtps://, credentials in the URL). */
    SMTP_URL: z
      .string()
      .optional()
      .refine((v) => !v || /^smtps?:\/\//.test(v), "must be an smtp:// or smtps:// URL"),
    MAIL_FROM: z.string().default("Modelmarket <no-reply@modelmarket.localhost>"),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && !env.SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "is required when NODE_ENV=production" });
    }
    if (env.STRIPE_SECRET_KEY && !env.STRIPE_WEBHOOK_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["STRIPE_WEBHOOK_SECRET"],
        message: "is required with STRIPE_SECRET_KEY (webhooks are verified with it)",
      });
    }
    if (env.NODE_ENV === "production" && !env.INFERENCE_SHARED_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["INFERENCE_SHARED_SECRET"],
        message: "is required when NODE_ENV=production",
      });
    }
  });

export type Env = Omit<z.infer<typeof schema>, "GRAPHQL_MAX_BODY_BYTES"> & {
  GRAPHQL_MAX_BODY_BYTES: number;
  sessionSecret: Uint8Array;
  dataDir: string;
  /** Where the data lives (PGlite under DATA_DIR, or DATABASE_URL), decided here once. */
  database: DatabaseConfig;
  inferenceSecret: string;
  proxySecret: string;
};

/** Validates the environment once at start-up; a bad value stops the process with a clear message. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw invalidEnvironment(parsed.error.issues);
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return {
    ...parsed.data,
    // Derived so that the documented image limit can be reached (base64 grows bytes by 4/3).
    GRAPHQL_MAX_BODY_BYTES:
      parsed.data.GRAPHQL_MAX_BODY_BYTES ?? Math.ceil((parsed.data.IMAGE_MAX_BYTES * 4) / 3) + 1024 * 1024,
    dataDir,
    database: databaseConfigFromEnv({
      DATABASE_URL: parsed.data.DATABASE_URL,
      DATABASE_POOL_SIZE: String(parsed.data.DATABASE_POOL_SIZE),
      DATA_DIR: dataDir,
    }),
    inferenceSecret: parsed.data.INFERENCE_SHARED_SECRET ?? localSecret(dataDir, "inference-secret"),
    proxySecret: parsed.data.PROXY_SHARED_SECRET ?? localSecret(dataDir, "proxy-secret"),
    sessionSecret: new TextEncoder().encode(parsed.data.SESSION_SECRET ?? localSecret(dataDir, "session-secret")),
  };
}
