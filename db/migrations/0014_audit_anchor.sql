-- Data Policy §8 and §12: the hash chain alone cannot tell a trail cut at
-- either end, or rewritten with every later hash recomputed, from an honest
-- one. The application anchors it outside the database: a periodic
-- checkpoint (count, head id and hash, rows per day, time) authenticated
-- with a key the database never sees, kept in Deno KV and in the log
-- (lib/security/audit_checkpoint.ts). These two functions give it what it
-- compares. Both run as owner so they see every store's rows; a scoped
-- caller must be an auditor (app.audit_all = 'on'), as for audit_verify.
--
-- audit_state: the trail's size and head, and for the rows up to p_pin (the
-- checkpoint's head; the current head when null): their count, the pinned
-- row's hash, and their count per UTC day from p_since on. One snapshot.
CREATE FUNCTION audit_state(p_pin bigint, p_since timestamptz)
RETURNS TABLE (
  total bigint,
  first_id bigint,
  head_id bigint,
  head_hash text,
  head_at timestamptz,
  pinned_count bigint,
  pinned_hash text,
  days jsonb
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  pin bigint;
BEGIN
  IF app_is_scoped()
     AND coalesce(current_setting('app.audit_all', true), '') <> 'on' THEN
    RAISE EXCEPTION 'reading the audit trail''s state needs audit.read'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT count(*), min(e.id) INTO total, first_id FROM audit_events e;
  SELECT e.id, e.hash, e.at INTO head_id, head_hash, head_at
    FROM audit_events e ORDER BY e.id DESC LIMIT 1;
  pin := coalesce(p_pin, head_id);
  SELECT count(*) INTO pinned_count FROM audit_events e WHERE e.id <= pin;
  SELECT e.hash INTO pinned_hash FROM audit_events e WHERE e.id = pin;
  SELECT coalesce(jsonb_object_agg(x.d, x.n), '{}'::jsonb) INTO days
  FROM (
    SELECT to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS d, count(*) AS n
    FROM audit_events e
    WHERE e.id <= pin AND e.at >= p_since
    GROUP BY 1
  ) x;
  RETURN NEXT;
END
$$;
--> statement-breakpoint
-- audit_verify from row p_from on (the whole trail when null): the rows
-- appended since the last checkpoint, checked before the next one pins them.
CREATE FUNCTION audit_verify_since(p_from bigint)
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
  FOR r IN SELECT * FROM audit_events e
           WHERE p_from IS NULL OR e.id >= p_from ORDER BY e.id LOOP
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
REVOKE EXECUTE ON FUNCTION audit_state(bigint, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_verify_since(bigint) FROM PUBLIC;
--> statement-breakpoint
DO $$
BEGIN
  EXECUTE format('GRANT EXECUTE ON FUNCTION audit_state(bigint, timestamptz),
    audit_verify_since(bigint) TO %I', app_runtime_role());
END
$$;
