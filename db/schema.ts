// The data model for every category of Data Policy §3. Each table that holds
// a store's data carries `store_id`; its row-level security policy lives in
// the SQL migrations (db/migrations/), applied by app_apply_store_isolation.
// Money is numeric with its currency; times are timestamptz in UTC.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  char,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";

const tz = (name: string) => timestamp(name, { withTimezone: true });
const money = (name: string) => numeric(name, { precision: 18, scale: 4 });
const currency = (name = "currency") => char(name, { length: 3 });
const createdAt = () => tz("created_at").notNull().defaultNow();
const updatedAt = () => tz("updated_at").notNull().defaultNow();
const storeRef = () =>
  uuid("store_id").notNull().references(() => stores.id, {
    onDelete: "restrict",
  });

// ── Stores and marketplaces (§2: only the company's own accounts) ──────────

export const stores = pgTable("stores", {
  id: uuid("id").primaryKey().defaultRandom(),
  sellerId: text("seller_id").notNull(),
  region: text("region", { enum: ["NA", "EU", "FE"] }).notNull(),
  name: text("name").notNull(),
  brand: text("brand"),
  /**
   * Where products take their title and attributes from (one of the
   * store's marketplaces; a deferred foreign key in 0018).
   */
  primaryMarketplaceId: text("primary_marketplace_id"),
  status: text("status", {
    enum: [
      "registered",
      "connected",
      "revoked",
      "disconnecting",
      "disconnected",
    ],
  }).notNull().default("registered"),
  /** Days from ordering stock to it being sellable at FBA (0027). */
  restockLeadTimeDays: integer("restock_lead_time_days").notNull().default(30),
  /** Days of sales a restock should cover once it arrives (0027). */
  restockCoverDays: integer("restock_cover_days").notNull().default(60),
  /**
   * Days of cover under which a SKU is a low-cover alert (0027; the three
   * restock settings are checked to lie in 0..365 there).
   */
  coverAlertDays: integer("cover_alert_days").notNull().default(14),
  /** Containment (0034): while set, no sync of the store runs. */
  syncsPausedAt: tz("syncs_paused_at"),
  syncsPausedBy: uuid("syncs_paused_by"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("stores_seller_region_uq").on(t.sellerId, t.region)]);

export const storeMarketplaces = pgTable("store_marketplaces", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  countryCode: char("country_code", { length: 2 }).notNull(),
  defaultCurrency: currency("default_currency").notNull(),
  domain: text("domain").notNull(),
  participating: boolean("participating").notNull().default(true),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.storeId, t.marketplaceId] })]);

// ── Amazon credentials (§7: only server-side, encrypted, rotated) ─────────

/**
 * The company's Amazon applications: an SP-API app (LWA client) and an Ads
 * API client. Client id and secret are vault JWEs; the previous secret is
 * kept until the new one has worked once (§7, LWA 180-day rotation).
 */
export const amazonApps = pgTable("amazon_apps", {
  id: uuid("id").primaryKey().defaultRandom(),
  api: text("api", { enum: ["sp-api", "ads"] }).notNull(),
  name: text("name").notNull(),
  /** amzn1.sp.solution.… or amzn1.sellerapps.app.…: an identifier, not a secret. */
  applicationId: text("application_id"),
  draft: boolean("draft").notNull().default(true),
  clientIdJwe: text("client_id_jwe").notNull(),
  clientSecretJwe: text("client_secret_jwe").notNull(),
  secretIssuedAt: tz("secret_issued_at").notNull(),
  previousSecretJwe: text("previous_secret_jwe"),
  secretVerifiedAt: tz("secret_verified_at"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("amazon_apps_api_name_uq").on(t.api, t.name)]);

/** Per-store refresh tokens (vault JWE) with their provenance and use. */
export const storeCredentials = pgTable("store_credentials", {
  storeId: storeRef(),
  api: text("api", { enum: ["sp-api", "ads"] }).notNull(),
  appId: uuid("app_id").notNull().references(() => amazonApps.id),
  refreshTokenJwe: text("refresh_token_jwe").notNull(),
  method: text("method", { enum: ["website", "self"] }).notNull(),
  roles: text("roles").array().notNull().default([]),
  scopes: text("scopes").array().notNull().default([]),
  issuedAt: tz("issued_at").notNull(),
  /** Public-app authorizations lapse after 365 days; self-authorized do not. */
  authorizationExpiresAt: tz("authorization_expires_at"),
  lastUsedAt: tz("last_used_at"),
  lastRotatedAt: tz("last_rotated_at"),
}, (t) => [primaryKey({ columns: [t.storeId, t.api] })]);

/**
 * A store's disconnection (Data Policy §10): what was chosen per data
 * category, and what was done, step by step, so a crash resumes.
 */
export const storeDisconnections = pgTable("store_disconnections", {
  id: uuid("id").primaryKey().defaultRandom(),
  storeId: storeRef(),
  requestedBy: uuid("requested_by").notNull(),
  requestedAt: tz("requested_at").notNull().defaultNow(),
  reason: text("reason").notNull(),
  /** Category → "delete" | "archive" | "keep". */
  choices: jsonb("choices").notNull(),
  status: text("status", { enum: ["in_progress", "completed"] }).notNull()
    .default("in_progress"),
  /** What each step did: counts per table, never content. */
  steps: jsonb("steps").notNull().default({}),
  archivePath: text("archive_path"),
  backupsRestrictedAt: tz("backups_restricted_at"),
  completedAt: tz("completed_at"),
}, (t) => [index("store_disconnections_store_idx").on(t.storeId)]);

// ── Staff, roles and per-store grants (§5 least privilege) ─────────────────

export const roles = pgTable("roles", {
  name: text("name").primaryKey(),
  description: text("description").notNull(),
  permissions: text("permissions").array().notNull(),
});

export const staffUsers = pgTable("staff_users", {
  id: uuid("id").primaryKey().defaultRandom(),
  email: text("email").notNull(),
  displayName: text("display_name").notNull(),
  kind: text("kind", { enum: ["sso", "local"] }).notNull().default("sso"),
  role: text("role").notNull().references(() => roles.name),
  status: text("status", { enum: ["invited", "active", "disabled"] }).notNull()
    .default("invited"),
  /** How sign-in was second-factored: local TOTP, or the identity provider's MFA. */
  mfaAssurance: text("mfa_assurance", { enum: ["totp", "idp"] }),
  invitedBy: uuid("invited_by"),
  lastSignInAt: tz("last_sign_in_at"),
  lastSeenAt: tz("last_seen_at"),
  disabledAt: tz("disabled_at"),
  /** The person's IANA time zone for dates and times on pages; null: the default (UTC). */
  timeZone: text("time_zone"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
}, (t) => [uniqueIndex("staff_users_email_uq").on(t.email)]);

export const storeGrants = pgTable("store_grants", {
  userId: uuid("user_id").notNull().references(() => staffUsers.id, {
    onDelete: "cascade",
  }),
  storeId: storeRef(),
  grantedBy: uuid("granted_by").references(() => staffUsers.id),
  grantedAt: createdAt(),
  lastUsedAt: tz("last_used_at"),
}, (t) => [
  primaryKey({ columns: [t.userId, t.storeId] }),
  index("store_grants_store_idx").on(t.storeId),
]);

/**
 * Break-glass local accounts (Amazon DPP password rules, mandatory TOTP).
 * The TOTP secret is a vault JWE; recovery codes are stored hashed.
 */
export const localCredentials = pgTable("local_credentials", {
  userId: uuid("user_id").primaryKey().references(() => staffUsers.id, {
    onDelete: "cascade",
  }),
  passwordHash: text("password_hash").notNull(),
  passwordChangedAt: tz("password_changed_at").notNull(),
  totpSecretJwe: text("totp_secret_jwe"),
  totpConfirmedAt: tz("totp_confirmed_at"),
  recoveryCodeHashes: text("recovery_code_hashes").array().notNull().default(
    [],
  ),
  updatedAt: updatedAt(),
});

/** A periodic access review campaign (§5; quarterly by default). */
export const accessReviews = pgTable("access_reviews", {
  id: uuid("id").primaryKey().defaultRandom(),
  startedAt: tz("started_at").notNull().defaultNow(),
  startedBy: uuid("started_by").notNull().references(() => staffUsers.id),
  dueAt: tz("due_at").notNull(),
  completedAt: tz("completed_at"),
  completedBy: uuid("completed_by").references(() => staffUsers.id),
});

/** One line of a review: a user's role (store_id null) or one store grant. */
export const accessReviewItems = pgTable("access_review_items", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  reviewId: uuid("review_id").notNull().references(() => accessReviews.id, {
    onDelete: "cascade",
  }),
  userId: uuid("user_id").notNull().references(() => staffUsers.id, {
    onDelete: "cascade",
  }),
  role: text("role").notNull(),
  storeId: uuid("store_id").references(() => stores.id, {
    onDelete: "restrict",
  }),
  lastUsedAt: tz("last_used_at"),
  flaggedUnused: boolean("flagged_unused").notNull().default(false),
  decision: text("decision", { enum: ["confirm", "revoke"] }),
  decidedBy: uuid("decided_by").references(() => staffUsers.id),
  decidedAt: tz("decided_at"),
}, (t) => [index("access_review_items_review_idx").on(t.reviewId)]);

// ── Catalog, listings, inventory ───────────────────────────────────────────

export const products = pgTable("products", {
  storeId: storeRef(),
  sku: text("sku").notNull(),
  asin: text("asin").notNull(),
  title: text("title").notNull(),
  category: text("category"),
  brand: text("brand"),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.sku] }),
  index("products_asin_idx").on(t.storeId, t.asin),
]);

