// The campaign list of /ads (Data Policy §4: advertising delivery and budget
// control): one row per campaign for a period of marketplace-local days —
// its figures from the campaign rows of ad_metrics_daily, the ratios, TACoS
// against the store's own sales of the same marketplace, currency and days
// (daily_sales), and its budget utilization (spend against the daily budget
// in effect each day, from ad_budget_bid_changes, and the days that spent
// it all). Keyset pages over the computed rows; totals per currency;
// row-level security bounds every read to the principal's stores.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { calendarDate, plainText } from "../validation.ts";
import type { Period } from "../products/list.ts";
import {
  AD_STATES,
  type AdFigures,
  type AdState,
  CAMPAIGN_TYPES,
  type CampaignType,
  contains,
  type Cursor,
  decodeCursor,
  encodeCursor,
  figureColumns,
  figuresOf,
  keyset,
  METRIC_SORTS,
  type MetricSort,
  metricSortKeys,
  money2,
  ratioColumns,
  type RawFigures,
  storeSalesWith,
  TARGETING_TYPES,
} from "./common.ts";

export const CAMPAIGN_SORTS = [
  ...METRIC_SORTS,
  "utilization",
  "name",
] as const;
export type CampaignSort = typeof CAMPAIGN_SORTS[number];
export const PAGE_SIZES = [50, 100, 500] as const;

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );

/** The query string of /ads and /ads.csv, as the page's GET form writes it. */
export const campaignQuerySchema = z.object({
  profile: opt(z.string().regex(/^\d{1,20}$/)),
  state: opt(z.enum(AD_STATES)),
  type: opt(z.enum(CAMPAIGN_TYPES)),
  targeting: opt(z.enum(TARGETING_TYPES)),
  from: opt(calendarDate()),
  to: opt(calendarDate()),
  days: opt(z.enum(["7", "30", "90"])).transform((v) =>
    v === undefined ? undefined : Number(v)
  ),
  q: opt(plainText().trim().max(64)),
  sort: opt(z.enum(CAMPAIGN_SORTS)),
  dir: opt(z.enum(["asc", "desc"])),
  size: opt(z.enum(["50", "100", "500"])).transform((v) => Number(v ?? "50")),
  after: opt(z.string().max(800)),
  before: opt(z.string().max(800)),
});
export type CampaignQuery = z.output<typeof campaignQuerySchema>;

export interface CampaignFilter {
  storeIds: readonly string[];
  profile?: string;
  state?: AdState;
  type?: CampaignType;
  targeting?: "AUTO" | "MANUAL";
  period: Period;
  /** Part of the campaign's name, case-insensitive. */
  q?: string;
  sort: CampaignSort;
  dir: "asc" | "desc";
}

/** Spend against the daily budget in effect each day the campaign ran. */
export interface BudgetUse {
  /** Days of the period with a metrics row. */
  days: number;
  /** Days whose spend reached that day's budget. */
  capped: number;
  /** The sum of those days' budgets. */
  budget: string;
  /** Spend per 100 of that budget; null without a day. */
  utilization: string | null;
}

export interface CampaignRow {
  storeId: string;
  campaignId: string;
  profileId: string;
  marketplaceId: string;
  countryCode: string;
  name: string;
  state: AdState;
  targetingType: string;
  campaignType: CampaignType;
  dailyBudget: string;
  figures: AdFigures;
  budget: BudgetUse;
}

export interface CampaignPage {
  rows: CampaignRow[];
  next: string | null;
  prev: string | null;
}

/**
 * Every campaign-day of the stores and days, with the budget in effect at
 * the end of that day (the last change observed before it; before the first
 * change its old value; without history the campaign's budget), as `cd`.
 */
