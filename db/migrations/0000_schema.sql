CREATE TABLE "ad_budget_bid_changes" (
	"store_id" uuid NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"field" text NOT NULL,
	"observed_at" timestamp with time zone NOT NULL,
	"old_value" numeric(18, 4),
	"new_value" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	CONSTRAINT "ad_budget_bid_changes_store_id_entity_type_entity_id_field_observed_at_pk" PRIMARY KEY("store_id","entity_type","entity_id","field","observed_at")
);
--> statement-breakpoint
CREATE TABLE "ad_campaigns" (
	"store_id" uuid NOT NULL,
	"campaign_id" text NOT NULL,
	"profile_id" text NOT NULL,
	"name" text NOT NULL,
	"state" text NOT NULL,
	"targeting_type" text NOT NULL,
	"daily_budget" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	"bidding_strategy" text,
	"portfolio_id" text,
	"start_date" date NOT NULL,
	"end_date" date,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ad_campaigns_store_id_campaign_id_pk" PRIMARY KEY("store_id","campaign_id")
);
--> statement-breakpoint
CREATE TABLE "ad_groups" (
	"store_id" uuid NOT NULL,
	"ad_group_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"name" text NOT NULL,
	"state" text NOT NULL,
	"default_bid" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ad_groups_store_id_ad_group_id_pk" PRIMARY KEY("store_id","ad_group_id")
);
--> statement-breakpoint
CREATE TABLE "ad_keywords" (
	"store_id" uuid NOT NULL,
	"keyword_id" text NOT NULL,
	"ad_group_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"keyword_text" text NOT NULL,
	"match_type" text NOT NULL,
	"state" text NOT NULL,
	"bid" numeric(18, 4),
	"currency" char(3) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ad_keywords_store_id_keyword_id_pk" PRIMARY KEY("store_id","keyword_id")
);
--> statement-breakpoint
CREATE TABLE "ad_metrics_daily" (
	"store_id" uuid NOT NULL,
	"profile_id" text NOT NULL,
	"day" date NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"impressions" bigint NOT NULL,
	"clicks" bigint NOT NULL,
	"spend" numeric(18, 4) NOT NULL,
	"orders" integer NOT NULL,
	"sales" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ad_metrics_daily_store_id_entity_type_entity_id_day_pk" PRIMARY KEY("store_id","entity_type","entity_id","day")
);
--> statement-breakpoint
CREATE TABLE "ad_profiles" (
	"store_id" uuid NOT NULL,
	"profile_id" text NOT NULL,
	"marketplace_id" text NOT NULL,
	"country_code" char(2) NOT NULL,
	"currency" char(3) NOT NULL,
	"timezone" text NOT NULL,
	"account_type" text NOT NULL,
	"account_name" text,
	CONSTRAINT "ad_profiles_store_id_profile_id_pk" PRIMARY KEY("store_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "ad_targets" (
	"store_id" uuid NOT NULL,
	"target_id" text NOT NULL,
	"ad_group_id" text NOT NULL,
	"campaign_id" text NOT NULL,
	"expression_type" text NOT NULL,
	"expression" jsonb NOT NULL,
	"state" text NOT NULL,
	"bid" numeric(18, 4),
	"currency" char(3) NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ad_targets_store_id_target_id_pk" PRIMARY KEY("store_id","target_id")
);
--> statement-breakpoint
CREATE TABLE "api_request_log" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "api_request_log_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"store_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"api" text NOT NULL,
	"operation" text NOT NULL,
	"http_status" integer,
	"latency_ms" integer NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"request_id" text,
	"rate_limit" numeric(10, 4),
	"error_code" text
);
--> statement-breakpoint
CREATE TABLE "audit_events" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "audit_events_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"action" text NOT NULL,
	"target" text,
	"store_id" uuid,
	"outcome" text NOT NULL,
	"ip" text,
	"user_agent" text,
	"request_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text,
	"hash" text
);
--> statement-breakpoint
CREATE TABLE "buyer_pii" (
	"store_id" uuid NOT NULL,
	"amazon_order_id" text NOT NULL,
	"payload_jwe" text NOT NULL,
	"purpose" text NOT NULL,
	"collected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"purge_after" timestamp with time zone,
	CONSTRAINT "buyer_pii_store_id_amazon_order_id_pk" PRIMARY KEY("store_id","amazon_order_id")
);
--> statement-breakpoint
CREATE TABLE "fees" (
	"store_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"fee_type" text NOT NULL,
	"amazon_order_id" text,
	"sku" text,
	"posted_at" timestamp with time zone NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	CONSTRAINT "fees_store_id_event_id_line_no_pk" PRIMARY KEY("store_id","event_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "financial_events" (
	"store_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"event_type" text NOT NULL,
	"posted_at" timestamp with time zone NOT NULL,
	"event_group_id" text,
	"amazon_order_id" text,
	"sku" text,
	"description" text,
	"amount" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	CONSTRAINT "financial_events_store_id_event_id_pk" PRIMARY KEY("store_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "inventory_snapshots" (
	"store_id" uuid NOT NULL,
	"marketplace_id" text NOT NULL,
	"sku" text NOT NULL,
	"snapshot_date" date NOT NULL,
	"fnsku" text,
	"asin" text NOT NULL,
	"condition" text,
	"fulfillable" integer NOT NULL,
	"inbound_working" integer NOT NULL,
	"inbound_shipped" integer NOT NULL,
	"inbound_receiving" integer NOT NULL,
	"reserved" integer NOT NULL,
	"researching" integer NOT NULL,
	"unfulfillable" integer NOT NULL,
	"total" integer NOT NULL,
	"last_updated_at" timestamp with time zone,
	CONSTRAINT "inventory_snapshots_store_id_marketplace_id_sku_snapshot_date_pk" PRIMARY KEY("store_id","marketplace_id","sku","snapshot_date")
);
--> statement-breakpoint
CREATE TABLE "listings" (
	"store_id" uuid NOT NULL,
	"marketplace_id" text NOT NULL,
	"sku" text NOT NULL,
	"asin" text NOT NULL,
	"product_type" text,
	"condition_type" text,
	"status" text[] NOT NULL,
	"item_name" text,
	"price" numeric(18, 4),
	"currency" char(3),
	"fulfillment_channel" text,
	"listed_at" timestamp with time zone,
	"last_updated_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "listings_store_id_marketplace_id_sku_pk" PRIMARY KEY("store_id","marketplace_id","sku")
);
--> statement-breakpoint
CREATE TABLE "order_items" (
	"store_id" uuid NOT NULL,
	"amazon_order_id" text NOT NULL,
	"order_item_id" text NOT NULL,
	"asin" text NOT NULL,
	"sku" text,
	"title" text,
	"quantity" integer NOT NULL,
	"item_price" numeric(18, 4),
	"item_tax" numeric(18, 4),
	"shipping_price" numeric(18, 4),
	"promotion_discount" numeric(18, 4),
	"currency" char(3),
	CONSTRAINT "order_items_store_id_amazon_order_id_order_item_id_pk" PRIMARY KEY("store_id","amazon_order_id","order_item_id")
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"store_id" uuid NOT NULL,
	"amazon_order_id" text NOT NULL,
	"marketplace_id" text NOT NULL,
	"merchant_order_id" text,
	"status" text NOT NULL,
	"fulfillment_channel" text NOT NULL,
	"sales_channel" text,
	"order_total" numeric(18, 4),
	"currency" char(3),
	"is_business" boolean DEFAULT false NOT NULL,
	"is_prime" boolean DEFAULT false NOT NULL,
	"ship_country" char(2),
	"purchased_at" timestamp with time zone NOT NULL,
	"last_updated_at" timestamp with time zone NOT NULL,
	"shipped_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"synced_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "orders_store_id_amazon_order_id_pk" PRIMARY KEY("store_id","amazon_order_id")
);
--> statement-breakpoint
CREATE TABLE "products" (
	"store_id" uuid NOT NULL,
	"sku" text NOT NULL,
	"asin" text NOT NULL,
	"title" text NOT NULL,
	"category" text,
	"brand" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "products_store_id_sku_pk" PRIMARY KEY("store_id","sku")
);
--> statement-breakpoint
CREATE TABLE "returns" (
	"store_id" uuid NOT NULL,
	"amazon_order_id" text NOT NULL,
	"sku" text NOT NULL,
	"returned_at" timestamp with time zone NOT NULL,
	"license_plate_number" text DEFAULT '' NOT NULL,
	"asin" text,
	"fnsku" text,
	"quantity" integer NOT NULL,
	"fulfillment_center_id" text,
	"disposition" text,
	"reason" text,
	"status" text,
	CONSTRAINT "returns_store_id_amazon_order_id_sku_returned_at_license_plate_number_pk" PRIMARY KEY("store_id","amazon_order_id","sku","returned_at","license_plate_number")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"name" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"permissions" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sales_traffic_daily" (
	"store_id" uuid NOT NULL,
	"marketplace_id" text NOT NULL,
	"day" date NOT NULL,
	"child_asin" text NOT NULL,
	"parent_asin" text NOT NULL,
	"sku" text,
	"units_ordered" integer NOT NULL,
	"ordered_sales" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	"total_order_items" integer NOT NULL,
	"sessions" integer NOT NULL,
	"page_views" integer NOT NULL,
	"buy_box_percentage" numeric(6, 2),
	"unit_session_percentage" numeric(6, 2),
	CONSTRAINT "sales_traffic_daily_store_id_marketplace_id_day_child_asin_pk" PRIMARY KEY("store_id","marketplace_id","day","child_asin")
);
--> statement-breakpoint
CREATE TABLE "search_terms" (
	"store_id" uuid NOT NULL,
	"marketplace_id" text NOT NULL,
	"report_period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"search_term" text NOT NULL,
	"click_share_rank" integer NOT NULL,
	"department_name" text NOT NULL,
	"search_frequency_rank" integer NOT NULL,
	"clicked_asin" text NOT NULL,
	"click_share" numeric(7, 4) NOT NULL,
	"conversion_share" numeric(7, 4) NOT NULL,
	CONSTRAINT "search_terms_store_id_marketplace_id_report_period_period_start_search_term_click_share_rank_pk" PRIMARY KEY("store_id","marketplace_id","report_period","period_start","search_term","click_share_rank")
);
--> statement-breakpoint
CREATE TABLE "settlement_lines" (
	"store_id" uuid NOT NULL,
	"settlement_id" text NOT NULL,
	"line_no" integer NOT NULL,
	"transaction_type" text NOT NULL,
	"amazon_order_id" text,
	"merchant_order_id" text,
	"adjustment_id" text,
	"shipment_id" text,
	"marketplace_name" text,
	"amount_type" text NOT NULL,
	"amount_description" text NOT NULL,
	"amount" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	"fulfillment_id" text,
	"posted_at" timestamp with time zone,
	"order_item_code" text,
	"sku" text,
	"quantity_purchased" integer,
	"promotion_id" text,
	CONSTRAINT "settlement_lines_store_id_settlement_id_line_no_pk" PRIMARY KEY("store_id","settlement_id","line_no")
);
--> statement-breakpoint
CREATE TABLE "settlements" (
	"store_id" uuid NOT NULL,
	"settlement_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"deposit_at" timestamp with time zone,
	"total_amount" numeric(18, 4) NOT NULL,
	"currency" char(3) NOT NULL,
	"report_document_id" text,
	CONSTRAINT "settlements_store_id_settlement_id_pk" PRIMARY KEY("store_id","settlement_id")
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"display_name" text NOT NULL,
	"kind" text DEFAULT 'sso' NOT NULL,
	"role" text NOT NULL,
	"status" text DEFAULT 'invited' NOT NULL,
	"last_seen_at" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "store_grants" (
	"user_id" uuid NOT NULL,
	"store_id" uuid NOT NULL,
	"granted_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "store_grants_user_id_store_id_pk" PRIMARY KEY("user_id","store_id")
);
--> statement-breakpoint
CREATE TABLE "store_marketplaces" (
	"store_id" uuid NOT NULL,
	"marketplace_id" text NOT NULL,
	"country_code" char(2) NOT NULL,
	"default_currency" char(3) NOT NULL,
	"domain" text NOT NULL,
	"participating" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "store_marketplaces_store_id_marketplace_id_pk" PRIMARY KEY("store_id","marketplace_id")
);
--> statement-breakpoint
CREATE TABLE "stores" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"seller_id" text NOT NULL,
	"region" text NOT NULL,
	"name" text NOT NULL,
	"brand" text,
	"status" text DEFAULT 'registered' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"store_id" uuid NOT NULL,
	"dataset" text NOT NULL,
	"marketplace_id" text DEFAULT '' NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_store_id_dataset_marketplace_id_pk" PRIMARY KEY("store_id","dataset","marketplace_id")
);
--> statement-breakpoint
CREATE TABLE "sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"store_id" uuid NOT NULL,
	"dataset" text NOT NULL,
	"marketplace_id" text,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"pages" integer DEFAULT 0 NOT NULL,
	"rows_inserted" integer DEFAULT 0 NOT NULL,
	"rows_updated" integer DEFAULT 0 NOT NULL,
	"rows_skipped" integer DEFAULT 0 NOT NULL,
	"api_calls" integer DEFAULT 0 NOT NULL,
	"throttles" integer DEFAULT 0 NOT NULL,
	"empty_reason" text,
	"error" text,
	"progress" jsonb
);
--> statement-breakpoint
ALTER TABLE "ad_budget_bid_changes" ADD CONSTRAINT "ad_budget_bid_changes_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_campaigns" ADD CONSTRAINT "ad_campaigns_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_groups" ADD CONSTRAINT "ad_groups_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_keywords" ADD CONSTRAINT "ad_keywords_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_metrics_daily" ADD CONSTRAINT "ad_metrics_daily_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_profiles" ADD CONSTRAINT "ad_profiles_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ad_targets" ADD CONSTRAINT "ad_targets_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_request_log" ADD CONSTRAINT "api_request_log_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "buyer_pii" ADD CONSTRAINT "buyer_pii_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "fees" ADD CONSTRAINT "fees_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "financial_events" ADD CONSTRAINT "financial_events_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inventory_snapshots" ADD CONSTRAINT "inventory_snapshots_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "order_items" ADD CONSTRAINT "order_items_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "orders" ADD CONSTRAINT "orders_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "products" ADD CONSTRAINT "products_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "returns" ADD CONSTRAINT "returns_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sales_traffic_daily" ADD CONSTRAINT "sales_traffic_daily_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "search_terms" ADD CONSTRAINT "search_terms_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlement_lines" ADD CONSTRAINT "settlement_lines_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "settlements" ADD CONSTRAINT "settlements_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_role_roles_name_fk" FOREIGN KEY ("role") REFERENCES "public"."roles"("name") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_grants" ADD CONSTRAINT "store_grants_user_id_staff_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."staff_users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_grants" ADD CONSTRAINT "store_grants_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_grants" ADD CONSTRAINT "store_grants_granted_by_staff_users_id_fk" FOREIGN KEY ("granted_by") REFERENCES "public"."staff_users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "store_marketplaces" ADD CONSTRAINT "store_marketplaces_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_runs" ADD CONSTRAINT "sync_runs_store_id_stores_id_fk" FOREIGN KEY ("store_id") REFERENCES "public"."stores"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ad_metrics_day_idx" ON "ad_metrics_daily" USING btree ("store_id","day");--> statement-breakpoint
CREATE INDEX "api_request_log_store_at_idx" ON "api_request_log" USING btree ("store_id","at");--> statement-breakpoint
CREATE INDEX "audit_events_at_idx" ON "audit_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_events_store_idx" ON "audit_events" USING btree ("store_id","at");--> statement-breakpoint
CREATE INDEX "buyer_pii_purge_idx" ON "buyer_pii" USING btree ("purge_after");--> statement-breakpoint
CREATE INDEX "financial_events_posted_idx" ON "financial_events" USING btree ("store_id","posted_at");--> statement-breakpoint
CREATE INDEX "orders_purchased_idx" ON "orders" USING btree ("store_id","purchased_at");--> statement-breakpoint
CREATE INDEX "orders_updated_idx" ON "orders" USING btree ("store_id","last_updated_at");--> statement-breakpoint
CREATE INDEX "products_asin_idx" ON "products" USING btree ("store_id","asin");--> statement-breakpoint
CREATE INDEX "settlement_lines_order_idx" ON "settlement_lines" USING btree ("store_id","amazon_order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_users_email_uq" ON "staff_users" USING btree ("email");--> statement-breakpoint
CREATE INDEX "store_grants_store_idx" ON "store_grants" USING btree ("store_id");--> statement-breakpoint
CREATE UNIQUE INDEX "stores_seller_region_uq" ON "stores" USING btree ("seller_id","region");--> statement-breakpoint
CREATE INDEX "sync_runs_store_started_idx" ON "sync_runs" USING btree ("store_id","started_at");