export const listings = pgTable("listings", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  sku: text("sku").notNull(),
  asin: text("asin").notNull(),
  productType: text("product_type"),
  conditionType: text("condition_type"),
  status: text("status").array().notNull(),
  itemName: text("item_name"),
  price: money("price"),
  currency: currency(),
  fulfillmentChannel: text("fulfillment_channel", { enum: ["AFN", "MFN"] }),
  listedAt: tz("listed_at"),
  lastUpdatedAt: tz("last_updated_at"),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.marketplaceId, t.sku] }),
  // A product's listings per marketplace (0026_products_screens.sql).
  index("listings_asin_idx").on(t.storeId, t.asin),
]);

export const inventorySnapshots = pgTable("inventory_snapshots", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  sku: text("sku").notNull(),
  snapshotDate: date("snapshot_date").notNull(),
  fnsku: text("fnsku"),
  asin: text("asin").notNull(),
  condition: text("condition"),
  fulfillable: integer("fulfillable").notNull(),
  inboundWorking: integer("inbound_working").notNull(),
  inboundShipped: integer("inbound_shipped").notNull(),
  inboundReceiving: integer("inbound_receiving").notNull(),
  reserved: integer("reserved").notNull(),
  researching: integer("researching").notNull(),
  unfulfillable: integer("unfulfillable").notNull(),
  total: integer("total").notNull(),
  lastUpdatedAt: tz("last_updated_at"),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.marketplaceId, t.sku, t.snapshotDate] }),
]);

// ── Orders; buyer personal data lives apart (§8, §9: own clock, encrypted) ─

export const orders = pgTable("orders", {
  storeId: storeRef(),
  amazonOrderId: text("amazon_order_id").notNull(),
  marketplaceId: text("marketplace_id").notNull(),
  merchantOrderId: text("merchant_order_id"),
  status: text("status").notNull(),
  fulfillmentChannel: text("fulfillment_channel", { enum: ["AFN", "MFN"] })
    .notNull(),
  salesChannel: text("sales_channel"),
  orderTotal: money("order_total"),
  currency: currency(),
  isBusiness: boolean("is_business").notNull().default(false),
  isPrime: boolean("is_prime").notNull().default(false),
  shipCountry: char("ship_country", { length: 2 }),
  purchasedAt: tz("purchased_at").notNull(),
  lastUpdatedAt: tz("last_updated_at").notNull(),
  shippedAt: tz("shipped_at"),
  deliveredAt: tz("delivered_at"),
  syncedAt: tz("synced_at").notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.amazonOrderId] }),
  index("orders_purchased_idx").on(t.storeId, t.purchasedAt),
  index("orders_updated_idx").on(t.storeId, t.lastUpdatedAt),
  // The orders a store shipped in a settlement's period (0030).
  index("orders_shipped_idx").on(t.storeId, t.shippedAt),
  // Keyset pages of /orders (db/migrations/0025_orders_screens.sql).
  index("orders_keyset_purchased_idx").on(
    t.purchasedAt,
    t.storeId,
    t.amazonOrderId,
  ),
  index("orders_keyset_total_idx").on(
    sql`(coalesce(${t.orderTotal}, -1))`,
    t.purchasedAt,
    t.storeId,
    t.amazonOrderId,
  ),
  index("orders_keyset_status_idx").on(
    t.status,
    t.purchasedAt,
    t.storeId,
    t.amazonOrderId,
  ),
]);

export const orderItems = pgTable("order_items", {
  storeId: storeRef(),
  amazonOrderId: text("amazon_order_id").notNull(),
  orderItemId: text("order_item_id").notNull(),
  asin: text("asin").notNull(),
  sku: text("sku"),
  title: text("title"),
  quantity: integer("quantity").notNull(),
  itemPrice: money("item_price"),
  itemTax: money("item_tax"),
  shippingPrice: money("shipping_price"),
  promotionDiscount: money("promotion_discount"),
  currency: currency(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.amazonOrderId, t.orderItemId] }),
  index("order_items_sku_idx").on(t.sku, t.storeId),
  index("order_items_asin_idx").on(t.asin, t.storeId),
]);

/**
 * Buyer personal data, one row per order. The contents are one JWE (vault);
 * `purge_after` is delivery + 30 days unless a legal basis extends it.
 */
export const buyerPii = pgTable("buyer_pii", {
  storeId: storeRef(),
  amazonOrderId: text("amazon_order_id").notNull(),
  payloadJwe: text("payload_jwe").notNull(),
  purpose: text("purpose", {
    enum: ["fulfillment", "tax", "invoice", "legal"],
  }).notNull(),
  collectedAt: tz("collected_at").notNull().defaultNow(),
  purgeAfter: tz("purge_after"),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.amazonOrderId] }),
  index("buyer_pii_purge_idx").on(t.purgeAfter),
]);

