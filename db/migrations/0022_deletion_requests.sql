-- Amazon's Data Protection Policy: delete on Amazon's request within 72
-- hours (lib/policy/deletion_requests.ts). An owner records the request
-- (Amazon's reference, when it arrived, its scope); the purge of that scope
-- runs through the job queue, each batch adding to a purge record that
-- names the request, so the certificate's rows per table are the rows
-- removed, exactly, even after a crash and a resume.
CREATE TABLE "deletion_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"amazon_reference" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"deadline_at" timestamp with time zone NOT NULL,
	"store_ids" uuid[] NOT NULL,
	"categories" text[] NOT NULL,
	"from_at" timestamp with time zone,
	"to_at" timestamp with time zone,
	"order_ids" text[],
	"status" text DEFAULT 'queued' NOT NULL,
	"requested_by" uuid NOT NULL,
	"requested_by_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"audit_head_id" bigint,
	"audit_head_hash" text,
	CONSTRAINT "deletion_requests_reference" CHECK (length(btrim("amazon_reference")) > 0),
	CONSTRAINT "deletion_requests_deadline" CHECK ("deadline_at" = "received_at" + interval '72 hours'),
	CONSTRAINT "deletion_requests_stores" CHECK (cardinality("store_ids") > 0),
	CONSTRAINT "deletion_requests_categories" CHECK (cardinality("categories") > 0),
	CONSTRAINT "deletion_requests_range" CHECK (
		"from_at" IS NULL OR "to_at" IS NULL OR "from_at" <= "to_at"),
	CONSTRAINT "deletion_requests_status" CHECK ("status" IN ('queued', 'running', 'done'))
);
--> statement-breakpoint
CREATE INDEX "deletion_requests_created_idx" ON "deletion_requests" ("created_at");
--> statement-breakpoint
ALTER TABLE "purge_records" ADD COLUMN "deletion_request_id" uuid
	REFERENCES "deletion_requests"("id") ON DELETE restrict;
--> statement-breakpoint
CREATE INDEX "purge_records_deletion_request_idx" ON "purge_records" ("deletion_request_id")
	WHERE "deletion_request_id" IS NOT NULL;
--> statement-breakpoint
-- A request spans stores: a principal sees it only when it holds every one.
ALTER TABLE "deletion_requests" ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE "deletion_requests" FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
  granted text := 'store_ids <@ CAST((SELECT coalesce(string_to_array(nullif(current_setting(''app.store_ids'', true), ''''), '','')::uuid[], ''{}''::uuid[])) AS uuid[])';
BEGIN
  EXECUTE format('CREATE POLICY store_scope ON deletion_requests AS PERMISSIVE FOR ALL TO %I
    USING (%s) WITH CHECK (%s)', app, granted, granted);
  EXECUTE format('GRANT SELECT, INSERT ON deletion_requests TO %I', app);
  EXECUTE format('GRANT UPDATE (status, started_at, finished_at, audit_head_id, audit_head_hash)
    ON deletion_requests TO %I', app);
  EXECUTE format('GRANT UPDATE (deletion_request_id) ON purge_records TO %I', app);
END
$$;
