-- Data Policy §5: store isolation must not rest on a login that can bypass it.
-- Until now requests ran on the owner's connection with SET LOCAL ROLE
-- custodian_app: a RESET ROLE gave the owner back, and custodian_app was one
-- role for the whole cluster, so a second deployment's login inherited the
-- rights it had here. From this migration on:
--
-- * every database has its own runtime role, named by app_runtime_role()
--   (custodian_app_<database>). It can log in, owns nothing, is not superuser,
--   has no BYPASSRLS and is a member of no role. On PostgreSQL the portal's
--   request pool logs in as it (db/client.ts sets its password at start); the
--   owner's login is used only for migrations and db/maintenance.ts.
-- * every privilege and policy custodian_app held here moves to that role, and
--   custodian_app keeps nothing in this database;
-- * only the owner and the runtime role may connect to this database.
--
-- Later migrations name the role through app_runtime_role() (format('%I')).
-- Written for PostgreSQL 15 and PGlite alike.
CREATE FUNCTION app_runtime_role() RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
  SELECT 'custodian_app_' || CASE
    WHEN current_database() ~ '^[a-z_][a-z0-9_]{0,48}$' THEN current_database()
    ELSE 'x' || left(md5(current_database()), 24)
  END
$$;
--> statement-breakpoint
-- The name is unique per database, so concurrent migrations of different
-- databases never race for it; a role left by a dropped database of the same
-- name is reused (start-up refuses it if it has gained any power).
DO $$
BEGIN
  EXECUTE format(
    'CREATE ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT',
    app_runtime_role());
EXCEPTION
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
-- Every privilege custodian_app holds in this database, granted to the
-- runtime role instead: schema, tables and views, columns, sequences,
-- functions.
DO $$
DECLARE
  app text := app_runtime_role();
  legacy regrole := 'custodian_app'::regrole;
  r record;
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app);
  FOR r IN
    SELECT c.oid::regclass AS obj, c.relkind, a.privilege_type AS priv
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL aclexplode(c.relacl) a
    WHERE a.grantee = legacy
  LOOP
    EXECUTE format('GRANT %s ON %s %s TO %I', r.priv,
      CASE WHEN r.relkind = 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.obj, app);
  END LOOP;
  FOR r IN
    SELECT c.oid::regclass AS obj, att.attname, a.privilege_type AS priv
    FROM pg_attribute att
    JOIN pg_class c ON c.oid = att.attrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL aclexplode(att.attacl) a
    WHERE a.grantee = legacy
  LOOP
    EXECUTE format('GRANT %s (%I) ON TABLE %s TO %I', r.priv, r.attname, r.obj, app);
  END LOOP;
  FOR r IN
    SELECT p.oid::regprocedure AS fn
    FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace AND n.nspname = 'public'
    CROSS JOIN LATERAL aclexplode(p.proacl) a
    WHERE a.grantee = legacy AND a.privilege_type = 'EXECUTE'
  LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', r.fn, app);
  END LOOP;
  -- Every policy for custodian_app is now for the runtime role.
  FOR r IN
    SELECT p.polname, p.polrelid::regclass AS tbl
    FROM pg_policy p
    WHERE legacy = ANY (p.polroles)
  LOOP
    EXECUTE format('ALTER POLICY %I ON %s TO %I', r.polname, r.tbl, app);
  END LOOP;
END
$$;
--> statement-breakpoint
-- custodian_app keeps nothing here (revoking a table privilege revokes its
-- column privileges too).
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM custodian_app;
--> statement-breakpoint
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM custodian_app;
--> statement-breakpoint
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM custodian_app;
--> statement-breakpoint
REVOKE ALL ON SCHEMA public FROM custodian_app;
--> statement-breakpoint
-- Store tables added later get the policy for the runtime role.
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
    'CREATE POLICY store_isolation ON %s AS PERMISSIVE FOR ALL TO %I USING (%s) WITH CHECK (%s)',
    tbl, app_runtime_role(), granted, granted);
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_apply_store_isolation(regclass, text) FROM PUBLIC;
--> statement-breakpoint
-- Only the owner and the runtime role may connect: another deployment's
-- logins on the same cluster cannot even open this database. Needs the
-- database's owner (or a superuser); otherwise a warning, and the grants
-- above still give other logins nothing here.
DO $$
BEGIN
  EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), app_runtime_role());
EXCEPTION
  WHEN insufficient_privilege THEN
    RAISE WARNING 'could not restrict CONNECT on database %: migrate as its owner to do so', current_database();
END
$$;
