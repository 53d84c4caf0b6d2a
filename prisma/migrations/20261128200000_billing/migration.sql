-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "periodUnits" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "billedUnits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "requestHash" TEXT,
ADD COLUMN     "response" JSONB;

-- CreateTable
CREATE TABLE "PayoutEntry" (
    "id" TEXT NOT NULL,
    "publisherTenantId" TEXT NOT NULL,
    "invoiceLineId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "periodStart" TIMESTAMPTZ(3) NOT NULL,
    "currency" TEXT NOT NULL,
    "grossCents" INTEGER NOT NULL,
    "feeCents" INTEGER NOT NULL,
    "netCents" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PayoutEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PayoutEntry_invoiceLineId_key" ON "PayoutEntry"("invoiceLineId");

-- CreateIndex
CREATE INDEX "PayoutEntry_publisherTenantId_periodStart_idx" ON "PayoutEntry"("publisherTenantId", "periodStart");

-- AddForeignKey
ALTER TABLE "PayoutEntry" ADD CONSTRAINT "PayoutEntry_publisherTenantId_fkey" FOREIGN KEY ("publisherTenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

