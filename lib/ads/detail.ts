// The campaign page and the keyword (or product target) page of /ads: the
// headline figures for the period, the day-by-day series the chart draws
// (with each day's budget and whether the day is final, provisional, stale
// or unread), and the budget and bid history from ad_budget_bid_changes
// beside it, so a change can be read against its effect. Another store's
// campaign or keyword is simply not found (row-level security).
import { sql } from "drizzle-orm";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import type { Period } from "../products/list.ts";
import { visibleStoresTx } from "../stores.ts";
import {
  type CampaignFilter,
  type CampaignRow,
  campaignRow,
  campaignsWith,
} from "./campaigns.ts";
import { money2 } from "./common.ts";
import {
  adsFreshness,
  type DayState,
  type MarketFreshness,
} from "./freshness.ts";
import {
  type AdGroupRow,
  campaignAdGroups,
  type TargetingKind,
  type TargetingRow,
  targetingRow,
} from "./targeting.ts";

/** One day of an entity: its figures, and for a campaign its budget. */
export interface DayPoint {
  day: string;
  impressions: number;
  clicks: number;
  spend: string;
  orders: number;
  sales: string;
  /** The daily budget in effect that day (campaigns only). */
  budget: string | null;
  /** Whether the spend reached that budget. */
  capped: boolean;
  state: DayState;
}

/** One observed change of a budget or a bid. */
export interface HistoryEntry {
  observedAt: Date;
  entityType: "campaign" | "ad_group" | "keyword" | "target";
  field: "daily_budget" | "default_bid" | "bid";
  oldValue: string | null;
  newValue: string;
  currency: string;
}

/** Every day of the period, the missing ones as zero days. */
function fillDays(
  period: Period,
  rows: Map<string, Omit<DayPoint, "state">>,
  states: Map<string, DayState>,
): DayPoint[] {
  const out: DayPoint[] = [];
  const end = Date.parse(`${period.to}T00:00:00Z`);
  for (
    let t = Date.parse(`${period.from}T00:00:00Z`);
    t <= end;
    t += 86_400_000
  ) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({
      ...(rows.get(day) ?? {
        day,
        impressions: 0,
        clicks: 0,
        spend: "0.00",
        orders: 0,
        sales: "0.00",
        budget: null,
        capped: false,
      }),
      state: states.get(day) ?? "unread",
    });
  }
  return out;
}

interface RawDay {
  day: string;
  impressions: string | number;
  clicks: string | number;
  spend: string;
  orders: string | number;
  sales: string;
  budget: string | null;
}

const toPoint = (r: RawDay): Omit<DayPoint, "state"> => ({
  day: r.day,
  impressions: Number(r.impressions),
  clicks: Number(r.clicks),
  spend: money2(r.spend) ?? "0.00",
  orders: Number(r.orders),
  sales: money2(r.sales) ?? "0.00",
  budget: money2(r.budget),
  capped: r.budget !== null && Number(r.budget) > 0 &&
    Number(r.spend) >= Number(r.budget),
});

async function history(
  tx: Tx,
  storeId: string,
  entities: { type: HistoryEntry["entityType"]; id: string }[],
): Promise<HistoryEntry[]> {
  if (entities.length === 0) return [];
  const match = sql.join(
    entities.map((e) =>
      sql`(h.entity_type = ${e.type} and h.entity_id = ${e.id})`
    ),
    sql` or `,
  );
  const rows = rowsOf<{
    observed_at: string | Date;
    entity_type: HistoryEntry["entityType"];
    field: HistoryEntry["field"];
    old_value: string | null;
    new_value: string;
    currency: string;
  }>(
    await tx.execute(sql`select h.observed_at, h.entity_type, h.field,
        h.old_value::text as old_value, h.new_value::text as new_value,
        trim(h.currency) as currency
      from ad_budget_bid_changes h
      where h.store_id = ${storeId}::uuid and (${match})
      order by h.observed_at desc, h.entity_type, h.field
      limit 200`),
  );
  return rows.map((r) => ({
    observedAt: new Date(r.observed_at),
    entityType: r.entity_type,
    field: r.field,
    oldValue: money2(r.old_value),
    newValue: money2(r.new_value) ?? r.new_value,
    currency: r.currency,
  }));
}

