// Write path for daily FBA inventory snapshots (Data Policy §3: inventory
// data), one row per marketplace, SKU and day.
import type { Tx } from "../../db/client.ts";
import { inventorySnapshots } from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type InventorySnapshotRow = typeof inventorySnapshots.$inferInsert;

/** Upserts snapshots on (store_id, marketplace_id, sku, snapshot_date). */
export function upsertInventorySnapshots(
  tx: Tx,
  rows: readonly InventorySnapshotRow[],
): Promise<WriteResult> {
  return upsertRows(tx, inventorySnapshots, rows);
}
