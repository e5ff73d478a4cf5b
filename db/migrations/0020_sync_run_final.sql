-- A finished sync run (succeeded, failed, cancelled) is history: its state
-- never changes again (issue #12: a redelivered queue message flipped a
-- failed run back to "running"). lib/sync/runs.ts writes only conditional
-- UPDATEs; this trigger holds the rule for every writer, the owner included.
-- Deleting (the retention purge, disconnection) stays allowed.
CREATE FUNCTION sync_runs_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.status IN ('succeeded', 'failed', 'cancelled')
     AND (NEW.status IS DISTINCT FROM OLD.status
       OR NEW.finished_at IS DISTINCT FROM OLD.finished_at
       OR NEW.error IS DISTINCT FROM OLD.error
       OR NEW.worker IS DISTINCT FROM OLD.worker) THEN
    RAISE EXCEPTION 'sync run % is % and cannot change', OLD.id, OLD.status
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_runs_final BEFORE UPDATE ON sync_runs
  FOR EACH ROW EXECUTE FUNCTION sync_runs_final();
