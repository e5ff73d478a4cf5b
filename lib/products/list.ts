// The products list (Data Policy §4: listing and product optimization, sales
// trend reporting): one row per store, marketplace and ASIN for a period —
// the listing (status, price), sales and traffic (sessions, page views, unit
// session and Buy Box percentages), units and sales from the daily product
// aggregates the database keeps (0024_daily_aggregates.sql, never a scan of
// the orders) and returns. Amounts stay in their currency: a row's sales are
// listed per currency, and a money sort orders by currency first, so only
// like amounts are compared. Pages are keyset pages over the computed rows
// (sort key, then ASIN, store and marketplace), so they stay stable while
// figures change underneath. Row-level security bounds every read to the
// principal's stores; the filter narrows within them.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import type { Permission } from "../security/permissions.ts";
import { calendarDate, plainText } from "../validation.ts";

export const PRODUCT_SORTS = [
  "units",
  "sales",
  "sessions",
  "pageViews",
  "unitSession",
  "buyBox",
  "returns",
  "returnRate",
  "price",
  "asin",
] as const;
export type ProductSort = typeof PRODUCT_SORTS[number];
/** The sorts that read sales and traffic (hidden without the permission). */
const SALES_SORTS: readonly ProductSort[] = [
  "units",
  "sales",
  "returns",
  "returnRate",
];
const TRAFFIC_SORTS: readonly ProductSort[] = [
  "sessions",
  "pageViews",
  "unitSession",
  "buyBox",
];
/** A listing's state in its marketplace (Listings Items API statuses). */
export const LISTING_STATES = ["buyable", "notBuyable", "unlisted"] as const;
export type ListingState = typeof LISTING_STATES[number];
export const PAGE_SIZES = [50, 100, 500] as const;
export type PageSize = typeof PAGE_SIZES[number];
/** The period presets, in days ending today. */
export const PERIOD_PRESETS = [7, 30, 90] as const;
/** The longest period a list may span. */
export const MAX_PERIOD_DAYS = 731;

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );

/** The list's query string, as the page's GET form writes it. */
export const productQuerySchema = z.object({
  marketplace: opt(z.string().regex(/^[A-Z0-9]{6,20}$/)),
  status: opt(z.enum(LISTING_STATES)),
  from: opt(calendarDate()),
  to: opt(calendarDate()),
  days: opt(z.enum(["7", "30", "90"])).transform((v) =>
    v === undefined ? undefined : Number(v)
  ),
  q: opt(plainText().trim().max(64)),
  sort: opt(z.enum(PRODUCT_SORTS)),
  dir: opt(z.enum(["asc", "desc"])),
  size: opt(z.enum(["50", "100", "500"])).transform((v) =>
    Number(v ?? "50") as PageSize
  ),
  after: opt(z.string().max(600)),
  before: opt(z.string().max(600)),
});

export type ProductQuery = z.output<typeof productQuerySchema>;

/** Which figures a person may read besides the catalog. */
export interface ProductFigures {
  /** Units, sales and returns (`reports.read` or `orders.read`). */
  sales: boolean;
  /** Sessions, page views, unit session and Buy Box % (`reports.read`). */
  traffic: boolean;
}

/** The figures `principal`'s permissions open. */
export function productFigures(
  principal: { permissions: ReadonlySet<Permission> },
): ProductFigures {
  const p = principal.permissions;
  return {
    sales: p.has("reports.read") || p.has("orders.read"),
    traffic: p.has("reports.read"),
  };
}

/** The sorts a person with `figures` may choose. */
export function productSorts(figures: ProductFigures): ProductSort[] {
  return PRODUCT_SORTS.filter((s) =>
    (figures.sales || !SALES_SORTS.includes(s)) &&
    (figures.traffic || !TRAFFIC_SORTS.includes(s))
  );
}

/** A period of marketplace-local days, inclusive. */
export interface Period {
  from: string;
  to: string;
}

/** `day` moved by `n` days ("2026-06-15", -1 → "2026-06-14"). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * The period the query asks for: its own `from`/`to`, else the preset
 * `days` (default 30) ending today (UTC). Null when it is not a period
 * (ends before it starts, or spans more than MAX_PERIOD_DAYS).
 *
 * @example
 * resolvePeriod({ days: 7 }, new Date("2026-06-15T12:00:00Z"));
 * // { from: "2026-06-09", to: "2026-06-15" }
 */
