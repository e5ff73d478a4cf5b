-- Data Policy §5 and §8: store isolation by row-level security, an application
-- role that is not the owner, not superuser and has no BYPASSRLS, and an
-- append-only audit trail. Written for PostgreSQL 15 and PGlite alike.
DO $$
BEGIN
  CREATE ROLE custodian_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- The connecting (owner) role switches to custodian_app with SET LOCAL ROLE.
DO $$
BEGIN
  IF NOT pg_has_role(current_user, 'custodian_app', 'MEMBER') THEN
    EXECUTE 'GRANT custodian_app TO ' || quote_ident(current_user);
  END IF;
END
$$;
--> statement-breakpoint
CREATE FUNCTION app_apply_store_isolation(tbl regclass, col text DEFAULT 'store_id')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  granted text := format(
    '%I = ANY (coalesce(string_to_array(nullif(current_setting(''app.store_ids'', true), ''''), '','')::uuid[], ''{}''::uuid[]))',
    col);
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS store_isolation ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY store_isolation ON %s AS PERMISSIVE FOR ALL TO custodian_app USING (%s) WITH CHECK (%s)',
    tbl, granted, granted);
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO custodian_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO custodian_app;
--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO custodian_app;
--> statement-breakpoint
-- Roles are data kept by the application module and written by the owner.
REVOKE INSERT, UPDATE, DELETE ON roles FROM custodian_app;
--> statement-breakpoint
SELECT app_apply_store_isolation('stores', 'id');
--> statement-breakpoint
SELECT app_apply_store_isolation('store_marketplaces');
--> statement-breakpoint
SELECT app_apply_store_isolation('store_grants');
--> statement-breakpoint
-- A principal may read its own grants before its store set is known.
CREATE POLICY own_grants ON store_grants AS PERMISSIVE FOR SELECT TO custodian_app
  USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
--> statement-breakpoint
SELECT app_apply_store_isolation('products');
--> statement-breakpoint
SELECT app_apply_store_isolation('listings');
--> statement-breakpoint
SELECT app_apply_store_isolation('inventory_snapshots');
--> statement-breakpoint
SELECT app_apply_store_isolation('orders');
--> statement-breakpoint
SELECT app_apply_store_isolation('order_items');
--> statement-breakpoint
SELECT app_apply_store_isolation('buyer_pii');
--> statement-breakpoint
SELECT app_apply_store_isolation('returns');
--> statement-breakpoint
SELECT app_apply_store_isolation('sales_traffic_daily');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_profiles');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_campaigns');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_groups');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_keywords');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_targets');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_budget_bid_changes');
--> statement-breakpoint
SELECT app_apply_store_isolation('ad_metrics_daily');
--> statement-breakpoint
SELECT app_apply_store_isolation('settlements');
--> statement-breakpoint
SELECT app_apply_store_isolation('settlement_lines');
--> statement-breakpoint
SELECT app_apply_store_isolation('financial_events');
--> statement-breakpoint
SELECT app_apply_store_isolation('fees');
--> statement-breakpoint
SELECT app_apply_store_isolation('search_terms');
--> statement-breakpoint
SELECT app_apply_store_isolation('api_request_log');
--> statement-breakpoint
SELECT app_apply_store_isolation('sync_runs');
--> statement-breakpoint
SELECT app_apply_store_isolation('sync_cursors');
--> statement-breakpoint
SELECT app_apply_store_isolation('audit_events');
--> statement-breakpoint
-- Events about no store in particular (sign-in, user changes) are readable and
-- writable by any principal; store events stay behind store_isolation.
CREATE POLICY storeless_events ON audit_events AS PERMISSIVE FOR ALL TO custodian_app
  USING (store_id IS NULL) WITH CHECK (store_id IS NULL);
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM custodian_app;
--> statement-breakpoint
-- Append-only for everyone, the owner included; only the retention purge may
-- delete, and only rows older than the 90-day floor (Data Policy §9).
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE'
     AND current_setting('app.audit_purge', true) = 'on'
     AND OLD.at < now() - interval '90 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
-- ACOS and ROAS are derived, never stored; the view runs with the caller's rights.
CREATE VIEW ad_metrics_derived WITH (security_invoker = true) AS
SELECT m.*,
  CASE WHEN m.sales > 0 THEN round(m.spend / m.sales * 100, 2) END AS acos,
  CASE WHEN m.spend > 0 THEN round(m.sales / m.spend, 2) END AS roas
FROM ad_metrics_daily m;
--> statement-breakpoint
GRANT SELECT ON ad_metrics_derived TO custodian_app;
--> statement-breakpoint
ALTER TABLE stores ADD CONSTRAINT stores_status_ck
  CHECK (status IN ('registered', 'connected', 'revoked', 'disconnecting', 'disconnected'));
--> statement-breakpoint
ALTER TABLE stores ADD CONSTRAINT stores_region_ck CHECK (region IN ('NA', 'EU', 'FE'));
--> statement-breakpoint
ALTER TABLE staff_users ADD CONSTRAINT staff_users_status_ck
  CHECK (status IN ('invited', 'active', 'disabled'));
--> statement-breakpoint
ALTER TABLE orders ADD CONSTRAINT orders_currency_ck CHECK (currency ~ '^[A-Z]{3}$');
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_apply_store_isolation(regclass, text) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_events_append_only() FROM PUBLIC;
