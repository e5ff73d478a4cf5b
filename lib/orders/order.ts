// One order as the order page shows it (Data Policy §4: exception
// troubleshooting): items, prices and promotions, fees and refunds from the
// financial events, returns, shipment status and a timeline. Buyer personal
// data is not read here — only whether it is still held, and, once the
// retention purge took it (§9), when (lib/orders/buyer.ts reveals it).
// Row-level security answers "no such order" for another store's order, so
// the page is a 404 either way.
import { sql } from "drizzle-orm";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { BUYER_PII_RETENTION_DAYS } from "../ingest/buyer_pii.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import { marketplaceTimeZone } from "./list.ts";

export interface OrderItem {
  orderItemId: string;
  asin: string;
  sku: string | null;
  title: string | null;
  quantity: number;
  itemPrice: string | null;
  itemTax: string | null;
  shippingPrice: string | null;
  promotionDiscount: string | null;
  currency: string | null;
}

export interface OrderFinancialEvent {
  eventId: string;
  eventType: string;
  postedAt: Date;
  sku: string | null;
  description: string | null;
  amount: string;
  currency: string;
}

export interface OrderFee {
  eventId: string;
  lineNo: number;
  feeType: string;
  sku: string | null;
  postedAt: Date;
  amount: string;
  currency: string;
}

export interface OrderReturn {
  sku: string;
  asin: string | null;
  returnedAt: Date;
  quantity: number;
  disposition: string | null;
  reason: string | null;
  status: string | null;
}

/** Whether buyer personal data is held, and if not, why. */
export type BuyerDataState =
  | { kind: "held"; purgeAfter: Date | null }
  | {
    kind: "purged";
    /** The purge run that deleted it under the retention rule. */
    purgedAt: Date;
    ruleDays: number;
  }
  | { kind: "none" };

export interface TimelineEntry {
  at: Date;
  kind:
    | "purchased"
    | "shipped"
    | "delivered"
    | "event"
    | "fee"
    | "return"
    | "updated"
    | "purged";
  /** A short code or name the view shows beside the entry. */
  detail: string | null;
}

export interface OrderDetail {
  storeId: string;
  storeName: string;
  amazonOrderId: string;
  merchantOrderId: string | null;
  marketplaceId: string;
  timeZone: string;
  status: string;
  fulfillmentChannel: string;
  salesChannel: string | null;
  orderTotal: string | null;
  currency: string | null;
  isBusiness: boolean;
  isPrime: boolean;
  shipCountry: string | null;
  purchasedAt: Date;
  lastUpdatedAt: Date;
  shippedAt: Date | null;
  deliveredAt: Date | null;
  items: OrderItem[];
  events: OrderFinancialEvent[];
  fees: OrderFee[];
  returns: OrderReturn[];
  buyerData: BuyerDataState;
  timeline: TimelineEntry[];
}

const d = (v: string | Date | null): Date | null =>
  v === null ? null : v instanceof Date ? v : new Date(v);
const trim = (v: string | null) => v === null ? null : v.trim();
const DAY_MS = 86_400_000;

/**
 * The order `amazonOrderId` of store `storeId`, or null when the principal
 * may not see it (or it does not exist: the caller cannot tell which).
 */
export async function getOrder(
  db: Database,
  principal: Principal,
  storeId: string,
  amazonOrderId: string,
): Promise<OrderDetail | null> {
  if (!principal.storeIds.includes(storeId)) return null;
  return await db.asUser(
    principal,
    (tx) => getOrderTx(tx, storeId, amazonOrderId),
  );
}

/**
 * The order page's reads in one scoped transaction: the order (null as
 * getOrder) and the stores the principal sees (the layout's switcher).
 */
export async function orderScreen(
  db: Database,
  principal: Principal,
  storeId: string,
  amazonOrderId: string,
): Promise<{ order: OrderDetail | null; stores: StoreSummary[] }> {
  if (!principal.storeIds.includes(storeId)) return { order: null, stores: [] };
  return await db.asUser(principal, async (tx) => ({
    order: await getOrderTx(tx, storeId, amazonOrderId),
    stores: await visibleStoresTx(tx),
  }));
}

