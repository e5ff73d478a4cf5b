// Fills a database with the sandbox's generated world (sandbox/world/, read
// into rows by bench/seed_rows.ts) through the same write paths the sync
// engine uses (lib/ingest/), one store at a time,
// each batch in its own Database.asJob transaction so row-level security
// applies exactly as in production (Data Policy §5). Stores are registered
// with registerStore (db/maintenance.ts); a store that already exists with
// the same id is reused, so seeding twice rewrites the same rows (the
// append-only API log is written only when the store is new).
import { eq } from "drizzle-orm";
import type { Database, Tx } from "../db/client.ts";
import { registerStore } from "../db/maintenance.ts";
import { stores } from "../db/schema.ts";
import type { WriteResult } from "../lib/ingest/_upsert.ts";
import {
  upsertAdBudgetBidChanges,
  upsertAdCampaigns,
  upsertAdGroups,
  upsertAdKeywords,
  upsertAdMetricsDaily,
  upsertAdProfiles,
  upsertAdTargets,
} from "../lib/ingest/ads.ts";
import { upsertBuyerPii } from "../lib/ingest/buyer_pii.ts";
import { upsertListings, upsertProducts } from "../lib/ingest/catalog.ts";
import {
  upsertFees,
  upsertFinancialEvents,
  upsertSettlementLines,
  upsertSettlements,
} from "../lib/ingest/finance.ts";
import { upsertInventorySnapshots } from "../lib/ingest/inventory.ts";
import {
  appendApiRequestLog,
  upsertSyncCursors,
  upsertSyncRuns,
} from "../lib/ingest/ops.ts";
import { upsertOrderItems, upsertOrders } from "../lib/ingest/orders.ts";
import { upsertReturns } from "../lib/ingest/returns.ts";
import { upsertSalesTrafficDaily } from "../lib/ingest/sales_traffic.ts";
import { upsertSearchTerms } from "../lib/ingest/search_terms.ts";
import type { Vault } from "../lib/security/vault.ts";
import {
  type GenerateOptions,
  generateStore,
  planStores,
} from "../sandbox/testing.ts";
import { SeedMapper, type SeedRows } from "./seed_rows.ts";

export interface SeedOptions {
  seed: string | number;
  /** Number of stores. */
  stores: number;
  /** Orders in total, across all stores. */
  orders: number;
  /** Days of history before `anchor`. */
  days: number;
  /** "Now" of the generated data. */
  anchor: Date;
  /** Orders per transaction (default 2000). */
  ordersPerTransaction?: number;
  onProgress?: (message: string) => void;
}

export interface SeededStore {
  id: string;
  name: string;
  sellerId: string;
  region: string;
  brand: string | null;
  marketplaces: string[];
  orders: number;
  /** False when the store already existed and was reused. */
  registered: boolean;
}

export interface SeedSummary {
  stores: SeededStore[];
  /** Rows written per table (database table names). */
  tables: Record<string, WriteResult>;
  /** Buyer-data rows not written because their retention had run out. */
  buyerPiiSkipped: number;
  transactions: number;
  elapsedMs: number;
}

type Writer = (
  tx: Tx,
  rows: never[],
  ctx: { vault: Vault; anchor: Date },
) => Promise<WriteResult>;

/** Every SeedRows key, its table, and its write path, in write order. */
const WRITERS: { [K in keyof Required<SeedRows>]: [string, Writer] } = {
  products: ["products", upsertProducts as Writer],
  listings: ["listings", upsertListings as Writer],
  inventorySnapshots: [
    "inventory_snapshots",
    upsertInventorySnapshots as Writer,
  ],
  adProfiles: ["ad_profiles", upsertAdProfiles as Writer],
  adCampaigns: ["ad_campaigns", upsertAdCampaigns as Writer],
  adGroups: ["ad_groups", upsertAdGroups as Writer],
  adKeywords: ["ad_keywords", upsertAdKeywords as Writer],
  adTargets: ["ad_targets", upsertAdTargets as Writer],
  adBudgetBidChanges: [
    "ad_budget_bid_changes",
    upsertAdBudgetBidChanges as Writer,
  ],
  adMetricsDaily: ["ad_metrics_daily", upsertAdMetricsDaily as Writer],
  orders: ["orders", upsertOrders as Writer],
  orderItems: ["order_items", upsertOrderItems as Writer],
  buyerPii: [
    "buyer_pii",
    ((tx, rows, { vault, anchor }) =>
      upsertBuyerPii(tx, vault, rows, { now: anchor })) as Writer,
  ],
  returns: ["returns", upsertReturns as Writer],
  settlements: ["settlements", upsertSettlements as Writer],
  settlementLines: ["settlement_lines", upsertSettlementLines as Writer],
  financialEvents: ["financial_events", upsertFinancialEvents as Writer],
  fees: ["fees", upsertFees as Writer],
  salesTrafficDaily: [
    "sales_traffic_daily",
    upsertSalesTrafficDaily as Writer,
  ],
  searchTerms: ["search_terms", upsertSearchTerms as Writer],
  syncRuns: ["sync_runs", upsertSyncRuns as Writer],
  syncCursors: ["sync_cursors", upsertSyncCursors as Writer],
  apiRequestLog: ["api_request_log", appendApiRequestLog as Writer],
};

