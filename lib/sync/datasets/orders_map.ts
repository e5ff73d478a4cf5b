// Orders (Data Policy §3: order and fulfillment data): how Amazon's two
// order sources become lib/ingest rows. searchOrders v2026-01-01 is exact:
// status Pending/Unshipped/Shipped/Canceled from fulfillment.fulfillmentStatus,
// "Delivered" = SHIPPED with every package DELIVERED (then deliveredAt is
// the order's lastUpdatedTime, the only delivery time the model gives);
// shippedAt = the first package shipTime; orderTotal = proceeds.grandTotal;
// Prime and Business from `programs`; the SELLER_ORDER_ID alias; item money
// from the item proceeds breakdowns (ITEM, TAX, SHIPPING, minus DISCOUNT).
// The all-orders flat file is lossy (no order item ids, no Prime flag, no
// ship or delivery time, Delivered written as Shipped): it only yields
// order rows, which the searchOrders pass then rewrites exactly.
import { z } from "zod";
import type { OrderItemRow, OrderRow } from "../../ingest/orders.ts";
import { formatMinor, parseMinor } from "../../ingest/money.ts";
import {
  AMAZON_MARKETPLACES,
  marketplaceById,
  marketplaceCurrency as currencyOf,
} from "../../amazon/marketplaces.ts";

const DECIMAL = /^-?\d+(\.\d+)?$/;
const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), {
  message: "must be an ISO 8601 date-time",
});
const money = z.object({
  amount: z.string().regex(DECIMAL),
  currencyCode: z.string().regex(/^[A-Z]{3}$/),
});
const breakdown = z.object({ type: z.string(), subtotal: money });

const v2026Item = z.object({
  orderItemId: z.string().min(1),
  quantityOrdered: z.number().int().min(0),
  product: z.object({
    asin: z.string().min(1),
    title: z.string().optional(),
    sellerSku: z.string().optional(),
    price: z.object({ unitPrice: money.optional() }).optional(),
  }),
  proceeds: z.object({ breakdowns: z.array(breakdown).optional() }).optional(),
});

/**
 * A v2026 Order, reduced to what the rows need. Unknown keys are stripped
 * when parsing, so a recipient's name or street (present when the seller
 * has the restricted role) never reaches a row: only its country is kept.
 */
export const v2026Order = z.object({
  orderId: z.string().min(1),
  orderAliases: z.array(
    z.object({ aliasId: z.string(), aliasType: z.string() }),
  )
    .optional(),
  createdTime: instant,
  lastUpdatedTime: instant,
  programs: z.array(z.string()).optional(),
  // Amazon's model requires only channelName (AMAZON or NON_AMAZON).
  salesChannel: z.object({
    channelName: z.string().optional(),
    marketplaceId: z.string().min(1).optional(),
    marketplaceName: z.string().optional(),
  }),
  recipient: z.object({
    deliveryAddress: z.object({
      countryCode: z.string().regex(/^[A-Z]{2}$/).optional(),
    }).optional(),
  }).optional(),
  proceeds: z.object({ grandTotal: money.optional() }).optional(),
  // Optional in Amazon's model, as is fulfilledBy.
  fulfillment: z.object({
    fulfillmentStatus: z.string().min(1),
    fulfilledBy: z.enum(["AMAZON", "MERCHANT"]).optional(),
    deliverByWindow: z.object({ endTime: instant.optional() }).optional(),
  }).optional(),
  orderItems: z.array(v2026Item),
  packages: z.array(z.object({
    shipTime: instant.optional(),
    packageStatus: z.object({ status: z.string() }).optional(),
  })).optional(),
});
export type V2026Order = z.infer<typeof v2026Order>;

/** v2026 fulfillment statuses in the v0 words the orders table keeps. */
const STATUS: Record<string, string> = {
  PENDING_AVAILABILITY: "PendingAvailability",
  PENDING: "Pending",
  UNSHIPPED: "Unshipped",
  PARTIALLY_SHIPPED: "PartiallyShipped",
  SHIPPED: "Shipped",
  CANCELLED: "Canceled",
  UNFULFILLABLE: "Unfulfillable",
};

