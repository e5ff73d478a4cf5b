// Honest advertising figures (issue #16): which days of a period can be
// trusted. Amazon restates a day's ad figures while attribution matures
// (lib/sync/datasets/ads_metrics.ts re-reads the trailing days each run for
// that reason), so each marketplace-local day of each advertising profile
// is one of:
//   unread       the ads sync has not read it yet (after its cursor's last
//                day, or no cursor at all): its figures are missing;
//   provisional  read, but it ended less than 72 hours ago: still moving;
//   stale        read only while it was provisional and not re-read since:
//                what is shown may have been restated;
//   final        last read 72 hours or more after it ended.
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import type { Period } from "../products/list.ts";
import { PROVISIONAL_HOURS } from "./common.ts";

export type DayState = "unread" | "provisional" | "stale" | "final";

/** The state of one day, given when it ended and when it was last read. */
export function dayState(
  dayEnd: Date,
  through: string | null,
  day: string,
  readAt: Date | null,
  now: Date,
): DayState {
  if (through === null || day > through) return "unread";
  const settled = dayEnd.getTime() + PROVISIONAL_HOURS * 3_600_000;
  if (now.getTime() < settled) return "provisional";
  if (readAt !== null && readAt.getTime() < settled) return "stale";
  return "final";
}

/** One profile's days of the period, by state. */
export interface MarketFreshness {
  storeId: string;
  profileId: string;
  marketplaceId: string;
  countryCode: string;
  timeZone: string;
  /** The last day the ads sync has read (its cursor), or null. */
  through: string | null;
  days: { day: string; state: DayState }[];
}

/**
 * The states of every day of `period` for the profiles of `storeIds`
 * (one `profileId` when given), read inside the caller's transaction.
 */
export async function adsFreshness(
  tx: Tx,
  storeIds: readonly string[],
  period: Period,
  now: Date,
  profileId?: string,
): Promise<MarketFreshness[]> {
  if (storeIds.length === 0) return [];
  const ids = `{${storeIds.join(",")}}`;
  const rows = rowsOf<{
    store_id: string;
    profile_id: string;
    marketplace_id: string;
    country_code: string;
    timezone: string;
    through: string | null;
    day: string;
    day_end: string | Date;
    read_at: string | Date | null;
  }>(
    await tx.execute(sql`with
      r as (
        select md.store_id, c.profile_id, md.day, max(md.synced_at) as read_at
        from ad_metrics_daily md
        join ad_campaigns c on c.store_id = md.store_id
          and c.campaign_id = md.entity_id
        where md.store_id = any(${ids}::uuid[]) and md.entity_type = 'campaign'
          and md.day between ${period.from}::date and ${period.to}::date
        group by 1, 2, 3)
      select pr.store_id::text as store_id, pr.profile_id, pr.marketplace_id,
        trim(pr.country_code) as country_code, pr.timezone,
        sc.cursor->>'through' as through, d.day::date::text as day,
        ((d.day::date + 1)::timestamp at time zone pr.timezone) as day_end,
        r.read_at
      from ad_profiles pr
      cross join generate_series(${period.from}::date, ${period.to}::date,
        interval '1 day') d(day)
      left join sync_cursors sc on sc.store_id = pr.store_id
        and sc.dataset = 'ads_metrics' and sc.marketplace_id = pr.marketplace_id
      left join r on r.store_id = pr.store_id and r.profile_id = pr.profile_id
        and r.day = d.day::date
      where pr.store_id = any(${ids}::uuid[])
        ${profileId ? sql`and pr.profile_id = ${profileId}` : sql``}
      order by pr.store_id, pr.marketplace_id, pr.profile_id, d.day`),
  );
  const out = new Map<string, MarketFreshness>();
  for (const r of rows) {
    const key = `${r.store_id}/${r.profile_id}`;
    let m = out.get(key);
    if (!m) {
      m = {
        storeId: r.store_id,
        profileId: r.profile_id,
        marketplaceId: r.marketplace_id,
        countryCode: r.country_code,
        timeZone: r.timezone,
        through: r.through,
        days: [],
      };
      out.set(key, m);
    }
    m.days.push({
      day: r.day,
      state: dayState(
        new Date(r.day_end),
        r.through,
        r.day,
        r.read_at === null ? null : new Date(r.read_at),
        now,
      ),
    });
  }
  return [...out.values()];
}

/** The days of each state over several profiles (a list's notice). */
export interface FreshnessSummary {
  provisional: string[];
  stale: string[];
  unread: string[];
}

/** Which days of the period are not final, across the profiles shown. */
export function summarize(markets: MarketFreshness[]): FreshnessSummary {
  const sets = {
    provisional: new Set<string>(),
    stale: new Set<string>(),
    unread: new Set<string>(),
  };
  for (const m of markets) {
    for (const d of m.days) if (d.state !== "final") sets[d.state].add(d.day);
  }
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    provisional: sorted(sets.provisional),
    stale: sorted(sets.stale),
    unread: sorted(sets.unread),
  };
}

/** A day's state across several profiles: the least settled one. */
export function worstByDay(
  markets: MarketFreshness[],
): Map<string, DayState> {
  const rank: Record<DayState, number> = {
    final: 0,
    stale: 1,
    provisional: 2,
    unread: 3,
  };
  const out = new Map<string, DayState>();
  for (const m of markets) {
    for (const d of m.days) {
      const seen = out.get(d.day);
      if (!seen || rank[d.state] > rank[seen]) out.set(d.day, d.state);
    }
  }
  return out;
}
