-- Issue #17, data requests from outside the company (Data Policy §10, §13):
-- the public /request intake, identity verification by e-mail, staff
-- handling on /requests, two approvals for deletion and revocation, and the
-- e-mail outbox (lib/requests/, lib/mail/).
--
-- Requests belong to no store. Row-level security lets a transaction see a
-- request only when it is (a) staff holding requests.manage, (b) the
-- requester's own request (`app.request_id`, set by lib/requests/ after a
-- token or a signed link was checked), or (c) the requests' background work
-- (`app.requests_system` = 'on': expiry, the mail sender, the purge).
--
-- PERSONAL DATA: requester_name, requester_email, the identifiers and the
-- description are the requester's personal data. They go, with the whole
-- record, when the retention rule "data_requests" (data-request records
-- after closure) has run its days from closed_at (lib/policy/purge.ts).
CREATE FUNCTION app_requests_staff() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM staff_users u JOIN roles r ON r.name = u.role
    WHERE u.id = nullif(current_setting('app.user_id', true), '')::uuid
      AND u.status = 'active'
      AND 'requests.manage' = ANY (r.permissions))
$$;
--> statement-breakpoint
CREATE FUNCTION app_requests_access(p_request uuid) RETURNS boolean
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
  SELECT coalesce(current_setting('app.requests_system', true), '') = 'on'
    OR p_request = nullif(current_setting('app.request_id', true), '')::uuid
    OR (SELECT app_requests_staff())