async function getOrderTx(
  tx: Tx,
  storeId: string,
  amazonOrderId: string,
): Promise<OrderDetail | null> {
  const key = sql`store_id = ${storeId}::uuid
    and amazon_order_id = ${amazonOrderId}`;
  const [o] = rowsOf<Record<string, never>>(
    await tx.execute(sql`select o.*, o.order_total::text as total_text,
        s.name as store_name
      from orders o join stores s on s.id = o.store_id
      where o.store_id = ${storeId}::uuid
        and o.amazon_order_id = ${amazonOrderId}`),
  );
  if (!o) return null;
  const items = rowsOf<Record<string, never>>(
    await tx.execute(sql`select order_item_id, asin, sku, title, quantity,
        item_price::text as item_price, item_tax::text as item_tax,
        shipping_price::text as shipping_price,
        promotion_discount::text as promotion_discount,
        currency::text as currency
      from order_items where ${key} order by order_item_id`),
  );
  const events = rowsOf<Record<string, never>>(
    await tx.execute(sql`select event_id, event_type, posted_at, sku,
        description, amount::text as amount, currency::text as currency
      from financial_events where ${key} order by posted_at, event_id`),
  );
  const fees = rowsOf<Record<string, never>>(
    await tx.execute(sql`select event_id, line_no, fee_type, sku, posted_at,
        amount::text as amount, currency::text as currency
      from fees where ${key} order by posted_at, event_id, line_no`),
  );
  const returns = rowsOf<Record<string, never>>(
    await tx.execute(sql`select sku, asin, returned_at, quantity,
        disposition, reason, status
      from returns where ${key} order by returned_at, sku`),
  );
  const [pii] = rowsOf<{ purge_after: string | Date | null }>(
    await tx.execute(
      sql`select purge_after from buyer_pii where ${key}`,
    ),
  );
  let buyerData: BuyerDataState = { kind: "none" };
  if (pii) {
    buyerData = { kind: "held", purgeAfter: d(pii.purge_after) };
  } else {
    // Its clock ran from delivery (or, before that was known, at the
    // earliest from the purchase): the first purge after that which
    // deleted buyer data is the one that took this order's.
    const from = d(o.delivered_at) ?? d(o.purchased_at)!;
    const due = new Date(from.getTime() + BUYER_PII_RETENTION_DAYS * DAY_MS);
    const [purge] = rowsOf<{ started_at: string | Date; rule_days: number }>(
      await tx.execute(sql`select started_at, rule_days from purge_records
        where store_id = ${storeId}::uuid and category = 'buyer_pii'
          and not dry_run and rows_deleted > 0
          and started_at >= ${due.toISOString()}::timestamptz
        order by started_at limit 1`),
    );
    if (purge) {
      buyerData = {
        kind: "purged",
        purgedAt: d(purge.started_at)!,
        ruleDays: Number(purge.rule_days),
      };
    }
  }
  const detail: OrderDetail = {
    storeId,
    storeName: o.store_name,
    amazonOrderId,
    merchantOrderId: o.merchant_order_id,
    marketplaceId: o.marketplace_id,
    timeZone: marketplaceTimeZone(o.marketplace_id),
    status: o.status,
    fulfillmentChannel: o.fulfillment_channel,
    salesChannel: o.sales_channel,
    orderTotal: o.total_text,
    currency: trim(o.currency),
    isBusiness: o.is_business,
    isPrime: o.is_prime,
    shipCountry: trim(o.ship_country),
    purchasedAt: d(o.purchased_at)!,
    lastUpdatedAt: d(o.last_updated_at)!,
    shippedAt: d(o.shipped_at),
    deliveredAt: d(o.delivered_at),
    items: items.map((i) => ({
      orderItemId: i.order_item_id,
      asin: i.asin,
      sku: i.sku,
      title: i.title,
      quantity: Number(i.quantity),
      itemPrice: i.item_price,
      itemTax: i.item_tax,
      shippingPrice: i.shipping_price,
      promotionDiscount: i.promotion_discount,
      currency: trim(i.currency),
    })),
    events: events.map((e) => ({
      eventId: e.event_id,
      eventType: e.event_type,
      postedAt: d(e.posted_at)!,
      sku: e.sku,
      description: e.description,
      amount: e.amount,
      currency: trim(e.currency)!,
    })),
    fees: fees.map((f) => ({
      eventId: f.event_id,
      lineNo: Number(f.line_no),
      feeType: f.fee_type,
      sku: f.sku,
      postedAt: d(f.posted_at)!,
      amount: f.amount,
      currency: trim(f.currency)!,
    })),
    returns: returns.map((r) => ({
      sku: r.sku,
      asin: r.asin,
      returnedAt: d(r.returned_at)!,
      quantity: Number(r.quantity),
      disposition: r.disposition,
      reason: r.reason,
      status: r.status,
    })),
    buyerData,
    timeline: [],
  };
  detail.timeline = timelineOf(detail);
  return detail;
}

/** Everything that happened to the order, oldest first. */
function timelineOf(o: OrderDetail): TimelineEntry[] {
  const t: TimelineEntry[] = [
    { at: o.purchasedAt, kind: "purchased", detail: o.salesChannel },
  ];
  if (o.shippedAt) t.push({ at: o.shippedAt, kind: "shipped", detail: null });
  if (o.deliveredAt) {
    t.push({ at: o.deliveredAt, kind: "delivered", detail: null });
  }
  for (const e of o.events) {
    t.push({ at: e.postedAt, kind: "event", detail: e.eventType });
  }
  for (const r of o.returns) {
    t.push({ at: r.returnedAt, kind: "return", detail: r.sku });
  }
  if (o.buyerData.kind === "purged") {
    t.push({ at: o.buyerData.purgedAt, kind: "purged", detail: null });
  }
  t.push({ at: o.lastUpdatedAt, kind: "updated", detail: o.status });
  return t.sort((a, b) => a.at.getTime() - b.at.getTime());
}
