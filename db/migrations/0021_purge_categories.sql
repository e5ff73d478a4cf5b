-- Data Policy §9: the purge reaches every category its rules name
-- (lib/policy/purge.ts). Three things the buyer-data purge did not need:
--
-- * purge records and a lease for work that belongs to no store: the audit
--   trail (one chain across stores) and the sessions kept in Deno KV;
-- * a purge record names the table it deleted from (a category such as
--   settlements spans settlements and settlement_lines);
-- * the audit trail loses its oldest rows without losing its proof: the
--   sanctioned purge (audit_purge) deletes a prefix of the chain, and every
--   deletion leaves an anchor row ("the chain now starts after row N, whose
--   hash was H") in the same transaction, so audit_verify checks the first
--   remaining row against the anchor instead of taking its prev_hash on
--   trust. Rows cut from the front without an anchor, or from the middle,
--   are reported as a 'broken anchor' or a 'broken link'.
ALTER TABLE "purge_records" ALTER COLUMN "store_id" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "purge_records" ADD COLUMN "table_name" text;
--> statement-breakpoint
-- The rows left in the table (of the store) when the run finished: the
-- /retention chart of rows per category over time is drawn from these.
ALTER TABLE "purge_records" ADD COLUMN "rows_remaining" bigint;
--> statement-breakpoint
-- The lease for the purge of what belongs to no store (name: 'global').
CREATE TABLE "purge_global_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
-- One row per deletion of audit events: the last row deleted, its hash, and
-- how many rows went. The newest anchor (highest after_id) is where the
-- chain now starts. Written only by the trigger below.
CREATE TABLE "audit_anchors" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY NOT NULL,
	"after_id" bigint NOT NULL,
	"after_hash" text,
	"rows_deleted" bigint NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE FUNCTION audit_events_anchor() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  -- Only the sanctioned purge moves the anchor; rows removed any other way
  -- (the append-only trigger disabled by someone with the owner's rights)
  -- leave the chain's start where it was, and audit_verify says so.
  IF coalesce(current_setting('app.audit_purge', true), '') = 'on' THEN
    INSERT INTO audit_anchors (after_id, after_hash, rows_deleted, at)
    SELECT o.id, o.hash, (SELECT count(*) FROM gone), clock_timestamp()
    FROM gone o ORDER BY o.id DESC LIMIT 1;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER audit_events_anchor AFTER DELETE ON audit_events
  REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_anchor();
--> statement-breakpoint
-- The whole trail, from the anchor: as before, plus the first remaining
-- row must come after the newest anchor and link to its hash (or, with no
-- anchor, be the first row ever: no prev_hash).
CREATE OR REPLACE FUNCTION audit_verify()
RETURNS TABLE (checked bigint, first_broken_id bigint, reason text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  r audit_events;
  previous text;
  first boolean := true;
  anchor_id bigint;
  anchor_hash text;
BEGIN
  IF app_is_scoped()
     AND coalesce(current_setting('app.audit_all', true), '') <> 'on' THEN
    RAISE EXCEPTION 'verifying the audit trail needs audit.read'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  SELECT a.after_id, a.after_hash INTO anchor_id, anchor_hash
    FROM audit_anchors a ORDER BY a.after_id DESC, a.id DESC LIMIT 1;
  checked := 0;
  FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
    checked := checked + 1;
    IF first_broken_id IS NULL THEN
      IF r.hash IS DISTINCT FROM audit_hash(r) THEN
        first_broken_id := r.id;
        reason := 'hash mismatch';
      ELSIF first AND (r.id <= coalesce(anchor_id, 0)
          OR r.prev_hash IS DISTINCT FROM anchor_hash) THEN
        first_broken_id := r.id;
        reason := 'broken anchor';
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
-- The retention purge of the audit trail (Data Policy §9): deletes, oldest
-- first, at most p_limit rows of the prefix of the chain that is older than
-- both p_before and the rule (never younger than the 90-day floor, which
-- the append-only trigger enforces too), stopping at the first row under an
-- active legal hold: the chain stays one piece. Appends wait on the chain's
-- lock for the length of one batch. Returns the rows due (older than the
-- cut-off), those kept by a hold (the held row and every due row after it),
-- and the rows deleted by this call.
CREATE FUNCTION audit_purge(p_before timestamptz, p_limit integer)
RETURNS TABLE (due bigint, held bigint, deleted bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  rule_days integer;
  cutoff timestamptz;
  stop_id bigint;
  held_id bigint;
BEGIN
  SELECT r.days INTO rule_days FROM retention_rules r
    WHERE r.category = 'audit_events';
  cutoff := least(p_before, now() - make_interval(days => greatest(rule_days, 90)));
  PERFORM pg_advisory_xact_lock(7240917003);
  -- The first row that is not due ends the prefix (ids follow time).
  SELECT min(e.id) INTO stop_id FROM audit_events e WHERE e.at >= cutoff;
  SELECT min(x.id) INTO held_id FROM legal_holds h
    CROSS JOIN LATERAL (
      SELECT e.id FROM audit_events e
      WHERE (h.store_id IS NULL OR e.store_id = h.store_id)
        AND (h.from_at IS NULL OR e.at >= h.from_at)
        AND (h.to_at IS NULL OR e.at <= h.to_at)
        AND (h.record_ids IS NULL OR e.id::text = ANY (h.record_ids))
      ORDER BY e.id LIMIT 1) x
    WHERE h.released_at IS NULL
      AND (h.category IS NULL OR h.category = 'audit_events');
  SELECT count(*) INTO due FROM audit_events e
    WHERE e.id < coalesce(stop_id, 9223372036854775807);
  SELECT count(*) INTO held FROM audit_events e
    WHERE e.id < coalesce(stop_id, 9223372036854775807)
      AND e.id >= coalesce(held_id, 9223372036854775807);
  stop_id := least(coalesce(stop_id, 9223372036854775807),
                   coalesce(held_id, 9223372036854775807));
  PERFORM set_config('app.audit_purge', 'on', true);
  DELETE FROM audit_events d WHERE d.id IN (
    SELECT e.id FROM audit_events e WHERE e.id < stop_id
    ORDER BY e.id LIMIT greatest(p_limit, 0));
  GET DIAGNOSTICS deleted = ROW_COUNT;
  PERFORM set_config('app.audit_purge', 'off', true);
  RETURN NEXT;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_events_anchor() FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION audit_purge(timestamptz, integer) FROM PUBLIC;
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  -- Records of work that belongs to no store (the audit trail, sessions)
  -- are read and written like storeless audit events.
  EXECUTE format('CREATE POLICY all_stores ON purge_records AS PERMISSIVE FOR ALL TO %I
    USING (store_id IS NULL) WITH CHECK (store_id IS NULL)', app);
  EXECUTE format('GRANT UPDATE (rows_remaining) ON purge_records TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON purge_global_leases TO %I', app);
  EXECUTE format('GRANT SELECT ON audit_anchors TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION audit_purge(timestamptz, integer) TO %I', app);
END
$$;
