// Stores as a principal sees them: row-level security decides which.
import { asc, eq, sql } from "drizzle-orm";
import { type Database, type Principal, rowsOf } from "../db/client.ts";
import { storeMarketplaces, stores } from "../db/schema.ts";

export interface StoreSummary {
  id: string;
  name: string;
  sellerId: string;
  region: string;
  status: string;
}

/** The stores visible to `principal`, by name. */
export async function listVisibleStores(
  db: Database,
  principal: Principal,
): Promise<StoreSummary[]> {
  return await db.asUser(principal, (tx) =>
    tx.select({
      id: stores.id,
      name: stores.name,
      sellerId: stores.sellerId,
      region: stores.region,
      status: stores.status,
    }).from(stores).orderBy(asc(stores.name)));
}

export interface StoreDetail extends StoreSummary {
  brand: string | null;
  createdAt: Date;
  marketplaces: {
    marketplaceId: string;
    countryCode: string;
    defaultCurrency: string;
    domain: string;
  }[];
  /** Rows held per data category (counts only, never content). */
  counts: Record<string, number>;
}

const COUNTED = [
  "products",
  "listings",
  "inventory_snapshots",
  "orders",
  "order_items",
  "returns",
  "sales_traffic_daily",
  "ad_campaigns",
  "ad_metrics_daily",
  "settlements",
  "financial_events",
  "search_terms",
  "sync_runs",
] as const;

/**
 * One store as `principal` sees it, or null when it does not exist or is
 * not granted: row-level security makes both look the same (a 404).
 */
export async function getStoreDetail(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<StoreDetail | null> {
  return await db.asUser(principal, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, storeId),
    );
    if (!store) return null;
    const marketplaces = await tx.select({
      marketplaceId: storeMarketplaces.marketplaceId,
      countryCode: storeMarketplaces.countryCode,
      defaultCurrency: storeMarketplaces.defaultCurrency,
      domain: storeMarketplaces.domain,
    }).from(storeMarketplaces).where(eq(storeMarketplaces.storeId, storeId))
      .orderBy(asc(storeMarketplaces.marketplaceId));
    const counts: Record<string, number> = {};
    for (const table of COUNTED) {
      const rows = await tx.execute(
        sql`select count(*)::int as n from ${
          sql.identifier(table)
        } where store_id = ${storeId}`,
      );
      counts[table] = rowsOf<{ n: number }>(rows)[0].n;
    }
    return {
      id: store.id,
      name: store.name,
      sellerId: store.sellerId,
      region: store.region,
      status: store.status,
      brand: store.brand,
      createdAt: store.createdAt,
      marketplaces,
      counts,
    };
  });
}
