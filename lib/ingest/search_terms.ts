// Write path for the Brand Analytics search terms report (Data Policy §3:
// Brand Analytics), kept only for brands the company owns (§2). Each term
// carries its top three clicked ASINs, one row per click-share rank.
import type { Tx } from "../../db/client.ts";
import { searchTerms } from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type SearchTermRow = typeof searchTerms.$inferInsert;

/**
 * Upserts rows on (store_id, marketplace_id, report_period, period_start,
 * search_term, click_share_rank).
 */
export function upsertSearchTerms(
  tx: Tx,
  rows: readonly SearchTermRow[],
): Promise<WriteResult> {
  return upsertRows(tx, searchTerms, rows);
}
