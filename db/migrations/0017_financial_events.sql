-- Issue #12, every financial event: Finances v0 answers some thirty event
-- lists and each one moves money (reconciliation and profit need them all).
-- Every event keeps the object Amazon sent (`raw`); an event of a list the
-- code does not know yet (a newer model's) is stored all the same, raw,
-- with `known` false and its amount and currency NULL until the code learns
-- to read it (lib/sync/datasets/financial_events.ts). The table's store
-- isolation policy and grants (0011, 0013) cover the new columns as they
-- are.
ALTER TABLE "financial_events" ADD COLUMN "raw" jsonb;
--> statement-breakpoint
ALTER TABLE "financial_events" ADD COLUMN "known" boolean DEFAULT true NOT NULL;
--> statement-breakpoint
ALTER TABLE "financial_events" ALTER COLUMN "amount" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "financial_events" ALTER COLUMN "currency" DROP NOT NULL;
--> statement-breakpoint
-- A known event always has its amount.
ALTER TABLE "financial_events" ADD CONSTRAINT "financial_events_amount_known"
  CHECK (NOT "known" OR ("amount" IS NOT NULL AND "currency" IS NOT NULL));
