-- AlterTable
ALTER TABLE "Tenant" ADD COLUMN     "inferencePoolId" TEXT;

-- CreateTable
CREATE TABLE "InferencePool" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "InferencePool_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "InferencePool_name_key" ON "InferencePool"("name");

-- AddForeignKey
ALTER TABLE "Tenant" ADD CONSTRAINT "Tenant_inferencePoolId_fkey" FOREIGN KEY ("inferencePoolId") REFERENCES "InferencePool"("id") ON DELETE SET NULL ON UPDATE CASCADE;

