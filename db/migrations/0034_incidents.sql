-- Issue #18, incident response (Data Policy §12, §8 and §7; Amazon's Data
-- Protection Policy: notify security@amazon.com within 24 hours of
-- detection, keep an incident-response plan reviewed every 6 months).
--
-- An incident spans stores: a principal sees it only when it holds every
-- store it names (like a deletion request). Incidents are opened only by
-- incident_open (a report from anyone signed in, whatever their grants; a
-- detection; a canary touch), so a report never depends on the reporter's
-- permissions and nobody inserts around the checks. Their timeline is
-- append-only for the runtime role.
CREATE TABLE "incidents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ref" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
	"kind" text NOT NULL,
	"severity" text DEFAULT 'medium' NOT NULL,
	"state" text DEFAULT 'reported' NOT NULL,
	"source" text NOT NULL,
	"rule" text,
	"dedupe_key" text,
	"summary" text NOT NULL,
	"occurred_at" timestamp with time zone,
	"detected_at" timestamp with time zone NOT NULL,
	"store_ids" uuid[] DEFAULT '{}' NOT NULL,
	"data_categories" text[] DEFAULT '{}' NOT NULL,
	"credentials" text[] DEFAULT '{}' NOT NULL,
	"owner_id" uuid REFERENCES "staff_users"("id") ON DELETE restrict,
	"reported_by" uuid REFERENCES "staff_users"("id") ON DELETE restrict,
	"reported_by_name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "incidents_ref_uq" UNIQUE ("ref"),
	CONSTRAINT "incidents_kind" CHECK ("kind" IN (
		'abnormal_access', 'mistaken_export', 'credential_exposure', 'other')),
	CONSTRAINT "incidents_severity" CHECK ("severity" IN ('low', 'medium', 'high', 'critical')),
	CONSTRAINT "incidents_state" CHECK ("state" IN (
		'reported', 'investigating', 'contained', 'remediated', 'closed')),
	CONSTRAINT "incidents_source" CHECK ("source" IN ('report', 'detection', 'canary')),
	CONSTRAINT "incidents_summary" CHECK (length(btrim("summary")) BETWEEN 1 AND 4000),
	CONSTRAINT "incidents_closed" CHECK (("state" = 'closed') = ("closed_at" IS NOT NULL))
);
--> statement-breakpoint
CREATE INDEX "incidents_open_idx" ON "incidents" ("detected_at") WHERE "state" <> 'closed';
--> statement-breakpoint
CREATE INDEX "incidents_detected_idx" ON "incidents" ("detected_at", "id");
--> statement-breakpoint
-- A detection adds to the open incident of the same rule and subject.
CREATE UNIQUE INDEX "incidents_open_dedupe_uq" ON "incidents" ("dedupe_key")
	WHERE "state" <> 'closed' AND "dedupe_key" IS NOT NULL;
--> statement-breakpoint
CREATE TABLE "incident_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY NOT NULL,
	"incident_id" uuid NOT NULL REFERENCES "incidents"("id") ON DELETE restrict,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"actor_name" text NOT NULL,
	"kind" text NOT NULL,
	"note" text NOT NULL,
	"evidence" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "incident_events_actor" CHECK ("actor_type" IN ('staff', 'system')),
	CONSTRAINT "incident_events_kind" CHECK ("kind" IN (
		'reported', 'detected', 'note', 'state', 'severity', 'owner', 'action', 'notice')),
	CONSTRAINT "incident_events_note" CHECK (length("note") <= 4000),
	CONSTRAINT "incident_events_evidence" CHECK (jsonb_typeof("evidence") = 'array')
);
--> statement-breakpoint
CREATE INDEX "incident_events_incident_idx" ON "incident_events" ("incident_id", "id");
--> statement-breakpoint
-- The notification checklist: who must hear of it, by when, and when they did.
CREATE TABLE "incident_notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"incident_id" uuid NOT NULL REFERENCES "incidents"("id") ON DELETE restrict,
	"party" text NOT NULL,
	"contact" text,
	"due_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	"sent_by" uuid REFERENCES "staff_users"("id") ON DELETE restrict,
	"sent_by_name" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "incident_notices_party" CHECK (length(btrim("party")) BETWEEN 1 AND 200),
	CONSTRAINT "incident_notices_sent" CHECK (("sent_at" IS NULL) = ("sent_by_name" IS NULL))
);
--> statement-breakpoint
CREATE INDEX "incident_notices_due_idx" ON "incident_notices" ("due_at") WHERE "sent_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "incident_notices_incident_idx" ON "incident_notices" ("incident_id");
--> statement-breakpoint
-- The incident-response plan: each published version is kept, never edited.
CREATE TABLE "response_plan_versions" (
	"version" integer PRIMARY KEY NOT NULL,
	"body" text NOT NULL,
	"note" text,
	"published_by" uuid REFERENCES "staff_users"("id") ON DELETE restrict,
	"published_by_name" text NOT NULL,
	"published_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "response_plan_versions_version" CHECK ("version" > 0),
	CONSTRAINT "response_plan_versions_body" CHECK (length(btrim("body")) BETWEEN 1 AND 50000)
);
--> statement-breakpoint
CREATE TABLE "response_plan_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"version" integer NOT NULL REFERENCES "response_plan_versions"("version") ON DELETE restrict,
	"reviewed_at" timestamp with time zone NOT NULL,
	"reviewed_by" uuid REFERENCES "staff_users"("id") ON DELETE restrict,
	"reviewed_by_name" text NOT NULL,
	"note" text NOT NULL,
	CONSTRAINT "response_plan_reviews_note" CHECK (length(btrim("note")) BETWEEN 1 AND 2000)
);
--> statement-breakpoint
CREATE INDEX "response_plan_reviews_at_idx" ON "response_plan_reviews" ("reviewed_at");
--> statement-breakpoint
-- Detection rules (lib/incidents/detection.ts): each threshold is data, and
-- `checked_to` is where the last run stopped, so an event counts once.
CREATE TABLE "detection_rules" (
	"rule" text PRIMARY KEY NOT NULL,
	"threshold" integer NOT NULL,
	"window_minutes" integer NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"checked_to" timestamp with time zone,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "detection_rules_known" CHECK ("rule" IN (
		'reveal_export_burst', 'privileged_new_network', 'signin_failures',
		'amazon_auth_errors', 'vault_failures', 'frozen_export_attempts')),
	CONSTRAINT "detection_rules_threshold" CHECK ("threshold" BETWEEN 1 AND 100000),
	CONSTRAINT "detection_rules_window" CHECK ("window_minutes" BETWEEN 1 AND 10080)
);
--> statement-breakpoint
INSERT INTO "detection_rules" ("rule", "threshold", "window_minutes") VALUES
	('reveal_export_burst', 20, 60),
	('privileged_new_network', 1, 60),
	('signin_failures', 10, 15),
	('amazon_auth_errors', 10, 60),
	('vault_failures', 3, 60),
	('frozen_export_attempts', 3, 60);
