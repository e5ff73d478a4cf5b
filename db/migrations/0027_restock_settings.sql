-- Issue #15, the inventory screen: each store's restock settings, edited on
-- /inventory (stores.manage, audited). The lead time and the cover target
-- make the restock suggestion, max(0, velocity × (lead + cover) − (fulfillable
-- + inbound)); the alert threshold is the days of cover under which the
-- dashboard and /inventory raise a low-cover alert. Defaults are what the
-- dashboard used before (14 days) and a common FBA plan (30 + 60 days).
-- `stores` keeps its isolation policy and grants (0011, 0013): the runtime
-- role updates a store's row only within the principal's stores.
ALTER TABLE "stores" ADD COLUMN "restock_lead_time_days" integer DEFAULT 30 NOT NULL;
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "restock_cover_days" integer DEFAULT 60 NOT NULL;
--> statement-breakpoint
ALTER TABLE "stores" ADD COLUMN "cover_alert_days" integer DEFAULT 14 NOT NULL;
--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_restock_settings_range" CHECK (
  "restock_lead_time_days" BETWEEN 0 AND 365
  AND "restock_cover_days" BETWEEN 0 AND 365
  AND "cover_alert_days" BETWEEN 0 AND 365);
