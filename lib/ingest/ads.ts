// Write paths for Amazon Advertising data (Data Policy §3: advertising data):
// profiles, Sponsored Products entities, the observed history of budgets and
// bids, and daily metrics. ACOS and ROAS are derived in a view, never stored.
import type { Tx } from "../../db/client.ts";
import {
  adBudgetBidChanges,
  adCampaigns,
  adGroups,
  adKeywords,
  adMetricsDaily,
  adProfiles,
  adTargets,
} from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type AdProfileRow = typeof adProfiles.$inferInsert;
export type AdCampaignRow = typeof adCampaigns.$inferInsert;
export type AdGroupRow = typeof adGroups.$inferInsert;
export type AdKeywordRow = typeof adKeywords.$inferInsert;
export type AdTargetRow = typeof adTargets.$inferInsert;
export type AdBudgetBidChangeRow = typeof adBudgetBidChanges.$inferInsert;
export type AdMetricsDailyRow = typeof adMetricsDaily.$inferInsert;

/** Upserts profiles on (store_id, profile_id). */
export function upsertAdProfiles(
  tx: Tx,
  rows: readonly AdProfileRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adProfiles, rows);
}

/** Upserts campaigns on (store_id, campaign_id). */
export function upsertAdCampaigns(
  tx: Tx,
  rows: readonly AdCampaignRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adCampaigns, rows);
}

/** Upserts ad groups on (store_id, ad_group_id). */
export function upsertAdGroups(
  tx: Tx,
  rows: readonly AdGroupRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adGroups, rows);
}

/** Upserts keywords on (store_id, keyword_id). */
export function upsertAdKeywords(
  tx: Tx,
  rows: readonly AdKeywordRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adKeywords, rows);
}

/** Upserts product and auto targets on (store_id, target_id). */
export function upsertAdTargets(
  tx: Tx,
  rows: readonly AdTargetRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adTargets, rows);
}

/**
 * Records observed budget and bid values on (store_id, entity_type,
 * entity_id, field, observed_at): the same observation replayed is one row.
 */
export function upsertAdBudgetBidChanges(
  tx: Tx,
  rows: readonly AdBudgetBidChangeRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adBudgetBidChanges, rows);
}

/** Upserts daily metrics on (store_id, entity_type, entity_id, day). */
export function upsertAdMetricsDaily(
  tx: Tx,
  rows: readonly AdMetricsDailyRow[],
): Promise<WriteResult> {
  return upsertRows(tx, adMetricsDaily, rows);
}
