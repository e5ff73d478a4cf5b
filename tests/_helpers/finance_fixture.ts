// A small fixed finance data set, written out by hand (issue #16): store A
// (US, USD) with settlement 1001 that ties out, settlement 1002 with one of
// each kind of discrepancy, settlement 1003 in CAD (a second currency), and
// their orders, items, financial events and fees. The expected figures in
// the tests are computed by hand from these rows, not by the code.
import type { Tx } from "../../db/client.ts";
import {
  upsertFees,
  upsertFinancialEvents,
  upsertSettlementLines,
  upsertSettlements,
} from "../../lib/ingest/finance.ts";
import { upsertOrderItems, upsertOrders } from "../../lib/ingest/orders.ts";
import type { TestApp } from "./app.ts";

const US = "ATVPDKIKX0DER";
const at = (iso: string) => new Date(iso);

export const O = {
  o1: "111-0000001-0000001",
  o2: "111-0000002-0000002",
  o3: "111-0000003-0000003",
  o4: "111-0000004-0000004",
  o5: "111-0000005-0000005",
  o6: "111-0000006-0000006",
  o7: "111-0000007-0000007",
  o9: "111-0000009-0000009",
  o10: "111-0000010-0000010",
  o11: "111-0000011-0000011",
  o12: "111-0000012-0000012",
} as const;

/** Markup in a stored description: must show as text. */
export const MARKUP = "Current Reserve Amount <img src=x onerror=alert(1)>";

/** Writes the data set into store `storeId`. */
export async function seedFinance(s: TestApp, storeId: string): Promise<void> {
  await s.t.db.asJob(storeId, (tx) => write(tx, storeId));
}