function campaignDaysWith(
  ids: string,
  period: Period,
  campaignId?: string,
): SQL {
  const only = campaignId ? sql`and c.campaign_id = ${campaignId}` : sql``;
  // The budget of every campaign and day comes from one ordered pass (a
  // running count of the changes, then each group's value), not from a
  // range join: a range join of days to change intervals is what the
  // planner turns into a nested loop when row-level security blurs its
  // estimates (seconds at a million rows). MATERIALIZED parts run once.
  return sql`ct as materialized (
      select c.store_id, c.campaign_id, pr.timezone,
        coalesce((select h.old_value from ad_budget_bid_changes h
          where h.store_id = c.store_id and h.entity_type = 'campaign'
            and h.entity_id = c.campaign_id and h.field = 'daily_budget'
          order by h.observed_at limit 1), c.daily_budget) as first_budget
      from ad_campaigns c
      join ad_profiles pr on pr.store_id = c.store_id
        and pr.profile_id = c.profile_id
      where c.store_id = any(${ids}::uuid[]) ${only}),
    de as materialized (
      select z.timezone, d.day::date as day,
        ((d.day::date + 1)::timestamp at time zone z.timezone) as day_end
      from (select distinct timezone from ct) z
      cross join generate_series(${period.from}::date, ${period.to}::date,
        interval '1 day') d(day)),
    ev as (
      select ct.store_id, ct.campaign_id, de.day_end as t, 1 as k, de.day,
        null::numeric as v, ct.first_budget
      from ct join de on de.timezone = ct.timezone
      union all
      select h.store_id, h.entity_id, h.observed_at, 0, null::date,
        h.new_value, null::numeric
      from ad_budget_bid_changes h
      where h.store_id = any(${ids}::uuid[]) and h.entity_type = 'campaign'
        and h.field = 'daily_budget'
        ${campaignId ? sql`and h.entity_id = ${campaignId}` : sql``}),
    eg as (
      select ev.*, count(ev.v) over (partition by ev.store_id, ev.campaign_id
        order by ev.t, ev.k rows unbounded preceding) as g
      from ev),
    bd as materialized (
      select x.store_id, x.campaign_id, x.day, coalesce(x.gv, x.first_budget)
        as budget
      from (select eg.*, max(eg.v) over (partition by eg.store_id,
          eg.campaign_id, eg.g) as gv from eg) x
      where x.k = 1),
    cd as (
      select md.store_id, md.entity_id as campaign_id, md.day, md.impressions,
        md.clicks, md.spend, md.orders, md.sales, md.synced_at, bd.budget
      from ad_metrics_daily md
      join bd on bd.store_id = md.store_id and bd.campaign_id = md.entity_id
        and bd.day = md.day
      where md.store_id = any(${ids}::uuid[]) and md.entity_type = 'campaign'
        and md.day between ${period.from}::date and ${period.to}::date
        ${campaignId ? sql`and md.entity_id = ${campaignId}` : sql``})`;
}

/**
 * The filter's campaigns as a relation `p` (WITH query): figures, ratios,
 * budget use and the sort keys `sort_c`, `sort_n`.
 */
export function campaignsWith(f: CampaignFilter, campaignId?: string): SQL {
  const ids = `{${f.storeIds.join(",")}}`;
  const where: SQL[] = [sql`c.store_id = any(${ids}::uuid[])`];
  if (f.profile) where.push(sql`c.profile_id = ${f.profile}`);
  if (f.state) where.push(sql`c.state = ${f.state}`);
  if (f.type) where.push(sql`c.campaign_type = ${f.type}`);
  if (f.targeting) where.push(sql`c.targeting_type = ${f.targeting}`);
  if (f.q) where.push(sql`c.name ilike ${contains(f.q)}`);
  if (campaignId) where.push(sql`c.campaign_id = ${campaignId}`);
  const keys = metricSortKeys(f.sort);
  return sql`with
    ${storeSalesWith(ids, f.period.from, f.period.to)},
    ${campaignDaysWith(ids, f.period, campaignId)},
    m as (
      select store_id, campaign_id,
        sum(impressions) as impressions, sum(clicks) as clicks,
        sum(spend) as spend, sum(orders) as orders, sum(sales) as sales,
        count(*)::int as days, sum(budget) as budget_total,
        (count(*) filter (where spend >= budget and budget > 0))::int as capped
      from cd group by 1, 2),
    q as (
      select c.store_id, c.campaign_id, c.profile_id, c.name, c.state,
        c.targeting_type, c.campaign_type, c.daily_budget,
        trim(c.currency) as currency, pr.marketplace_id, pr.country_code,
        coalesce(m.impressions, 0) as impressions,
        coalesce(m.clicks, 0) as clicks, coalesce(m.spend, 0) as spend,
        coalesce(m.orders, 0) as orders, coalesce(m.sales, 0) as sales,
        coalesce(m.days, 0) as days, coalesce(m.capped, 0) as capped,
        coalesce(m.budget_total, 0) as budget_total,
        coalesce(ss.store_sales, 0) as store_sales
      from ad_campaigns c
      join ad_profiles pr on pr.store_id = c.store_id
        and pr.profile_id = c.profile_id
      left join m on m.store_id = c.store_id and m.campaign_id = c.campaign_id
      left join ss on ss.store_id = c.store_id
        and ss.marketplace_id = pr.marketplace_id
        and ss.currency = trim(c.currency)
      where ${sql.join(where, sql` and `)}),
    r as (
      select q.*, ${ratioColumns("q")},
        round(q.spend * 100 / nullif(q.budget_total, 0), 2) as utilization
      from q),
    p as (select p.*, ${keys.c} as sort_c, ${keys.n} as sort_n from r p)
  `;
}

