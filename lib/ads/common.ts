// What every advertising read shares (Data Policy §4: advertising delivery
// and budget control): the figures of a set of daily metric rows and the
// ratios derived from them, computed in SQL on exact numerics (never summed
// across currencies: every row carries its profile's one currency), the
// attribution window of each ad product, and the keyset cursors the lists
// travel with in the URL.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";

/** The ad products: Sponsored Products, Brands, Display. */
export const CAMPAIGN_TYPES = ["SP", "SB", "SD"] as const;
export type CampaignType = typeof CAMPAIGN_TYPES[number];
export const AD_STATES = ["ENABLED", "PAUSED", "ARCHIVED"] as const;
export type AdState = typeof AD_STATES[number];
export const TARGETING_TYPES = ["AUTO", "MANUAL"] as const;

/**
 * Days after the click over which Amazon attributes orders and sales: 7 for
 * Sponsored Products (the sync reads purchases7d and sales7d of the SP
 * reports, docs/amazon-facts.md §5.6), 14 for Sponsored Brands and Display
 * (their reports' purchases and sales carry Amazon's 14-day window).
 */
export const ATTRIBUTION_DAYS: Record<CampaignType, number> = {
  SP: 7,
  SB: 14,
  SD: 14,
};

/** Hours after a day's end during which Amazon still restates its figures. */
export const PROVISIONAL_HOURS = 72;

/** An amount in its currency (decimal text, exact). */
export interface Amount {
  currency: string;
  amount: string;
}

/**
 * The figures of a row (campaign, ad group, keyword, target, profile or a
 * currency's total) over the period; ratios are decimal text or null when
 * their divisor is zero. Percentages are per 100 (ACOS 25.00 is 25%).
 */
export interface AdFigures {
  currency: string;
  impressions: number;
  clicks: number;
  spend: string;
  orders: number;
  sales: string;
  /** Clicks per 100 impressions. */
  ctr: string | null;
  /** Spend per click. */
  cpc: string | null;
  /** Orders per 100 clicks. */
  conversionRate: string | null;
  /** Spend per 100 of attributed sales. */
  acos: string | null;
  /** Attributed sales per 1 of spend. */
  roas: string | null;
  /** Spend per 100 of all the store's sales of the same days (daily_sales). */
  tacos: string | null;
  /** All the store's sales the TACoS divides by, same currency. */
  storeSales: string | null;
}

/**
 * The ratios over a relation with columns impressions, clicks, spend,
 * orders, sales, store_sales (`alias.` prefixed), as SQL select items.
 */
export function ratioColumns(alias: string): SQL {
  const a = sql.raw(alias);
  return sql`
    round(${a}.clicks * 100.0 / nullif(${a}.impressions, 0), 2) as ctr,
    round(${a}.spend / nullif(${a}.clicks, 0), 2) as cpc,
    round(${a}.orders * 100.0 / nullif(${a}.clicks, 0), 2) as cvr,
    round(${a}.spend * 100 / nullif(${a}.sales, 0), 2) as acos,
    round(${a}.sales / nullif(${a}.spend, 0), 2) as roas,
    round(${a}.spend * 100 / nullif(${a}.store_sales, 0), 2) as tacos`;
}

/** The raw figures as the database hands them over (text for exactness). */
export interface RawFigures {
  currency: string;
  impressions: string | number;
  clicks: string | number;
  spend: string;
  orders: string | number;
  sales: string;
  store_sales: string | null;
  ctr: string | null;
  cpc: string | null;
  cvr: string | null;
  acos: string | null;
  roas: string | null;
  tacos: string | null;
}

/** The text columns of RawFigures, cast so both drivers return text. */
export function figureColumns(alias: string): SQL {
  const a = sql.raw(alias);
  return sql`trim(${a}.currency) as currency,
    ${a}.impressions::text as impressions, ${a}.clicks::text as clicks,
    ${a}.spend::text as spend, ${a}.orders::text as orders,
    ${a}.sales::text as sales, ${a}.store_sales::text as store_sales,
    ${a}.ctr::text as ctr, ${a}.cpc::text as cpc, ${a}.cvr::text as cvr,
    ${a}.acos::text as acos, ${a}.roas::text as roas,
    ${a}.tacos::text as tacos`;
}

/** Numeric text without the padding zeros of numeric(18,4) ("12.5000" → "12.50"). */
export function money2(v: string | null): string | null {
  if (v === null) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n.toFixed(2) : v;
}