async function write(tx: Tx, storeId: string) {
  const order = (
    id: string,
    shippedAt: string,
    total: string,
    status = "Shipped",
  ) => ({
    storeId,
    amazonOrderId: id,
    marketplaceId: US,
    status,
    fulfillmentChannel: "AFN" as const,
    orderTotal: total,
    currency: "USD",
    purchasedAt: new Date(at(shippedAt).getTime() - 86_400_000),
    lastUpdatedAt: at(shippedAt),
    shippedAt: at(shippedAt),
  });
  await upsertOrders(tx, [
    order(O.o1, "2026-03-05T10:00:00Z", "24.60"),
    order(O.o2, "2026-02-20T10:00:00Z", "10.00"),
    order(O.o3, "2026-03-28T20:00:00Z", "15.00"),
    order(O.o4, "2026-03-20T10:00:00Z", "18.00"),
    order(O.o5, "2026-03-18T10:00:00Z", "12.00"),
    order(O.o6, "2026-03-19T10:00:00Z", "20.00"),
    order(O.o9, "2026-03-16T10:00:00Z", "50.00"),
    order(O.o10, "2026-03-17T10:00:00Z", "40.00"),
    order(O.o11, "2026-02-25T10:00:00Z", "25.00"),
    order(O.o12, "2026-02-26T10:00:00Z", "9.00"),
  ]);
  const item = (
    id: string,
    price: string,
    extra: { tax?: string; shipping?: string; promo?: string } = {},
  ) => ({
    storeId,
    amazonOrderId: id,
    orderItemId: `${id.slice(-4)}01`,
    asin: "B000TEST01",
    sku: "SKU-1",
    quantity: 1,
    itemPrice: price,
    itemTax: extra.tax ?? "0",
    shippingPrice: extra.shipping ?? "0",
    promotionDiscount: extra.promo ?? "0",
    currency: "USD",
  });
  await upsertOrderItems(tx, [
    item(O.o1, "20.00", { tax: "1.60", shipping: "5.00", promo: "2.00" }),
    item(O.o2, "10.00"),
    item(O.o3, "15.00"),
    item(O.o4, "18.00"),
    item(O.o5, "12.00"),
    item(O.o6, "20.00"),
    item(O.o9, "50.00"),
    item(O.o10, "40.00"),
    item(O.o11, "25.00"),
    item(O.o12, "9.00"),
  ]);

  await upsertSettlements(tx, [
    {
      storeId,
      settlementId: "1001",
      startsAt: at("2026-03-01T00:00:00Z"),
      endsAt: at("2026-03-15T00:00:00Z"),
      depositAt: at("2026-03-17T09:00:00Z"),
      totalAmount: "-26.34",
      currency: "USD",
    },
    {
      storeId,
      settlementId: "1002",
      startsAt: at("2026-03-15T00:00:00Z"),
      endsAt: at("2026-03-29T00:00:00Z"),
      depositAt: at("2026-03-31T09:00:00Z"),
      totalAmount: "11.75", // the lines sum to 10.75
      currency: "USD",
    },
    {
      storeId,
      settlementId: "1003",
      startsAt: at("2026-03-01T00:00:00Z"),
      endsAt: at("2026-03-15T00:00:00Z"),
      depositAt: null,
      totalAmount: "100.00",
      currency: "CAD",
    },
  ]);
  let n = 0;
  const line = (
    settlementId: string,
    transactionType: string,
    orderId: string | null,
    amountType: string,
    amountDescription: string,
    amount: string,
    postedAt: string,
    currency = "USD",
  ) => ({
    storeId,
    settlementId,
    lineNo: ++n,
    transactionType,
    amazonOrderId: orderId,
    marketplaceName: currency === "USD" ? "Amazon.com" : "Amazon.ca",
    amountType,
    amountDescription,
    amount,
    currency,
    postedAt: at(postedAt),
    sku: orderId ? "SKU-1" : null,
  });
  const d1 = "2026-03-05T10:00:00Z";
  const s1 = [
    line("1001", "Order", O.o1, "ItemPrice", "Principal", "20.00", d1),
    line("1001", "Order", O.o1, "ItemPrice", "Shipping", "5.00", d1),
    line("1001", "Order", O.o1, "ItemPrice", "Tax", "1.60", d1),
    line(
      "1001",
      "Order",
      O.o1,
      "ItemWithheldTax",
      "MarketplaceFacilitatorTax-Principal",
      "-1.60",
      d1,
    ),
    line("1001", "Order", O.o1, "Promotion", "Principal", "-2.00", d1),
    line("1001", "Order", O.o1, "ItemFees", "Commission", "-3.45", d1),
    line(
      "1001",
      "Order",
      O.o1,
      "ItemFees",
      "FBAPerUnitFulfillmentFee",
      "-4.10",
      d1,
    ),
    line(
      "1001",
      "Refund",
      O.o2,
      "ItemPrice",
      "Principal",
      "-10.00",
      "2026-03-08T10:00:00Z",
    ),
    line(
      "1001",
      "Refund",
      O.o2,
      "ItemFees",
      "Commission",
      "1.50",
      "2026-03-08T10:00:00Z",
    ),
    line(
      "1001",
      "Refund",
      O.o2,
      "ItemFees",
      "RefundCommission",
      "-0.30",
      "2026-03-08T10:00:00Z",
    ),
    line(
      "1001",
      "other-transaction",
      null,
      "other-transaction",
      "Subscription Fee",
      "-39.99",
      "2026-03-02T10:00:00Z",
    ),
    line(
      "1001",
      "other-transaction",
      null,
      "FBA Inventory Reimbursement",
      "REVERSAL_REIMBURSEMENT",
      "12.00",
      "2026-03-09T10:00:00Z",
    ),
    line(
      "1001",
      "other-transaction",
      null,
      "other-transaction",
      MARKUP,
      "-5.00",
      "2026-03-14T10:00:00Z",
    ),
  ];
  n = 0;
  const d2 = "2026-03-20T10:00:00Z";
  const s2 = [
    line("1002", "Order", O.o7, "ItemPrice", "Principal", "30.00", d2),
    line("1002", "Order", O.o7, "ItemFees", "Commission", "-4.50", d2),
    line("1002", "Order", O.o9, "ItemPrice", "Principal", "45.00", d2),
    line("1002", "Order", O.o9, "ItemFees", "Commission", "-7.50", d2),
    line("1002", "Order", O.o10, "ItemPrice", "Principal", "40.00", d2),
    line("1002", "Order", O.o10, "ItemFees", "Commission", "-6.00", d2),
    line(
      "1002",
      "Order",
      O.o10,
      "ItemFees",
      "FBAPerUnitFulfillmentFee",
      "-5.00",
      d2,
    ),
    line("1002", "Refund", O.o11, "ItemPrice", "Principal", "-25.00", d2),
    line("1002", "Refund", O.o11, "ItemFees", "Commission", "3.75", d2),
    line(
      "1002",
      "other-transaction",
      null,
      "other-transaction",
      "Cost of Advertising",
      "-60.00",
      d2,
    ),
  ];
  n = 0;
  const s3 = [
    line(
      "1003",
      "other-transaction",
      null,
      "other-transaction",
      "Storage Fee",
      "100.00",
      "2026-03-03T10:00:00Z",
      "CAD",
    ),
  ];
  await upsertSettlementLines(tx, [...s1, ...s2, ...s3]);

  const event = (
    eventId: string,
    eventType: string,
    postedAt: string,
    group: string,
    orderId: string | null,
    amount: string,
    currency = "USD",
  ) => ({
    storeId,
    eventId,
    eventType,
    postedAt: at(postedAt),
    eventGroupId: group,
    amazonOrderId: orderId,
    sku: orderId ? "SKU-1" : null,
    description: eventType,
    amount,
    currency,
    raw: { fixture: true },
    known: true,
  });
  await upsertFinancialEvents(tx, [
    event(`SHP-${O.o1}`, "ShipmentEvent", d1, "G1", O.o1, "15.45"),
    event(
      `RFD-${O.o2}`,
      "RefundEvent",
      "2026-03-08T10:00:00Z",
      "G1",
      O.o2,
      "-8.80",
    ),
    event(
      "SVC-G1-1",
      "ServiceFeeEvent",
      "2026-03-02T10:00:00Z",
      "G1",
      null,
      "-39.99",
    ),
    event(
      "ADJ-G1-1",
      "AdjustmentEvent",
      "2026-03-09T10:00:00Z",
      "G1",
      null,
      "12.00",
    ),
    event(
      `SHP-${O.o4}`,
      "ShipmentEvent",
      "2026-03-30T10:00:00Z",
      "G3",
      O.o4,
      "18.00",
    ),
    event(
      `SHP-${O.o6}`,
      "ShipmentEvent",
      "2026-03-19T10:00:00Z",
      "G2",
      O.o6,
      "20.00",
    ),
    event(
      `SHP-${O.o9}`,
      "ShipmentEvent",
      "2026-03-16T10:00:00Z",
      "G2",
      O.o9,
      "42.50",
    ),
    event(
      `SHP-${O.o10}`,
      "ShipmentEvent",
      "2026-03-17T10:00:00Z",
      "G2",
      O.o10,
      "29.50",
    ),
    event(
      `RFD-${O.o11}`,
      "RefundEvent",
      "2026-03-21T10:00:00Z",
      "G2",
      O.o11,
      "-20.00",
    ),
    event(
      `RFD-${O.o12}`,
      "RefundEvent",
      "2026-03-22T10:00:00Z",
      "G2",
      O.o12,
      "-9.00",
    ),
    event(
      "ADS-G2-1",
      "ProductAdsPaymentEvent",
      "2026-03-23T10:00:00Z",
      "G2",
      null,
      "-55.00",
    ),
    event(
      "SVC-GC-1",
      "ServiceFeeEvent",
      "2026-03-03T10:00:00Z",
      "GC",
      null,
      "-15.00",
      "CAD",
    ),
  ]);
  const fee = (
    eventId: string,
    lineNo: number,
    feeType: string,
    orderId: string,
    postedAt: string,
    amount: string,
  ) => ({
    storeId,
    eventId,
    lineNo,
    feeType,
    amazonOrderId: orderId,
    sku: "SKU-1",
    postedAt: at(postedAt),
    amount,
    currency: "USD",
  });
  await upsertFees(tx, [
    fee(`SHP-${O.o1}`, 1, "Commission", O.o1, d1, "-3.45"),
    fee(`SHP-${O.o1}`, 2, "FBAPerUnitFulfillmentFee", O.o1, d1, "-4.10"),
    fee(`SHP-${O.o9}`, 1, "Commission", O.o9, "2026-03-16T10:00:00Z", "-7.50"),
    fee(
      `SHP-${O.o10}`,
      1,
      "Commission",
      O.o10,
      "2026-03-17T10:00:00Z",
      "-6.00",
    ),
    fee(
      `SHP-${O.o10}`,
      2,
      "FBAPerUnitFulfillmentFee",
      O.o10,
      "2026-03-17T10:00:00Z",
      "-4.50",
    ),
  ]);
}