export const returns = pgTable("returns", {
  storeId: storeRef(),
  amazonOrderId: text("amazon_order_id").notNull(),
  sku: text("sku").notNull(),
  returnedAt: tz("returned_at").notNull(),
  licensePlateNumber: text("license_plate_number").notNull().default(""),
  asin: text("asin"),
  fnsku: text("fnsku"),
  quantity: integer("quantity").notNull(),
  fulfillmentCenterId: text("fulfillment_center_id"),
  disposition: text("disposition"),
  reason: text("reason"),
  status: text("status"),
}, (t) => [
  primaryKey({
    columns: [
      t.storeId,
      t.amazonOrderId,
      t.sku,
      t.returnedAt,
      t.licensePlateNumber,
    ],
  }),
  // One period's returns (0026_products_screens.sql).
  index("returns_returned_idx").on(t.storeId, t.returnedAt),
]);

/**
 * Daily sales per store, marketplace, marketplace-local day and currency:
 * orders not cancelled, those with a total, their units and order totals.
 * Kept by the database (0024_daily_aggregates.sql: statement triggers on
 * orders and order_items recompute the buckets a write touches, in the same
 * transaction); the dashboard reads these instead of every order.
 */
export const dailySales = pgTable("daily_sales", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  day: date("day").notNull(),
  currency: currency().notNull(),
  orders: integer("orders").notNull(),
  pricedOrders: integer("priced_orders").notNull(),
  units: integer("units").notNull(),
  sales: money("sales").notNull(),
}, (t) => [
  primaryKey({
    columns: [t.storeId, t.day, t.marketplaceId, t.currency],
  }),
]);

/** The same per ASIN, from the order items (sales are item prices). */
export const dailyProductSales = pgTable("daily_product_sales", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  day: date("day").notNull(),
  asin: text("asin").notNull(),
  currency: currency().notNull(),
  orders: integer("orders").notNull(),
  units: integer("units").notNull(),
  sales: money("sales").notNull(),
}, (t) => [
  primaryKey({
    columns: [t.storeId, t.day, t.marketplaceId, t.asin, t.currency],
  }),
  // One product's days (0026_products_screens.sql).
  index("daily_product_sales_asin_idx").on(t.storeId, t.asin, t.day),
]);

export const salesTrafficDaily = pgTable("sales_traffic_daily", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  day: date("day").notNull(),
  childAsin: text("child_asin").notNull(),
  parentAsin: text("parent_asin").notNull(),
  sku: text("sku"),
  unitsOrdered: integer("units_ordered").notNull(),
  orderedSales: money("ordered_sales").notNull(),
  currency: currency().notNull(),
  totalOrderItems: integer("total_order_items").notNull(),
  sessions: integer("sessions").notNull(),
  pageViews: integer("page_views").notNull(),
  buyBoxPercentage: numeric("buy_box_percentage", { precision: 6, scale: 2 }),
  unitSessionPercentage: numeric("unit_session_percentage", {
    precision: 6,
    scale: 2,
  }),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.marketplaceId, t.day, t.childAsin] }),
  // One period, and one product's days (0026_products_screens.sql).
  index("sales_traffic_daily_day_idx").on(t.storeId, t.day),
  index("sales_traffic_daily_asin_idx").on(t.storeId, t.childAsin, t.day),
]);

// ── Advertising ────────────────────────────────────────────────────────────

export const adProfiles = pgTable("ad_profiles", {
  storeId: storeRef(),
  profileId: text("profile_id").notNull(),
  marketplaceId: text("marketplace_id").notNull(),
  countryCode: char("country_code", { length: 2 }).notNull(),
  currency: currency().notNull(),
  timezone: text("timezone").notNull(),
  accountType: text("account_type").notNull(),
  accountName: text("account_name"),
}, (t) => [primaryKey({ columns: [t.storeId, t.profileId] })]);

export const adCampaigns = pgTable("ad_campaigns", {
  storeId: storeRef(),
  campaignId: text("campaign_id").notNull(),
  profileId: text("profile_id").notNull(),
  name: text("name").notNull(),
  state: text("state", { enum: ["ENABLED", "PAUSED", "ARCHIVED"] }).notNull(),
  targetingType: text("targeting_type", { enum: ["AUTO", "MANUAL"] })
    .notNull(),
  dailyBudget: money("daily_budget").notNull(),
  currency: currency().notNull(),
  biddingStrategy: text("bidding_strategy"),
  portfolioId: text("portfolio_id"),
  startDate: date("start_date").notNull(),
  endDate: date("end_date"),
  updatedAt: updatedAt(),
  /** Sponsored Products, Brands or Display: it sets the attribution window. */
  campaignType: text("campaign_type", { enum: ["SP", "SB", "SD"] }).notNull()
    .default("SP"),
}, (t) => [primaryKey({ columns: [t.storeId, t.campaignId] })]);

export const adGroups = pgTable("ad_groups", {
  storeId: storeRef(),
  adGroupId: text("ad_group_id").notNull(),
  campaignId: text("campaign_id").notNull(),
  name: text("name").notNull(),
  state: text("state", { enum: ["ENABLED", "PAUSED", "ARCHIVED"] }).notNull(),
  defaultBid: money("default_bid").notNull(),
  currency: currency().notNull(),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.adGroupId] }),
  // A campaign's ad groups (0029_ads_screens.sql).
  index("ad_groups_campaign_idx").on(t.storeId, t.campaignId),
]);

export const adKeywords = pgTable("ad_keywords", {
  storeId: storeRef(),
  keywordId: text("keyword_id").notNull(),
  adGroupId: text("ad_group_id").notNull(),
  campaignId: text("campaign_id").notNull(),
  keywordText: text("keyword_text").notNull(),
  matchType: text("match_type", { enum: ["EXACT", "PHRASE", "BROAD"] })
    .notNull(),
  state: text("state", { enum: ["ENABLED", "PAUSED", "ARCHIVED"] }).notNull(),
  bid: money("bid"),
  currency: currency().notNull(),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.keywordId] }),
  // The drill-down and the search terms' bids (0029_ads_screens.sql).
  index("ad_keywords_ad_group_idx").on(t.storeId, t.adGroupId),
  index("ad_keywords_campaign_idx").on(t.storeId, t.campaignId),
  index("ad_keywords_text_idx").on(t.storeId, sql`lower(${t.keywordText})`),
]);

export const adTargets = pgTable("ad_targets", {
  storeId: storeRef(),
  targetId: text("target_id").notNull(),
  adGroupId: text("ad_group_id").notNull(),
  campaignId: text("campaign_id").notNull(),
  expressionType: text("expression_type", { enum: ["AUTO", "MANUAL"] })
    .notNull(),
  expression: jsonb("expression").notNull(),
  state: text("state", { enum: ["ENABLED", "PAUSED", "ARCHIVED"] }).notNull(),
  bid: money("bid"),
  currency: currency().notNull(),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.targetId] }),
  index("ad_targets_ad_group_idx").on(t.storeId, t.adGroupId),
  index("ad_targets_campaign_idx").on(t.storeId, t.campaignId),
]);