export function resolvePeriod(
  q: { from?: string; to?: string; days?: number },
  now: Date,
): Period | null {
  const today = now.toISOString().slice(0, 10);
  const days = q.days ?? 30;
  const to = q.to ?? (q.from ? addDays(q.from, days - 1) : today);
  const from = q.from ?? addDays(to, -(days - 1));
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000 + 1;
  if (span < 1 || span > MAX_PERIOD_DAYS) return null;
  return { from, to };
}

/** What narrows the list, within the stores `storeIds` (all granted, or one). */
export interface ProductFilter {
  storeIds: readonly string[];
  marketplace?: string;
  status?: ListingState;
  period: Period;
  /** Part of an ASIN, SKU or title, case-insensitive. */
  q?: string;
  sort: ProductSort;
  dir: "asc" | "desc";
}

/** The default direction of a sort: figures largest first, ASINs A–Z. */
export function defaultDir(sort: ProductSort): "asc" | "desc" {
  return sort === "asin" ? "asc" : "desc";
}

/** An amount in its currency (decimal text, exact). */
export interface Amount {
  currency: string;
  amount: string;
}

/** One row: a store's ASIN in one marketplace over the period. */
export interface ProductRow {
  storeId: string;
  marketplaceId: string;
  asin: string;
  /** The product's title (its store's primary marketplace's). */
  title: string | null;
  /** The SKUs listed for it there (or known in the catalog). */
  skus: string[];
  /** Null without a listing in this marketplace. */
  listing: { buyable: boolean; statuses: string } | null;
  price: Amount | null;
  /** Null without the permission for them. */
  units: number | null;
  /** Per currency (an order without a currency counts under XXX). */
  sales: Amount[] | null;
  returns: number | null;
  /** Returned units per 100 units ordered in the period. */
  returnRate: string | null;
  sessions: number | null;
  pageViews: number | null;
  unitSessionPercentage: string | null;
  buyBoxPercentage: string | null;
}

export interface ProductPage {
  rows: ProductRow[];
  next: string | null;
  prev: string | null;
}

/** A position in the list: [currency key, number key, ASIN, store, marketplace]. */
type Cursor = [string, string, string, string, string];

const cursorSchema = z.tuple([
  z.string().max(3),
  z.string().regex(/^-?\d{1,16}(\.\d{1,8})?$/),
  z.string().min(1).max(64),
  z.uuid(),
  z.string().regex(/^[A-Z0-9]{1,20}$/),
]);

