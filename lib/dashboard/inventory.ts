// Data Policy §4 (inventory and fulfillment): the dashboard's inventory
// alerts from the latest FBA snapshot of each store and the 30-day sales
// velocity of the daily aggregates: days of cover under the store's
// threshold, unfulfillable stock, and stranded stock (units on hand with no
// buyable listing in that marketplace).
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { addDays } from "./sales.ts";

/**
 * Days of cover below which a SKU is an alert, until a store sets its own
 * (the inventory screen's per-store settings).
 */
export const DEFAULT_COVER_DAYS = 14;

export type InventoryAlertKind = "low_cover" | "unfulfillable" | "stranded";

export interface InventoryAlert {
  storeId: string;
  storeName: string;
  marketplaceId: string;
  sku: string;
  asin: string;
  fulfillable: number;
  unfulfillable: number;
  /** Units sold in the last 30 days (of the SKU's ASIN, in its marketplace). */
  units30: number;
  /** Fulfillable stock over daily velocity; null without sales. */
  daysOfCover: number | null;
  thresholdDays: number;
  kinds: InventoryAlertKind[];
  snapshotDate: string;
}

const LIMIT = 25;

/** The alerts of `storeIds`, most urgent first (at most 25). */
export async function inventoryAlerts(
  tx: Tx,
  storeIds: readonly string[],
  today: string,
): Promise<{ alerts: InventoryAlert[]; more: number }> {
  const ids = `{${storeIds.join(",")}}`;
  const rows = rowsOf<{
    store_id: string;
    store_name: string;
    marketplace_id: string;
    sku: string;
    asin: string;
    fulfillable: number;
    unfulfillable: number;
    units30: number;
    buyable: boolean;
    snapshot_date: string;
  }>(
    await tx.execute(sql`with latest as (
        select store_id, max(snapshot_date) as d from inventory_snapshots
        where store_id = any(${ids}::uuid[]) group by store_id),
      vel as (
        select store_id, marketplace_id, asin, sum(units)::int as units
        from daily_product_sales
        where store_id = any(${ids}::uuid[])
          and day > ${addDays(today, -30)}::date and day <= ${today}::date
        group by 1, 2, 3)
      select i.store_id::text as store_id, s.name as store_name,
        i.marketplace_id, i.sku, i.asin, i.fulfillable, i.unfulfillable,
        coalesce(v.units, 0)::int as units30,
        exists (select 1 from listings l where l.store_id = i.store_id
          and l.marketplace_id = i.marketplace_id and l.sku = i.sku
          and 'BUYABLE' = any(l.status)) as buyable,
        i.snapshot_date::text as snapshot_date
      from inventory_snapshots i
      join latest on latest.store_id = i.store_id and latest.d = i.snapshot_date
      join stores s on s.id = i.store_id
      left join vel v on v.store_id = i.store_id
        and v.marketplace_id = i.marketplace_id and v.asin = i.asin`),
  );
  const alerts: InventoryAlert[] = [];
  for (const r of rows) {
    const perDay = r.units30 / 30;
    const daysOfCover = perDay > 0 ? r.fulfillable / perDay : null;
    const kinds: InventoryAlertKind[] = [];
    if (daysOfCover !== null && daysOfCover < DEFAULT_COVER_DAYS) {
      kinds.push("low_cover");
    }
    if (r.unfulfillable > 0) kinds.push("unfulfillable");
    if (r.fulfillable > 0 && !r.buyable) kinds.push("stranded");
    if (kinds.length === 0) continue;
    alerts.push({
      storeId: r.store_id,
      storeName: r.store_name,
      marketplaceId: r.marketplace_id,
      sku: r.sku,
      asin: r.asin,
      fulfillable: r.fulfillable,
      unfulfillable: r.unfulfillable,
      units30: r.units30,
      daysOfCover: daysOfCover === null
        ? null
        : Math.round(daysOfCover * 10) / 10,
      thresholdDays: DEFAULT_COVER_DAYS,
      kinds,
      snapshotDate: r.snapshot_date,
    });
  }
  // Running out first, then the most stock that cannot be sold.
  alerts.sort((a, b) =>
    (a.daysOfCover ?? Infinity) - (b.daysOfCover ?? Infinity) ||
    b.unfulfillable - a.unfulfillable || a.sku.localeCompare(b.sku)
  );
  return {
    alerts: alerts.slice(0, LIMIT),
    more: Math.max(0, alerts.length - LIMIT),
  };
}