/** The currency a marketplace prices its orders in (cancelled orders carry no money). */
export function marketplaceCurrency(marketplaceId: string): string | null {
  return currencyOf(marketplaceId);
}

function sumOf(
  parts: readonly z.infer<typeof breakdown>[],
  type: string,
  currency: string,
): number | null {
  const hits = parts.filter((b) => b.type === type);
  if (hits.length === 0) return null;
  return hits.reduce((s, b) => s + parseMinor(b.subtotal.amount, currency), 0);
}

/** The order and item rows of one searchOrders / getOrder order. */
export function rowsFromV2026(
  storeId: string,
  o: V2026Order,
): { order: OrderRow; items: OrderItemRow[]; latestDeliveryAt: Date | null } {
  const firstMoney = o.proceeds?.grandTotal ??
    o.orderItems.map((it) =>
      it.proceeds?.breakdowns?.[0]?.subtotal ?? it.product.price?.unitPrice
    ).find((m) => m !== undefined);
  const currency = firstMoney?.currencyCode ??
    (o.salesChannel.marketplaceId
      ? marketplaceCurrency(o.salesChannel.marketplaceId)
      : null);
  const packages = o.packages ?? [];
  // No fulfillment yet: the order is pending.
  const raw = o.fulfillment?.fulfillmentStatus ?? "PENDING";
  const delivered = raw === "SHIPPED" && packages.length > 0 &&
    packages.every((p) => p.packageStatus?.status === "DELIVERED");
  const shipTimes = packages.flatMap((p) =>
    p.shipTime ? [Date.parse(p.shipTime)] : []
  );
  const programs = new Set(o.programs ?? []);
  const order: OrderRow = {
    storeId,
    amazonOrderId: o.orderId,
    // A NON_AMAZON order may name no marketplace: "" (none).
    marketplaceId: o.salesChannel.marketplaceId ?? "",
    merchantOrderId:
      o.orderAliases?.find((a) => a.aliasType === "SELLER_ORDER_ID")?.aliasId ??
        null,
    status: delivered ? "Delivered" : STATUS[raw] ?? raw,
    fulfillmentChannel: o.fulfillment?.fulfilledBy === "AMAZON" ? "AFN" : "MFN",
    // Absent is not null: an answer without the name keeps the stored one.
    salesChannel: o.salesChannel.marketplaceName,
    orderTotal: o.proceeds?.grandTotal?.amount ?? null,
    currency,
    isBusiness: programs.has("AMAZON_BUSINESS"),
    isPrime: programs.has("PRIME"),
    shipCountry: o.recipient?.deliveryAddress?.countryCode ?? null,
    purchasedAt: new Date(o.createdTime),
    lastUpdatedAt: new Date(o.lastUpdatedTime),
    shippedAt: shipTimes.length ? new Date(Math.min(...shipTimes)) : null,
    deliveredAt: delivered ? new Date(o.lastUpdatedTime) : null,
  };
  const items = o.orderItems.map((it): OrderItemRow => {
    const parts = it.proceeds?.breakdowns;
    const cur = parts?.[0]?.subtotal.currencyCode ??
      it.product.price?.unitPrice?.currencyCode ?? currency;
    // Without proceeds (a cancelled order) Amazon states no item money.
    const amount = (type: string, sign = 1, zeroIfAbsent = true) => {
      if (!parts || !cur) return null;
      const v = sumOf(parts, type, cur);
      if (v === null) return zeroIfAbsent ? formatMinor(0, cur) : null;
      // sign 0: a magnitude whatever Amazon's sign (discounts).
      return formatMinor(sign === 0 ? Math.abs(v) : sign * v, cur);
    };
    return {
      storeId,
      amazonOrderId: o.orderId,
      orderItemId: it.orderItemId,
      asin: it.product.asin,
      sku: it.product.sellerSku ?? null,
      title: it.product.title ?? null,
      quantity: it.quantityOrdered,
      itemPrice: amount("ITEM", 1, false),
      itemTax: amount("TAX"),
      shippingPrice: amount("SHIPPING"),
      promotionDiscount: amount("DISCOUNT", 0),
      currency: cur,
    };
  });
  const latest = o.fulfillment?.deliverByWindow?.endTime;
  return { order, items, latestDeliveryAt: latest ? new Date(latest) : null };
}

