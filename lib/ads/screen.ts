// What /ads and /ads/keywords read, in one scoped transaction each (one
// round trip's worth of setup, not five): the stores for the switcher, the
// marketplace profiles (the drill-down's first level), the page of rows,
// the totals per currency, which days are not final, and whether exports
// are frozen.
import type { Database, Principal } from "../../db/client.ts";
import { exportsFrozenTx } from "../settings.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import {
  type CampaignFilter,
  type CampaignPage,
  campaignTotalsTx,
  type CurrencyTotals,
  listCampaignsTx,
  listProfilesTx,
  type ProfileRow,
} from "./campaigns.ts";
import { adsFreshness, type MarketFreshness } from "./freshness.ts";
import {
  listTargetingTx,
  type TargetingFilter,
  type TargetingPage,
} from "./targeting.ts";

type PageAsk = { size: number; after?: string; before?: string };

export interface CampaignsScreen {
  stores: StoreSummary[];
  profiles: ProfileRow[];
  page: CampaignPage;
  totals: CurrencyTotals[];
  freshness: MarketFreshness[];
  frozen: boolean;
}

/** /ads: profiles, a page of campaigns, totals and freshness. */
export async function campaignsScreen(
  db: Database,
  principal: Principal,
  filter: CampaignFilter,
  page: PageAsk,
  now = new Date(),
): Promise<CampaignsScreen> {
  return await db.asUser(principal, async (tx) => ({
    stores: await visibleStoresTx(tx),
    profiles: await listProfilesTx(tx, filter),
    page: await listCampaignsTx(tx, filter, page),
    totals: await campaignTotalsTx(tx, filter),
    freshness: await adsFreshness(
      tx,
      filter.storeIds,
      filter.period,
      now,
      filter.profile,
    ),
    frozen: await exportsFrozenTx(tx),
  }));
}

export interface TargetingListScreen {
  stores: StoreSummary[];
  page: TargetingPage;
  freshness: MarketFreshness[];
  frozen: boolean;
}

/** /ads/keywords: a page of keywords and targets, and freshness. */
export async function targetingListScreen(
  db: Database,
  principal: Principal,
  filter: TargetingFilter,
  page: PageAsk,
  now = new Date(),
): Promise<TargetingListScreen> {
  return await db.asUser(principal, async (tx) => ({
    stores: await visibleStoresTx(tx),
    page: await listTargetingTx(tx, filter, page),
    freshness: await adsFreshness(tx, filter.storeIds, filter.period, now),
    frozen: await exportsFrozenTx(tx),
  }));
}