/** History of budgets and bids as observed, so changes can be reviewed. */
export const adBudgetBidChanges = pgTable("ad_budget_bid_changes", {
  storeId: storeRef(),
  entityType: text("entity_type", {
    enum: ["campaign", "ad_group", "keyword", "target"],
  }).notNull(),
  entityId: text("entity_id").notNull(),
  field: text("field", { enum: ["daily_budget", "default_bid", "bid"] })
    .notNull(),
  observedAt: tz("observed_at").notNull(),
  oldValue: money("old_value"),
  newValue: money("new_value").notNull(),
  currency: currency().notNull(),
}, (t) => [
  primaryKey({
    columns: [t.storeId, t.entityType, t.entityId, t.field, t.observedAt],
  }),
]);

/** Daily ad metrics. ACOS and ROAS are derived in the ad_metrics_derived view. */
export const adMetricsDaily = pgTable("ad_metrics_daily", {
  storeId: storeRef(),
  profileId: text("profile_id").notNull(),
  day: date("day").notNull(),
  entityType: text("entity_type", {
    enum: ["campaign", "ad_group", "keyword", "target"],
  }).notNull(),
  entityId: text("entity_id").notNull(),
  campaignId: text("campaign_id").notNull(),
  impressions: bigint("impressions", { mode: "number" }).notNull(),
  clicks: bigint("clicks", { mode: "number" }).notNull(),
  spend: money("spend").notNull(),
  orders: integer("orders").notNull(),
  sales: money("sales").notNull(),
  currency: currency().notNull(),
  syncedAt: tz("synced_at").notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.entityType, t.entityId, t.day] }),
  index("ad_metrics_day_idx").on(t.storeId, t.day),
  // The screens (0029_ads_screens.sql): one kind of row of a period, its
  // figures included in the index; one campaign's rows.
  index("ad_metrics_entity_day_idx").on(t.storeId, t.entityType, t.day),
  index("ad_metrics_campaign_idx").on(
    t.storeId,
    t.campaignId,
    t.entityType,
    t.day,
  ),
]);

// ── Finance ────────────────────────────────────────────────────────────────

export const settlements = pgTable("settlements", {
  storeId: storeRef(),
  settlementId: text("settlement_id").notNull(),
  startsAt: tz("starts_at").notNull(),
  endsAt: tz("ends_at").notNull(),
  depositAt: tz("deposit_at"),
  totalAmount: money("total_amount").notNull(),
  currency: currency().notNull(),
  reportDocumentId: text("report_document_id"),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.settlementId] }),
  // Keyset pages of /finance (db/migrations/0030_finance_screens.sql).
  index("settlements_keyset_idx").on(t.endsAt, t.storeId, t.settlementId),
]);

export const settlementLines = pgTable("settlement_lines", {
  storeId: storeRef(),
  settlementId: text("settlement_id").notNull(),
  lineNo: integer("line_no").notNull(),
  transactionType: text("transaction_type").notNull(),
  amazonOrderId: text("amazon_order_id"),
  merchantOrderId: text("merchant_order_id"),
  adjustmentId: text("adjustment_id"),
  shipmentId: text("shipment_id"),
  marketplaceName: text("marketplace_name"),
  amountType: text("amount_type").notNull(),
  amountDescription: text("amount_description").notNull(),
  amount: money("amount").notNull(),
  currency: currency().notNull(),
  fulfillmentId: text("fulfillment_id"),
  postedAt: tz("posted_at"),
  orderItemCode: text("order_item_code"),
  sku: text("sku"),
  quantityPurchased: integer("quantity_purchased"),
  promotionId: text("promotion_id"),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.settlementId, t.lineNo] }),
  index("settlement_lines_order_idx").on(t.storeId, t.amazonOrderId),
  // The settled lines of an order's SKU (0031_profit.sql).
  index("settlement_lines_order_sku_idx").on(
    t.storeId,
    t.amazonOrderId,
    t.sku,
  ),
]);

export const financialEvents = pgTable("financial_events", {
  storeId: storeRef(),
  eventId: text("event_id").notNull(),
  eventType: text("event_type").notNull(),
  postedAt: tz("posted_at").notNull(),
  eventGroupId: text("event_group_id"),
  amazonOrderId: text("amazon_order_id"),
  sku: text("sku"),
  description: text("description"),
  /** The event's net amount; NULL only for an event of an unknown list. */
  amount: money("amount"),
  currency: currency(),
  /** The event object exactly as Finances v0 returned it. */
  raw: jsonb("raw"),
  /**
   * False for an event of a list the code does not know (a newer model's):
   * stored raw, its amount left NULL, and flagged on its run.
   */
  known: boolean("known").notNull().default(true),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.eventId] }),
  index("financial_events_posted_idx").on(t.storeId, t.postedAt),
  index("financial_events_order_idx").on(t.storeId, t.amazonOrderId),
  // Keyset pages of /finance/events and one event group's events (0030).
  index("financial_events_keyset_idx").on(t.postedAt, t.storeId, t.eventId),
  index("financial_events_group_idx").on(t.storeId, t.eventGroupId),
]);

export const fees = pgTable("fees", {
  storeId: storeRef(),
  eventId: text("event_id").notNull(),
  lineNo: integer("line_no").notNull(),
  feeType: text("fee_type").notNull(),
  amazonOrderId: text("amazon_order_id"),
  sku: text("sku"),
  postedAt: tz("posted_at").notNull(),
  amount: money("amount").notNull(),
  currency: currency().notNull(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.eventId, t.lineNo] }),
  index("fees_order_idx").on(t.storeId, t.amazonOrderId),
]);

// ── Profit (0031_profit.sql) ───────────────────────────────────────────────

/**
 * Cost of goods of a store's SKU in one currency from a day on, with the
 * optional inbound shipping and duty per unit (lib/profit/costs.ts).
 */
export const skuCosts = pgTable("sku_costs", {
  storeId: storeRef(),
  sku: text("sku").notNull(),
  currency: currency().notNull(),
  effectiveFrom: date("effective_from").notNull(),
  unitCost: money("unit_cost").notNull(),
  inboundShipping: money("inbound_shipping").notNull().default("0"),
  duty: money("duty").notNull().default("0"),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({
    name: "sku_costs_pk",
    columns: [t.storeId, t.sku, t.currency, t.effectiveFrom],
  }),
]);

/** The company's currency rates: 1 `base` = `rate` `quote`, per day. */
export const currencyRates = pgTable("currency_rates", {
  day: date("day").notNull(),
  base: currency("base").notNull(),
  quote: currency("quote").notNull(),
  rate: numeric("rate", { precision: 20, scale: 10 }).notNull(),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ name: "currency_rates_pk", columns: [t.day, t.base, t.quote] }),
  index("currency_rates_pair_idx").on(t.base, t.quote, t.day),
]);

// ── Brand Analytics ────────────────────────────────────────────────────────