interface RawCampaign extends RawFigures {
  store_id: string;
  campaign_id: string;
  profile_id: string;
  marketplace_id: string;
  country_code: string;
  name: string;
  state: AdState;
  targeting_type: string;
  campaign_type: CampaignType;
  daily_budget: string;
  days: number;
  capped: number;
  budget_total: string;
  utilization: string | null;
  sort_c: string;
  sort_n: string;
}

const CAMPAIGN_COLUMNS = sql`p.store_id::text as store_id, p.campaign_id,
  p.profile_id, p.marketplace_id, trim(p.country_code) as country_code,
  p.name, p.state, p.targeting_type, p.campaign_type,
  p.daily_budget::text as daily_budget, p.days, p.capped,
  p.budget_total::text as budget_total, p.utilization::text as utilization,
  ${figureColumns("p")}, p.sort_c, p.sort_n::text as sort_n`;

async function selectBatch(
  tx: Tx,
  f: CampaignFilter,
  cursor: Cursor | null,
  limit: number,
  backward: boolean,
): Promise<RawCampaign[]> {
  const k = keyset("campaign_id", f.dir, cursor, backward);
  return rowsOf<RawCampaign>(
    await tx.execute(sql`${campaignsWith(f)}
      select ${CAMPAIGN_COLUMNS} from p ${k.where} ${k.order}
      limit ${limit}`),
  );
}

export function toCampaignRow(r: RawCampaign): CampaignRow {
  return {
    storeId: r.store_id,
    campaignId: r.campaign_id,
    profileId: r.profile_id,
    marketplaceId: r.marketplace_id,
    countryCode: r.country_code,
    name: r.name,
    state: r.state,
    targetingType: r.targeting_type,
    campaignType: r.campaign_type,
    dailyBudget: money2(r.daily_budget) ?? "0.00",
    figures: figuresOf(r),
    budget: {
      days: Number(r.days),
      capped: Number(r.capped),
      budget: money2(r.budget_total) ?? "0.00",
      utilization: r.utilization,
    },
  };
}

const cursorOf = (r: RawCampaign): Cursor => [
  r.sort_c,
  r.sort_n,
  r.store_id,
  r.campaign_id,
];

/** One page of campaigns: `after` moves on, `before` back. */
export async function listCampaigns(
  db: Database,
  principal: Principal,
  filter: CampaignFilter,
  page: { size: number; after?: string; before?: string },
): Promise<CampaignPage> {
  return await db.asUser(principal, (tx) => listCampaignsTx(tx, filter, page));
}