/**
 * Generates and writes `opts.stores` stores with `opts.orders` orders in
 * total. Deterministic for a given seed and anchor (buyer data is sealed
 * with a random nonce, so only its ciphertext differs between runs).
 *
 * @example
 * const summary = await seedDatabase(db, vault, {
 *   seed: 42, stores: 3, orders: 10_000, days: 365,
 *   anchor: new Date("2026-11-01T00:00:00Z"),
 * });
 */
export async function seedDatabase(
  db: Database,
  vault: Vault,
  opts: SeedOptions,
): Promise<SeedSummary> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const gen: GenerateOptions = {
    seed: opts.seed,
    stores: opts.stores,
    orders: opts.orders,
    days: opts.days,
    anchor: opts.anchor,
    ordersPerBatch: opts.ordersPerTransaction ?? 2000,
  };
  const plans = planStores(gen);
  const tables: Record<string, WriteResult> = {};
  for (const [table] of Object.values(WRITERS)) {
    tables[table] = { inserted: 0, updated: 0 };
  }
  const summary: SeedSummary = {
    stores: [],
    tables,
    buyerPiiSkipped: 0,
    transactions: 0,
    elapsedMs: 0,
  };
  const ctx = { vault, anchor: opts.anchor };

  const write = async (
    storeId: string,
    rows: SeedRows,
    reused: boolean,
  ) => {
    await db.asJob(storeId, async (tx) => {
      for (const key of Object.keys(WRITERS) as (keyof SeedRows)[]) {
        const list = rows[key];
        if (!list || list.length === 0) continue;
        // The API log is append-only: a reused store already has these rows.
        if (key === "apiRequestLog" && reused) continue;
        const [table, writer] = WRITERS[key];
        const result = await writer(tx, list as never[], ctx);
        tables[table].inserted += result.inserted;
        tables[table].updated += result.updated;
        if ("skipped" in result && typeof result.skipped === "number") {
          summary.buyerPiiSkipped += result.skipped;
        }
      }
    });
    summary.transactions++;
  };

  for (const plan of plans) {
    const label = `store ${plan.index + 1}/${plans.length} ${plan.name}`;
    const mapper = new SeedMapper(plan, opts.anchor);
    const storeId = mapper.storeId;
    const existing = await db.asJob(
      storeId,
      (tx) =>
        tx.select({ sellerId: stores.sellerId }).from(stores).where(
          eq(stores.id, storeId),
        ),
    );
    if (existing.length > 0 && existing[0].sellerId !== plan.sellerId) {
      throw new Error(
        `store ${storeId} exists with another seller id; seed into a fresh database`,
      );
    }
    if (existing.length === 0) {
      await registerStore(db, {
        id: storeId,
        sellerId: plan.sellerId,
        region: plan.region,
        name: plan.name,
        brand: plan.brand,
        createdAt: plan.createdAt,
        marketplaces: plan.marketplaces.map((m) => ({
          marketplaceId: m.id,
          countryCode: m.countryCode,
          defaultCurrency: m.currency,
          domain: m.domain,
        })),
      });
    }
    progress(
      `${label}: ${
        existing.length > 0 ? "reusing" : "registered"
      } ${storeId} (${plan.region}, ${
        plan.marketplaces.map((m) => m.countryCode).join(" ")
      }), ${plan.orders} orders`,
    );
    summary.stores.push({
      id: storeId,
      name: plan.name,
      sellerId: plan.sellerId,
      region: plan.region,
      brand: plan.brand,
      marketplaces: plan.marketplaces.map((m) => m.id),
      orders: plan.orders,
      registered: existing.length === 0,
    });

    let ordersDone = 0;
    const reused = existing.length > 0;
    for (const batch of generateStore(plan, gen)) {
      await write(storeId, mapper.rows(batch.records), reused);
      if (batch.orders > 0) {
        ordersDone += batch.orders;
        progress(`${label}: orders ${ordersDone}/${plan.orders}`);
      } else {
        progress(`${label}: ${batch.label}`);
      }
    }
    await write(storeId, mapper.bookkeeping(), reused);
    progress(`${label}: sync records`);
  }
  summary.elapsedMs = Math.round(performance.now() - started);
  return summary;
}
