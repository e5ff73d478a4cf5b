// The product page (Data Policy §4: listing and product optimization, sales
// trend reporting): one store's ASIN — its catalog record (the title of the
// store's primary marketplace), its listings per marketplace, and for a
// period its units and sales per day and currency (the daily product
// aggregates, 0024_daily_aggregates.sql), its sessions and page views per
// day (sales and traffic) and its returns. Row-level security bounds the
// read to the principal's stores: another store's ASIN reads as nothing.
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { marketplaceTimeZone } from "../orders/list.ts";
import { addDays, type Period, productFigures } from "./list.ts";

export interface ProductListing {
  marketplaceId: string;
  countryCode: string | null;
  timeZone: string;
  sku: string;
  itemName: string | null;
  status: string[];
  price: string | null;
  currency: string | null;
  fulfillmentChannel: string | null;
  lastUpdatedAt: Date | null;
}

/** One day of one currency's sales (every day of the period present). */
export interface SalesDay {
  day: string;
  units: number;
  orders: number;
  /** Decimal text. */
  sales: string;
}

/** One day of traffic, summed over the marketplaces. */
export interface TrafficDay {
  day: string;
  sessions: number;
  pageViews: number;
}

export interface ProductDetail {
  storeId: string;
  storeName: string;
  asin: string;
  title: string | null;
  brand: string | null;
  category: string | null;
  skus: string[];
  primaryMarketplaceId: string | null;
  listings: ProductListing[];
  period: Period;
  /** Null without the permission for sales figures. */
  sales: { currency: string; days: SalesDay[] }[] | null;
  returns: number | null;
  /** Null without the permission for traffic. */
  traffic: TrafficDay[] | null;
  /** The marketplaces' time zones the days are counted in. */
  timeZones: string[];
}

const asDate = (v: string | Date | null) =>
  v === null ? null : v instanceof Date ? v : new Date(v);

