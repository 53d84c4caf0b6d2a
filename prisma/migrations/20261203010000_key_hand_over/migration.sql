-- A removed member's keys handed to another member remember from whom (a rotation prompt)
ALTER TABLE "ApiKey" ADD COLUMN     "handedOverAt" TIMESTAMPTZ(3),
ADD COLUMN     "handedOverFromEmail" TEXT;
