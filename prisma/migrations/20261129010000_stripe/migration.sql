-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "stripeFeePriceId" TEXT,
ADD COLUMN     "stripeMeterEvent" TEXT,
ADD COLUMN     "stripeMeterId" TEXT,
ADD COLUMN     "stripeProductId" TEXT,
ADD COLUMN     "stripeUsagePriceId" TEXT;

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "stripeCanceledAt" TIMESTAMPTZ(3),
ADD COLUMN     "stripeSubscriptionId" TEXT;

-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "stripeAccountId" TEXT,
ADD COLUMN     "stripeCustomerId" TEXT;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "stripeReportedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StripeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PublisherTransfer" (
    "id" TEXT NOT NULL,
    "publisherTenantId" TEXT NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "currency" TEXT NOT NULL,
    "amountCents" INTEGER NOT NULL,
    "stripeTransferId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PublisherTransfer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PublisherTransfer_stripeTransferId_key" ON "PublisherTransfer"("stripeTransferId");

-- CreateIndex
CREATE UNIQUE INDEX "PublisherTransfer_publisherTenantId_periodStart_currency_key" ON "PublisherTransfer"("publisherTenantId", "periodStart", "currency");

-- CreateIndex
CREATE UNIQUE INDEX "Subscription_stripeSubscriptionId_key" ON "Subscription"("stripeSubscriptionId");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_stripeCustomerId_key" ON "Tenant"("stripeCustomerId");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_stripeAccountId_key" ON "Tenant"("stripeAccountId");


-- Hand-written: the Stripe sync looks for overage events not yet sent (most events never are).
CREATE INDEX "UsageEvent_stripe_pending_idx" ON "UsageEvent"("createdAt") WHERE "stripeReportedAt" IS NULL AND "billedUnits" > 0;