export function figuresOf(r: RawFigures): AdFigures {
  return {
    currency: r.currency.trim(),
    impressions: Number(r.impressions),
    clicks: Number(r.clicks),
    spend: money2(r.spend) ?? "0.00",
    orders: Number(r.orders),
    sales: money2(r.sales) ?? "0.00",
    ctr: r.ctr,
    cpc: r.cpc,
    conversionRate: r.cvr,
    acos: r.acos,
    roas: r.roas,
    tacos: r.tacos,
    storeSales: money2(r.store_sales),
  };
}

/** `%…%` for ILIKE, its wildcards escaped. */
export const contains = (q: string) =>
  `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** A position in a list: [currency or text key, number key, store, id]. */
export type Cursor = [string, string, string, string];

const cursorSchema = z.tuple([
  z.string().max(400),
  z.string().regex(/^-?\d{1,18}(\.\d{1,8})?$/),
  z.uuid(),
  z.string().min(1).max(400),
]);

/** A cursor as it travels in the URL (base64url JSON). */
export function encodeCursor(c: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(c));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replaceAll("+", "-").replaceAll("/", "_").replace(
    /=+$/,
    "",
  );
}

/** The cursor in a URL, or null when it is not one of ours. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)),
    );
    const parsed = cursorSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data as Cursor : null;
  } catch {
    return null;
  }
}

/** The sorts every metric list offers, and the SQL key of each. */
export const METRIC_SORTS = [
  "spend",
  "sales",
  "impressions",
  "clicks",
  "orders",
  "ctr",
  "cpc",
  "conversionRate",
  "acos",
  "roas",
  "tacos",
] as const;
export type MetricSort = typeof METRIC_SORTS[number];

/**
 * The sort's text key and number key over the relation `p`: amounts are
 * ordered within their currency (the currency first), names by text.
 */
export function metricSortKeys(
  sort: MetricSort | "name" | "utilization",
): { c: SQL; n: SQL } {
  const none = sql`''::text`;
  const num = (e: SQL) => ({ c: none, n: sql`coalesce(${e}, -1)::numeric` });
  const money = (e: SQL) => ({
    c: sql`trim(p.currency)`,
    n: sql`coalesce(${e}, -1)::numeric`,
  });
  switch (sort) {
    case "name":
      return { c: sql`lower(p.name)`, n: sql`0::numeric` };
    case "spend":
      return money(sql`p.spend`);
    case "sales":
      return money(sql`p.sales`);
    case "cpc":
      return money(sql`p.cpc`);
    case "impressions":
      return num(sql`p.impressions`);
    case "clicks":
      return num(sql`p.clicks`);
    case "orders":
      return num(sql`p.orders`);
    case "ctr":
      return num(sql`p.ctr`);
    case "conversionRate":
      return num(sql`p.cvr`);
    case "acos":
      return num(sql`p.acos`);
    case "roas":
      return num(sql`p.roas`);
    case "tacos":
      return num(sql`p.tacos`);
    case "utilization":
      return num(sql`p.utilization`);
  }
}

/** Figures sort largest first; names A–Z. */
export function defaultDir(sort: string): "asc" | "desc" {
  return sort === "name" ? "asc" : "desc";
}

/** The keyset condition and order over `p.sort_c, p.sort_n, p.store_id, p.<id>`. */
export function keyset(
  idColumn: string,
  dir: "asc" | "desc",
  cursor: Cursor | null,
  backward: boolean,
): { where: SQL; order: SQL } {
  const descending = (dir === "desc") !== backward;
  const cmp = sql.raw(descending ? "<" : ">");
  const o = sql.raw(descending ? "desc" : "asc");
  const id = sql.raw(`p.${idColumn}`);
  return {
    where: cursor
      ? sql`where (p.sort_c, p.sort_n, p.store_id, ${id}) ${cmp}
        (${cursor[0]}::text, ${cursor[1]}::numeric, ${cursor[2]}::uuid,
         ${cursor[3]}::text)`
      : sql``,
    order:
      sql`order by p.sort_c ${o}, p.sort_n ${o}, p.store_id ${o}, ${id} ${o}`,
  };
}

/**
 * The sales of every store and marketplace in `ids` over the days, per
 * currency (the TACoS divisor), as a relation `ss`.
 */
export function storeSalesWith(
  ids: string,
  from: string,
  to: string,
): SQL {
  return sql`ss as (
      select store_id, marketplace_id, trim(currency) as currency,
        sum(sales) as store_sales
      from daily_sales
      where store_id = any(${ids}::uuid[])
        and day between ${from}::date and ${to}::date
      group by 1, 2, 3)`;
}
