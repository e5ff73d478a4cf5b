// The TSV reports: the all-orders flat file, FBA customer returns and FBA
// Manage Inventory, with the column lists of facts §4.8, one row per order
// item / return / SKU, dates as `2026-03-01T12:00:00+00:00`. Order status
// uses the flat file's words (Delivered is "Shipped", Canceled is
// "Cancelled"); ship city, state and postal code exist only where the
// generator made buyer data.
import {
  type DocumentSpec,
  ms,
  selectInventory,
  selectOrders,
  selectReturns,
} from "./doc_spec.ts";
import { formatMinor, isoOffset, tsvLine } from "./format.ts";
import type { SellerWorld } from "./served_world.ts";

/** All-orders flat file columns (32, facts §4.8). */
export const ALL_ORDERS_COLUMNS = [
  "amazon-order-id",
  "merchant-order-id",
  "purchase-date",
  "last-updated-date",
  "order-status",
  "fulfillment-channel",
  "sales-channel",
  "order-channel",
  "url",
  "ship-service-level",
  "product-name",
  "sku",
  "asin",
  "item-status",
  "quantity",
  "currency",
  "item-price",
  "item-tax",
  "shipping-price",
  "shipping-tax",
  "gift-wrap-price",
  "gift-wrap-tax",
  "item-promotion-discount",
  "ship-promotion-discount",
  "ship-city",
  "ship-state",
  "ship-postal-code",
  "ship-country",
  "promotion-ids",
  "is-business-order",
  "purchase-order-number",
  "price-designation",
] as const;

/** FBA customer returns columns (facts §4.8). */
export const RETURNS_COLUMNS = [
  "return-date",
  "order-id",
  "sku",
  "asin",
  "fnsku",
  "product-name",
  "quantity",
  "fulfillment-center-id",
  "detailed-disposition",
  "reason",
  "status",
  "license-plate-number",
  "customer-comments",
] as const;

/** FBA Manage Inventory (unsuppressed) columns (facts §4.8). */
export const MYI_COLUMNS = [
  "sku",
  "fnsku",
  "asin",
  "product-name",
  "condition",
  "your-price",
  "mfn-listing-exists",
  "mfn-fulfillable-quantity",
  "afn-listing-exists",
  "afn-warehouse-quantity",
  "afn-fulfillable-quantity",
  "afn-unsellable-quantity",
  "afn-reserved-quantity",
  "afn-total-quantity",
  "per-unit-volume",
  "afn-inbound-working-quantity",
  "afn-inbound-shipped-quantity",
  "afn-inbound-receiving-quantity",
] as const;

const ORDER_STATUS: Record<string, string> = {
  Pending: "Pending",
  Unshipped: "Unshipped",
  Shipped: "Shipped",
  Delivered: "Shipped",
  Canceled: "Cancelled",
};
const ITEM_STATUS: Record<string, string> = {
  Pending: "Unshipped",
  Unshipped: "Unshipped",
  Shipped: "Shipped",
  Delivered: "Shipped",
  Canceled: "Cancelled",
};

export function* allOrders(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "allOrders" }>,
): Generator<string> {
  yield tsvLine(ALL_ORDERS_COLUMNS);
  for (const o of selectOrders(w, spec)) {
    const pii = w.piiByOrder.get(o.amazonOrderId)?.payload;
    const cur = o.currency ?? "";
    for (const it of w.itemsByOrder.get(o.amazonOrderId) ?? []) {
      const priced = it.itemPrice !== null && it.itemPrice !== undefined;
      yield tsvLine([
        o.amazonOrderId,
        o.merchantOrderId,
        isoOffset(ms(o.purchasedAt)),
        isoOffset(ms(o.lastUpdatedAt)),
        ORDER_STATUS[o.status] ?? o.status,
        o.fulfillmentChannel === "AFN" ? "Amazon" : "Merchant",
        o.salesChannel,
        "",
        "",
        o.isPrime ? "Expedited" : "Standard",
        it.title,
        it.sku,
        it.asin,
        ITEM_STATUS[o.status] ?? o.status,
        it.quantity,
        cur,
        it.itemPrice,
        it.itemTax,
        it.shippingPrice,
        priced ? formatMinor(0, cur) : "",
        "",
        "",
        it.promotionDiscount,
        "",
        pii?.city,
        pii?.stateOrRegion,
        pii?.postalCode,
        o.shipCountry,
        "",
        o.isBusiness ? "true" : "false",
        "",
        o.isBusiness ? "BusinessPrice" : "",
      ]);
    }
  }
}

export function* returnsTsv(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "returns" }>,
): Generator<string> {
  yield tsvLine(RETURNS_COLUMNS);
  for (const r of selectReturns(w, spec)) {
    yield tsvLine([
      isoOffset(ms(r.returnedAt)),
      r.amazonOrderId,
      r.sku,
      r.asin,
      r.fnsku,
      w.productBySku.get(r.sku)?.title,
      r.quantity,
      r.fulfillmentCenterId,
      r.disposition,
      r.reason,
      r.status,
      r.licensePlateNumber,
      "",
    ]);
  }
}

export function* myiTsv(
  w: SellerWorld,
  marketplaceIds: string[],
): Generator<string> {
  yield tsvLine(MYI_COLUMNS);
  for (const s of selectInventory(w, marketplaceIds)) {
    const listing = (w.listingsByMarket.get(s.marketplaceId) ?? []).find((l) =>
      l.sku === s.sku
    );
    yield tsvLine([
      s.sku,
      s.fnsku,
      s.asin,
      w.productBySku.get(s.sku)?.title,
      "New",
      listing?.price,
      "No",
      "",
      "Yes",
      s.fulfillable + s.unfulfillable + s.reserved,
      s.fulfillable,
      s.unfulfillable,
      s.reserved,
      s.total,
      "0.12",
      s.inboundWorking,
      s.inboundShipped,
      s.inboundReceiving,
    ]);
  }
}
