// Write path for FBA customer returns (Data Policy §3: order and fulfillment
// data). The report carries no buyer identity; customer comments are not kept.
import type { Tx } from "../../db/client.ts";
import { returns } from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type ReturnRow = typeof returns.$inferInsert;

/**
 * Upserts returns on (store_id, amazon_order_id, sku, returned_at,
 * license_plate_number); a missing license plate is stored as "".
 */
export function upsertReturns(
  tx: Tx,
  rows: readonly ReturnRow[],
): Promise<WriteResult> {
  return upsertRows(tx, returns, rows);
}
