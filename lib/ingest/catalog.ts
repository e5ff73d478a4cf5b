// Write path for the catalog: the store's own products (SKU to ASIN) and its
// listings per marketplace (Data Policy §3: product data).
import type { Tx } from "../../db/client.ts";
import { listings, products } from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type ProductRow = typeof products.$inferInsert;
export type ListingRow = typeof listings.$inferInsert;

/** Upserts products on (store_id, sku). */
export function upsertProducts(
  tx: Tx,
  rows: readonly ProductRow[],
): Promise<WriteResult> {
  return upsertRows(tx, products, rows);
}

/** Upserts listings on (store_id, marketplace_id, sku). */
export function upsertListings(
  tx: Tx,
  rows: readonly ListingRow[],
): Promise<WriteResult> {
  return upsertRows(tx, listings, rows);
}
