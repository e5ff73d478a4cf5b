-- Issue #18, /compliance: the evidence of §12 (incidents, notices, the
-- response plan's review) and §13 (data requests against their due dates)
-- for owners and auditors. Those rows are visible only to the people who
-- handle them (requests.manage, incidents.manage); an auditor is shown
-- counts and dates only, through this one checked function, never a row.
CREATE FUNCTION compliance_counts(p_now timestamptz)
RETURNS TABLE (
  requests_open integer,
  requests_overdue integer,
  requests_due_soon integer,
  incidents_open integer,
  incidents_severe integer,
  notices_pending integer,
  notices_overdue integer,
  plan_versions integer,
  plan_last_review timestamptz
)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT app_user_holds_permission('audit.read') THEN
    RAISE EXCEPTION 'compliance counts need audit.read'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN QUERY SELECT
    (SELECT count(*)::int FROM data_requests r
      WHERE r.state NOT IN ('completed', 'denied', 'withdrawn', 'expired')),
    (SELECT count(*)::int FROM data_requests r
      WHERE r.state NOT IN ('completed', 'denied', 'withdrawn', 'expired')
        AND r.due_at < p_now),
    (SELECT count(*)::int FROM data_requests r
      WHERE r.state NOT IN ('completed', 'denied', 'withdrawn', 'expired')
        AND r.due_at >= p_now AND r.due_at < p_now + interval '7 days'),
    (SELECT count(*)::int FROM incidents i WHERE i.state <> 'closed'),
    (SELECT count(*)::int FROM incidents i WHERE i.state <> 'closed'
      AND i.severity IN ('high', 'critical')),
    (SELECT count(*)::int FROM incident_notices n
      JOIN incidents i ON i.id = n.incident_id
      WHERE n.sent_at IS NULL AND i.state <> 'closed'),
    (SELECT count(*)::int FROM incident_notices n
      JOIN incidents i ON i.id = n.incident_id
      WHERE n.sent_at IS NULL AND i.state <> 'closed' AND n.due_at < p_now),
    (SELECT count(*)::int FROM response_plan_versions),
    (SELECT max(v.reviewed_at) FROM response_plan_reviews v);
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION compliance_counts(timestamptz) FROM PUBLIC;
--> statement-breakpoint
-- The function runs as the owner, which FORCEd security binds too (a
-- superuser owner passes anyway): the owner reads the requests' rows.
DO $$
BEGIN
  EXECUTE format('CREATE POLICY owner_read ON data_requests AS PERMISSIVE
    FOR SELECT TO %I USING (true)', current_user);
  EXECUTE format('GRANT EXECUTE ON FUNCTION compliance_counts(timestamptz) TO %I',
    app_runtime_role());
END
$$;
