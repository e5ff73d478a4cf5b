// Data Policy §4 (sales trend reporting): the dashboard's sales figures for
// the selected stores, read from the daily aggregates the database keeps
// with the orders (0024_daily_aggregates.sql), never from a scan of every
// order. Amounts stay in their currency: one line per currency, never one
// total across currencies. Days are the marketplace's own (its time zone).
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { marketplaceById } from "../amazon/marketplaces.ts";

/** The periods compared with the one before: today, 7 and 30 days. */
export const PERIODS = [1, 7, 30] as const;
export type PeriodDays = typeof PERIODS[number];

/** Orders, units and sales of one currency over one period. */
export interface Figures {
  orders: number;
  /** Orders with a total (a pending order has none yet). */
  pricedOrders: number;
  units: number;
  /** Decimal string, four places (numeric(18,4)). */
  sales: string;
}

/** One period of one currency, against the period before it. */
export interface PeriodRow {
  days: PeriodDays;
  currency: string;
  current: Figures;
  previous: Figures;
}

/** One day of the trend in one currency. */
export interface TrendPoint {
  day: string;
  currency: string;
  orders: number;
  units: number;
  sales: string;
}

/** An ASIN's sales this period and the period before, in one currency. */
export interface ProductMove {
  asin: string;
  title: string | null;
  currency: string;
  units: number;
  sales: string;
  previousSales: string;
}

export interface SalesOverview {
  /** The marketplaces' time zones the days are counted in. */
  timeZones: string[];
  /** The latest local day among the selected marketplaces. */
  today: string;
  periods: PeriodRow[];
  /** The last 30 local days, every day present for every currency. */
  trend: TrendPoint[];
  /** The best sellers of the last 30 days, per currency. */
  top: ProductMove[];
  /** The ASINs that sold less than in the 30 days before, per currency. */
  falling: ProductMove[];
}

/** The local calendar day of `at` in `timeZone` ("2026-06-15"). */
export function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** `day` moved by `n` days ("2026-06-15", -1 → "2026-06-14"). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const TOP_N = 5;

/**
 * The sales overview of `storeIds` at `now`, inside the caller's scoped
 * transaction (row-level security bounds it to the principal's stores).
 */