export const searchTerms = pgTable("search_terms", {
  storeId: storeRef(),
  marketplaceId: text("marketplace_id").notNull(),
  reportPeriod: text("report_period", {
    enum: ["DAY", "WEEK", "MONTH", "QUARTER"],
  }).notNull(),
  periodStart: date("period_start").notNull(),
  periodEnd: date("period_end").notNull(),
  searchTerm: text("search_term").notNull(),
  clickShareRank: integer("click_share_rank").notNull(),
  departmentName: text("department_name").notNull(),
  searchFrequencyRank: integer("search_frequency_rank").notNull(),
  clickedAsin: text("clicked_asin").notNull(),
  clickShare: numeric("click_share", { precision: 7, scale: 4 }).notNull(),
  conversionShare: numeric("conversion_share", { precision: 7, scale: 4 })
    .notNull(),
}, (t) => [
  primaryKey({
    columns: [
      t.storeId,
      t.marketplaceId,
      t.reportPeriod,
      t.periodStart,
      t.searchTerm,
      t.clickShareRank,
    ],
  }),
  // The terms where one of a store's ASINs was clicked (0029_ads_screens.sql).
  index("search_terms_asin_idx").on(t.storeId, t.clickedAsin, t.periodStart),
]);

// ── Operations: API log, sync runs and cursors, audit ──────────────────────

/** One row per outbound call (§9: kept at least 90 days). Never a token or a body. */
export const apiRequestLog = pgTable("api_request_log", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  storeId: storeRef(),
  at: tz("at").notNull().defaultNow(),
  api: text("api", { enum: ["lwa", "sp-api", "ads-api", "report-document"] })
    .notNull(),
  operation: text("operation").notNull(),
  httpStatus: integer("http_status"),
  latencyMs: integer("latency_ms").notNull(),
  attempts: integer("attempts").notNull().default(1),
  requestId: text("request_id"),
  rateLimit: numeric("rate_limit", { precision: 10, scale: 4 }),
  errorCode: text("error_code"),
}, (t) => [index("api_request_log_store_at_idx").on(t.storeId, t.at)]);

export const syncRuns = pgTable("sync_runs", {
  id: uuid("id").primaryKey().defaultRandom(),
  storeId: storeRef(),
  dataset: text("dataset").notNull(),
  marketplaceId: text("marketplace_id"),
  trigger: text("trigger", { enum: ["schedule", "manual", "retry", "seed"] })
    .notNull(),
  status: text("status", {
    enum: [
      "queued",
      "running",
      "succeeded",
      "failed",
      "cancelled",
      "interrupted",
    ],
  }).notNull(),
  startedAt: tz("started_at").notNull().defaultNow(),
  finishedAt: tz("finished_at"),
  pages: integer("pages").notNull().default(0),
  rowsInserted: integer("rows_inserted").notNull().default(0),
  rowsUpdated: integer("rows_updated").notNull().default(0),
  rowsSkipped: integer("rows_skipped").notNull().default(0),
  apiCalls: integer("api_calls").notNull().default(0),
  throttles: integer("throttles").notNull().default(0),
  emptyReason: text("empty_reason"),
  error: text("error"),
  progress: jsonb("progress"),
  /** Rows skipped as invalid: the first 100 as {line, source, reason}, never content. */
  badRows: jsonb("bad_rows"),
  badRowCount: integer("bad_row_count").notNull().default(0),
  /** Instance holding the run (a crash leaves it "running" until the next run). */
  worker: text("worker"),
  heartbeatAt: tz("heartbeat_at"),
}, (t) => [
  index("sync_runs_store_started_idx").on(t.storeId, t.startedAt),
  index("sync_runs_store_dataset_idx").on(t.storeId, t.dataset, t.startedAt),
]);

/**
 * Schedules of the job registry (lib/sync/schedules.ts): a row exists only once
 * an admin changed the default. Not store data: every store runs the job.
 */
export const jobSchedules = pgTable("job_schedules", {
  name: text("name").primaryKey(),
  schedule: text("schedule").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAt(),
});

/**
 * Settings of the portal as a whole (`exports_frozen`: Data Policy §8, §12).
 * Read by the runtime role; changed only through portal_setting_set, which
 * takes an active owner.
 */
export const portalSettings = pgTable("portal_settings", {
  key: text("key").primaryKey(),
  valueJson: jsonb("value_json").notNull(),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAt(),
});

/**
 * The public documents (/policy, /privacy, /terms), one row per published
 * version, never changed once written; added only through document_publish
 * (db/migrations/0032_public_documents.sql), by documents.publish.
 */
export const documents = pgTable("documents", {
  kind: text("kind", { enum: ["policy", "privacy", "terms"] }).notNull(),
  version: integer("version").notNull(),
  title: text("title").notNull(),
  body: text("body").notNull(),
  changeNote: text("change_note").notNull().default(""),
  publishedAt: tz("published_at").notNull(),
  /** Null for the versions the migration seeded. */
  publishedBy: uuid("published_by"),
  publishedByName: text("published_by_name"),
}, (t) => [primaryKey({ columns: [t.kind, t.version] })]);

/**
 * Data Policy §11: the service providers that process data for the company,
 * with their confidentiality agreement and its review date. Retired, never
 * deleted; written only by providers.manage (FORCEd policies, 0032).
 */
export const serviceProviders = pgTable("service_providers", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  service: text("service", {
    enum: [
      "hosting",
      "database",
      "backups",
      "email",
      "security_monitoring",
      "other",
    ],
  }).notNull(),
  purpose: text("purpose").notNull(),
  dataCategories: text("data_categories").array().notNull(),
  region: text("region").notNull(),
  safeguards: text("safeguards").array().notNull(),
  hasAgreement: boolean("has_agreement").notNull(),
  agreementSignedOn: date("agreement_signed_on"),
  reviewDueOn: date("review_due_on").notNull(),
  createdAt: createdAt(),
  createdBy: uuid("created_by"),
  updatedAt: updatedAt(),
  updatedBy: uuid("updated_by"),
  retiredAt: tz("retired_at"),
  retiredBy: uuid("retired_by"),
}, (t) => [
  index("service_providers_name_idx").on(t.name, t.id),
  index("service_providers_review_idx").on(t.reviewDueOn, t.id),
]);

/** One retention rule per data category (§9); floors and ceilings are CHECKs. */
export const retentionRules = pgTable("retention_rules", {
  category: text("category").primaryKey(),
  days: integer("days").notNull(),
  fallbackDays: integer("fallback_days"),
  reason: text("reason").notNull(),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAt(),
});

/** A legal hold: rows in its scope are never purged. No store means all. */
export const legalHolds = pgTable("legal_holds", {
  id: uuid("id").primaryKey().defaultRandom(),
  storeId: uuid("store_id").references(() => stores.id, {
    onDelete: "restrict",
  }),
  category: text("category"),
  fromAt: tz("from_at"),
  toAt: tz("to_at"),
  recordIds: text("record_ids").array(),
  reason: text("reason").notNull(),
  owner: text("owner").notNull(),
  reviewOn: date("review_on").notNull(),
  createdBy: uuid("created_by"),
  createdAt: createdAt(),
  releasedAt: tz("released_at"),
  releasedBy: uuid("released_by"),
  releaseReason: text("release_reason"),
});

