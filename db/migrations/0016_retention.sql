-- Data Policy §9 and §10: retention rules as data, legal holds, and a record
-- of every purge (lib/policy/retention.ts, lib/policy/purge.ts).
--
-- The rules' floors and ceilings are the database's own CHECK constraints,
-- not the form's: no one but the owner (through a migration) can keep buyer
-- personal data longer than 30 days or API logs and audit events shorter
-- than 90. The runtime role may change only a rule's days, fallback, reason
-- and who changed it; it cannot add or remove a category.
CREATE TABLE "retention_rules" (
	"category" text PRIMARY KEY NOT NULL,
	"days" integer NOT NULL,
	"fallback_days" integer,
	"reason" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "retention_rules_category_known" CHECK ("category" IN (
		'buyer_pii', 'api_request_log', 'audit_events', 'sync_runs', 'sessions',
		'data_requests', 'archives', 'orders', 'order_items', 'returns',
		'inventory_snapshots', 'sales_traffic', 'ads_metrics', 'settlements',
		'financial_events', 'search_terms')),
	CONSTRAINT "retention_rules_days_range" CHECK ("days" BETWEEN 1 AND 36500),
	CONSTRAINT "retention_rules_fallback_range" CHECK (
		"fallback_days" IS NULL OR "fallback_days" BETWEEN 1 AND 36500),
	CONSTRAINT "retention_rules_buyer_pii_ceiling" CHECK (
		"category" <> 'buyer_pii'
		OR ("days" <= 30 AND coalesce("fallback_days", 0) <= 30)),
	CONSTRAINT "retention_rules_logs_floor" CHECK (
		"category" NOT IN ('api_request_log', 'audit_events') OR "days" >= 90),
	CONSTRAINT "retention_rules_reason" CHECK (length(btrim("reason")) > 0)
);
--> statement-breakpoint
INSERT INTO "retention_rules" ("category", "days", "fallback_days", "reason") VALUES
	('buyer_pii', 30, 30, 'Data Policy §9: 30 days after delivery'),
	('api_request_log', 365, NULL, 'Data Policy §9: at least 90 days'),
	('audit_events', 365, NULL, 'Data Policy §9: at least 90 days'),
	('sync_runs', 365, NULL, 'default'),
	('sessions', 30, NULL, 'default'),
	('data_requests', 1095, NULL, 'default'),
	('archives', 90, NULL, 'default'),
	('orders', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('order_items', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('returns', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('inventory_snapshots', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('sales_traffic', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('ads_metrics', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('settlements', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('financial_events', 1095, NULL, 'Data Policy §9: while needed, default 3 years'),
	('search_terms', 1095, NULL, 'Data Policy §9: while needed, default 3 years');
--> statement-breakpoint
-- Keeping one order's buyer personal data past the 30 days needs a recorded
-- legal basis with an end date (at most ten years on); when it ends, the
-- purge takes the row as usual.
CREATE TABLE "buyer_pii_extensions" (
	"store_id" uuid NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"amazon_order_id" text NOT NULL,
	"basis" text NOT NULL,
	"until" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "buyer_pii_extensions_pk" PRIMARY KEY ("store_id", "amazon_order_id"),
	CONSTRAINT "buyer_pii_extensions_basis" CHECK ("basis" IN ('tax', 'invoice', 'legal')),
	CONSTRAINT "buyer_pii_extensions_until" CHECK (
		"until" <= "created_at" + interval '10 years'),
	CONSTRAINT "buyer_pii_extensions_reason" CHECK (length(btrim("reason")) > 0)
);
--> statement-breakpoint
-- A legal hold: rows in its scope are never purged, whatever the rule says.
-- No store_id means every store. A hold is released, never deleted.
CREATE TABLE "legal_holds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid REFERENCES "stores"("id") ON DELETE restrict,
	"category" text,
	"from_at" timestamp with time zone,
	"to_at" timestamp with time zone,
	"record_ids" text[],
	"reason" text NOT NULL,
	"owner" text NOT NULL,
	"review_on" date NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"released_at" timestamp with time zone,
	"released_by" uuid,
	"release_reason" text,
	CONSTRAINT "legal_holds_reason" CHECK (length(btrim("reason")) > 0),
	CONSTRAINT "legal_holds_owner" CHECK (length(btrim("owner")) > 0),
	CONSTRAINT "legal_holds_range" CHECK (
		"from_at" IS NULL OR "to_at" IS NULL OR "from_at" <= "to_at"),
	CONSTRAINT "legal_holds_released" CHECK (
		("released_at" IS NULL) = ("release_reason" IS NULL))
);
--> statement-breakpoint
CREATE INDEX "legal_holds_active_idx" ON "legal_holds" ("store_id") WHERE "released_at" IS NULL;
--> statement-breakpoint
-- One row per purge of one category in one store: counts and the rule,
-- never the deleted content. Updated in the same transaction as each batch,
-- so a crash leaves exact counts behind.
CREATE TABLE "purge_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"category" text NOT NULL,
	"rule_days" integer NOT NULL,
	"dry_run" boolean NOT NULL,
	"rows_due" integer DEFAULT 0 NOT NULL,
	"rows_deleted" integer DEFAULT 0 NOT NULL,
	"rows_held" integer DEFAULT 0 NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	CONSTRAINT "purge_records_status" CHECK ("status" IN ('running', 'done', 'interrupted'))
);
--> statement-breakpoint
CREATE INDEX "purge_records_store_started_idx" ON "purge_records" ("store_id", "started_at");
--> statement-breakpoint
-- The per-store purge lease: one instance purges a store at a time.
CREATE TABLE "purge_leases" (
	"store_id" uuid PRIMARY KEY NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"holder" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
SELECT app_apply_store_isolation('legal_holds');
--> statement-breakpoint
SELECT app_apply_store_isolation('purge_records');
--> statement-breakpoint
SELECT app_apply_store_isolation('purge_leases');
--> statement-breakpoint
SELECT app_apply_store_isolation('buyer_pii_extensions');
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  -- Holds for every store (no store_id) are visible to, and made by, anyone
  -- the application lets manage retention.
  EXECUTE format('CREATE POLICY all_stores ON legal_holds AS PERMISSIVE FOR ALL TO %I
    USING (store_id IS NULL) WITH CHECK (store_id IS NULL)', app);
  EXECUTE format('GRANT SELECT ON retention_rules TO %I', app);
  EXECUTE format('GRANT UPDATE (days, fallback_days, reason, updated_by, updated_at)
    ON retention_rules TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON legal_holds TO %I', app);
  EXECUTE format('GRANT UPDATE (released_at, released_by, release_reason)
    ON legal_holds TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT ON purge_records TO %I', app);
  EXECUTE format('GRANT UPDATE (rows_due, rows_deleted, rows_held, status, finished_at)
    ON purge_records TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON purge_leases TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, DELETE ON buyer_pii_extensions TO %I', app);
END
$$;