export async function salesOverview(
  tx: Tx,
  storeIds: readonly string[],
  now: Date,
): Promise<SalesOverview> {
  const ids = `{${storeIds.join(",")}}`;
  const at = now.toISOString();
  const markets = rowsOf<{ marketplace_id: string }>(
    await tx.execute(sql`select distinct marketplace_id
      from store_marketplaces where store_id = any(${ids}::uuid[])
      union select distinct marketplace_id from daily_sales
      where store_id = any(${ids}::uuid[])
        and day >= ${addDays(at.slice(0, 10), -62)}::date`),
  ).map((r) => r.marketplace_id);
  const timeZones = [
    ...new Set(markets.map((m) => marketplaceById(m)?.timeZone ?? "UTC")),
  ].sort();
  const today = (timeZones.length ? timeZones : ["UTC"]).map((z) =>
    localDay(now, z)
  ).sort().at(-1)!;
  // Each bucket's own marketplace decides what "today" is for it.
  const since = addDays(at.slice(0, 10), -62);
  const periodRows = rowsOf<{
    n: number;
    currency: string;
    orders: number;
    priced_orders: number;
    units: number;
    sales: string;
    p_orders: number;
    p_priced_orders: number;
    p_units: number;
    p_sales: string;
  }>(
    await tx.execute(sql`with d as (
        select currency, day, orders, priced_orders, units, sales,
          (${at}::timestamptz at time zone
            app_marketplace_time_zone(marketplace_id))::date as today
        from daily_sales
        where store_id = any(${ids}::uuid[]) and day >= ${since}::date)
      select p.n, d.currency,
        coalesce(sum(orders) filter (where day > today - p.n), 0)::int as orders,
        coalesce(sum(priced_orders) filter (where day > today - p.n), 0)::int as priced_orders,
        coalesce(sum(units) filter (where day > today - p.n), 0)::int as units,
        coalesce(sum(sales) filter (where day > today - p.n), 0)::text as sales,
        coalesce(sum(orders) filter (where day <= today - p.n and day > today - 2 * p.n), 0)::int as p_orders,
        coalesce(sum(priced_orders) filter (where day <= today - p.n and day > today - 2 * p.n), 0)::int as p_priced_orders,
        coalesce(sum(units) filter (where day <= today - p.n and day > today - 2 * p.n), 0)::int as p_units,
        coalesce(sum(sales) filter (where day <= today - p.n and day > today - 2 * p.n), 0)::text as p_sales
      from d cross join (values (1), (7), (30)) as p(n)
      where d.day <= d.today and d.day > d.today - 2 * p.n
      group by p.n, d.currency
      order by p.n, d.currency`),
  );
  const periods: PeriodRow[] = periodRows.map((r) => ({
    days: r.n as PeriodDays,
    currency: r.currency.trim(),
    current: {
      orders: r.orders,
      pricedOrders: r.priced_orders,
      units: r.units,
      sales: r.sales,
    },
    previous: {
      orders: r.p_orders,
      pricedOrders: r.p_priced_orders,
      units: r.p_units,
      sales: r.p_sales,
    },
  }));

  const first = addDays(today, -29);
  const trendRows = rowsOf<{
    day: string;
    currency: string;
    orders: number;
    units: number;
    sales: string;
  }>(
    await tx.execute(sql`select day::text as day, currency,
        sum(orders)::int as orders, sum(units)::int as units,
        sum(sales)::text as sales
      from daily_sales
      where store_id = any(${ids}::uuid[])
        and day between ${first}::date and ${today}::date
      group by day, currency order by day, currency`),
  );
  const currencies = [...new Set(trendRows.map((r) => r.currency.trim()))]
    .sort();
  const byKey = new Map(
    trendRows.map((r) => [`${r.day}|${r.currency.trim()}`, r]),
  );
  const trend: TrendPoint[] = [];
  for (const currency of currencies) {
    for (let i = 0; i < 30; i++) {
      const day = addDays(first, i);
      const r = byKey.get(`${day}|${currency}`);
      trend.push({
        day,
        currency,
        orders: r?.orders ?? 0,
        units: r?.units ?? 0,
        sales: r?.sales ?? "0",
      });
    }
  }

  const moves = rowsOf<{
    asin: string;
    title: string | null;
    currency: string;
    units: number;
    sales: string;
    previous_sales: string;
    rank_top: number;
    rank_fall: number;
  }>(
    await tx.execute(sql`with m as (
        select asin, currency,
          coalesce(sum(units) filter (where day > ${today}::date - 30), 0)::int as units,
          coalesce(sum(sales) filter (where day > ${today}::date - 30), 0) as sales,
          coalesce(sum(sales) filter (where day <= ${today}::date - 30), 0) as previous_sales
        from daily_product_sales
        where store_id = any(${ids}::uuid[])
          and day > ${today}::date - 60 and day <= ${today}::date
        group by asin, currency),
      r as (
        select m.*,
          row_number() over (partition by currency order by sales desc, asin) as rank_top,
          case when sales < previous_sales then row_number() over (
            partition by currency, sales < previous_sales
            order by sales - previous_sales, asin) end as rank_fall
        from m)
      select r.asin, r.currency, r.units, r.sales::text as sales,
        r.previous_sales::text as previous_sales, r.rank_top::int as rank_top,
        r.rank_fall::int as rank_fall,
        (select min(p.title) from products p
          where p.store_id = any(${ids}::uuid[]) and p.asin = r.asin) as title
      from r where r.rank_top <= ${TOP_N} and r.sales > 0
        or r.rank_fall <= ${TOP_N}
      order by r.currency, r.asin`),
  );
  const move = (r: typeof moves[number]): ProductMove => ({
    asin: r.asin,
    title: r.title,
    currency: r.currency.trim(),
    units: r.units,
    sales: r.sales,
    previousSales: r.previous_sales,
  });
  const top = moves.filter((r) => r.rank_top <= TOP_N && Number(r.sales) > 0)
    .sort((a, b) =>
      a.currency.localeCompare(b.currency) || a.rank_top - b.rank_top
    ).map(move);
  const falling = moves.filter((r) =>
    r.rank_fall !== null && r.rank_fall <= TOP_N
  )
    .sort((a, b) =>
      a.currency.localeCompare(b.currency) || a.rank_fall - b.rank_fall
    ).map(move);
  return { timeZones, today, periods, trend, top, falling };
}
