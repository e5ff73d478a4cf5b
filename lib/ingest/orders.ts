// Write path for orders and their items (Data Policy §3: order and
// fulfillment data). Buyer personal data never goes here: it lives in
// buyer_pii (lib/ingest/buyer_pii.ts) with its own retention clock (§9).
import type { Tx } from "../../db/client.ts";
import { orderItems, orders } from "../../db/schema.ts";
import {
  type PreparedWrite,
  prepareUpsert,
  upsertRows,
  type WriteResult,
} from "./_upsert.ts";

export type OrderRow = typeof orders.$inferInsert;
export type OrderItemRow = typeof orderItems.$inferInsert;

/** Upserts orders on (store_id, amazon_order_id). */
export function upsertOrders(
  tx: Tx,
  rows: readonly OrderRow[],
): Promise<WriteResult> {
  return upsertRows(tx, orders, rows);
}

/**
 * Orders converted and checked for one upsert statement (writePrepared),
 * for streamed ingests that prepare a batch while the previous one writes.
 */
export function prepareOrders(rows: readonly OrderRow[]): PreparedWrite {
  return prepareUpsert(orders, rows, { chunkRows: Math.max(1, rows.length) });
}

/** Upserts order items on (store_id, amazon_order_id, order_item_id). */
export function upsertOrderItems(
  tx: Tx,
  rows: readonly OrderItemRow[],
): Promise<WriteResult> {
  return upsertRows(tx, orderItems, rows);
}
