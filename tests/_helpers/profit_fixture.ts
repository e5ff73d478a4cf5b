// A small fixed data set for profit two ways (issue #16), written straight
// into the tables the syncs fill, with every expected figure worked out by
// hand in tests/lib/profit_test.ts and tests/routes/profit_test.ts:
//
// Store A (US, USD, America/Los_Angeles), report 2026-06-01..2026-06-30:
// - O1 2026-06-10: SKU-A ×2, sales 50.00; cost 10.00 + 1.00 + 0.50 = 11.50 a
//   unit (a 99.00 cost from 2026-07-01 does not apply yet); posted fees
//   −7.50 −6.00; settled: the sale and its fees, a refund (−25.00 principal,
//   +3.75 commission back, −0.75 refund commission) and a reimbursement of
//   +11.50.
// - O2 2026-06-10: SKU-B ×1, sales 30.00; cost 8.00; no financial event yet:
//   its fees are estimated from O0 (2026-05-20, SKU-B, sales 40.00, fees
//   −6.00: a rate of 15 %). Not settled.
// - O3 2026-06-12: SKU-C ×1, sales 20.00, fees −3.00; no cost of goods.
// - Ad spend 12.00 on 2026-06-10 (split 50:30 over O1 and O2: 7.50 and 4.50)
//   and 5.00 on 2026-06-15, a day without sales (unallocated).
// Store B (UK, GBP, Europe/London):
// - O4 2026-06-10: SKU-A ×1, sales 40.00; cost 9.00; fees −6.00; settled.
// Rates: 1 GBP = 1.25 USD on 2026-06-30; 1 GBP = 1.15 EUR on 2026-06-29 only.
import { registerStore } from "../../db/maintenance.ts";
import {
  adMetricsDaily,
  adProfiles,
  currencyRates,
  fees,
  financialEvents,
  orderItems,
  orders,
  settlementLines,
  settlements,
  skuCosts,
} from "../../db/schema.ts";
import type { Database } from "../../db/client.ts";
import { ownerOf } from "./test_db.ts";

export const US = "ATVPDKIKX0DER";
export const UK = "A1F83G8C2ARO7P";
export const RANGE = { from: "2026-06-01", to: "2026-06-30" };

export interface ProfitFixture {
  storeA: string;
  storeB: string;
}

let n = 0;