// ── The all-orders flat file (facts §4.8: one line per order item) ────────

const amountCell = z.string().regex(/^(-?\d+(\.\d+)?)?$/);

/** The flat-file cells an order row is built from. */
export const flatFileLine = z.object({
  "amazon-order-id": z.string().min(1),
  "merchant-order-id": z.string().default(""),
  "purchase-date": instant,
  "last-updated-date": instant,
  "order-status": z.string().min(1),
  "fulfillment-channel": z.enum(["Amazon", "Merchant"]),
  "sales-channel": z.string().default(""),
  "currency": z.string().default(""),
  "item-price": amountCell.default(""),
  "item-tax": amountCell.default(""),
  "shipping-price": amountCell.default(""),
  "shipping-tax": amountCell.default(""),
  "gift-wrap-price": amountCell.default(""),
  "gift-wrap-tax": amountCell.default(""),
  "item-promotion-discount": amountCell.default(""),
  "ship-promotion-discount": amountCell.default(""),
  "ship-country": z.string().default(""),
  "is-business-order": z.string().default(""),
});
export type FlatFileLine = z.infer<typeof flatFileLine>;

/** The marketplace of a sales channel ("Amazon.de"), among the store's. */
export function marketplaceOfChannel(
  channel: string,
  storeMarketplaceIds: readonly string[],
): string | null {
  const name = channel.trim().toLowerCase();
  return AMAZON_MARKETPLACES.find((m) =>
    storeMarketplaceIds.includes(m.id) &&
    (m.salesChannel.toLowerCase() === name || m.domain.toLowerCase() === name)
  )?.id ?? null;
}

/**
 * One order row from all the flat-file lines of the order. The total is
 * what the buyer pays: prices, shipping and gift wrap less promotions, plus
 * tax where prices exclude it; empty prices (cancelled orders) give none.
 * isPrime is not in the file and shippedAt / deliveredAt neither: the
 * searchOrders pass that follows the report fills them in.
 */
export function orderFromFlatFile(
  storeId: string,
  marketplaceId: string,
  lines: readonly FlatFileLine[],
): OrderRow {
  const first = lines[0];
  const market = marketplaceById(marketplaceId);
  const currency = first.currency || market?.currency || null;
  let total: number | null = currency ? 0 : null;
  for (const l of lines) {
    if (total === null || !currency || l["item-price"] === "") {
      total = null;
      break;
    }
    const v = (k: keyof FlatFileLine) =>
      l[k] ? parseMinor(l[k] as string, currency) : 0;
    // Promotion discounts are magnitudes whatever their sign: Amazon's
    // documentation shows them positive, real reports negative (a peer's
    // fixture); subtracting the signed value would add a negative one.
    total += v("item-price") + v("shipping-price") + v("gift-wrap-price") -
      Math.abs(v("item-promotion-discount")) -
      Math.abs(v("ship-promotion-discount"));
    if (!market?.taxInclusive) {
      total += v("item-tax") + v("shipping-tax") + v("gift-wrap-tax");
    }
  }
  const status = first["order-status"];
  return {
    storeId,
    amazonOrderId: first["amazon-order-id"],
    marketplaceId,
    merchantOrderId: first["merchant-order-id"] || null,
    status: status === "Cancelled" ? "Canceled" : status,
    fulfillmentChannel: first["fulfillment-channel"] === "Amazon"
      ? "AFN"
      : "MFN",
    salesChannel: first["sales-channel"] || null,
    orderTotal: total === null || !currency
      ? null
      : formatMinor(total, currency),
    currency,
    isBusiness: first["is-business-order"].toLowerCase() === "true",
    isPrime: false,
    shipCountry: /^[A-Z]{2}$/.test(first["ship-country"])
      ? first["ship-country"]
      : null,
    purchasedAt: new Date(first["purchase-date"]),
    lastUpdatedAt: new Date(first["last-updated-date"]),
    shippedAt: null,
    deliveredAt: null,
  };
}
