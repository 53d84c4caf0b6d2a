import http from "node:http";
import path from "node:path";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { expressMiddleware } from "@as-integrations/express5";
import { ApolloArmor } from "@escape.tech/graphql-armor";
import type { Database } from "@modelmarket/db";
import cors from "cors";
import express, { type ErrorRequestHandler } from "express";
import { Redis } from "ioredis";
import sharp from "sharp";
import { AuthRateLimits } from "./auth/auth-rate-limits";
import { Authenticator } from "./auth/authenticator";
import { LastUsedTracker } from "./auth/last-used-tracker";
import type { GraphQLContext } from "./context";
import type { Env } from "./env";
import { catalogResponseCachePlugin } from "./graphql/catalog-response-cache.plugin";
import { createFormatError } from "./graphql/format-error";
import { requestPlugin } from "./graphql/request.plugin";
import { artifactUploadRoute } from "./http/artifact-upload.route";
import { clientAddress } from "./http/client-address";
import { graphqlRequestShape } from "./http/graphql-request-shape.middleware";
import { graphqlStreamRoute } from "./http/graphql-stream.route";
import { openAiRoutes } from "./http/openai/openai.routes";
import { requestIdMiddleware } from "./http/request-id.middleware";
import { stripeWebhookRoute } from "./http/stripe-webhook.route";
import { LocalArtifactStore } from "./infra/artifact-store";
import { CacheBus } from "./infra/cache-bus";
import { CatalogCache } from "./infra/catalog-cache";
import { DecodeGate } from "./infra/decode-gate";
import { TierInferenceClient } from "./infra/inference-client";
import { InferenceRateLimits } from "./infra/inference-rate-limits";
import { LiveSubscriptionCache } from "./infra/live-subscription-cache";
import { createLogger, type Logger } from "./infra/logger";
import { Mailer } from "./infra/mailer";
import { createStripe } from "./infra/stripe-client";
import { TaskAssetCache } from "./infra/task-asset-cache";
import { TenantAdmission } from "./infra/tenant-admission";
import { TenantRouter } from "./infra/tenant-router";
import { TierSocketClient } from "./infra/tier-socket-client";
import { UsageWriter } from "./infra/usage-writer";
import { MeteringState } from "./metering/metering-state";
import { buildApiSchema } from "./schema";
import type { AppServices } from "./services";

export function createServices(
  env: Env,
  database: Database,
  logger: Logger = createLogger(env.LOG_LEVEL),
): AppServices {
  const db = database.prisma;
  const lastUsed = new LastUsedTracker(db, logger, env.LAST_USED_FLUSH_MS);
  // One command connection shared by the rate limiter and the cache bus's publisher; the bus
  // opens its own subscriber connection (a subscribed connection can do nothing else).
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL, { enableOfflineQueue: false, lazyConnect: false }) : null;
  redis?.on("error", (error) => logger.warn({ err: error }, "Redis connection error"));
  const cacheBus = new CacheBus(redis, logger);
  const router = new TenantRouter(db, env.INFERENCE_URL, cacheBus, env.ROUTING_CACHE_TTL_MS);
  // libvips threads per decode (process-wide): the DecodeGate bounds how many decodes run.
  sharp.concurrency(env.IMAGE_DECODE_THREADS);
  return {
    env,
    db,
    asyncCommitQuery: database.asyncCommitQuery,
    durableQuery: database.durableQuery,
    logger,
    lastUsed,
    cacheBus,
    authenticator: new Authenticator(db, env.sessionSecret, lastUsed, env.API_KEY_CACHE_TTL_MS, cacheBus),
    authRateLimits: new AuthRateLimits(env),
    artifacts: new LocalArtifactStore(path.join(env.dataDir, "artifacts")),
    catalogCache: new CatalogCache(env.CATALOG_CACHE_TTL_MS, cacheBus),
    liveSubscriptions: new LiveSubscriptionCache(env.SUBSCRIPTION_CACHE_TTL_MS, cacheBus),
    inference: new TierInferenceClient(
      (tenantId) => router.endpointFor(tenantId),
      env.inferenceSecret,
      env.INFERENCE_DEADLINE_MS,
      // The shared pool's tier on this machine: its infer calls skip HTTP (tier-frames.ts).
      env.INFERENCE_SOCKET
        ? { url: env.INFERENCE_URL, client: new TierSocketClient(env.INFERENCE_SOCKET, env.inferenceSecret) }
        : null,
    ),
    admission: new TenantAdmission(
      env.API_MAX_CONCURRENT_CALLS,
      env.API_TENANT_CONCURRENT_CALLS,
      env.API_ADMISSION_MAX_WAIT_MS,
      1_000,
    ),
    decodeGate: new DecodeGate(
      env.IMAGE_DECODE_MAX_PIXELS ?? env.IMAGE_MAX_PIXELS,
      env.API_ADMISSION_MAX_WAIT_MS * 2,
      env.API_TENANT_CONCURRENT_CALLS * (env.IMAGE_DECODE_MAX_PIXELS ?? env.IMAGE_MAX_PIXELS),
    ),
    usage: new UsageWriter(db, logger, { maxDelayMs: env.USAGE_COMMIT_MAX_DELAY_MS, maxBatch: 1000 }),
    metering: new MeteringState(),
    taskAssets: new TaskAssetCache(),
    inferenceRateLimits: new InferenceRateLimits(env.INFERENCE_RATE_LIMITS === "on", redis),
    stripe: createStripe(env),
    mailer: env.SMTP_URL ? new Mailer(env.SMTP_URL, env.MAIL_FROM, logger) : null,
  };
}