/** One purge of one category in one store: counts, never content. */
export const purgeRecords = pgTable("purge_records", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Null for what belongs to no store: the audit trail, sessions. */
  storeId: uuid("store_id").references(() => stores.id, {
    onDelete: "restrict",
  }),
  category: text("category").notNull(),
  /** The table deleted from (a category may span several). */
  tableName: text("table_name"),
  /** Rows left in the table (of the store) when the run finished. */
  rowsRemaining: bigint("rows_remaining", { mode: "number" }),
  /** The Amazon deletion request this purge carried out, if any. */
  deletionRequestId: uuid("deletion_request_id").references(
    () => deletionRequests.id,
    { onDelete: "restrict" },
  ),
  ruleDays: integer("rule_days").notNull(),
  dryRun: boolean("dry_run").notNull(),
  rowsDue: integer("rows_due").notNull().default(0),
  rowsDeleted: integer("rows_deleted").notNull().default(0),
  rowsHeld: integer("rows_held").notNull().default(0),
  status: text("status", { enum: ["running", "done", "interrupted"] })
    .notNull(),
  startedAt: tz("started_at").notNull(),
  finishedAt: tz("finished_at"),
}, (t) => [
  index("purge_records_store_started_idx").on(t.storeId, t.startedAt),
]);

/** A recorded legal basis keeping one order's buyer data until a date. */
export const buyerPiiExtensions = pgTable("buyer_pii_extensions", {
  storeId: storeRef(),
  amazonOrderId: text("amazon_order_id").notNull(),
  basis: text("basis", { enum: ["tax", "invoice", "legal"] }).notNull(),
  until: tz("until").notNull(),
  reason: text("reason").notNull(),
  createdBy: uuid("created_by"),
  createdAt: createdAt(),
}, (t) => [primaryKey({ columns: [t.storeId, t.amazonOrderId] })]);

/** The per-store purge lease. */
export const purgeLeases = pgTable("purge_leases", {
  storeId: uuid("store_id").primaryKey().references(() => stores.id, {
    onDelete: "restrict",
  }),
  holder: text("holder").notNull(),
  expiresAt: tz("expires_at").notNull(),
});

/** The lease of the purge of what belongs to no store (name "global"). */
export const purgeGlobalLeases = pgTable("purge_global_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: tz("expires_at").notNull(),
});

/**
 * Where the audit chain starts after a purge: the last row deleted and its
 * hash (written by a trigger on every deletion of audit events).
 */
export const auditAnchors = pgTable("audit_anchors", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  afterId: bigint("after_id", { mode: "number" }).notNull(),
  afterHash: text("after_hash"),
  rowsDeleted: bigint("rows_deleted", { mode: "number" }).notNull(),
  at: tz("at").notNull().defaultNow(),
});

/**
 * Amazon's deletion request: scope, reference, receipt and its 72-hour
 * deadline; the purge records naming it are its certificate's figures.
 */
export const deletionRequests = pgTable("deletion_requests", {
  id: uuid("id").primaryKey().defaultRandom(),
  amazonReference: text("amazon_reference").notNull(),
  receivedAt: tz("received_at").notNull(),
  deadlineAt: tz("deadline_at").notNull(),
  storeIds: uuid("store_ids").array().notNull(),
  categories: text("categories").array().notNull(),
  fromAt: tz("from_at"),
  toAt: tz("to_at"),
  orderIds: text("order_ids").array(),
  status: text("status", { enum: ["queued", "running", "done"] }).notNull()
    .default("queued"),
  requestedBy: uuid("requested_by").notNull(),
  requestedByName: text("requested_by_name").notNull(),
  createdAt: createdAt(),
  startedAt: tz("started_at"),
  finishedAt: tz("finished_at"),
  auditHeadId: bigint("audit_head_id", { mode: "number" }),
  auditHeadHash: text("audit_head_hash"),
}, (t) => [index("deletion_requests_created_idx").on(t.createdAt)]);

/** One row per job firing: the instance that inserts it runs the slot. */
export const jobSlots = pgTable("job_slots", {
  name: text("name").notNull(),
  slot: tz("slot").notNull(),
  claimedBy: text("claimed_by").notNull(),
  claimedAt: tz("claimed_at").notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.name, t.slot] })]);

export const syncCursors = pgTable("sync_cursors", {
  storeId: storeRef(),
  dataset: text("dataset").notNull(),
  marketplaceId: text("marketplace_id").notNull().default(""),
  cursor: jsonb("cursor").notNull(),
  updatedAt: updatedAt(),
}, (t) => [
  primaryKey({ columns: [t.storeId, t.dataset, t.marketplaceId] }),
]);

/**
 * Append-only audit trail (§8). The application role may only insert and
 * read; a trigger rejects UPDATE and DELETE. `hash` chains to `prev_hash`.
 */
export const auditEvents = pgTable("audit_events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  at: tz("at").notNull().defaultNow(),
  actorType: text("actor_type", {
    enum: ["staff", "requester", "system", "anonymous"],
  }).notNull(),
  actorId: text("actor_id"),
  action: text("action").notNull(),
  target: text("target"),
  storeId: uuid("store_id").references(() => stores.id, {
    onDelete: "restrict",
  }),
  outcome: text("outcome", { enum: ["success", "failure", "denied"] })
    .notNull(),
  ip: text("ip"),
  userAgent: text("user_agent"),
  requestId: text("request_id"),
  details: jsonb("details").notNull().default({}),
  prevHash: text("prev_hash"),
  hash: text("hash"),
}, (t) => [
  index("audit_events_at_idx").on(t.at),
  index("audit_events_store_idx").on(t.storeId, t.at),
]);

// ── Data requests from outside the company (§10, §13; 0033) ────────────────

/**
 * A data request made on /request. PERSONAL DATA: the requester's name,
 * e-mail, identifiers and description; the whole record is purged when the
 * retention rule "data_requests" has run from `closedAt`.
 */
export const dataRequests = pgTable("data_requests", {
  id: uuid("id").primaryKey(),
  publicId: text("public_id").notNull().unique(),
  type: text("type", {
    enum: ["delete", "revoke", "question", "security", "other"],
  }).notNull(),
  state: text("state").notNull().default("verifying_identity"),
  lang: text("lang", { enum: ["en", "zh-CN"] }).notNull().default("en"),
  requesterName: text("requester_name").notNull(),
  requesterEmail: text("requester_email").notNull(),
  relationship: text("relationship", {
    enum: ["seller", "buyer", "business", "other"],
  }).notNull(),
  sellerId: text("seller_id"),
  orderId: text("order_id"),
  marketplaceId: text("marketplace_id"),
  scopeCategories: text("scope_categories").array().notNull().default(
    sql`'{}'`,
  ),
  scopeStores: text("scope_stores"),
  scopeFrom: date("scope_from"),
  scopeTo: date("scope_to"),
  description: text("description").notNull().default(""),
  receivedAt: tz("received_at").notNull(),
  verifiedAt: tz("verified_at"),
  dueAt: tz("due_at").notNull(),
  closedAt: tz("closed_at"),
  updatedAt: tz("updated_at").notNull(),
  duplicateOf: uuid("duplicate_of"),
  match: jsonb("match"),
  scopePlan: jsonb("scope_plan"),
  scopeConfirmedBy: uuid("scope_confirmed_by"),
  scopeConfirmedAt: tz("scope_confirmed_at"),
  denialCode: text("denial_code"),
  denialExplanation: text("denial_explanation"),
  answer: text("answer"),
  completion: jsonb("completion"),
});