/** A cursor as it travels in the URL (base64url JSON). */
function encodeCursor(c: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(c));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor in a URL, or null when it is not one of ours. */
function decodeCursor(text: string): Cursor | null {
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

const DAY_MS = 86_400_000;
/** Every time zone is within 14 hours of UTC. */
const ZONE_SLACK_MS = 14 * 3_600_000;

/** `%…%` for ILIKE, its wildcards escaped. */
const contains = (q: string) => `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

/** The sort's currency key and number key, as SQL over the rows `p`. */
function sortKeys(sort: ProductSort): { c: SQL; n: SQL } {
  const none = sql`''::text`;
  const num = (e: SQL) => ({ c: none, n: sql`coalesce(${e}, -1)::numeric` });
  switch (sort) {
    case "units":
      return num(sql`p.units`);
    case "sales":
      return { c: sql`coalesce(p.main_currency, '')`, n: sql`p.main_sales` };
    case "sessions":
      return num(sql`p.sessions`);
    case "pageViews":
      return num(sql`p.page_views`);
    case "unitSession":
      return num(sql`p.unit_session`);
    case "buyBox":
      return num(sql`p.buy_box`);
    case "returns":
      return num(sql`p.returned`);
    case "returnRate":
      return num(sql`p.return_rate`);
    case "price":
      return {
        c: sql`coalesce(p.price_currency, '')`,
        n: sql`coalesce(p.price, -1)::numeric`,
      };
    case "asin":
      return { c: none, n: sql`0::numeric` };
  }
}

/**
 * The rows of the filter as a relation `p` (a WITH query): every store,
 * marketplace and ASIN with a listing, sales, traffic or returns in the
 * period, its figures, and its sort keys `sort_c`, `sort_n`.
 */
function productsWith(f: ProductFilter): SQL {
  const ids = `{${f.storeIds.join(",")}}`;
  const { from, to } = f.period;
  const market = (col: SQL) =>
    f.marketplace ? sql`and ${col} = ${f.marketplace}` : sql``;
  const lower = new Date(Date.parse(`${from}T00:00:00Z`) - ZONE_SLACK_MS);
  const upper = new Date(
    Date.parse(`${to}T00:00:00Z`) + DAY_MS + ZONE_SLACK_MS,
  );
  const keys = sortKeys(f.sort);
  const where: SQL[] = [];
  if (f.status === "buyable") where.push(sql`l.buyable`);
  if (f.status === "notBuyable") where.push(sql`not l.buyable`);
  if (f.status === "unlisted") where.push(sql`l.asin is null`);
  if (f.q) {
    const like = contains(f.q);
    where.push(sql`(k.asin ilike ${like}
      or exists (select 1 from products x where x.store_id = k.store_id
        and x.asin = k.asin and (x.sku ilike ${like} or x.title ilike ${like}))
      or exists (select 1 from listings x where x.store_id = k.store_id
        and x.marketplace_id = k.marketplace_id and x.asin = k.asin
        and x.sku ilike ${like}))`);
  }
  return sql`with
    l as (
      select store_id, marketplace_id, asin,
        array_agg(sku order by sku) as skus,
        bool_or('BUYABLE' = any(status)) as buyable,
        string_agg(distinct array_to_string(status, ' '), ', ') as statuses,
        min(price) as price, min(currency::text) as price_currency
      from listings
      where store_id = any(${ids}::uuid[]) ${market(sql`marketplace_id`)}
      group by 1, 2, 3),
    s as (
      select store_id, marketplace_id, asin, trim(currency) as currency,
        sum(units)::int as units, sum(sales) as sales
      from daily_product_sales
      where store_id = any(${ids}::uuid[]) ${market(sql`marketplace_id`)}
        and day between ${from}::date and ${to}::date
      group by 1, 2, 3, 4),
    sa as (
      select store_id, marketplace_id, asin, sum(units)::int as units,
        min(currency) filter (where currency <> 'XXX') as currency,
        jsonb_agg(jsonb_build_object('c', currency, 'a', sales::text)
          order by currency) as sales_list
      from s group by 1, 2, 3),
    t as (
      select store_id, marketplace_id, child_asin as asin,
        sum(sessions)::int as sessions, sum(page_views)::int as page_views,
        sum(units_ordered)::int as t_units,
        round(sum(buy_box_percentage * page_views)
          filter (where buy_box_percentage is not null)
          / nullif(sum(page_views)
            filter (where buy_box_percentage is not null), 0), 2) as buy_box
      from sales_traffic_daily
      where store_id = any(${ids}::uuid[]) ${market(sql`marketplace_id`)}
        and day between ${from}::date and ${to}::date
      group by 1, 2, 3),
    r as (
      select x.store_id, x.marketplace_id, x.asin,
        sum(x.quantity)::int as returned
      from (
        select r.store_id, r.quantity,
          coalesce(o.marketplace_id, st.primary_marketplace_id) as marketplace_id,
          coalesce(r.asin, pr.asin) as asin, r.returned_at
        from returns r
        join stores st on st.id = r.store_id
        left join orders o on o.store_id = r.store_id
          and o.amazon_order_id = r.amazon_order_id
        left join products pr on pr.store_id = r.store_id and pr.sku = r.sku
        where r.store_id = any(${ids}::uuid[])
          and r.returned_at >= ${lower.toISOString()}::timestamptz
          and r.returned_at < ${upper.toISOString()}::timestamptz) x
      where x.asin is not null and x.marketplace_id is not null
        ${market(sql`x.marketplace_id`)}
        and (x.returned_at at time zone
          app_marketplace_time_zone(x.marketplace_id))::date
          between ${from}::date and ${to}::date
      group by 1, 2, 3),
    k as (
      select store_id, marketplace_id, asin from l
      union select store_id, marketplace_id, asin from sa
      union select store_id, marketplace_id, asin from t
      union select store_id, marketplace_id, asin from r),
    q as (
      select k.store_id, k.marketplace_id, k.asin,
        (select x.title from products x where x.store_id = k.store_id
          and x.asin = k.asin order by x.sku limit 1) as title,
        coalesce(l.skus, array(select x.sku from products x
          where x.store_id = k.store_id and x.asin = k.asin order by x.sku))
          as skus,
        l.asin is not null as listed, l.buyable, l.statuses,
        l.price, trim(l.price_currency) as price_currency,
        coalesce(sa.units, 0) as units, sa.sales_list,
        coalesce(trim(l.price_currency), sa.currency) as main_currency,
        coalesce(sm.sales, 0) as main_sales,
        t.sessions, t.page_views,
        round(t.t_units * 100.0 / nullif(t.sessions, 0), 2) as unit_session,
        t.buy_box,
        coalesce(r.returned, 0) as returned,
        round(coalesce(r.returned, 0) * 100.0 / nullif(sa.units, 0), 2)
          as return_rate
      from k
      left join l using (store_id, marketplace_id, asin)
      left join sa using (store_id, marketplace_id, asin)
      left join t using (store_id, marketplace_id, asin)
      left join r using (store_id, marketplace_id, asin)
      left join s sm on sm.store_id = k.store_id
        and sm.marketplace_id = k.marketplace_id and sm.asin = k.asin
        and sm.currency = coalesce(trim(l.price_currency), sa.currency)
      ${where.length ? sql`where ${sql.join(where, sql` and `)}` : sql``}),
    p as (select p.*, ${keys.c} as sort_c, ${keys.n} as sort_n from q p)
  `;
}

interface RawRow {
  store_id: string;
  marketplace_id: string;
  asin: string;
  title: string | null;
  skus: string[] | string | null;
  listed: boolean;
  buyable: boolean | null;
  statuses: string | null;
  price: string | null;
  price_currency: string | null;
  units: number;
  sales_list: { c: string; a: string }[] | string | null;
  sessions: number | null;
  page_views: number | null;
  unit_session: string | null;
  buy_box: string | null;
  returned: number;
  return_rate: string | null;
  sort_c: string;
  sort_n: string;
}

/**
 * One batch of rows after (or, `backward`, before) `cursor` in the
 * filter's order.
 */
async function selectBatch(
  tx: Tx,
  f: ProductFilter,
  cursor: Cursor | null,
  limit: number,
  backward: boolean,
): Promise<RawRow[]> {
  const descending = (f.dir === "desc") !== backward;
  const cmp = sql.raw(descending ? "<" : ">");
  const order = sql.raw(descending ? "desc" : "asc");
  const after = cursor
    ? sql`where (p.sort_c, p.sort_n, p.asin, p.store_id, p.marketplace_id)
        ${cmp} (${cursor[0]}::text, ${cursor[1]}::numeric, ${cursor[2]}::text,
          ${cursor[3]}::uuid, ${cursor[4]}::text)`
    : sql``;
  return rowsOf<RawRow>(
    await tx.execute(sql`${productsWith(f)}
      select p.store_id::text as store_id, p.marketplace_id, p.asin, p.title,
        p.skus, p.listed, p.buyable, p.statuses, p.price::text as price,
        p.price_currency, p.units, p.sales_list, p.sessions, p.page_views,
        p.unit_session::text as unit_session, p.buy_box::text as buy_box,
        p.returned, p.return_rate::text as return_rate,
        p.sort_c, p.sort_n::text as sort_n
      from p ${after}
      order by p.sort_c ${order}, p.sort_n ${order}, p.asin ${order},
        p.store_id ${order}, p.marketplace_id ${order}
      limit ${limit}`),
  );
}

const asArray = <T>(v: T[] | string | null): T[] =>
  v === null ? [] : typeof v === "string" ? JSON.parse(v) : v;

/** A Postgres text[] as postgres.js or PGlite hands it over. */
function textArray(v: string[] | string | null): string[] {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  // "{a,b}" (a driver that does not parse arrays).
  return v.replace(/^\{|\}$/g, "").split(",").filter((s) => s !== "")
    .map((s) => s.replace(/^"|"$/g, "").replace(/\\(.)/g, "$1"));
}

function toRow(r: RawRow, figures: ProductFigures): ProductRow {
  const sales = figures.sales;
  const traffic = figures.traffic;
  return {
    storeId: r.store_id,
    marketplaceId: r.marketplace_id,
    asin: r.asin,
    title: r.title,
    skus: textArray(r.skus),
    listing: r.listed
      ? { buyable: r.buyable === true, statuses: r.statuses ?? "" }
      : null,
    price: r.price !== null && r.price_currency
      ? { currency: r.price_currency, amount: r.price }
      : null,
    units: sales ? Number(r.units) : null,
    sales: sales
      ? asArray(r.sales_list).map((x) => ({
        currency: x.c.trim(),
        amount: x.a,
      }))
      : null,
    returns: sales ? Number(r.returned) : null,
    returnRate: sales ? r.return_rate : null,
    sessions: traffic && r.sessions !== null ? Number(r.sessions) : null,
    pageViews: traffic && r.page_views !== null ? Number(r.page_views) : null,
    unitSessionPercentage: traffic ? r.unit_session : null,
    buyBoxPercentage: traffic ? r.buy_box : null,
  };
}

const cursorOf = (r: RawRow): Cursor => [
  r.sort_c,
  r.sort_n,
  r.asin,
  r.store_id,
  r.marketplace_id,
];

/**
 * One page of products. `after` moves on, `before` moves back; with
 * neither, the first page. Figures the person may not read come back null.
 *
 * @example
 * const first = await listProducts(db, principal, filter, { size: 50 });
 */
export async function listProducts(
  db: Database,
  principal: Principal & { permissions: ReadonlySet<Permission> },
  filter: ProductFilter,
  page: { size: number; after?: string; before?: string },
): Promise<ProductPage> {
  if (filter.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const figures = productFigures(principal);
  const after = page.after ? decodeCursor(page.after) : null;
  const before = !after && page.before ? decodeCursor(page.before) : null;
  const backward = before !== null;
  const raw = await db.asUser(
    principal,
    (tx) => selectBatch(tx, filter, after ?? before, page.size + 1, backward),
  );
  const more = raw.length > page.size;
  if (more) raw.length = page.size;
  if (backward) raw.reverse();
  const first = raw[0];
  const last = raw[raw.length - 1];
  return {
    rows: raw.map((r) => toRow(r, figures)),
    next: last && (backward || more) ? encodeCursor(cursorOf(last)) : null,
    prev: first && (backward ? more : after !== null)
      ? encodeCursor(cursorOf(first))
      : null,
  };
}

/** The filtered set's totals: units, sessions, and sales per currency. */
export interface ProductTotals {
  products: number;
  units: number;
  returns: number;
  sessions: number;
  sales: Amount[];
}

/** The totals of the whole filtered set (every page), per currency. */
export async function productTotals(
  db: Database,
  principal: Principal,
  filter: ProductFilter,
): Promise<ProductTotals> {
  const empty = { products: 0, units: 0, returns: 0, sessions: 0, sales: [] };
  if (filter.storeIds.length === 0) return empty;
  return await db.asUser(principal, async (tx) => {
    const [sum] = rowsOf<
      { products: number; units: number; returns: number; sessions: number }
    >(
      await tx.execute(sql`${productsWith(filter)}
        select count(*)::int as products,
          coalesce(sum(units), 0)::int as units,
          coalesce(sum(returned), 0)::int as returns,
          coalesce(sum(sessions), 0)::int as sessions
        from p`),
    );
    const sales = rowsOf<{ currency: string; amount: string }>(
      await tx.execute(sql`${productsWith(filter)}
        select e->>'c' as currency, sum((e->>'a')::numeric)::text as amount
        from p cross join lateral jsonb_array_elements(p.sales_list) e
        group by 1 order by 1`),
    );
    return {
      products: Number(sum?.products ?? 0),
      units: Number(sum?.units ?? 0),
      returns: Number(sum?.returns ?? 0),
      sessions: Number(sum?.sessions ?? 0),
      sales: sales.map((s) => ({ currency: s.currency, amount: s.amount })),
    };
  });
}

/** The batch an export reads at a time. */
export const EXPORT_BATCH = 1000;

/**
 * Every row of the filtered set in the list's order, in batches of `batch`,
 * each handed to `onBatch` before the next is read, so at most one batch
 * sits in memory. With `oneTransaction` (PostgreSQL) every batch is read in
 * one scoped transaction (one snapshot); without (PGlite, one session) each
 * batch is its own short transaction, so other requests run between them.
 */
export async function walkProducts(
  db: Database,
  principal: Principal & { permissions: ReadonlySet<Permission> },
  filter: ProductFilter,
  opts: {
    oneTransaction: boolean;
    batch?: number;
    onBatch(rows: ProductRow[]): Promise<void>;
  },
): Promise<number> {
  if (filter.storeIds.length === 0) return 0;
  const figures = productFigures(principal);
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
      await opts.onBatch(raw.map((r) => toRow(r, figures)));
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