/** Flushes what is pending and closes the connections createServices opened (not the database). */
export async function closeServices(services: AppServices): Promise<void> {
  await services.usage.drain();
  await services.lastUsed.close();
  services.cacheBus.close();
  services.mailer?.close();
  services.inferenceRateLimits.redis?.disconnect();
}

export interface RunningApi {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/** Builds the HTTP server: /graphql, POST /v1/artifacts and the health routes. */
export async function startApi(services: AppServices, port: number, host: string): Promise<RunningApi> {
  const { env, logger } = services;
  const app = express();
  app.disable("x-powered-by");
  // No ETags: every GraphQL answer carries its own request id, so no two are alike and none
  // could ever be answered 304; Express would still SHA-1 each body (1.6 % of the API's busy CPU, profiled).
  app.set("etag", false);
  // Proxies trusted by address (an ingress); none by default: see http/client-address.ts.
  app.set("trust proxy", env.TRUST_PROXY === "" ? false : env.TRUST_PROXY);
  const server = http.createServer(app);

  const armor = new ApolloArmor({
    // The deepest operation of the SDK (and so of the portal) is 6 levels (CatalogPage:
    // models.edges.node.latestVersion.headlineMetric.name); 8 leaves room for clients' own.
    maxDepth: { n: 8 },
    maxAliases: { n: 15 },
    maxDirectives: { n: 20 },
    // Enforced by graphql-js's parser instead (parseOptions below), so that a token flood
    // fails like any other syntax error, inside the request pipeline.
    maxTokens: { enabled: false },
    costLimit: { maxCost: 5000 },
    blockFieldSuggestion: { enabled: env.NODE_ENV === "production" },
  }).protect();

  const schema = await buildApiSchema();
  const formatError = createFormatError(logger);
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    introspection: env.NODE_ENV !== "production",
    // The API takes no cookies, so only a request bearing credentials could be forged: one with
    // an Authorization header is never "simple" (a browser preflights it), so such GET queries
    // pass; simple requests without any of these headers stay refused.
    csrfPrevention: { requestHeaders: ["authorization", "x-apollo-operation-name", "apollo-require-preflight"] },
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: 4000 },
    includeStacktraceInErrorResponses: false,
    formatError,
    validationRules: armor.validationRules,
    plugins: [
      ...armor.plugins,
      requestPlugin,
      catalogResponseCachePlugin,
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      // No HTTP cache hints are used; the default plugin would wrap every field resolver.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  // Browser apps on the configured origins (none by default); preflights answered here.
  if (env.CORS_ORIGINS.length) {
    app.use(
      cors({
        origin: env.CORS_ORIGINS.includes("*") ? true : env.CORS_ORIGINS,
        methods: ["GET", "POST", "OPTIONS"],
        allowedHeaders: [
          "authorization",
          "content-type",
          "idempotency-key",
          "apollo-require-preflight",
          "x-apollo-operation-name",
        ],
        exposedHeaders: ["x-request-id", "retry-after"],
        maxAge: 600,
      }),
    );
  }
  app.use(requestIdMiddleware);
  app.get("/health/live", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/health/ready", async (_req, res) => {
    try {
      await services.db.$queryRaw`SELECT 1`;
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unavailable" });
    }
  });
  app.post("/v1/artifacts", artifactUploadRoute(services));
  openAiRoutes(app, services);
  graphqlStreamRoute(app, services, schema, formatError);
  // Raw body: the signature covers the exact bytes Stripe sent.
  app.post("/webhooks/stripe", express.raw({ type: () => true, limit: "1mb" }), stripeWebhookRoute(services));
  app.use(
    "/graphql",
    express.json({ limit: env.GRAPHQL_MAX_BODY_BYTES }),
    graphqlRequestShape,
    expressMiddleware(apollo, {
      context: async ({ req, res }) => ({
        requestId: res.locals.requestId as string,
        clientIp: clientAddress(req, env.proxySecret),
        authorization: req.headers.authorization,
        principal: null,
        services,
      }),
    }),
  );
  app.use(bodyErrorHandler(logger, env.GRAPHQL_MAX_BODY_BYTES));

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === "object" && address ? address.port : port}`;
  return {
    server,
    url,
    async close() {
      await apollo.stop();
      await closeServices(services);
    },
  };
}

/** Body-parser failures on /graphql, answered in GraphQL's error shape with a contract code. */
function bodyErrorHandler(logger: Logger, limitBytes: number): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    const tooLarge = error?.type === "entity.too.large";
    const malformed = error?.type === "entity.parse.failed";
    if (!tooLarge && !malformed) logger.error({ err: error }, "unexpected error");
    const [status, code, message] = tooLarge
      ? [
          413,
          "PAYLOAD_TOO_LARGE",
          `The request body is larger than ${limitBytes} bytes (GRAPHQL_MAX_BODY_BYTES; it fits one image of IMAGE_MAX_BYTES in base64).`,
        ]
      : malformed
        ? [400, "BAD_USER_INPUT", "The request body is not valid JSON."]
        : [500, "INTERNAL_SERVER_ERROR", `Internal server error; quote request id ${requestId} when reporting it.`];
    res.status(status).json({
      errors: [{ message, extensions: { code, requestId, ...(tooLarge ? { limitBytes } : {}) } }],
      extensions: { requestId },
    });
  };
}