$$;
--> statement-breakpoint
CREATE TABLE "data_requests" (
	"id" uuid PRIMARY KEY NOT NULL,
	-- What the requester and staff call the request (the DRP request_id).
	"public_id" text NOT NULL UNIQUE,
	"type" text NOT NULL,
	"state" text DEFAULT 'verifying_identity' NOT NULL,
	"lang" text DEFAULT 'en' NOT NULL,
	-- Personal data (see above).
	"requester_name" text NOT NULL,
	"requester_email" text NOT NULL,
	"relationship" text NOT NULL,
	"seller_id" text,
	"order_id" text,
	"marketplace_id" text,
	"scope_categories" text[] DEFAULT '{}' NOT NULL,
	"scope_stores" text,
	"scope_from" date,
	"scope_to" date,
	"description" text DEFAULT '' NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"verified_at" timestamp with time zone,
	"due_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	"duplicate_of" uuid REFERENCES "data_requests"("id") ON DELETE SET NULL,
	-- The relationship as staff confirmed it: the match, its evidence, who.
	"match" jsonb,
	-- What execution will act on (stores, tables, row counts), and who
	-- confirmed it.
	"scope_plan" jsonb,
	"scope_confirmed_by" uuid,
	"scope_confirmed_at" timestamp with time zone,
	"denial_code" text,
	"denial_explanation" text,
	"answer" text,
	-- What was done, with row counts (a completed request).
	"completion" jsonb,
	CONSTRAINT "data_requests_type" CHECK ("type" IN
		('delete', 'revoke', 'question', 'security', 'other')),
	CONSTRAINT "data_requests_state" CHECK ("state" IN
		('received', 'verifying_identity', 'verifying_relationship',
		 'awaiting_approval', 'in_progress', 'on_hold', 'completed', 'denied',
		 'withdrawn', 'expired')),
	CONSTRAINT "data_requests_lang" CHECK ("lang" IN ('en', 'zh-CN')),
	CONSTRAINT "data_requests_relationship" CHECK ("relationship" IN
		('seller', 'buyer', 'business', 'other')),
	CONSTRAINT "data_requests_denial" CHECK ("denial_code" IS NULL OR "denial_code" IN
		('suspected_fraud', 'insufficient_verification', 'no_match',
		 'claim_not_covered', 'outside_jurisdiction', 'too_many_requests', 'other')),
	CONSTRAINT "data_requests_denied" CHECK (
		("state" = 'denied') = ("denial_code" IS NOT NULL)),
	CONSTRAINT "data_requests_closed" CHECK (
		("state" IN ('completed', 'denied', 'withdrawn', 'expired')) = ("closed_at" IS NOT NULL)),
	CONSTRAINT "data_requests_range" CHECK (
		"scope_from" IS NULL OR "scope_to" IS NULL OR "scope_from" <= "scope_to")
);
--> statement-breakpoint
CREATE INDEX "data_requests_open_due_idx" ON "data_requests" ("due_at") WHERE "closed_at" IS NULL;
--> statement-breakpoint
CREATE INDEX "data_requests_received_idx" ON "data_requests" ("received_at", "id");
--> statement-breakpoint
CREATE INDEX "data_requests_email_idx" ON "data_requests" (lower("requester_email"));
--> statement-breakpoint
CREATE INDEX "data_requests_closed_idx" ON "data_requests" ("closed_at") WHERE "closed_at" IS NOT NULL;
--> statement-breakpoint
-- The timeline: every step, by whom.
CREATE TABLE "request_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL REFERENCES "data_requests"("id") ON DELETE CASCADE,
	"at" timestamp with time zone NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" uuid,
	"actor_name" text,
	"kind" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	-- Shown to the requester on the status page (a message to them).
	"public" boolean DEFAULT false NOT NULL,
	CONSTRAINT "request_events_actor" CHECK ("actor_type" IN ('requester', 'staff', 'system'))
);
--> statement-breakpoint
CREATE INDEX "request_events_request_idx" ON "request_events" ("request_id", "id");
--> statement-breakpoint
-- Deletion and revocation need two different staff members' approvals.
CREATE TABLE "request_approvals" (
	"request_id" uuid NOT NULL REFERENCES "data_requests"("id") ON DELETE CASCADE,
	"approver_id" uuid NOT NULL,
	"approver_name" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "request_approvals_pk" PRIMARY KEY ("request_id", "approver_id")
);
--> statement-breakpoint
-- Single-use e-mail verification tokens, stored as SHA-256 hashes only.
CREATE TABLE "request_tokens" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"request_id" uuid NOT NULL REFERENCES "data_requests"("id") ON DELETE CASCADE,
	"purpose" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "request_tokens_purpose" CHECK ("purpose" IN ('verify')),
	CONSTRAINT "request_tokens_hash" CHECK ("token_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
CREATE INDEX "request_tokens_request_idx" ON "request_tokens" ("request_id");
--> statement-breakpoint
-- E-mail waiting to go, or gone: nothing is lost while the mail server is
-- down (lib/mail/outbox.ts retries with exponential backoff). The address
-- and parameters are the requester's personal data and go with the request.
CREATE TABLE "mail_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"request_id" uuid NOT NULL REFERENCES "data_requests"("id") ON DELETE CASCADE,
	"to_address" text NOT NULL,
	"template" text NOT NULL,
	"lang" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "mail_outbox_state" CHECK ("state" IN ('pending', 'sent', 'failed')),
	CONSTRAINT "mail_outbox_lang" CHECK ("lang" IN ('en', 'zh-CN'))
);
--> statement-breakpoint
CREATE INDEX "mail_outbox_due_idx" ON "mail_outbox" ("next_attempt_at") WHERE "state" = 'pending';
--> statement-breakpoint
CREATE INDEX "mail_outbox_request_idx" ON "mail_outbox" ("request_id");
--> statement-breakpoint
-- A verification link names no request: its token's hash finds it. The
-- caller then sets app.request_id and spends the token itself (UPDATE ...
-- WHERE used_at IS NULL), so replay finds nothing to spend.
CREATE FUNCTION request_token_lookup(p_hash text)
RETURNS TABLE (request_id uuid, expires_at timestamptz, used_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT t.request_id, t.expires_at, t.used_at FROM request_tokens t
  WHERE t.token_hash = p_hash AND t.purpose = 'verify'
$$;
--> statement-breakpoint
-- An open request of the same type from the same e-mail address, received
-- before this one: the new one is a duplicate and is linked to it. Answers
-- only an id, and the intake never tells the requester.
CREATE FUNCTION data_request_duplicate_of(p_email text, p_type text, p_before timestamptz)
RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT d.id FROM data_requests d
  WHERE lower(d.requester_email) = lower(p_email) AND d.type = p_type
    AND d.closed_at IS NULL AND d.received_at < p_before
  ORDER BY d.received_at LIMIT 1
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION request_token_lookup(text) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION data_request_duplicate_of(text, text, timestamptz) FROM PUBLIC;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app_requests_staff() FROM PUBLIC;
--> statement-breakpoint
ALTER TABLE "data_requests" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "data_requests" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "request_events" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "request_events" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "request_approvals" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "request_approvals" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "request_tokens" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "request_tokens" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "mail_outbox" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "mail_outbox" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('GRANT EXECUTE ON FUNCTION app_requests_staff() TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION app_requests_access(uuid) TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION request_token_lookup(text) TO %I', app);
  EXECUTE format('GRANT EXECUTE ON FUNCTION data_request_duplicate_of(text, text, timestamptz) TO %I', app);
  EXECUTE format('CREATE POLICY request_access ON data_requests AS PERMISSIVE FOR ALL TO %I
    USING (app_requests_access(id)) WITH CHECK (app_requests_access(id))', app);
  EXECUTE format('CREATE POLICY request_access ON request_events AS PERMISSIVE FOR ALL TO %I
    USING (app_requests_access(request_id)) WITH CHECK (app_requests_access(request_id))', app);
  EXECUTE format('CREATE POLICY request_access ON request_approvals AS PERMISSIVE FOR ALL TO %I
    USING (app_requests_access(request_id)) WITH CHECK (app_requests_access(request_id))', app);
  EXECUTE format('CREATE POLICY request_access ON request_tokens AS PERMISSIVE FOR ALL TO %I
    USING (app_requests_access(request_id)) WITH CHECK (app_requests_access(request_id))', app);
  EXECUTE format('CREATE POLICY request_access ON mail_outbox AS PERMISSIVE FOR ALL TO %I
    USING (app_requests_access(request_id)) WITH CHECK (app_requests_access(request_id))', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON data_requests TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON request_events TO %I', app);
  EXECUTE format('GRANT USAGE ON SEQUENCE request_events_id_seq TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON request_approvals TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON request_tokens TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON mail_outbox TO %I', app);
END
$$;
