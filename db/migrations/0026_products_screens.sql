-- Issue #15, the product screens: /products reads one period of the daily
-- product aggregates, sales and traffic, and returns per store; the product
-- page reads one ASIN's days and its listings. Without these, a period's
-- returns and traffic are a scan of the whole store, and one product's
-- trend a scan of every ASIN's days.
CREATE INDEX "returns_returned_idx" ON "returns" ("store_id", "returned_at");
--> statement-breakpoint
CREATE INDEX "sales_traffic_daily_day_idx" ON "sales_traffic_daily" ("store_id", "day");
--> statement-breakpoint
CREATE INDEX "sales_traffic_daily_asin_idx" ON "sales_traffic_daily" ("store_id", "child_asin", "day");
--> statement-breakpoint
CREATE INDEX "daily_product_sales_asin_idx" ON "daily_product_sales" ("store_id", "asin", "day");
--> statement-breakpoint
CREATE INDEX "listings_asin_idx" ON "listings" ("store_id", "asin");