/** The same, inside the caller's scoped transaction. */
export async function listCampaignsTx(
  tx: Tx,
  filter: CampaignFilter,
  page: { size: number; after?: string; before?: string },
): Promise<CampaignPage> {
  if (filter.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const after = page.after ? decodeCursor(page.after) : null;
  const before = !after && page.before ? decodeCursor(page.before) : null;
  const backward = before !== null;
  const raw = await selectBatch(
    tx,
    filter,
    after ?? before,
    page.size + 1,
    backward,
  );
  const more = raw.length > page.size;
  if (more) raw.length = page.size;
  if (backward) raw.reverse();
  const first = raw[0];
  const last = raw[raw.length - 1];
  return {
    rows: raw.map(toCampaignRow),
    next: last && (backward || more) ? encodeCursor(cursorOf(last)) : null,
    prev: first && (backward ? more : after !== null)
      ? encodeCursor(cursorOf(first))
      : null,
  };
}

/** One campaign's row for the period (its page's headline), or null. */
export async function campaignRow(
  tx: Tx,
  filter: CampaignFilter,
  campaignId: string,
): Promise<CampaignRow | null> {
  const [r] = rowsOf<RawCampaign>(
    await tx.execute(sql`${campaignsWith(filter, campaignId)}
      select ${CAMPAIGN_COLUMNS} from p`),
  );
  return r ? toCampaignRow(r) : null;
}

/** A currency's totals over the filtered set (never two currencies summed). */
export interface CurrencyTotals extends AdFigures {
  campaigns: number;
  budget: string;
  capped: number;
  utilization: string | null;
}

/**
 * The totals of the whole filtered set per currency; TACoS divides by the
 * sales of the stores and marketplaces the set's campaigns belong to.
 */
export async function campaignTotals(
  db: Database,
  principal: Principal,
  filter: CampaignFilter,
): Promise<CurrencyTotals[]> {
  return await db.asUser(principal, (tx) => campaignTotalsTx(tx, filter));
}

/** The same, inside the caller's scoped transaction. */
export async function campaignTotalsTx(
  tx: Tx,
  filter: CampaignFilter,
): Promise<CurrencyTotals[]> {
  if (filter.storeIds.length === 0) return [];
  const rows = rowsOf<
    RawFigures & {
      campaigns: number;
      budget_total: string;
      capped: number;
      utilization: string | null;
    }
  >(
    await tx.execute(sql`${campaignsWith(filter)},
        tm as (select distinct store_id, marketplace_id, currency,
            store_sales from p),
        ts as (select currency, sum(store_sales) as store_sales
          from tm group by 1),
        t as (
          select p.currency, count(*)::int as campaigns,
            sum(p.impressions) as impressions, sum(p.clicks) as clicks,
            sum(p.spend) as spend, sum(p.orders) as orders,
            sum(p.sales) as sales, sum(p.budget_total) as budget_total,
            sum(p.capped)::int as capped, ts.store_sales
          from p join ts on ts.currency = p.currency
          group by p.currency, ts.store_sales),
        tr as (select t.*, ${ratioColumns("t")},
          round(t.spend * 100 / nullif(t.budget_total, 0), 2) as utilization
          from t)
        select ${figureColumns("tr")}, tr.campaigns,
          tr.budget_total::text as budget_total, tr.capped,
          tr.utilization::text as utilization
        from tr order by tr.currency`),
  );
  return rows.map((r) => ({
    ...figuresOf(r),
    campaigns: Number(r.campaigns),
    budget: money2(r.budget_total) ?? "0.00",
    capped: Number(r.capped),
    utilization: r.utilization,
  }));
}

/** A profile (one marketplace of a store's advertising) over the period. */
export interface ProfileRow {
  storeId: string;
  profileId: string;
  marketplaceId: string;
  countryCode: string;
  accountName: string | null;
  campaigns: number;
  figures: AdFigures;
}

/** The first level of the drill-down: each profile's campaigns summed. */
export async function listProfilesTx(
  tx: Tx,
  filter: Pick<CampaignFilter, "storeIds" | "period">,
): Promise<ProfileRow[]> {
  if (filter.storeIds.length === 0) return [];
  const f: CampaignFilter = { ...filter, sort: "name", dir: "asc" };
  const rows = rowsOf<
    RawFigures & {
      store_id: string;
      profile_id: string;
      marketplace_id: string;
      country_code: string;
      account_name: string | null;
      campaigns: number;
    }
  >(
    await tx.execute(sql`${campaignsWith(f)},
        g as (
          select p.store_id, p.profile_id, p.marketplace_id, p.country_code,
            p.currency, count(*)::int as campaigns,
            sum(p.impressions) as impressions, sum(p.clicks) as clicks,
            sum(p.spend) as spend, sum(p.orders) as orders,
            sum(p.sales) as sales, max(p.store_sales) as store_sales
          from p group by 1, 2, 3, 4, 5),
        gr as (select g.*, ${ratioColumns("g")} from g)
        select gr.store_id::text as store_id, gr.profile_id, gr.marketplace_id,
          trim(gr.country_code) as country_code, pr.account_name,
          gr.campaigns, ${figureColumns("gr")}
        from gr join ad_profiles pr on pr.store_id = gr.store_id
          and pr.profile_id = gr.profile_id
        order by gr.store_id, gr.country_code, gr.profile_id`),
  );
  return rows.map((r) => ({
    storeId: r.store_id,
    profileId: r.profile_id,
    marketplaceId: r.marketplace_id,
    countryCode: r.country_code,
    accountName: r.account_name,
    campaigns: Number(r.campaigns),
    figures: figuresOf(r),
  }));
}

/** The batch an export reads at a time. */
export const EXPORT_BATCH = 1000;

/**
 * Every campaign of the filtered set in the list's order, batch by batch
 * (one batch in memory). PostgreSQL reads them in one snapshot; PGlite (one
 * session) one short transaction per batch.
 */
export async function walkCampaigns(
  db: Database,
  principal: Principal,
  filter: CampaignFilter,
  opts: {
    oneTransaction: boolean;
    batch?: number;
    onBatch(rows: CampaignRow[]): Promise<void>;
  },
): Promise<number> {
  if (filter.storeIds.length === 0) return 0;
  const size = opts.batch ?? EXPORT_BATCH;
  let count = 0;
  const loop = async (run: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) => {
    let cursor: Cursor | null = null;
    for (;;) {
      const raw = await run((tx) =>
        selectBatch(tx, filter, cursor, size, false)
      );
      if (raw.length === 0) return;
      count += raw.length;
      cursor = cursorOf(raw[raw.length - 1]);
      await opts.onBatch(raw.map(toCampaignRow));
      if (raw.length < size) return;
    }
  };
  if (opts.oneTransaction) {
    await db.asUser(principal, (tx) => loop((fn) => fn(tx)));
  } else {
    await loop((fn) => db.asUser(principal, fn));
  }
  return count;
}

export type { MetricSort };
