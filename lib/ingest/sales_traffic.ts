// Write path for the Sales and Traffic report by child ASIN and day (Data
// Policy §3: operational reports). Aggregates only; no buyer data.
import type { Tx } from "../../db/client.ts";
import { salesTrafficDaily } from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type SalesTrafficRow = typeof salesTrafficDaily.$inferInsert;

/** Upserts rows on (store_id, marketplace_id, day, child_asin). */
export function upsertSalesTrafficDaily(
  tx: Tx,
  rows: readonly SalesTrafficRow[],
): Promise<WriteResult> {
  return upsertRows(tx, salesTrafficDaily, rows);
}
