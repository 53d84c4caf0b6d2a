import type { PrismaClient, SqlQuery } from "@modelmarket/db";
import type Stripe from "stripe";
import type { AuthRateLimits } from "./auth/auth-rate-limits";
import type { Authenticator } from "./auth/authenticator";
import type { LastUsedTracker } from "./auth/last-used-tracker";
import type { Env } from "./env";
import type { ArtifactStore } from "./infra/artifact-store";
import type { CacheBus } from "./infra/cache-bus";
import type { CatalogCache } from "./infra/catalog-cache";
import type { DecodeGate } from "./infra/decode-gate";
import type { InferenceClient } from "./infra/inference-client";
import type { InferenceRateLimits } from "./infra/inference-rate-limits";
import type { LiveSubscriptionCache } from "./infra/live-subscription-cache";
import type { Logger } from "./infra/logger";
import type { Mailer } from "./infra/mailer";
import type { TaskAssetCache } from "./infra/task-asset-cache";
import type { TenantAdmission } from "./infra/tenant-admission";
import type { UsageWriter } from "./infra/usage-writer";
import type { MeteringState } from "./metering/metering-state";

/** Everything a use case may need, built once at start-up (see app.ts). */
export interface AppServices {
  env: Env;
  db: PrismaClient;
  /** Hot single statements whose commit may be asynchronous (Database.asyncCommitQuery). */
  asyncCommitQuery: SqlQuery;
  /** Hot single statements committed synchronously, outside Prisma (Database.durableQuery). */
  durableQuery: SqlQuery;
  logger: Logger;
  authenticator: Authenticator;
  lastUsed: LastUsedTracker;
  authRateLimits: AuthRateLimits;
  artifacts: ArtifactStore;
  catalogCache: CatalogCache;
  /** Tenants' live subscriptions as the call path reads them (invalidated over cacheBus). */
  liveSubscriptions: LiveSubscriptionCache;
  /** Cross-instance cache invalidation (Redis pub/sub when REDIS_URL is set). */
  cacheBus: CacheBus;
  inference: InferenceClient;
  /** Per-tenant fair admission of inference calls into this process. */
  admission: TenantAdmission;
  /** Image decoding admitted by pixels, tenant by tenant, off most of libuv's pool. */
  decodeGate: DecodeGate;
  usage: UsageWriter;
  /** Metering's state between calls: known rooms, reservations in flight, the charge group commit. */
  metering: MeteringState;
  /** Parsed assets and tokenizers of the versions served (immutable, content-addressed). */
  taskAssets: TaskAssetCache;
  inferenceRateLimits: InferenceRateLimits;
  /** null without STRIPE_SECRET_KEY. */
  stripe: Stripe | null;
  /** null without SMTP_URL: invitation links are then only shown to the inviter. */
  mailer: Mailer | null;
}
