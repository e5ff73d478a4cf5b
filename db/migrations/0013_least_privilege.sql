-- Data Policy §5 and §8, least privilege for the runtime role
-- (app_runtime_role(), 0012_runtime_login.sql):
--
-- * it cannot read a password hash: sign-in asks for the hash's parameters and
--   salt, derives the candidate itself and asks whether it matches; a password
--   is set only through local_password_set, by its own user;
-- * it cannot change a user's role except through staff_set_role, which checks
--   the actor, and nobody scoped makes or unmakes an owner unless the actor
--   is an active owner (a trigger, so inserts are held too);
-- * it appends audit events only through audit_append.
--
-- "Scoped" means a request's or job's transaction: the runtime login on
-- PostgreSQL, SET LOCAL ROLE to the runtime role on PGlite (one session).
-- Neither RESET ROLE nor a SECURITY DEFINER call changes that answer.
-- Written for PostgreSQL 15 and PGlite alike.
CREATE FUNCTION app_is_scoped() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
  SELECT current_setting('role') <> 'none'
      OR NOT pg_has_role(session_user, current_user, 'MEMBER')
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_is_scoped() FROM PUBLIC;
--> statement-breakpoint
-- The audit functions of 0003_audit_chain.sql, with "scoped" decided as
-- above instead of by the role setting alone (which the runtime login on
-- PostgreSQL never changes).
CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  head_id bigint;
  head_hash text;
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'audit events are appended in READ COMMITTED transactions only'
      USING ERRCODE = 'feature_not_supported';
  END IF;
  PERFORM pg_advisory_xact_lock(7240917003);
  SELECT e.id, e.hash INTO head_id, head_hash
    FROM audit_events e ORDER BY e.id DESC LIMIT 1;
  IF head_id IS NOT NULL AND NEW.id <= head_id THEN
    NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
  END IF;
  -- A scoped transaction cannot choose the time of its event; owner-level
  -- fixtures and imports may.
  IF app_is_scoped() OR NEW.at IS NULL THEN
    NEW.at := clock_timestamp();
  END IF;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_hash(NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_append(
  p_actor_type text,
  p_actor_id text,
  p_action text,
  p_target text,
  p_store_id uuid,
  p_outcome text,
  p_ip text,
  p_user_agent text,
  p_request_id text,
  p_details jsonb
) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  new_id bigint;
BEGIN
  IF p_store_id IS NOT NULL
     AND app_is_scoped()
     AND NOT (p_store_id = ANY (coalesce(
       string_to_array(nullif(current_setting('app.store_ids', true), ''), ',')::uuid[],
       '{}'::uuid[]))) THEN
    RAISE EXCEPTION 'audit event for store % refused: not in the principal''s stores', p_store_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  PERFORM pg_advisory_xact_lock(7240917003);
  INSERT INTO audit_events (
    actor_type, actor_id, action, target, store_id, outcome,
    ip, user_agent, request_id, details, at
  ) VALUES (
    p_actor_type, p_actor_id, p_action, p_target, p_store_id, p_outcome,
    p_ip, p_user_agent, p_request_id, coalesce(p_details, '{}'::jsonb),
    clock_timestamp()
  ) RETURNING id INTO new_id;
  RETURN new_id;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION audit_verify()
RETURNS TABLE (checked bigint, first_broken_id bigint, reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r audit_events;
  previous text;
  first boolean := true;
BEGIN
  IF app_is_scoped()
     AND coalesce(current_setting('app.audit_all', true), '') <> 'on' THEN
    RAISE EXCEPTION 'verifying the audit trail needs audit.read'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  checked := 0;
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    checked := checked + 1;
    IF first_broken_id IS NULL THEN
      IF r.hash IS DISTINCT FROM audit_hash(r) THEN
        first_broken_id := r.id;
        reason := 'hash mismatch';
      ELSIF NOT first AND r.prev_hash IS DISTINCT FROM previous THEN
        first_broken_id := r.id;
        reason := 'broken link';
      END IF;
    END IF;
    previous := r.hash;
    first := false;
  END LOOP;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
-- Audit rows are written by audit_append only (it runs as the owner).
DO $$
BEGIN
  EXECUTE format('REVOKE INSERT ON audit_events FROM %I', app_runtime_role());
END
$$;
--> statement-breakpoint
-- Password hashes: every column of local_credentials but password_hash is
-- readable; only the second-factor columns are writable; new rows come from
-- local_password_set.
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('REVOKE SELECT, INSERT, UPDATE ON local_credentials FROM %I', app);
  EXECUTE format('GRANT SELECT (user_id, password_changed_at, totp_secret_jwe,
    totp_confirmed_at, recovery_code_hashes, updated_at) ON local_credentials TO %I', app);
  EXECUTE format('GRANT UPDATE (totp_secret_jwe, totp_confirmed_at,
    recovery_code_hashes, updated_at) ON local_credentials TO %I', app);
END
$$;
--> statement-breakpoint
-- `scrypt$N$r$p$salt` of a user's hash, without the derived key: enough to
-- derive a candidate, useless for guessing offline. Null without a password.
CREATE FUNCTION local_password_params(p_user_id uuid) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT left(c.password_hash, length(c.password_hash) - position('$' IN reverse(c.password_hash)))
  FROM local_credentials c WHERE c.user_id = p_user_id
$$;
--> statement-breakpoint
-- Whether a candidate hash (derived with local_password_params) is the
-- user's: a yes or no, never the hash.
CREATE FUNCTION local_password_matches(p_user_id uuid, p_candidate text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT coalesce((SELECT c.password_hash = p_candidate
    FROM local_credentials c WHERE c.user_id = p_user_id), false)
$$;
--> statement-breakpoint
-- Sets a password hash. A scoped caller sets only its own user's
-- (app.user_id); the application has checked the policy and the age rule.
CREATE FUNCTION local_password_set(p_user_id uuid, p_hash text, p_at timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF app_is_scoped() AND p_user_id IS DISTINCT FROM
       nullif(current_setting('app.user_id', true), '')::uuid THEN
    RAISE EXCEPTION 'a password is set by its own user only'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF p_hash IS NULL OR p_hash !~ '^scrypt\$[0-9]+\$[0-9]+\$[0-9]+\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$' THEN
    RAISE EXCEPTION 'not a password hash' USING ERRCODE = 'invalid_parameter_value';
  END IF;
  INSERT INTO local_credentials (user_id, password_hash, password_changed_at, updated_at)
  VALUES (p_user_id, p_hash, p_at, p_at)
  ON CONFLICT (user_id) DO UPDATE SET
    password_hash = excluded.password_hash,
    password_changed_at = excluded.password_changed_at,
    updated_at = excluded.updated_at;
END
$$;
--> statement-breakpoint
-- Owners are made and unmade by active owners only, whatever the statement
-- (an invitation, a role change). The one exception is the first owner,
-- created while nobody is active yet and still awaiting enrolment.
CREATE FUNCTION staff_users_owner_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor uuid;
BEGIN
  IF NOT app_is_scoped() THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.role IS NOT DISTINCT FROM OLD.role THEN
    RETURN NEW;
  END IF;
  IF NEW.role = 'owner' OR (TG_OP = 'UPDATE' AND OLD.role = 'owner') THEN
    actor := nullif(current_setting('app.user_id', true), '')::uuid;
    IF EXISTS (SELECT 1 FROM staff_users u
               WHERE u.id = actor AND u.role = 'owner' AND u.status = 'active') THEN
      RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' AND NEW.status = 'invited'
       AND NOT EXISTS (SELECT 1 FROM staff_users u WHERE u.status = 'active') THEN
      RETURN NEW;
    END IF;
    RAISE EXCEPTION 'only an active owner may make or unmake an owner'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER staff_users_owner_guard BEFORE INSERT OR UPDATE OF role ON staff_users
  FOR EACH ROW EXECUTE FUNCTION staff_users_owner_guard();
--> statement-breakpoint
-- A user's role changes only here: the actor must be an active user whose
-- role holds users.manage (the trigger above adds the owner rule).
CREATE FUNCTION staff_set_role(p_user_id uuid, p_role text, p_at timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor uuid := nullif(current_setting('app.user_id', true), '')::uuid;
BEGIN
  IF app_is_scoped() AND NOT EXISTS (
    SELECT 1 FROM staff_users u JOIN roles r ON r.name = u.role
    WHERE u.id = actor AND u.status = 'active'
      AND 'users.manage' = ANY (r.permissions)) THEN
    RAISE EXCEPTION 'changing a role needs an active user with users.manage'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  UPDATE staff_users SET role = p_role, updated_at = p_at WHERE id = p_user_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such user' USING ERRCODE = 'no_data_found';
  END IF;
END
$$;
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('REVOKE UPDATE ON staff_users FROM %I', app);
  EXECUTE format('GRANT UPDATE (email, display_name, kind, status, mfa_assurance,
    invited_by, last_sign_in_at, last_seen_at, disabled_at, created_at, updated_at)
    ON staff_users TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION local_password_params(uuid),
    local_password_matches(uuid, text), local_password_set(uuid, text, timestamptz),
    staff_set_role(uuid, text, timestamptz) TO %I', app);
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION local_password_params(uuid) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION local_password_matches(uuid, text) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION local_password_set(uuid, text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION staff_set_role(uuid, text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION staff_users_owner_guard() FROM PUBLIC;