/** Every day of `period`, in order. */
function daysOf(period: Period): string[] {
  const out: string[] = [];
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * The product `asin` of `storeId` for `period`, or null when the store has
 * no such product (or it is not the principal's: row-level security).
 *
 * @example
 * const p = await getProduct(db, principal, storeId, "B0EXAMPLE1", period);
 * if (!p) throw new HTTPException(404);
 */
export async function getProduct(
  db: Database,
  principal: StaffPrincipal,
  storeId: string,
  asin: string,
  period: Period,
): Promise<ProductDetail | null> {
  if (!principal.storeIds.includes(storeId)) return null;
  const figures = productFigures(principal);
  return await db.asUser(principal, async (tx) => {
    const [store] = rowsOf<
      { name: string; primary_marketplace_id: string | null }
    >(
      await tx.execute(sql`select name, primary_marketplace_id from stores
        where id = ${storeId}::uuid`),
    );
    if (!store) return null;
    const products = rowsOf<{
      sku: string;
      title: string;
      brand: string | null;
      category: string | null;
    }>(
      await tx.execute(sql`select sku, title, brand, category from products
        where store_id = ${storeId}::uuid and asin = ${asin} order by sku`),
    );
    const listings = rowsOf<{
      marketplace_id: string;
      country: string | null;
      sku: string;
      item_name: string | null;
      status: string[] | string;
      price: string | null;
      currency: string | null;
      fulfillment_channel: string | null;
      last_updated_at: string | Date | null;
    }>(
      await tx.execute(sql`select l.marketplace_id,
          m.country_code::text as country, l.sku, l.item_name,
          l.status, l.price::text as price, l.currency::text as currency,
          l.fulfillment_channel, l.last_updated_at
        from listings l
        left join store_marketplaces m on m.store_id = l.store_id
          and m.marketplace_id = l.marketplace_id
        where l.store_id = ${storeId}::uuid and l.asin = ${asin}
        order by (l.marketplace_id = ${store.primary_marketplace_id ?? ""})
          desc, m.country_code, l.marketplace_id, l.sku`),
    );
    if (products.length === 0 && listings.length === 0) {
      // An ASIN known only from its sales still has a page.
      const [sold] = rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n
          from daily_product_sales
          where store_id = ${storeId}::uuid and asin = ${asin}`),
      );
      if (!sold || Number(sold.n) === 0) return null;
    }
    const days = daysOf(period);
    let sales: ProductDetail["sales"] = null;
    let returns: number | null = null;
    if (figures.sales) {
      const rows = rowsOf<{
        day: string;
        currency: string;
        units: number;
        orders: number;
        sales: string;
      }>(
        await tx.execute(
          sql`select day::text as day, trim(currency) as currency,
            sum(units)::int as units, sum(orders)::int as orders,
            sum(sales)::text as sales
          from daily_product_sales
          where store_id = ${storeId}::uuid and asin = ${asin}
            and day between ${period.from}::date and ${period.to}::date
          group by 1, 2 order by 2, 1`,
        ),
      );
      const currencies = [...new Set(rows.map((r) => r.currency))].sort();
      const byKey = new Map(rows.map((r) => [`${r.currency}|${r.day}`, r]));
      sales = currencies.map((currency) => ({
        currency,
        days: days.map((day) => {
          const r = byKey.get(`${currency}|${day}`);
          return {
            day,
            units: Number(r?.units ?? 0),
            orders: Number(r?.orders ?? 0),
            sales: r?.sales ?? "0",
          };
        }),
      }));
      const [ret] = rowsOf<{ n: number }>(
        await tx.execute(sql`select coalesce(sum(r.quantity), 0)::int as n
          from returns r
          left join orders o on o.store_id = r.store_id
            and o.amazon_order_id = r.amazon_order_id
          left join products p on p.store_id = r.store_id and p.sku = r.sku
          where r.store_id = ${storeId}::uuid
            and coalesce(r.asin, p.asin) = ${asin}
            and (r.returned_at at time zone app_marketplace_time_zone(
              coalesce(o.marketplace_id, ${
          store.primary_marketplace_id ?? ""
        })))::date
              between ${period.from}::date and ${period.to}::date`),
      );
      returns = Number(ret?.n ?? 0);
    }
    let traffic: TrafficDay[] | null = null;
    if (figures.traffic) {
      const rows = rowsOf<
        { day: string; sessions: number; page_views: number }
      >(
        await tx.execute(sql`select day::text as day,
            sum(sessions)::int as sessions, sum(page_views)::int as page_views
          from sales_traffic_daily
          where store_id = ${storeId}::uuid and child_asin = ${asin}
            and day between ${period.from}::date and ${period.to}::date
          group by 1 order by 1`),
      );
      const byDay = new Map(rows.map((r) => [r.day, r]));
      traffic = days.map((day) => ({
        day,
        sessions: Number(byDay.get(day)?.sessions ?? 0),
        pageViews: Number(byDay.get(day)?.page_views ?? 0),
      }));
    }
    const markets = [
      ...new Set(listings.map((l) => l.marketplace_id)),
    ];
    return {
      storeId,
      storeName: store.name,
      asin,
      title: products[0]?.title ?? listings[0]?.item_name ?? null,
      brand: products[0]?.brand ?? null,
      category: products[0]?.category ?? null,
      skus: [
        ...new Set([
          ...products.map((p) => p.sku),
          ...listings.map((l) => l.sku),
        ]),
      ].sort(),
      primaryMarketplaceId: store.primary_marketplace_id,
      listings: listings.map((l) => ({
        marketplaceId: l.marketplace_id,
        countryCode: l.country?.trim() ?? null,
        timeZone: marketplaceTimeZone(l.marketplace_id),
        sku: l.sku,
        itemName: l.item_name,
        status: typeof l.status === "string"
          ? l.status.replace(/^\{|\}$/g, "").split(",").filter(Boolean)
          : l.status,
        price: l.price,
        currency: l.currency?.trim() ?? null,
        fulfillmentChannel: l.fulfillment_channel,
        lastUpdatedAt: asDate(l.last_updated_at),
      })),
      period,
      sales,
      returns,
      traffic,
      timeZones: [
        ...new Set(
          (markets.length ? markets : [store.primary_marketplace_id ?? ""])
            .map(marketplaceTimeZone),
        ),
      ].sort(),
    };
  });
}