--> statement-breakpoint
-- Canary records: decoy orders with decoy buyer data that no legitimate work
-- opens; a reveal or export of one opens a high-severity incident at once.
CREATE TABLE "canary_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"amazon_order_id" text NOT NULL,
	"planted_by" uuid REFERENCES "staff_users"("id") ON DELETE restrict,
	"planted_by_name" text NOT NULL,
	"planted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "canary_records_order_uq" UNIQUE ("store_id", "amazon_order_id")
);
--> statement-breakpoint
-- Containment: a store's syncs paused (the runner and the scheduler skip it).
ALTER TABLE "stores" ADD COLUMN "syncs_paused_at" timestamp with time zone;
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "syncs_paused_by" uuid;
--> statement-breakpoint
-- Opens an incident, or adds to the open one of the same dedupe key, with a
-- first timeline event and Amazon's 24-hour notice. SECURITY DEFINER: a
-- report is written whatever the reporter may otherwise do; the stores it
-- names must be the caller's own (a scoped caller's app.store_ids).
CREATE FUNCTION incident_open(
  p_kind text, p_severity text, p_source text, p_rule text, p_dedupe text,
  p_summary text, p_occurred timestamptz, p_detected timestamptz,
  p_store_ids uuid[], p_categories text[], p_actor_name text, p_note text,
  p_evidence jsonb)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  actor uuid := nullif(current_setting('app.user_id', true), '')::uuid;
  mine uuid[] := coalesce(string_to_array(nullif(current_setting('app.store_ids', true), ''), ',')::uuid[], '{}'::uuid[]);
  name text := p_actor_name;
  found_id uuid;
  rank_new integer := array_position(ARRAY['low', 'medium', 'high', 'critical'], p_severity);
BEGIN
  IF app_is_scoped() AND NOT (coalesce(p_store_ids, '{}') <@ mine) THEN
    RAISE EXCEPTION 'an incident may name only the reporter''s stores'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  -- A detection or a canary is the system's finding, not the user's report.
  IF p_source <> 'report' THEN
    actor := NULL;
  ELSIF actor IS NOT NULL THEN
    SELECT u.display_name INTO name FROM staff_users u
      WHERE u.id = actor AND u.status = 'active';
    IF NOT FOUND THEN
      RAISE EXCEPTION 'an incident is reported by an active user'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
  END IF;
  IF p_dedupe IS NOT NULL THEN
    SELECT i.id INTO found_id FROM incidents i
      WHERE i.dedupe_key = p_dedupe AND i.state <> 'closed' FOR UPDATE;
  END IF;
  IF found_id IS NULL THEN
    INSERT INTO incidents (kind, severity, source, rule, dedupe_key, summary,
        occurred_at, detected_at, store_ids, data_categories, reported_by,
        reported_by_name, created_at, updated_at)
      VALUES (p_kind, p_severity, p_source, p_rule, p_dedupe, p_summary,
        p_occurred, p_detected, coalesce(p_store_ids, '{}'),
        coalesce(p_categories, '{}'), actor, name, p_detected, p_detected)
      RETURNING id INTO found_id;
    INSERT INTO incident_notices (incident_id, party, contact, due_at)
      VALUES (found_id, 'amazon', 'security@amazon.com', p_detected + interval '24 hours');
  ELSE
    -- More evidence can raise the severity, never lower it.
    UPDATE incidents SET updated_at = p_detected,
        severity = CASE WHEN rank_new > array_position(ARRAY['low', 'medium', 'high', 'critical'], severity)
          THEN p_severity ELSE severity END,
        store_ids = ARRAY(SELECT DISTINCT unnest(store_ids || coalesce(p_store_ids, '{}')))
      WHERE id = found_id;
  END IF;
  INSERT INTO incident_events (incident_id, at, actor_type, actor_id, actor_name,
      kind, note, evidence)
    VALUES (found_id, p_detected, CASE WHEN actor IS NULL THEN 'system' ELSE 'staff' END,
      actor, coalesce(name, 'system'),
      CASE WHEN p_source = 'report' THEN 'reported' ELSE 'detected' END,
      p_note, coalesce(p_evidence, '[]'::jsonb));
  RETURN found_id;
