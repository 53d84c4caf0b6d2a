-- The call path's billing statements as functions: their plans are kept by the database
-- session instead of being planned on every call, and the reservation rules live in one place.

-- Whether a subscription may take `units` more units this period: active, within the included
-- units unless the plan has overage, and the period's cost (monthly fee + overage) within the
-- spend cap. Every statement that reserves units uses it (reserve-units.ts, charge_calls).
CREATE FUNCTION reservation_fits(s "Subscription", p "Plan", units integer) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
  SELECT s.status = 'ACTIVE'
    AND (s."periodUnits" + units <= p."includedUnits" OR p."unitPriceMicros" > 0)
    AND (s."spendCapCents" IS NULL
      OR p."monthlyFeeCents"::bigint * 10000
         + GREATEST(0, s."periodUnits" + units - p."includedUnits")::bigint * p."unitPriceMicros"
         <= s."spendCapCents"::bigint * 10000)
$$;

-- The units a subscription can still take this period: NULL when unlimited (overage and no
-- spend cap). The API uses it to decide whether a call may run before it is charged.
CREATE FUNCTION subscription_room(s "Subscription", p "Plan") RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN p."unitPriceMicros" = 0 THEN (p."includedUnits" - s."periodUnits")::bigint
    WHEN s."spendCapCents" IS NULL THEN NULL
    ELSE GREATEST(0, p."includedUnits" - s."periodUnits")::bigint
      + (s."spendCapCents"::bigint * 10000 - p."monthlyFeeCents"::bigint * 10000
         - GREATEST(0, s."periodUnits" - p."includedUnits")::bigint * p."unitPriceMicros") / p."unitPriceMicros"
  END
$$;

-- Charges calls that have run, in one statement (charge-calls.ts): per subscription, the sum
-- of its calls' units is reserved under reservation_fits, and each call's usage event is
-- inserted with its share of overage, in the order given, as if reserved one by one. A
-- subscription whose calls do not all fit, or whose period has ended, is left untouched
-- (reserved = false). Subscriptions are locked in id order, so concurrent batches queue
-- instead of deadlocking. An event whose request id or idempotency key already exists is
-- skipped (inserted = false) while its units stay reserved: the caller gives them back.
-- Arguments are parallel arrays: id, requestId, tenantId, apiKeyId, subscriptionId,
-- modelVersionId, units, latencyMs, idempotencyKey, requestHash, response (JSON text), createdAt.
CREATE FUNCTION charge_calls(text[], text[], text[], text[], text[], text[], integer[], integer[], text[], text[], text[], timestamptz[])
RETURNS TABLE (id text, reserved boolean, inserted boolean, billed integer, room bigint)
LANGUAGE sql VOLATILE AS $$
  WITH calls AS MATERIALIZED (
    SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) WITH ORDINALITY
      AS c(id, "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId", units, "latencyMs",
           "idempotencyKey", "requestHash", response, "createdAt", ord)
  ),
  totals AS (SELECT "subscriptionId" AS id, SUM(units)::int AS total FROM calls GROUP BY "subscriptionId"),
  locked AS MATERIALIZED (
    SELECT id FROM "Subscription" WHERE id IN (SELECT id FROM totals) ORDER BY id FOR UPDATE
  ),
  reserved AS (
    UPDATE "Subscription" AS s SET "periodUnits" = s."periodUnits" + t.total, "lastReservedAt" = now()
    FROM totals AS t, locked AS l, "Plan" AS p
    WHERE s.id = t.id AND l.id = s.id AND p.id = s."planId" AND s."currentPeriodEnd" > now()
      AND reservation_fits(s, p, t.total)
    RETURNING s.id, s."periodUnits" - t.total AS "before", p."includedUnits" AS included,
      p."unitPriceMicros" AS price, subscription_room(s, p) AS room
  ),
  shares AS (
    SELECT c.*, r.included, r.price,
      (r."before" + COALESCE(SUM(c.units) OVER (PARTITION BY c."subscriptionId" ORDER BY c.ord
        ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0))::int AS "unitsBefore"
    FROM calls AS c JOIN reserved AS r ON r.id = c."subscriptionId"
  ),
  inserted AS (
    INSERT INTO "UsageEvent" ("id", "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId",
      "outcome", "units", "billedUnits", "amountMicros", "latencyMs", "idempotencyKey", "requestHash", "response",
      "createdAt")
    SELECT id, "requestId", "tenantId", "apiKeyId", "subscriptionId", "modelVersionId", 'SUCCESS', units,
      billed, billed::bigint * price, "latencyMs", "idempotencyKey", "requestHash", response::jsonb, "createdAt"
    FROM (SELECT *, GREATEST(0, "unitsBefore" + units - included) - GREATEST(0, "unitsBefore" - included) AS billed
          FROM shares) AS priced
    ON CONFLICT DO NOTHING
    RETURNING id, "billedUnits"
  )
  SELECT c.id, r.id IS NOT NULL, i.id IS NOT NULL, i."billedUnits", r.room
  FROM calls AS c LEFT JOIN reserved AS r ON r.id = c."subscriptionId" LEFT JOIN inserted AS i ON i.id = c.id
  ORDER BY c.ord
$$;
