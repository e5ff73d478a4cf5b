-- Issue #15: the dashboard reads daily aggregates, not a scan of every order
-- (fast at a million orders). daily_sales holds per store, marketplace,
-- marketplace-local day and currency the orders that were not cancelled,
-- their units and their order totals; daily_product_sales the same per ASIN
-- from the order items (item prices). Both are derived data of the orders
-- category (Data Policy §3) and are kept by the database itself: after every
-- statement that inserts, updates or deletes orders or order items (the
-- sync's upserts, the report backfill's inserts, a disconnection's or the
-- retention purge's deletes), a statement trigger recomputes the buckets
-- (store, marketplace, day) the changed rows fall in, old and new, from the
-- orders of those days, in the same transaction. A recomputation, not a
-- running sum, so it stays exact under updates that change an order's
-- status, amount or day, and under replays.
--
-- A day is the marketplace's own (its time zone as in
-- lib/amazon/marketplaces.ts; tests/db/daily_aggregates_test.ts checks the
-- two agree), as Seller Central reports it.
CREATE FUNCTION app_marketplace_time_zone(marketplace_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT CASE marketplace_id
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
  END
$$;
--> statement-breakpoint
CREATE TABLE "daily_sales" (
	"store_id" uuid NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"marketplace_id" text NOT NULL,
	"day" date NOT NULL,
	"currency" char(3) NOT NULL,
	"orders" integer NOT NULL,
	"priced_orders" integer NOT NULL,
	"units" integer NOT NULL,
	"sales" numeric(18, 4) NOT NULL,
	CONSTRAINT "daily_sales_pk" PRIMARY KEY ("store_id", "day", "marketplace_id", "currency")
);
--> statement-breakpoint
CREATE TABLE "daily_product_sales" (
	"store_id" uuid NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"marketplace_id" text NOT NULL,
	"day" date NOT NULL,
	"asin" text NOT NULL,
	"currency" char(3) NOT NULL,
	"orders" integer NOT NULL,
	"units" integer NOT NULL,
	"sales" numeric(18, 4) NOT NULL,
	CONSTRAINT "daily_product_sales_pk" PRIMARY KEY ("store_id", "day", "marketplace_id", "asin", "currency")
);
--> statement-breakpoint
SELECT app_apply_store_isolation('daily_sales');
--> statement-breakpoint
SELECT app_apply_store_isolation('daily_product_sales');
--> statement-breakpoint
-- Recomputes the given buckets from the orders (and their items) of those
-- days. An order without a currency is counted under XXX (ISO 4217: no
-- currency), never mixed into another currency.
CREATE FUNCTION app_daily_refresh(p_store uuid[], p_market text[], p_day date[])
RETURNS void LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
  s uuid[];
  m text[];
  d date[];
BEGIN
  SELECT array_agg(b.s), array_agg(b.m), array_agg(b.d) INTO s, m, d
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
  SELECT o.store_id, o.marketplace_id, b.d, coalesce(o.currency, 'XXX'),
         count(*)::int, count(o.order_total)::int,
         coalesce(sum(i.units), 0)::int, coalesce(sum(o.order_total), 0)
  FROM unnest(s, m, d) AS b(s, m, d)
  JOIN orders o ON o.store_id = b.s
    AND o.purchased_at >= b.d::timestamp AT TIME ZONE app_marketplace_time_zone(b.m)
    AND o.purchased_at < (b.d + 1)::timestamp AT TIME ZONE app_marketplace_time_zone(b.m)
    AND o.marketplace_id = b.m
  LEFT JOIN LATERAL (
    SELECT sum(it.quantity) AS units FROM order_items it
    WHERE it.store_id = o.store_id AND it.amazon_order_id = o.amazon_order_id
  ) i ON true
  WHERE o.status <> 'Canceled'
  GROUP BY 1, 2, 3, 4;

  INSERT INTO daily_product_sales (store_id, marketplace_id, day, asin,
                                   currency, orders, units, sales)
  SELECT o.store_id, o.marketplace_id, b.d, it.asin,
         coalesce(o.currency, 'XXX'), count(DISTINCT o.amazon_order_id)::int,
         sum(it.quantity)::int, coalesce(sum(it.item_price), 0)
  FROM unnest(s, m, d) AS b(s, m, d)
  JOIN orders o ON o.store_id = b.s
    AND o.purchased_at >= b.d::timestamp AT TIME ZONE app_marketplace_time_zone(b.m)
    AND o.purchased_at < (b.d + 1)::timestamp AT TIME ZONE app_marketplace_time_zone(b.m)
    AND o.marketplace_id = b.m
  JOIN order_items it ON it.store_id = o.store_id
    AND it.amazon_order_id = o.amazon_order_id
  WHERE o.status <> 'Canceled'
  GROUP BY 1, 2, 3, 4, 5;
END
$$;
--> statement-breakpoint
-- The buckets of the orders a statement wrote (before and after images).
CREATE FUNCTION app_orders_daily() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM app_daily_refresh(array_agg(store_id), array_agg(marketplace_id),
      array_agg((purchased_at AT TIME ZONE app_marketplace_time_zone(marketplace_id))::date))
    FROM (SELECT DISTINCT store_id, marketplace_id, purchased_at FROM new_rows) n;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM app_daily_refresh(array_agg(store_id), array_agg(marketplace_id),
      array_agg((purchased_at AT TIME ZONE app_marketplace_time_zone(marketplace_id))::date))
    FROM (SELECT store_id, marketplace_id, purchased_at FROM new_rows
          UNION SELECT store_id, marketplace_id, purchased_at FROM old_rows) n;
  ELSE
    PERFORM app_daily_refresh(array_agg(store_id), array_agg(marketplace_id),
      array_agg((purchased_at AT TIME ZONE app_marketplace_time_zone(marketplace_id))::date))
    FROM (SELECT DISTINCT store_id, marketplace_id, purchased_at FROM old_rows) n;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- The buckets of the orders whose items a statement wrote.
CREATE FUNCTION app_order_items_daily() RETURNS trigger
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM app_daily_refresh(array_agg(o.store_id), array_agg(o.marketplace_id),
      array_agg((o.purchased_at AT TIME ZONE app_marketplace_time_zone(o.marketplace_id))::date))
    FROM orders o
    WHERE (o.store_id, o.amazon_order_id) IN
      (SELECT store_id, amazon_order_id FROM new_rows);
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM app_daily_refresh(array_agg(o.store_id), array_agg(o.marketplace_id),
      array_agg((o.purchased_at AT TIME ZONE app_marketplace_time_zone(o.marketplace_id))::date))
    FROM orders o
    WHERE (o.store_id, o.amazon_order_id) IN
      (SELECT store_id, amazon_order_id FROM new_rows
       UNION SELECT store_id, amazon_order_id FROM old_rows);
  ELSE
    PERFORM app_daily_refresh(array_agg(o.store_id), array_agg(o.marketplace_id),
      array_agg((o.purchased_at AT TIME ZONE app_marketplace_time_zone(o.marketplace_id))::date))
    FROM orders o
    WHERE (o.store_id, o.amazon_order_id) IN
      (SELECT store_id, amazon_order_id FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER orders_daily_insert AFTER INSERT ON orders
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_orders_daily();
--> statement-breakpoint
CREATE TRIGGER orders_daily_update AFTER UPDATE ON orders
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_orders_daily();
--> statement-breakpoint
CREATE TRIGGER orders_daily_delete AFTER DELETE ON orders
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_orders_daily();
--> statement-breakpoint
CREATE TRIGGER order_items_daily_insert AFTER INSERT ON order_items
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_order_items_daily();
--> statement-breakpoint
CREATE TRIGGER order_items_daily_update AFTER UPDATE ON order_items
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_order_items_daily();
--> statement-breakpoint
CREATE TRIGGER order_items_daily_delete AFTER DELETE ON order_items
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app_order_items_daily();
--> statement-breakpoint
-- Orders already stored (a database migrated after its first sync).
SELECT app_daily_refresh(array_agg(store_id), array_agg(marketplace_id),
  array_agg(day))
FROM (SELECT DISTINCT store_id, marketplace_id,
        (purchased_at AT TIME ZONE app_marketplace_time_zone(marketplace_id))::date AS day
      FROM orders) o;
--> statement-breakpoint
-- The runtime role reads the aggregates; it writes them only through the
-- triggers above (which run with its rights and its store set, so a
-- statement refreshes only buckets of stores it may write).
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON daily_sales TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON daily_product_sales TO %I', app);
END
$$;