END
$$;
--> statement-breakpoint
-- Whether any of the orders is a canary of the store; if so, opens (or adds
-- to) the canary's high-severity incident and returns its id. SECURITY
-- DEFINER: the canaries themselves stay hidden from the people who trip them.
CREATE FUNCTION incident_canary_touch(p_store uuid, p_orders text[],
  p_action text, p_at timestamptz, p_evidence jsonb)
RETURNS uuid
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  hit text;
  who text;
BEGIN
  SELECT c.amazon_order_id INTO hit FROM canary_records c
    WHERE c.store_id = p_store AND c.amazon_order_id = ANY (p_orders)
    ORDER BY c.amazon_order_id LIMIT 1;
  IF hit IS NULL THEN RETURN NULL; END IF;
  SELECT u.display_name INTO who FROM staff_users u
    WHERE u.id = nullif(current_setting('app.user_id', true), '')::uuid;
  RETURN incident_open('abnormal_access', 'critical', 'canary', 'canary',
    'canary:' || p_store::text || ':' || hit,
    'A canary record was opened: ' || p_action || ' of decoy order ' || hit,
    p_at, p_at, ARRAY[p_store], ARRAY['buyer_pii'], 'system',
    p_action || ' of canary order ' || hit || ' by ' || coalesce(who, 'unknown'),
    p_evidence);
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION incident_open(text, text, text, text, text, text,
  timestamptz, timestamptz, uuid[], text[], text, text, jsonb) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION incident_canary_touch(uuid, text[], text, timestamptz, jsonb) FROM PUBLIC;
--> statement-breakpoint
ALTER TABLE "incidents" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "incidents" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "incident_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "incident_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "incident_notices" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "incident_notices" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
SELECT app_apply_store_isolation('canary_records');
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
  granted text := 'store_ids <@ CAST((SELECT coalesce(string_to_array(nullif(current_setting(''app.store_ids'', true), ''''), '','')::uuid[], ''{}''::uuid[])) AS uuid[])';
  visible text := 'EXISTS (SELECT 1 FROM incidents i WHERE i.id = incident_id)';
BEGIN
  EXECUTE format('CREATE POLICY store_scope ON incidents AS PERMISSIVE FOR ALL TO %I
    USING (%s) WITH CHECK (%s)', app, granted, granted);
  EXECUTE format('CREATE POLICY incident_scope ON incident_events AS PERMISSIVE FOR ALL TO %I
    USING (%s) WITH CHECK (%s)', app, visible, visible);
  EXECUTE format('CREATE POLICY incident_scope ON incident_notices AS PERMISSIVE FOR ALL TO %I
    USING (%s) WITH CHECK (%s)', app, visible, visible);
  -- The definer functions run as the owner, which FORCEd security binds too.
  EXECUTE format('CREATE POLICY owner_all ON incidents AS PERMISSIVE FOR ALL TO %I
    USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY owner_all ON incident_events AS PERMISSIVE FOR ALL TO %I
    USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY owner_all ON incident_notices AS PERMISSIVE FOR ALL TO %I
    USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('CREATE POLICY owner_all ON canary_records AS PERMISSIVE FOR ALL TO %I
    USING (true) WITH CHECK (true)', current_user);
  EXECUTE format('GRANT SELECT ON incidents TO %I', app);
  EXECUTE format('GRANT UPDATE (severity, state, owner_id, data_categories, credentials,
    updated_at, closed_at) ON incidents TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON incident_events TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON incident_notices TO %I', app);
  EXECUTE format('GRANT UPDATE (sent_at, sent_by, sent_by_name, note) ON incident_notices TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON response_plan_versions, response_plan_reviews TO %I', app);
  EXECUTE format('GRANT SELECT ON detection_rules TO %I', app);
  EXECUTE format('GRANT UPDATE (threshold, window_minutes, enabled, checked_to, updated_by,
    updated_at) ON detection_rules TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON canary_records TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION incident_open(text, text, text, text, text,
    text, timestamptz, timestamptz, uuid[], text[], text, text, jsonb) TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION incident_canary_touch(uuid, text[], text,
    timestamptz, jsonb) TO %I', app);
END
$$;