const statesOf = (markets: MarketFreshness[]) =>
  new Map(markets.flatMap((m) => m.days.map((d) => [d.day, d.state])));

export interface CampaignScreen {
  campaign: CampaignRow;
  adGroups: AdGroupRow[];
  days: DayPoint[];
  history: HistoryEntry[];
  freshness: MarketFreshness[];
  stores: { id: string; name: string }[];
}

/** The campaign page's data, or null when the campaign is not found. */
export async function campaignScreen(
  db: Database,
  principal: Principal,
  storeId: string,
  campaignId: string,
  period: Period,
  now = new Date(),
): Promise<CampaignScreen | null> {
  return await db.asUser(principal, async (tx) => {
    const filter: CampaignFilter = {
      storeIds: [storeId],
      period,
      sort: "name",
      dir: "asc",
    };
    const campaign = await campaignRow(tx, filter, campaignId);
    if (!campaign) return null;
    const raw = rowsOf<RawDay>(
      await tx.execute(sql`${campaignsWith(filter, campaignId)}
        select cd.day::text as day, cd.impressions::text as impressions,
          cd.clicks::text as clicks, cd.spend::text as spend,
          cd.orders::text as orders, cd.sales::text as sales,
          cd.budget::text as budget
        from cd order by cd.day`),
    );
    const freshness = await adsFreshness(
      tx,
      [storeId],
      period,
      now,
      campaign.profileId,
    );
    return {
      campaign,
      adGroups: await campaignAdGroups(tx, storeId, campaignId, period),
      days: fillDays(
        period,
        new Map(raw.map((r) => [r.day, toPoint(r)])),
        statesOf(freshness),
      ),
      history: await history(tx, storeId, [{
        type: "campaign",
        id: campaignId,
      }]),
      freshness,
      stores: await visibleStoresTx(tx),
    };
  });
}

export interface TargetingScreen {
  row: TargetingRow;
  profileId: string;
  days: DayPoint[];
  history: HistoryEntry[];
  freshness: MarketFreshness[];
}

/** The keyword's (or target's) page data, or null when not found. */
export async function targetingScreen(
  db: Database,
  principal: Principal,
  storeId: string,
  kind: TargetingKind,
  id: string,
  period: Period,
  now = new Date(),
): Promise<TargetingScreen | null> {
  return await db.asUser(principal, async (tx) => {
    const row = await targetingRow(tx, {
      storeIds: [storeId],
      period,
      sort: "name",
      dir: "asc",
      only: { kind, id },
    });
    if (!row) return null;
    const [profile] = rowsOf<{ profile_id: string }>(
      await tx.execute(sql`select profile_id from ad_campaigns
        where store_id = ${storeId}::uuid
          and campaign_id = ${row.campaignId}`),
    );
    const raw = rowsOf<RawDay>(
      await tx.execute(sql`select m.day::text as day,
          m.impressions::text as impressions, m.clicks::text as clicks,
          m.spend::text as spend, m.orders::text as orders,
          m.sales::text as sales, null::text as budget
        from ad_metrics_daily m
        where m.store_id = ${storeId}::uuid and m.entity_type = ${kind}
          and m.entity_id = ${id}
          and m.day between ${period.from}::date and ${period.to}::date
        order by m.day`),
    );
    const freshness = await adsFreshness(
      tx,
      [storeId],
      period,
      now,
      profile.profile_id,
    );
    return {
      row,
      profileId: profile.profile_id,
      days: fillDays(
        period,
        new Map(raw.map((r) => [r.day, toPoint(r)])),
        statesOf(freshness),
      ),
      // Its own bids, and the ad group's default bid it may fall back on.
      history: await history(tx, storeId, [
        { type: kind, id },
        { type: "ad_group", id: row.adGroupId },
      ]),
      freshness,
    };
  });
}