/** A request's timeline; `public` events are shown to the requester. */
export const requestEvents = pgTable("request_events", {
  id: bigint("id", { mode: "number" }).primaryKey(),
  requestId: uuid("request_id").notNull().references(() => dataRequests.id, {
    onDelete: "cascade",
  }),
  at: tz("at").notNull(),
  actorType: text("actor_type", { enum: ["requester", "staff", "system"] })
    .notNull(),
  actorId: uuid("actor_id"),
  actorName: text("actor_name"),
  kind: text("kind").notNull(),
  details: jsonb("details").notNull().default({}),
  public: boolean("public").notNull().default(false),
}, (t) => [index("request_events_request_idx").on(t.requestId, t.id)]);

/** Two different approvers for a deletion or a revocation. */
export const requestApprovals = pgTable("request_approvals", {
  requestId: uuid("request_id").notNull().references(() => dataRequests.id, {
    onDelete: "cascade",
  }),
  approverId: uuid("approver_id").notNull(),
  approverName: text("approver_name").notNull(),
  at: tz("at").notNull(),
}, (t) => [primaryKey({ columns: [t.requestId, t.approverId] })]);

/** Single-use verification tokens, as SHA-256 hashes only. */
export const requestTokens = pgTable("request_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  requestId: uuid("request_id").notNull().references(() => dataRequests.id, {
    onDelete: "cascade",
  }),
  purpose: text("purpose", { enum: ["verify"] }).notNull(),
  expiresAt: tz("expires_at").notNull(),
  usedAt: tz("used_at"),
});

/** E-mail to send, or sent (lib/mail/outbox.ts). Personal data: the address. */
export const mailOutbox = pgTable("mail_outbox", {
  id: uuid("id").primaryKey().defaultRandom(),
  requestId: uuid("request_id").notNull().references(() => dataRequests.id, {
    onDelete: "cascade",
  }),
  toAddress: text("to_address").notNull(),
  template: text("template").notNull(),
  lang: text("lang", { enum: ["en", "zh-CN"] }).notNull(),
  params: jsonb("params").notNull().default({}),
  state: text("state", { enum: ["pending", "sent", "failed"] }).notNull()
    .default("pending"),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: tz("next_attempt_at").notNull(),
  lastError: text("last_error"),
  createdAt: tz("created_at").notNull(),
  sentAt: tz("sent_at"),
});

// ── Incidents (§12, 0034_incidents.sql; opened only by incident_open) ─────

/** A security incident; it spans stores (visible with all of them). */
export const incidents = pgTable("incidents", {
  id: uuid("id").primaryKey().defaultRandom(),
  ref: bigint("ref", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
  kind: text("kind", {
    enum: [
      "abnormal_access",
      "mistaken_export",
      "credential_exposure",
      "other",
    ],
  }).notNull(),
  severity: text("severity", { enum: ["low", "medium", "high", "critical"] })
    .notNull().default("medium"),
  state: text("state", {
    enum: ["reported", "investigating", "contained", "remediated", "closed"],
  }).notNull().default("reported"),
  source: text("source", { enum: ["report", "detection", "canary"] })
    .notNull(),
  rule: text("rule"),
  dedupeKey: text("dedupe_key"),
  summary: text("summary").notNull(),
  occurredAt: tz("occurred_at"),
  detectedAt: tz("detected_at").notNull(),
  storeIds: uuid("store_ids").array().notNull().default(sql`'{}'`),
  dataCategories: text("data_categories").array().notNull().default(
    sql`'{}'`,
  ),
  credentials: text("credentials").array().notNull().default(sql`'{}'`),
  ownerId: uuid("owner_id").references(() => staffUsers.id, {
    onDelete: "restrict",
  }),
  reportedBy: uuid("reported_by").references(() => staffUsers.id, {
    onDelete: "restrict",
  }),
  reportedByName: text("reported_by_name"),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
  closedAt: tz("closed_at"),
}, (t) => [index("incidents_detected_idx").on(t.detectedAt, t.id)]);

/** An incident's timeline: every report, finding, note and action. */
export const incidentEvents = pgTable("incident_events", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  incidentId: uuid("incident_id").notNull().references(() => incidents.id, {
    onDelete: "restrict",
  }),
  at: tz("at").notNull().defaultNow(),
  actorType: text("actor_type", { enum: ["staff", "system"] }).notNull(),
  actorId: uuid("actor_id"),
  actorName: text("actor_name").notNull(),
  kind: text("kind").notNull(),
  note: text("note").notNull(),
  /** Links to the evidence: [{label, href}]. */
  evidence: jsonb("evidence").notNull().default([]),
}, (t) => [index("incident_events_incident_idx").on(t.incidentId, t.id)]);

/** The notification checklist of an incident. */
export const incidentNotices = pgTable("incident_notices", {
  id: uuid("id").primaryKey().defaultRandom(),
  incidentId: uuid("incident_id").notNull().references(() => incidents.id, {
    onDelete: "restrict",
  }),
  party: text("party").notNull(),
  contact: text("contact"),
  dueAt: tz("due_at").notNull(),
  sentAt: tz("sent_at"),
  sentBy: uuid("sent_by").references(() => staffUsers.id, {
    onDelete: "restrict",
  }),
  sentByName: text("sent_by_name"),
  note: text("note"),
  createdAt: createdAt(),
}, (t) => [index("incident_notices_incident_idx").on(t.incidentId)]);

/** Published versions of the incident-response plan, never edited. */
export const responsePlanVersions = pgTable("response_plan_versions", {
  version: integer("version").primaryKey(),
  body: text("body").notNull(),
  note: text("note"),
  publishedBy: uuid("published_by").references(() => staffUsers.id, {
    onDelete: "restrict",
  }),
  publishedByName: text("published_by_name").notNull(),
  publishedAt: tz("published_at").notNull().defaultNow(),
});

/** Each recorded review of the plan (Amazon: every 6 months). */
export const responsePlanReviews = pgTable("response_plan_reviews", {
  id: uuid("id").primaryKey().defaultRandom(),
  version: integer("version").notNull().references(
    () => responsePlanVersions.version,
    { onDelete: "restrict" },
  ),
  reviewedAt: tz("reviewed_at").notNull(),
  reviewedBy: uuid("reviewed_by").references(() => staffUsers.id, {
    onDelete: "restrict",
  }),
  reviewedByName: text("reviewed_by_name").notNull(),
  note: text("note").notNull(),
}, (t) => [index("response_plan_reviews_at_idx").on(t.reviewedAt)]);

/** Detection rules with their thresholds, and where each last stopped. */
export const detectionRules = pgTable("detection_rules", {
  rule: text("rule").primaryKey(),
  threshold: integer("threshold").notNull(),
  windowMinutes: integer("window_minutes").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  checkedTo: tz("checked_to"),
  updatedBy: uuid("updated_by"),
  updatedAt: updatedAt(),
});

/** Decoy orders no legitimate work opens (a touch opens an incident). */
export const canaryRecords = pgTable("canary_records", {
  id: uuid("id").primaryKey().defaultRandom(),
  storeId: storeRef(),
  amazonOrderId: text("amazon_order_id").notNull(),
  plantedBy: uuid("planted_by").references(() => staffUsers.id, {
    onDelete: "restrict",
  }),
  plantedByName: text("planted_by_name").notNull(),
  plantedAt: tz("planted_at").notNull().defaultNow(),
}, (t) => [
  uniqueIndex("canary_records_order_uq").on(t.storeId, t.amazonOrderId),
]);

