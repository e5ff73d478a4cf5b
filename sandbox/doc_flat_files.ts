// The TSV reports: the all-orders flat file, FBA customer returns and FBA
// Manage Inventory, with the column lists of facts §4.8, one row per order
// item / return / SKU, dates as `2026-03-01T12:00:00+00:00`. Order status
// uses the flat file's words (Canceled is "Cancelled"); ship city, state
// and postal code exist only where the generator made buyer data.
import {
  type DocumentSpec,
  ms,
  selectInventory,
  selectOrders,
  selectReturns,
} from "./doc_spec.ts";
import { isoOffset, tsvLine } from "./format.ts";
import type { SellerWorld } from "./served_world.ts";
import { decimal } from "./world/money.ts";

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
  Canceled: "Cancelled",
};
const ITEM_STATUS: Record<string, string> = {
  Pending: "Unshipped",
  Unshipped: "Unshipped",
  Shipped: "Shipped",
  Canceled: "Cancelled",
};

export function* allOrders(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "allOrders" }>,
): Generator<string> {
  yield tsvLine(ALL_ORDERS_COLUMNS);
  for (const o of selectOrders(w, spec)) {
    const address = w.buyerByOrder.get(o.AmazonOrderId)?.ShippingAddress;
    const cur = o.OrderTotal?.CurrencyCode ??
      w.marketplaceById.get(o.MarketplaceId)?.currency ?? "";
    for (const it of w.itemsByOrder.get(o.AmazonOrderId) ?? []) {
      yield tsvLine([
        o.AmazonOrderId,
        o.SellerOrderId,
        isoOffset(ms(o.PurchaseDate)),
        isoOffset(ms(o.LastUpdateDate)),
        ORDER_STATUS[o.OrderStatus] ?? o.OrderStatus,
        o.FulfillmentChannel === "AFN" ? "Amazon" : "Merchant",
        o.SalesChannel,
        "",
        "",
        o.ShipServiceLevel,
        it.Title,
        it.SellerSKU,
        it.ASIN,
        ITEM_STATUS[o.OrderStatus] ?? o.OrderStatus,
        it.QuantityOrdered,
        cur,
        it.ItemPrice?.Amount,
        it.ItemTax?.Amount,
        it.ShippingPrice?.Amount,
        it.ItemPrice ? decimal(0, cur) : "",
        "",
        "",
        it.PromotionDiscount?.Amount,
        "",
        address?.City,
        address?.StateOrRegion,
        address?.PostalCode,
        o.ShippingAddress.CountryCode,
        "",
        o.IsBusinessOrder ? "true" : "false",
        "",
        o.IsBusinessOrder ? "BusinessPrice" : "",
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
      isoOffset(ms(r.returnDate)),
      r.orderId,
      r.sku,
      r.asin,
      r.fnsku,
      w.productBySku.get(r.sku)?.title,
      r.quantity,
      r.fulfillmentCenterId,
      r.detailedDisposition,
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
    const listing = (w.listingsByMarket.get(s.granularityId) ?? []).find((l) =>
      l.sku === s.sellerSku
    );
    const d = s.inventoryDetails;
    const unfulfillable = d.unfulfillableQuantity.totalUnfulfillableQuantity;
    const reserved = d.reservedQuantity.totalReservedQuantity;
    yield tsvLine([
      s.sellerSku,
      s.fnSku,
      s.asin,
      w.productBySku.get(s.sellerSku)?.title,
      "New",
      listing?.price.Amount,
      "No",
      "",
      "Yes",
      d.fulfillableQuantity + unfulfillable + reserved,
      d.fulfillableQuantity,
      unfulfillable,
      reserved,
      s.totalQuantity,
      "0.12",
      d.inboundWorkingQuantity,
      d.inboundShippedQuantity,
      d.inboundReceivingQuantity,
    ]);
  }
}
