-- Issue #15, the order screens: keyset indexes that keep /orders fast at any
-- depth (each sort key, then store and order id, so a page starts where the
-- last ended without an OFFSET scan), lookups of an order's items, financial
-- events and fees, and the portal setting that freezes exports and buyer-data
-- reveals (Data Policy §8 and §12: the incident response can stop every
-- export at once).
CREATE INDEX "orders_keyset_purchased_idx" ON "orders" ("purchased_at", "store_id", "amazon_order_id");
--> statement-breakpoint
CREATE INDEX "orders_keyset_total_idx" ON "orders" ((coalesce("order_total", -1)), "purchased_at", "store_id", "amazon_order_id");
--> statement-breakpoint
CREATE INDEX "orders_keyset_status_idx" ON "orders" ("status", "purchased_at", "store_id", "amazon_order_id");
--> statement-breakpoint
CREATE INDEX "order_items_sku_idx" ON "order_items" ("sku", "store_id");
--> statement-breakpoint
CREATE INDEX "order_items_asin_idx" ON "order_items" ("asin", "store_id");
--> statement-breakpoint
CREATE INDEX "financial_events_order_idx" ON "financial_events" ("store_id", "amazon_order_id");
--> statement-breakpoint
CREATE INDEX "fees_order_idx" ON "fees" ("store_id", "amazon_order_id");
--> statement-breakpoint
-- Settings of the portal as a whole, one row per known key. The runtime role
-- reads them; it changes one only through portal_setting_set, which takes an
-- active owner (the application checks too).
CREATE TABLE "portal_settings" (
	"key" text PRIMARY KEY NOT NULL,
	"value_json" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "portal_settings_key_known" CHECK ("key" IN ('exports_frozen'))
);
--> statement-breakpoint
INSERT INTO "portal_settings" ("key", "value_json") VALUES ('exports_frozen', 'false'::jsonb);
--> statement-breakpoint
CREATE FUNCTION portal_setting_set(p_key text, p_value jsonb, p_at timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor uuid := nullif(current_setting('app.user_id', true), '')::uuid;
BEGIN
  IF app_is_scoped() AND NOT EXISTS (
    SELECT 1 FROM staff_users u
    WHERE u.id = actor AND u.role = 'owner' AND u.status = 'active') THEN
    RAISE EXCEPTION 'only an active owner may change a portal setting'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE portal_settings SET value_json = p_value, updated_by = actor, updated_at = p_at
    WHERE key = p_key;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such setting' USING ERRCODE = 'no_data_found';
  END IF;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION portal_setting_set(text, jsonb, timestamptz) FROM PUBLIC;
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('GRANT SELECT ON portal_settings TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION portal_setting_set(text, jsonb, timestamptz) TO %I', app);
END
$$;
