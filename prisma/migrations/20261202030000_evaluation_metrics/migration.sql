-- Structured evaluation: each version's metrics (name, value, unit, dataset, split, description,
-- source) and the one chosen as its headline.
ALTER TABLE "ModelVersion" ADD COLUMN "metrics" JSONB;
ALTER TABLE "ModelVersion" ADD COLUMN "headlineMetric" TEXT;
