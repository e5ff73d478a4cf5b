-- Data Policy §5, same rule, cheaper: the principal's store set is now read
-- once per statement (a scalar subquery becomes an InitPlan) instead of once
-- per row. Before, every row a statement checked parsed app.store_ids again;
-- a 2,500-row upsert spent ~15% of its time there. Index scans still use it.
CREATE OR REPLACE FUNCTION app_apply_store_isolation(tbl regclass, col text DEFAULT 'store_id')
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  granted text := format(
    '%I = ANY (CAST((SELECT coalesce(string_to_array(nullif(current_setting(''app.store_ids'', true), ''''), '','')::uuid[], ''{}''::uuid[])) AS uuid[]))',
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
-- Every table that has the policy gets it again in the new form.
DO $$
DECLARE
  t record;
BEGIN
  FOR t IN
    SELECT c.oid::regclass AS tbl, c.relname
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
    WHERE p.polname = 'store_isolation'
  LOOP
    PERFORM app_apply_store_isolation(
      t.tbl, CASE WHEN t.relname = 'stores' THEN 'id' ELSE 'store_id' END);
  END LOOP;
END
$$;
