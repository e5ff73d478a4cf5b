-- Issue #16, profit two ways (lib/profit/): the company's own figures that
-- Amazon does not know. `sku_costs` is the cost of goods of a SKU of one
-- store, in one currency, from a day on (the row with the latest
-- effective_from on or before an order's marketplace-local day applies),
-- with optional inbound shipping and duty per unit; store data, so FORCEd
-- row-level security by `app.store_ids` like every store table.
-- `currency_rates` is the company's rate table (one rate per day per pair,
-- how many units of `quote` one unit of `base` buys), maintained by finance
-- (costs.manage) and read by anyone who reads profit; no store's data, so
-- no store policy. Both are written only through lib/profit/, audited there
-- (who, how many rows; never the contents of an import).
CREATE TABLE "sku_costs" (
	"store_id" uuid NOT NULL REFERENCES "stores"("id") ON DELETE restrict,
	"sku" text NOT NULL,
	"currency" char(3) NOT NULL,
	"effective_from" date NOT NULL,
	"unit_cost" numeric(18, 4) NOT NULL,
	"inbound_shipping" numeric(18, 4) DEFAULT 0 NOT NULL,
	"duty" numeric(18, 4) DEFAULT 0 NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sku_costs_pk" PRIMARY KEY ("store_id", "sku", "currency", "effective_from"),
	CONSTRAINT "sku_costs_sku" CHECK (length(btrim("sku")) BETWEEN 1 AND 40),
	CONSTRAINT "sku_costs_currency" CHECK ("currency" ~ '^[A-Z]{3}$'),
	CONSTRAINT "sku_costs_amounts" CHECK (
		"unit_cost" >= 0 AND "inbound_shipping" >= 0 AND "duty" >= 0)
);
--> statement-breakpoint
SELECT app_apply_store_isolation('sku_costs');
--> statement-breakpoint
CREATE TABLE "currency_rates" (
	"day" date NOT NULL,
	"base" char(3) NOT NULL,
	"quote" char(3) NOT NULL,
	"rate" numeric(20, 10) NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "currency_rates_pk" PRIMARY KEY ("day", "base", "quote"),
	CONSTRAINT "currency_rates_pair" CHECK (
		"base" ~ '^[A-Z]{3}$' AND "quote" ~ '^[A-Z]{3}$' AND "base" <> "quote"),
	CONSTRAINT "currency_rates_positive" CHECK ("rate" > 0)
);
--> statement-breakpoint
CREATE INDEX "currency_rates_pair_idx" ON "currency_rates" ("base", "quote", "day");
--> statement-breakpoint
-- The settled lines of an order's SKU (profit at settlement time).
CREATE INDEX "settlement_lines_order_sku_idx" ON "settlement_lines" ("store_id", "amazon_order_id", "sku");
--> statement-breakpoint
DO $$
DECLARE
  app text := app_runtime_role();
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON sku_costs TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON currency_rates TO %I', app);
END
$$;
