-- Issue #12, the primary marketplace: a store's products take their title
-- and attributes from the marketplace chosen at registration (editable on
-- the store page), not from whichever marketplace row was created first;
-- each listing keeps its own marketplace's values. Existing stores keep
-- what they had: the first marketplace by creation time. It must be one of
-- the store's own marketplaces (the foreign key); `stores` keeps its
-- isolation policy and grants (0011, 0013).
ALTER TABLE "stores" ADD COLUMN "primary_marketplace_id" text;
--> statement-breakpoint
UPDATE "stores" s SET "primary_marketplace_id" = (
  SELECT m."marketplace_id" FROM "store_marketplaces" m
  WHERE m."store_id" = s."id"
  ORDER BY m."created_at", m."marketplace_id" LIMIT 1);
--> statement-breakpoint
ALTER TABLE "stores" ADD CONSTRAINT "stores_primary_marketplace_fk"
  FOREIGN KEY ("id", "primary_marketplace_id")
  REFERENCES "store_marketplaces" ("store_id", "marketplace_id")
  DEFERRABLE INITIALLY DEFERRED;
