-- Issue #16, the finance screens: keyset indexes that keep /finance and
-- /finance/events fast at any depth (the sort key, then store and id, so a
-- page starts where the last ended without an OFFSET scan), and what the
-- reconciliation of one settlement reads: the orders a store shipped in a
-- period, and the events of one financial event group. No new table: the
-- store isolation policies and grants of these tables (0011, 0013) hold.
CREATE INDEX "settlements_keyset_idx" ON "settlements" ("ends_at", "store_id", "settlement_id");
--> statement-breakpoint
CREATE INDEX "financial_events_keyset_idx" ON "financial_events" ("posted_at", "store_id", "event_id");
--> statement-breakpoint
CREATE INDEX "financial_events_group_idx" ON "financial_events" ("store_id", "event_group_id");
--> statement-breakpoint
CREATE INDEX "orders_shipped_idx" ON "orders" ("store_id", "shipped_at");
