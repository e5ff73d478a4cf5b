// Advertising data at scale for bench/load.ts (issue #16, "Bench"): about
// `rows` daily metric rows over the given stores, written by the database
// itself (INSERT … SELECT over generate_series), because the sandbox's world
// holds a few campaigns, not millions of rows. Per store: one profile in its
// primary marketplace, campaigns of 10 ad groups × 11 keywords, each with a
// campaign row and a keyword row per day over the last `days` days (Amazon
// keeps about 95), figures from a hash of the entity and the day, two budget
// changes per campaign, and the ads sync's cursor at yesterday. Ids start
// with 9 so they never meet the sandbox's.
import { sql } from "drizzle-orm";
import { type Database, OWNER, rowsOf } from "../db/client.ts";

/** Entities per campaign: its own row and 10 ad groups of 11 keywords. */
const GROUPS = 10;
const KEYWORDS = 11;
const PER_CAMPAIGN = 1 + GROUPS * KEYWORDS;

export interface AdsSeed {
  campaigns: number;
  rows: number;
  /** One campaign per store, for the keyword list. */
  sample: { storeId: string; campaignId: string }[];
}

/** Writes about `rows` metric rows over `storeIds` (skipped when present). */
export async function seedAds(
  db: Database,
  storeIds: readonly string[],
  opts: { rows: number; days?: number; anchor: Date },
): Promise<AdsSeed> {
  const owner = db[OWNER];
  const days = opts.days ?? 90;
  const perStore = Math.ceil(opts.rows / storeIds.length);
  const campaigns = Math.max(1, Math.round(perStore / days / PER_CAMPAIGN));
  const last = new Date(opts.anchor.getTime() - 86_400_000).toISOString()
    .slice(0, 10);
  for (const [i, storeId] of storeIds.entries()) {
    const profile = String(900_000_000 + i);
    const [have] = rowsOf<{ n: number }>(
      await owner.execute(sql`select count(*)::int as n from ad_campaigns
        where store_id = ${storeId}::uuid and profile_id = ${profile}`),
    );
    if (have.n > 0) continue;
    await owner.transaction(async (tx) => {
      await tx.execute(sql`insert into ad_profiles (store_id, profile_id,
          marketplace_id, country_code, currency, timezone, account_type,
          account_name)
        select s.id, ${profile}, m.marketplace_id, m.country_code,
          m.default_currency, app_marketplace_time_zone(m.marketplace_id),
          'seller', 'Bench'
        from stores s join store_marketplaces m on m.store_id = s.id
          and m.marketplace_id = coalesce(s.primary_marketplace_id,
            m.marketplace_id)
        where s.id = ${storeId}::uuid
        order by m.marketplace_id limit 1`);
      // c: campaign number; ids: 9<store><campaign>[<group>[<keyword>]].
      await tx.execute(sql`insert into ad_campaigns (store_id, campaign_id,
          profile_id, name, state, targeting_type, daily_budget, currency,
          start_date, campaign_type)
        select p.store_id, '9' || ${
        String(i)
      }::text || lpad(c::text, 5, '0'), p.profile_id,
          'Bench campaign ' || c,
          (array['ENABLED', 'ENABLED', 'PAUSED'])[1 + c % 3],
          (array['MANUAL', 'AUTO'])[1 + c % 2], 20 + c % 50, p.currency,
          ${last}::date - ${days}::int, (array['SP', 'SP', 'SB', 'SD'])[1 + c % 4]
        from ad_profiles p, generate_series(1, ${campaigns}::int) c
        where p.store_id = ${storeId}::uuid and p.profile_id = ${profile}`);
      await tx.execute(sql`insert into ad_groups (store_id, ad_group_id,
          campaign_id, name, state, default_bid, currency)
        select c.store_id, c.campaign_id || lpad(g::text, 2, '0'),
          c.campaign_id, 'Group ' || g, 'ENABLED', 0.5 + g * 0.05, c.currency
        from ad_campaigns c, generate_series(1, ${GROUPS}::int) g
        where c.store_id = ${storeId}::uuid and c.profile_id = ${profile}`);
      await tx.execute(sql`insert into ad_keywords (store_id, keyword_id,
          ad_group_id, campaign_id, keyword_text, match_type, state, bid,
          currency)
        select g.store_id, g.ad_group_id || lpad(k::text, 2, '0'),
          g.ad_group_id, g.campaign_id, 'bench keyword ' || g.ad_group_id
            || ' ' || k,
          (array['EXACT', 'PHRASE', 'BROAD'])[1 + k % 3], 'ENABLED',
          case when k % 4 = 0 then null else 0.3 + k * 0.07 end, g.currency
        from ad_groups g join ad_campaigns c on c.store_id = g.store_id
          and c.campaign_id = g.campaign_id,
          generate_series(1, ${KEYWORDS}::int) k
        where g.store_id = ${storeId}::uuid and c.profile_id = ${profile}`);
      await tx.execute(sql`insert into ad_budget_bid_changes (store_id,
          entity_type, entity_id, field, observed_at, old_value, new_value,
          currency)
        select c.store_id, 'campaign', c.campaign_id, 'daily_budget',
          ${last}::date - (n * ${Math.max(1, Math.floor(days / 3))}::int)
            + interval '13 hours',
          c.daily_budget - 5 * n, c.daily_budget - 5 * (n - 1), c.currency
        from ad_campaigns c, generate_series(1, 2) n
        where c.store_id = ${storeId}::uuid and c.profile_id = ${profile}`);
      // One row per entity and day: figures from a hash of both.
      await tx.execute(sql`with e as (
          select c.store_id, c.profile_id, c.campaign_id, 'campaign' as kind,
            c.campaign_id as id, c.currency, 20 as scale
          from ad_campaigns c
          where c.store_id = ${storeId}::uuid and c.profile_id = ${profile}
          union all
          select k.store_id, c.profile_id, k.campaign_id, 'keyword',
            k.keyword_id, k.currency, 1
          from ad_keywords k join ad_campaigns c on c.store_id = k.store_id
            and c.campaign_id = k.campaign_id
          where k.store_id = ${storeId}::uuid and c.profile_id = ${profile}),
        f as (
          select e.*, d::date as day,
            abs(hashtext(e.id || d::date::text)) as h
          from e, generate_series(${last}::date - ${
        days - 1
      }::int, ${last}::date,
            interval '1 day') d)
        insert into ad_metrics_daily (store_id, profile_id, day, entity_type,
          entity_id, campaign_id, impressions, clicks, spend, orders, sales,
          currency, synced_at)
        select store_id, profile_id, day, kind, id, campaign_id,
          (h % 2000) * scale, (h % 97) * scale, ((h % 97) * 0.37) * scale,
          (h % 11) * scale, ((h % 11) * 24.5) * scale, currency,
          day + interval '4 days'
        from f`);
      const [m] = rowsOf<{ marketplace_id: string }>(
        await tx.execute(sql`select marketplace_id from ad_profiles
          where store_id = ${storeId}::uuid and profile_id = ${profile}`),
      );
      await tx.execute(sql`insert into sync_cursors (store_id, dataset,
          marketplace_id, cursor)
        values (${storeId}::uuid, 'ads_metrics', ${m.marketplace_id},
          ${JSON.stringify({ through: last })}::jsonb)
        on conflict (store_id, dataset, marketplace_id)
        do update set cursor = excluded.cursor`);
    });
  }
  // What autovacuum does to a settled table: the visibility map lets the
  // screens read the covering index without visiting the heap.
  await owner.execute(sql`vacuum analyze ad_metrics_daily`);
  await owner.execute(sql`analyze ad_profiles, ad_campaigns, ad_groups,
    ad_keywords, ad_budget_bid_changes, sync_cursors`);
  const [n] = rowsOf<{ n: number; c: number }>(
    await owner.execute(sql`select
      (select count(*)::int from ad_metrics_daily) as n,
      (select count(*)::int from ad_campaigns) as c`),
  );
  const sample = rowsOf<{ storeId: string; campaignId: string }>(
    await owner.execute(sql`select distinct on (store_id)
        store_id::text as "storeId", campaign_id as "campaignId"
      from ad_campaigns where campaign_id like '9%'
      order by store_id, campaign_id`),
  );
  return { campaigns: n.c, rows: n.n, sample };
}
