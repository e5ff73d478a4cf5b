-- Issue #16, the advertising screens (/ads, /ads/search-terms): what they
-- read and what keeps them fast at millions of daily metric rows.
--
-- Campaigns carry their ad product (Sponsored Products, Brands or Display):
-- the attribution window of their sales and orders depends on it (7 days
-- for SP, 14 for SB and SD; docs/amazon-facts.md), and the list filters by
-- it. The sync reads Sponsored Products only, so existing rows are SP.
ALTER TABLE "ad_campaigns" ADD COLUMN "campaign_type" text DEFAULT 'SP' NOT NULL;
--> statement-breakpoint
ALTER TABLE "ad_campaigns" ADD CONSTRAINT "ad_campaigns_campaign_type_ck"
  CHECK ("campaign_type" IN ('SP', 'SB', 'SD'));
--> statement-breakpoint
-- The campaign list: one store's campaign rows of a period, read from the
-- index alone (the figures are included), whatever the number of keyword
-- rows beside them.
CREATE INDEX "ad_metrics_entity_day_idx" ON "ad_metrics_daily"
  ("store_id", "entity_type", "day")
  INCLUDE ("entity_id", "campaign_id", "impressions", "clicks", "spend", "orders", "sales", "currency", "synced_at");
--> statement-breakpoint
-- One campaign's days and its keywords and targets (the drill-down, the
-- campaign and keyword pages).
CREATE INDEX "ad_metrics_campaign_idx" ON "ad_metrics_daily"
  ("store_id", "campaign_id", "entity_type", "day");
--> statement-breakpoint
CREATE INDEX "ad_groups_campaign_idx" ON "ad_groups" ("store_id", "campaign_id");
--> statement-breakpoint
CREATE INDEX "ad_keywords_ad_group_idx" ON "ad_keywords" ("store_id", "ad_group_id");
--> statement-breakpoint
CREATE INDEX "ad_keywords_campaign_idx" ON "ad_keywords" ("store_id", "campaign_id");
--> statement-breakpoint
CREATE INDEX "ad_keywords_text_idx" ON "ad_keywords" ("store_id", (lower("keyword_text")));
--> statement-breakpoint
CREATE INDEX "ad_targets_ad_group_idx" ON "ad_targets" ("store_id", "ad_group_id");
--> statement-breakpoint
CREATE INDEX "ad_targets_campaign_idx" ON "ad_targets" ("store_id", "campaign_id");
--> statement-breakpoint
-- Search terms where one of the store's ASINs was clicked.
CREATE INDEX "search_terms_asin_idx" ON "search_terms" ("store_id", "clicked_asin", "period_start");