export async function seedProfitFixture(db: Database): Promise<ProfitFixture> {
  const k = ++n;
  const storeA = await registerStore(db, {
    sellerId: `APROFITA${k}`,
    region: "NA",
    name: `Profit A ${k}`,
    marketplaces: [{
      marketplaceId: US,
      countryCode: "US",
      defaultCurrency: "USD",
      domain: "amazon.com",
    }],
  });
  const storeB = await registerStore(db, {
    sellerId: `APROFITB${k}`,
    region: "EU",
    name: `Profit B ${k}`,
    marketplaces: [{
      marketplaceId: UK,
      countryCode: "GB",
      defaultCurrency: "GBP",
      domain: "amazon.co.uk",
    }],
  });
  const o = ownerOf(db);
  const order = (
    storeId: string,
    id: string,
    marketplaceId: string,
    at: string,
    currency: string,
    total: string,
  ) => ({
    storeId,
    amazonOrderId: id,
    marketplaceId,
    status: "Shipped",
    fulfillmentChannel: "AFN" as const,
    orderTotal: total,
    currency,
    purchasedAt: new Date(at),
    lastUpdatedAt: new Date(at),
  });
  await o.insert(orders).values([
    order(
      storeA,
      "111-0000000-0000000",
      US,
      "2026-05-20T18:00:00Z",
      "USD",
      "40.00",
    ),
    order(
      storeA,
      "111-0000000-0000001",
      US,
      "2026-06-10T18:00:00Z",
      "USD",
      "50.00",
    ),
    order(
      storeA,
      "111-0000000-0000002",
      US,
      "2026-06-10T19:00:00Z",
      "USD",
      "30.00",
    ),
    order(
      storeA,
      "111-0000000-0000003",
      US,
      "2026-06-12T18:00:00Z",
      "USD",
      "20.00",
    ),
    order(
      storeB,
      "202-0000000-0000004",
      UK,
      "2026-06-10T12:00:00Z",
      "GBP",
      "40.00",
    ),
  ]);
  const item = (
    storeId: string,
    id: string,
    sku: string,
    quantity: number,
    price: string,
    currency: string,
  ) => ({
    storeId,
    amazonOrderId: id,
    orderItemId: `${id}-1`,
    asin: `B0${sku.replace("-", "")}XXXX`.slice(0, 10),
    sku,
    quantity,
    itemPrice: price,
    shippingPrice: "0",
    promotionDiscount: "0",
    currency,
  });
  await o.insert(orderItems).values([
    item(storeA, "111-0000000-0000000", "SKU-B", 1, "40.00", "USD"),
    item(storeA, "111-0000000-0000001", "SKU-A", 2, "50.00", "USD"),
    item(storeA, "111-0000000-0000002", "SKU-B", 1, "30.00", "USD"),
    item(storeA, "111-0000000-0000003", "SKU-C", 1, "20.00", "USD"),
    item(storeB, "202-0000000-0000004", "SKU-A", 1, "40.00", "GBP"),
  ]);
  const shipment = (
    storeId: string,
    id: string,
    sku: string,
    at: string,
    net: string,
    currency: string,
    feeLines: [string, string][],
  ) => ({
    event: {
      storeId,
      eventId: `SHP-${id}`,
      eventType: "ShipmentEvent",
      postedAt: new Date(at),
      amazonOrderId: id,
      sku,
      description: "Order shipment",
      amount: net,
      currency,
    },
    fees: feeLines.map(([feeType, amount], i) => ({
      storeId,
      eventId: `SHP-${id}`,
      lineNo: i + 1,
      feeType,
      amazonOrderId: id,
      sku,
      postedAt: new Date(at),
      amount,
      currency,
    })),
  });
  const events = [
    shipment(
      storeA,
      "111-0000000-0000000",
      "SKU-B",
      "2026-05-22T00:00:00Z",
      "34.00",
      "USD",
      [["Commission", "-6.00"]],
    ),
    shipment(
      storeA,
      "111-0000000-0000001",
      "SKU-A",
      "2026-06-11T00:00:00Z",
      "36.50",
      "USD",
      [["Commission", "-7.50"], ["FBAPerUnitFulfillmentFee", "-6.00"]],
    ),
    shipment(
      storeA,
      "111-0000000-0000003",
      "SKU-C",
      "2026-06-13T00:00:00Z",
      "17.00",
      "USD",
      [["Commission", "-3.00"]],
    ),
    shipment(
      storeB,
      "202-0000000-0000004",
      "SKU-A",
      "2026-06-11T00:00:00Z",
      "34.00",
      "GBP",
      [["Commission", "-6.00"]],
    ),
  ];
  await o.insert(financialEvents).values(events.map((e) => e.event));
  await o.insert(fees).values(events.flatMap((e) => e.fees));
  await o.insert(settlements).values([
    {
      storeId: storeA,
      settlementId: "S-A-1",
      startsAt: new Date("2026-06-01T00:00:00Z"),
      endsAt: new Date("2026-06-29T00:00:00Z"),
      totalAmount: "26.00",
      currency: "USD",
    },
    {
      storeId: storeB,
      settlementId: "S-B-1",
      startsAt: new Date("2026-06-01T00:00:00Z"),
      endsAt: new Date("2026-06-29T00:00:00Z"),
      totalAmount: "34.00",
      currency: "GBP",
    },
  ]);
  const line = (
    storeId: string,
    settlementId: string,
    lineNo: number,
    id: string,
    transactionType: string,
    amountType: string,
    amountDescription: string,
    amount: string,
    currency: string,
  ) => ({
    storeId,
    settlementId,
    lineNo,
    transactionType,
    amazonOrderId: id,
    amountType,
    amountDescription,
    amount,
    currency,
    sku: "SKU-A",
  });
  const o1 = "111-0000000-0000001";
  await o.insert(settlementLines).values([
    line(
      storeA,
      "S-A-1",
      1,
      o1,
      "Order",
      "ItemPrice",
      "Principal",
      "50.00",
      "USD",
    ),
    line(
      storeA,
      "S-A-1",
      2,
      o1,
      "Order",
      "ItemFees",
      "Commission",
      "-7.50",
      "USD",
    ),
    line(
      storeA,
      "S-A-1",
      3,
      o1,
      "Order",
      "ItemFees",
      "FBAPerUnitFulfillmentFee",
      "-6.00",
      "USD",
    ),
    line(
      storeA,
      "S-A-1",
      4,
      o1,
      "Refund",
      "ItemPrice",
      "Principal",
      "-25.00",
      "USD",
    ),
    line(
      storeA,
      "S-A-1",
      5,
      o1,
      "Refund",
      "ItemFees",
      "Commission",
      "3.75",
      "USD",
    ),
    line(
      storeA,
      "S-A-1",
      6,
      o1,
      "Refund",
      "ItemFees",
      "RefundCommission",
      "-0.75",
      "USD",
    ),
    line(
      storeA,
      "S-A-1",
      7,
      o1,
      "other-transaction",
      "FBA Inventory Reimbursement",
      "REVERSAL_REIMBURSEMENT",
      "11.50",
      "USD",
    ),
    line(
      storeB,
      "S-B-1",
      1,
      "202-0000000-0000004",
      "Order",
      "ItemPrice",
      "Principal",
      "40.00",
      "GBP",
    ),
    line(
      storeB,
      "S-B-1",
      2,
      "202-0000000-0000004",
      "Order",
      "ItemFees",
      "Commission",
      "-6.00",
      "GBP",
    ),
  ]);
  await o.insert(adProfiles).values({
    storeId: storeA,
    profileId: "PROFILE-A",
    marketplaceId: US,
    countryCode: "US",
    currency: "USD",
    timezone: "America/Los_Angeles",
    accountType: "seller",
  });
  const metric = (
    day: string,
    entityType: "campaign" | "keyword",
    spend: string,
  ) => ({
    storeId: storeA,
    profileId: "PROFILE-A",
    day,
    entityType,
    entityId: entityType === "campaign" ? "C1" : "K1",
    campaignId: "C1",
    impressions: 1000,
    clicks: 10,
    spend,
    orders: 1,
    sales: "50.00",
    currency: "USD",
  });
  await o.insert(adMetricsDaily).values([
    metric("2026-06-10", "campaign", "12.00"),
    // The same spend at keyword level: never counted twice.
    metric("2026-06-10", "keyword", "12.00"),
    metric("2026-06-15", "campaign", "5.00"),
  ]);
  await o.insert(skuCosts).values([
    {
      storeId: storeA,
      sku: "SKU-A",
      currency: "USD",
      effectiveFrom: "2026-01-01",
      unitCost: "10.00",
      inboundShipping: "1.00",
      duty: "0.50",
    },
    {
      storeId: storeA,
      sku: "SKU-A",
      currency: "USD",
      effectiveFrom: "2026-07-01",
      unitCost: "99.00",
    },
    {
      storeId: storeA,
      sku: "SKU-B",
      currency: "USD",
      effectiveFrom: "2026-01-01",
      unitCost: "8.00",
    },
    {
      storeId: storeB,
      sku: "SKU-A",
      currency: "GBP",
      effectiveFrom: "2026-01-01",
      unitCost: "9.00",
    },
  ]);
  await o.insert(currencyRates).values([
    { day: "2026-06-30", base: "GBP", quote: "USD", rate: "1.25" },
    { day: "2026-06-29", base: "GBP", quote: "EUR", rate: "1.15" },
  ]);
  return { storeA, storeB };
}
