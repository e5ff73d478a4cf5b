-- Data Policy §8 (audit logging) and §12 (preserve logs): every audit event is
-- chained to the one before it by a SHA-256 hash, so an edited, removed or
-- reordered row is detected by audit_verify(). The chain is written by a
-- BEFORE INSERT trigger, whatever path the row takes (audit_append, a direct
-- INSERT by the app role, an owner fixture); audit_append is the sanctioned
-- path and adds the store check. Written for PostgreSQL 15 and PGlite alike.
ALTER TABLE audit_events ADD CONSTRAINT audit_events_actor_type_ck
  CHECK (actor_type IN ('staff', 'requester', 'system', 'anonymous'));
--> statement-breakpoint
ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_ck
  CHECK (outcome IN ('success', 'failure', 'denied'));
--> statement-breakpoint
ALTER TABLE audit_events ADD CONSTRAINT audit_events_action_ck
  CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$');
--> statement-breakpoint
-- The one definition of what a hash covers: a JSON array, so no two rows can
-- produce the same text. `at` is fixed to UTC with microseconds (the column's
-- full precision); jsonb prints `details` with its keys in a canonical order.
CREATE FUNCTION audit_canonical(a audit_events) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT jsonb_build_array(
    'custodian.audit.v1',
    a.id,
    to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    a.actor_type,
    a.actor_id,
    a.action,
    a.target,
    a.store_id,
    a.outcome,
    a.ip,
    a.user_agent,
    a.request_id,
    a.details,
    a.prev_hash
  )::text
$$;
--> statement-breakpoint
CREATE FUNCTION audit_hash(a audit_events) RETURNS text
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT encode(sha256(convert_to(audit_canonical(a), 'UTF8')), 'hex')
$$;
--> statement-breakpoint
-- Runs as owner so that it sees the last row of every store, not only the
-- caller's. The advisory lock is transaction-scoped: the next appender waits
-- until this row is committed (or rolled back), then reads it as the head.
CREATE FUNCTION audit_events_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  head_id bigint;
  head_hash text;
BEGIN
  -- Under REPEATABLE READ or SERIALIZABLE the head read below would come from
  -- a snapshot taken before the lock, and two appends could fork the chain.
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'audit events are appended in READ COMMITTED transactions only'
      USING ERRCODE = 'feature_not_supported';
  END IF;
  PERFORM pg_advisory_xact_lock(7240917003);
  SELECT e.id, e.hash INTO head_id, head_hash
    FROM audit_events e ORDER BY e.id DESC LIMIT 1;
  -- An id drawn before the lock may be lower than the head committed since;
  -- drawing again under the lock keeps id order equal to chain order.
  IF head_id IS NOT NULL AND NEW.id <= head_id THEN
    NEW.id := nextval(pg_get_serial_sequence('audit_events', 'id'));
  END IF;
  -- A scoped transaction (SET ROLE custodian_app) cannot choose the time of
  -- its event; owner-level fixtures and imports may.
  IF current_setting('role') <> 'none' OR NEW.at IS NULL THEN
    NEW.at := clock_timestamp();
  END IF;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_hash(NEW);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
--> statement-breakpoint
-- The sanctioned way to write an audit event; returns its id.
--
-- Store check: SECURITY DEFINER makes current_user the owner, and session_user
-- is the owner too in a scoped transaction, so neither tells who called. The
-- `role` setting does: db.asUser/asJob run SET LOCAL ROLE custodian_app, which
-- a SECURITY DEFINER call does not change, while owner-level code (migrations,
-- maintenance) has role 'none'. So: whenever the session has switched role,
-- a store event must name one of app.store_ids (an empty list grants none);
-- owner-level callers may write any store. app.store_ids alone would not do:
-- after a scoped transaction the setting reads '' on a pooled connection, so
-- "unset" and "no stores" cannot be told apart.
CREATE FUNCTION audit_append(
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
     AND current_setting('role') <> 'none'
     AND NOT (p_store_id = ANY (coalesce(
       string_to_array(nullif(current_setting('app.store_ids', true), ''), ',')::uuid[],
       '{}'::uuid[]))) THEN
    RAISE EXCEPTION 'audit event for store % refused: not in the principal''s stores', p_store_id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- Taken here as well as in the trigger so that `at` (clock_timestamp, set
  -- by the trigger) rises with the id.
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
-- Walks the whole trail in id order. The first remaining row's prev_hash is
-- the anchor (the retention purge removes rows from the front, Data Policy
-- §9). Reports how many rows were checked and the first broken row: 'hash
-- mismatch' when a row's content no longer matches its hash, 'broken link'
-- when its prev_hash is not the hash of the row before it (a row removed or
-- inserted). A scoped caller must be an auditor (app.audit_all = 'on').
CREATE FUNCTION audit_verify()
RETURNS TABLE (checked bigint, first_broken_id bigint, reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r audit_events;
  previous text;
  first boolean := true;
BEGIN
  IF current_setting('role') <> 'none'
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
REVOKE EXECUTE ON FUNCTION audit_canonical(audit_events) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_hash(audit_events) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_events_chain() FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_append(text, text, text, text, uuid, text, text, text, text, jsonb) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_verify() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_append(text, text, text, text, uuid, text, text, text, text, jsonb) TO custodian_app;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION audit_verify() TO custodian_app;
