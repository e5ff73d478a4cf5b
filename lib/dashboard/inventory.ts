// Data Policy §4 (inventory and fulfillment): the dashboard's inventory
// alerts — days of cover under the store's own threshold, unfulfillable
// stock, stranded stock — from the one computation /inventory shows
// (lib/inventory/stock.ts), most urgent first.
import { inArray } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { stores } from "../../db/schema.ts";
import { type InventoryAlertKind, stockRowsTx } from "../inventory/stock.ts";

export type { InventoryAlertKind };

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
  /** The store's threshold (its `cover_alert_days`). */
  thresholdDays: number;
  kinds: InventoryAlertKind[];
  snapshotDate: string;
}

const LIMIT = 25;

/**
 * The alerts of `storeIds` at `now`, running out first (at most 25), and
 * the distinct thresholds of those stores (for the caption).
 */
export async function inventoryAlerts(
  tx: Tx,
  storeIds: readonly string[],
  now: Date,
): Promise<{ alerts: InventoryAlert[]; more: number; thresholds: number[] }> {
  const { rows, total } = await stockRowsTx(
    tx,
    {
      storeIds,
      alert: "any",
      sort: "cover",
      dir: "asc",
    },
    now,
    LIMIT,
  );
  const thresholds = storeIds.length === 0 ? [] : (await tx.selectDistinct({
    days: stores.coverAlertDays,
  }).from(stores).where(inArray(stores.id, [...storeIds]))
    .orderBy(stores.coverAlertDays)).map((r) => r.days);
  return {
    alerts: rows.map((r) => ({
      storeId: r.storeId,
      storeName: r.storeName,
      marketplaceId: r.marketplaceId,
      sku: r.sku,
      asin: r.asin,
      fulfillable: r.fulfillable,
      unfulfillable: r.unfulfillable,
      units30: r.units30,
      daysOfCover: r.daysOfCover,
      thresholdDays: r.alertDays,
      kinds: r.alerts,
      snapshotDate: r.snapshotDate,
    })),
    more: Math.max(0, total - rows.length),
    thresholds,
  };
}
