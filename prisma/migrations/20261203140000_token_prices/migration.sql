-- AlterTable
ALTER TABLE "Plan" ADD COLUMN     "inputPricePerMillionMicros" INTEGER,
ADD COLUMN     "outputPricePerMillionMicros" INTEGER,
ADD COLUMN     "stripeOutputMeterEvent" TEXT,
ADD COLUMN     "stripeOutputMeterId" TEXT,
ADD COLUMN     "stripeOutputUsagePriceId" TEXT;

-- AlterTable
ALTER TABLE "Subscription" ADD COLUMN     "periodBilledInputUnits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "periodBilledOutputUnits" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageEvent" ADD COLUMN     "billedOutputUnits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "inputUnits" INTEGER;


-- Units of a call beyond the included ones, given the period's units before it (the call's
-- tail: a call that crosses the boundary pays for its part beyond it only).
CREATE FUNCTION overage_units(before integer, units integer, included integer) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT GREATEST(0, before + units - included) - GREATEST(0, before - included)
$$;

-- Whether a subscription of a token-priced plan may take `input` prompt tokens and `output`
-- generated tokens more this period: active, within the included tokens unless the plan prices
-- tokens beyond them, and the period's cost within the spend cap. The call's tokens beyond the
-- included ones are its last ones, so its generated tokens are billed first
-- (LEAST(output, overage)). Costs are compared in picos (10^-12 of the currency unit: a token
-- count times a price per million tokens in micros), in numeric: exact, no overflow.
CREATE FUNCTION token_reservation_fits(s "Subscription", p "Plan", input integer, output integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT s.status = 'ACTIVE'
    AND (s."periodUnits" + input + output <= p."includedUnits"
      OR COALESCE(p."inputPricePerMillionMicros", 0) > 0 OR COALESCE(p."outputPricePerMillionMicros", 0) > 0)
    AND (s."spendCapCents" IS NULL
      OR p."monthlyFeeCents"::numeric * 10000000000
         + (s."periodBilledInputUnits" + o.units - LEAST(output, o.units))::numeric
           * COALESCE(p."inputPricePerMillionMicros", 0)
         + (s."periodBilledOutputUnits" + LEAST(output, o.units))::numeric
           * COALESCE(p."outputPricePerMillionMicros", 0)
         <= s."spendCapCents"::numeric * 10000000000)
  FROM (SELECT overage_units(s."periodUnits", input + output, p."includedUnits") AS units) AS o
$$;

-- Plans of generation models made before token prices priced each token as a unit: the same
-- price, per million tokens, for input and output (clamped to the column's range).
UPDATE "Plan" AS p
SET "inputPricePerMillionMicros" = LEAST(p."unitPriceMicros"::bigint * 1000000, 2147483647)::int,
    "outputPricePerMillionMicros" = LEAST(p."unitPriceMicros"::bigint * 1000000, 2147483647)::int,
    "unitPriceMicros" = 0
FROM "Model" AS m
WHERE m.id = p."modelId" AND m.task = 'TEXT_GENERATION' AND p."inputPricePerMillionMicros" IS NULL;
