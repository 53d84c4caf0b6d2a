-- Model lifecycle: versions with notes and examples, deprecation and yanking, unpublishing.
ALTER TABLE "Model" ADD COLUMN "unpublishedAt" TIMESTAMPTZ(3);
ALTER TABLE "ModelVersion" ADD COLUMN "notes" TEXT;
ALTER TABLE "ModelVersion" ADD COLUMN "examples" JSONB;
ALTER TABLE "ModelVersion" ADD COLUMN "deprecatedAt" TIMESTAMPTZ(3);
ALTER TABLE "ModelVersion" ADD COLUMN "deprecationNote" TEXT;
ALTER TABLE "ModelVersion" ADD COLUMN "yankedAt" TIMESTAMPTZ(3);
ALTER TABLE "ModelVersion" ADD COLUMN "yankReason" TEXT;