/** Tables whose rows belong to one store; each must have FORCEd RLS. */
export const storeScopedTables = [
  storeMarketplaces,
  storeGrants,
  products,
  listings,
  inventorySnapshots,
  orders,
  orderItems,
  buyerPii,
  returns,
  dailySales,
  dailyProductSales,
  salesTrafficDaily,
  adProfiles,
  adCampaigns,
  adGroups,
  adKeywords,
  adTargets,
  adBudgetBidChanges,
  adMetricsDaily,
  settlements,
  settlementLines,
  financialEvents,
  fees,
  skuCosts,
  searchTerms,
  apiRequestLog,
  syncRuns,
  syncCursors,
  auditEvents,
  accessReviewItems,
  storeCredentials,
  storeDisconnections,
  legalHolds,
  purgeRecords,
  purgeLeases,
  buyerPiiExtensions,
  canaryRecords,
] as const;

// ── Record of processing (issue #18, Data Policy §3, §9, Amazon's inventory
// of where personal data lives) ────────────────────────────────────────────
// Every column that holds personal data, keyed by table and column, with how
// it is collected, stored, used, shared and disposed of. The values are
// codes: /compliance renders them in the reader's language
// (views/compliance/messages.ts). tests/compliance/record_test.ts fails when
// a column that holds personal data (lib/compliance/record.ts decides, by
// name patterns and known tables) has no entry here, or an entry names a
// column that does not exist.

/** How one column's personal data is handled. */
export interface PersonalDataUse {
  category:
    | "buyer_contact"
    | "buyer_data_record"
    | "staff_identity"
    | "staff_account"
    | "staff_credential"
    | "network_identity"
    | "requester_identity"
    | "requester_request";
  collected:
    | "amazon_api"
    | "sync"
    | "invitation"
    | "sign_in"
    | "own_account"
    | "http_request"
    | "staff_entry"
    | "request_form";
  /** Encrypted: a vault JWE (lib/security/vault_rotation.ts SEALED_COLUMNS). */
  stored: "encrypted" | "hashed" | "plain";
  used:
    | "fulfillment_tax_invoice"
    | "retention_clock"
    | "sign_in_and_access"
    | "audit_and_security"
    | "deletion_evidence"
    | "answer_data_request";
  shared:
    | "nobody"
    | "staff_with_reason"
    | "administrators"
    | "auditors"
    | "request_handlers";
  disposed:
    | "purge_30_days_after_delivery"
    | "with_the_buyer_data"
    | "kept_while_account_exists"
    | "replaced_on_change"
    | "audit_retention_rule"
    | "with_the_request_record"
    | "kept_with_the_record";
}

/** The same handling for several columns. */
function sameFor(
  columns: readonly string[],
  use: PersonalDataUse,
): Record<string, PersonalDataUse> {
  return Object.fromEntries(columns.map((c) => [c, use]));
}

/** Table → column → handling: the record of processing. */
export const personalData: Record<string, Record<string, PersonalDataUse>> = {
  buyer_pii: {
    payload_jwe: {
      category: "buyer_contact",
      collected: "amazon_api",
      stored: "encrypted",
      used: "fulfillment_tax_invoice",
      shared: "staff_with_reason",
      disposed: "purge_30_days_after_delivery",
    },
    ...sameFor(["purpose", "collected_at", "purge_after"], {
      category: "buyer_data_record",
      collected: "sync",
      stored: "plain",
      used: "retention_clock",
      shared: "nobody",
      disposed: "with_the_buyer_data",
    }),
  },
  staff_users: {
    ...sameFor(["email", "display_name"], {
      category: "staff_identity",
      collected: "invitation",
      stored: "plain",
      used: "sign_in_and_access",
      shared: "administrators",
      disposed: "kept_while_account_exists",
    }),
    ...sameFor([
      "kind",
      "role",
      "status",
      "mfa_assurance",
      "invited_by",
      "last_sign_in_at",
      "last_seen_at",
      "disabled_at",
      "created_at",
      "updated_at",
    ], {
      category: "staff_account",
      collected: "sign_in",
      stored: "plain",
      used: "sign_in_and_access",
      shared: "administrators",
      disposed: "kept_while_account_exists",
    }),
    time_zone: {
      category: "staff_account",
      collected: "own_account",
      stored: "plain",
      used: "sign_in_and_access",
      shared: "nobody",
      disposed: "kept_while_account_exists",
    },
  },
  local_credentials: {
    ...sameFor(["password_hash", "recovery_code_hashes"], {
      category: "staff_credential",
      collected: "own_account",
      stored: "hashed",
      used: "sign_in_and_access",
      shared: "nobody",
      disposed: "replaced_on_change",
    }),
    totp_secret_jwe: {
      category: "staff_credential",
      collected: "own_account",
      stored: "encrypted",
      used: "sign_in_and_access",
      shared: "nobody",
      disposed: "replaced_on_change",
    },
    ...sameFor(["password_changed_at", "totp_confirmed_at", "updated_at"], {
      category: "staff_account",
      collected: "own_account",
      stored: "plain",
      used: "sign_in_and_access",
      shared: "nobody",
      disposed: "replaced_on_change",
    }),
  },
  audit_events: sameFor(["ip", "user_agent"], {
    category: "network_identity",
    collected: "http_request",
    stored: "plain",
    used: "audit_and_security",
    shared: "auditors",
    disposed: "audit_retention_rule",
  }),
  deletion_requests: {
    requested_by_name: {
      category: "staff_identity",
      collected: "staff_entry",
      stored: "plain",
      used: "deletion_evidence",
      shared: "auditors",
      disposed: "with_the_request_record",
    },
  },
  // Data requests (issue #17): what the requester gave, purged with the
  // request's record by the "data_requests" retention rule.
  data_requests: {
    ...sameFor(["requester_name", "requester_email", "seller_id", "order_id"], {
      category: "requester_identity",
      collected: "request_form",
      stored: "plain",
      used: "answer_data_request",
      shared: "request_handlers",
      disposed: "with_the_request_record",
    }),
    ...sameFor(["description", "match", "answer"], {
      category: "requester_request",
      collected: "request_form",
      stored: "plain",
      used: "answer_data_request",
      shared: "request_handlers",
      disposed: "with_the_request_record",
    }),
  },
  mail_outbox: sameFor(["to_address", "params"], {
    category: "requester_identity",
    collected: "request_form",
    stored: "plain",
    used: "answer_data_request",
    shared: "request_handlers",
    disposed: "with_the_request_record",
  }),
  // Staff names that sign a record (issue #18, #17): who reported, sent,
  // planted, published or reviewed.
  ...Object.fromEntries(
    [
      ["canary_records", "planted_by_name"],
      ["documents", "published_by_name"],
      ["incident_notices", "sent_by_name"],
      ["incidents", "reported_by_name"],
      ["response_plan_reviews", "reviewed_by_name"],
      ["response_plan_versions", "published_by_name"],
    ].map(([table, column]) => [table, {
      [column]: {
        category: "staff_identity",
        collected: "staff_entry",
        stored: "plain",
        used: "audit_and_security",
        shared: "auditors",
        disposed: "kept_with_the_record",
      } satisfies PersonalDataUse,
    }]),
  ),
};
