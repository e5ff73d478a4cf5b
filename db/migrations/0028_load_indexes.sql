-- Issue #15, the load bench (bench/load.ts at a million orders): what keeps
-- the daily aggregates' upkeep and the staff screens fast at that size.
--
-- app_daily_refresh (0024) joined the changed buckets to the orders with the
-- bucket's bounds computed per joined row by app_marketplace_time_zone. Once
-- PL/pgSQL switched to its generic plan, PostgreSQL hash-joined every order
-- of the store and filtered each by calling that function twice, so every
-- statement that wrote orders scanned the whole store: a 2,000-order batch
-- took seconds at 10,000 orders and grew with the table. The bounds are now
-- computed once per bucket, and each bucket reads its own orders through a
-- lateral subquery that the planner cannot flatten (OFFSET 0), so each is an
-- index range scan on orders_purchased_idx (store_id, purchased_at) however
-- large the table: the same figures, the same buckets, the same transaction.
-- app_marketplace_time_zone (0024) ran on every call with its own
-- search_path (a SET clause), which keeps PostgreSQL from inlining it: each
-- call went through the function manager and the SQL-function executor, tens
-- of microseconds apiece, and the dashboard's period figures call it for
-- every aggregate row (a third of a second at a million orders). The same
-- mapping as a SQL-standard body (RETURN) is parsed once, here, so no
-- search_path applies when it runs, and it is inlined into the statements
-- that use it.
CREATE OR REPLACE FUNCTION app_marketplace_time_zone(marketplace_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN CASE marketplace_id
    WHEN 'ATVPDKIKX0DER' THEN 'America/Los_Angeles'
    WHEN 'A2EUQ1WTGCTBG2' THEN 'America/Los_Angeles'
    WHEN 'A1AM78C64UM0Y8' THEN 'America/Los_Angeles'
    WHEN 'A2Q3Y263D00KWC' THEN 'America/Sao_Paulo'
    WHEN 'A1F83G8C2ARO7P' THEN 'Europe/London'
    WHEN 'A1PA6795UKMFR9' THEN 'Europe/Paris'
    WHEN 'A13V1IB3VIYZZH' THEN 'Europe/Paris'
    WHEN 'APJ6JRA9NG5V4' THEN 'Europe/Paris'
    WHEN 'A1RKKUPIHCS9HS' THEN 'Europe/Paris'
    WHEN 'A1805IZSGTT6HS' THEN 'Europe/Amsterdam'
    WHEN 'A2NODRKZP88ZB9' THEN 'Europe/Stockholm'
    WHEN 'A1C3SOZRARQ6R3' THEN 'Europe/Warsaw'
    WHEN 'AMEN7PMS3EDWL' THEN 'Europe/Brussels'
    WHEN 'A28R8C7NBKEWEA' THEN 'Europe/Dublin'
    WHEN 'A33AVAJ2PDY3EV' THEN 'Europe/Istanbul'
    WHEN 'ARBP9OOSHTCHU' THEN 'Africa/Cairo'
    WHEN 'A17E79C6D8DWNP' THEN 'Asia/Riyadh'
    WHEN 'A2VIGQ35RCS4UG' THEN 'Asia/Dubai'
    WHEN 'A21TJRUUN4KGV' THEN 'Asia/Kolkata'
    WHEN 'AE08WJ6YKNBMC' THEN 'Africa/Johannesburg'
    WHEN 'A1VC38T7YXB528' THEN 'Asia/Tokyo'
    WHEN 'A39IBJ37TRP1C6' THEN 'Australia/Sydney'
    WHEN 'A19VAU5U5O7RUS' THEN 'Asia/Singapore'
    ELSE 'UTC'
  END;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app_daily_refresh(p_store uuid[], p_market text[], p_day date[])
RETURNS void LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  s uuid[];
  m text[];
  d date[];
  lo timestamptz[];
  hi timestamptz[];
BEGIN
  SELECT array_agg(b.s), array_agg(b.m), array_agg(b.d),
         array_agg(b.d::timestamp AT TIME ZONE app_marketplace_time_zone(b.m)),
         array_agg((b.d + 1)::timestamp AT TIME ZONE app_marketplace_time_zone(b.m))
    INTO s, m, d, lo, hi
  FROM (SELECT DISTINCT * FROM unnest(p_store, p_market, p_day) AS u(s, m, d)
        WHERE u.s IS NOT NULL AND u.d IS NOT NULL) b;
  IF s IS NULL THEN
    RETURN;
  END IF;

  DELETE FROM daily_sales t
  USING unnest(s, m, d) AS b(s, m, d)
  WHERE t.store_id = b.s AND t.day = b.d AND t.marketplace_id = b.m;
  DELETE FROM daily_product_sales t
  USING unnest(s, m, d) AS b(s, m, d)
  WHERE t.store_id = b.s AND t.day = b.d AND t.marketplace_id = b.m;

  INSERT INTO daily_sales (store_id, marketplace_id, day, currency, orders,
                           priced_orders, units, sales)
  SELECT b.s, b.m, b.d, coalesce(o.currency, 'XXX'),
         count(*)::int, count(o.order_total)::int,
         coalesce(sum(i.units), 0)::int, coalesce(sum(o.order_total), 0)
  FROM unnest(s, m, d, lo, hi) AS b(s, m, d, lo, hi)
  CROSS JOIN LATERAL (
    SELECT o.store_id, o.amazon_order_id, o.currency, o.order_total
    FROM orders o
    WHERE o.store_id = b.s AND o.purchased_at >= b.lo
      AND o.purchased_at < b.hi AND o.marketplace_id = b.m
      AND o.status <> 'Canceled'
    OFFSET 0
  ) o
  LEFT JOIN LATERAL (
    SELECT sum(it.quantity) AS units FROM order_items it
    WHERE it.store_id = o.store_id AND it.amazon_order_id = o.amazon_order_id
  ) i ON true
  GROUP BY 1, 2, 3, 4;

  INSERT INTO daily_product_sales (store_id, marketplace_id, day, asin,
                                   currency, orders, units, sales)
  SELECT b.s, b.m, b.d, it.asin,
         coalesce(o.currency, 'XXX'), count(DISTINCT o.amazon_order_id)::int,
         sum(it.quantity)::int, coalesce(sum(it.item_price), 0)
  FROM unnest(s, m, d, lo, hi) AS b(s, m, d, lo, hi)
  CROSS JOIN LATERAL (
    SELECT o.store_id, o.amazon_order_id, o.currency
    FROM orders o
    WHERE o.store_id = b.s AND o.purchased_at >= b.lo
      AND o.purchased_at < b.hi AND o.marketplace_id = b.m
      AND o.status <> 'Canceled'
    OFFSET 0
  ) o
  JOIN order_items it ON it.store_id = o.store_id
    AND it.amazon_order_id = o.amazon_order_id
  GROUP BY 1, 2, 3, 4, 5;
END
$$;
