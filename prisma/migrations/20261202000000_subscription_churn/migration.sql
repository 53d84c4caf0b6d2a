-- Included units per tenant, model and period whatever the subscription churn, and unpaid
-- invoices that outlive a cancellation (issue: adversarial review items 2 and 3).
ALTER TABLE "Subscription" ADD COLUMN "carriedUnits" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Subscription" ADD COLUMN "unpaidSince" TIMESTAMPTZ(3);
-- Reservations leaked by a crashed instance are reconciled from the events once quiet.
ALTER TABLE "Subscription" ADD COLUMN "lastReservedAt" TIMESTAMPTZ(3);
CREATE INDEX "Subscription_unpaid_idx" ON "Subscription" ("tenantId") WHERE "unpaidSince" IS NOT NULL;
-- Subscriptions already past due owe from now on.
UPDATE "Subscription" SET "unpaidSince" = now() WHERE status = 'PAST_DUE';
