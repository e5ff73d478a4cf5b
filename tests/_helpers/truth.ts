// The sandbox's ground truth (in Amazon's vocabulary) mapped to the rows a
// full sync must leave in the database, written here on purpose and not by
// calling the portal's mappers (lib/ingest, lib/sync/datasets): the tests
// compare two independent readings of the same facts, so a mapping or money
// mistake made in the portal cannot also be made here. The rules are the
// documented ones (docs/amazon-facts.md §4, §5):
// - an order is "Delivered" once its package is; shippedAt and deliveredAt
//   are the package's times; a cancelled order carries no money;
// - a financial event's amount is the sum of all its charges, fees,
//   withheld taxes and promotions; shipments and refunds are keyed
//   SHP-/RFD- + order id, described "Order shipment" / "Customer return
//   refund", and their fees are numbered in the order they are listed;
// - a settlement line's lineNo is its position in the settlement file;
// - budgets, bids and metrics are in the Ads profile's currency.
// Amounts are summed exactly (BigInt ten-thousandths, the database's
// numeric(18,4)); no float and no shared money code.
//
// assertEqualsTruth compares everything a store holds with it, table by
// table, row for row. Left out of the comparison, and why:
// - syncedAt / updatedAt: our own write times, not Amazon data (except ads
//   entities, compared in tests/sync/ads_test.ts);
// - inventory snapshotDate: the day of the sync, not a generated day;
// - a ServiceFeeEvent's eventId and postedAt (and its fees'): the Finances
//   v0 model gives that event neither an id nor a date, so ours are derived.
// Buyer data is compared by order id (the payloads are sealed; the orders
// test opens and compares them).
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import * as schema from "../../db/schema.ts";
import type {
  FinancialEvent,
  Money,
  OtherEventList,
  SellerTruth,
} from "../../sandbox/testing.ts";
import { canonicalRows, type SyncWorld, truthKeys } from "./sync.ts";

type Row = Record<string, unknown>;
/** A table's row as the database stores it. */
type Of<T extends PgTable> = T["$inferInsert"];

/** The rows a full sync of one seller must store, by table. */
export interface ExpectedRows {
  products: Of<typeof schema.products>[];
  listings: Of<typeof schema.listings>[];
  /** Current FBA inventory: the latest snapshot per marketplace and SKU. */
  inventory: Of<typeof schema.inventorySnapshots>[];
  orders: Of<typeof schema.orders>[];
  orderItems: Of<typeof schema.orderItems>[];
  /** Buyer data, with the payload as it is sealed. */
  buyerPii: {
    storeId: string;
    amazonOrderId: string;
    purpose: string;
    deliveredAt: Date | null;
    latestDeliveryAt: Date;
    payload: Record<string, string>;
  }[];
  returns: Of<typeof schema.returns>[];
  salesTraffic: Of<typeof schema.salesTrafficDaily>[];
  settlements: Of<typeof schema.settlements>[];
  settlementLines: Of<typeof schema.settlementLines>[];
  financialEvents: Of<typeof schema.financialEvents>[];
  fees: Of<typeof schema.fees>[];
  searchTerms: Of<typeof schema.searchTerms>[];
  adProfiles: Of<typeof schema.adProfiles>[];
  adCampaigns: Of<typeof schema.adCampaigns>[];
  adGroups: Of<typeof schema.adGroups>[];
  adKeywords: Of<typeof schema.adKeywords>[];
  adTargets: Of<typeof schema.adTargets>[];
  adMetricsDaily: Of<typeof schema.adMetricsDaily>[];
}

/** An ISO instant as a Date (null stays null). */
const at = (iso: string) => new Date(iso);
const atOrNull = (iso: string | undefined) => iso ? new Date(iso) : null;

/** A decimal string as ten-thousandths (exact). */
function units(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(amount);
  if (!m) throw new RangeError(`not a decimal amount: ${amount}`);
  const v = BigInt(m[2]) * 10_000n + BigInt((m[3] ?? "").padEnd(4, "0"));
  return m[1] ? -v : v;
}

/** Ten-thousandths as a decimal string with four decimals. */
function decimal(v: bigint): string {
  const abs = v < 0n ? -v : v;
  const frac = (abs % 10_000n).toString().padStart(4, "0");
  return `${v < 0n ? "-" : ""}${abs / 10_000n}.${frac}`;
}

/**
 * The net effect of each other list the sandbox posts, read as Finances v0
 * documents the event (independently of lib/): an adjustment's
 * AdjustmentAmount, an ads payment's transactionValue, a coupon payment's
 * TotalAmount, liquidation proceeds and their fee, a debt recovery's
 * RecoveryAmount. FooBarEventList is no list of the model: no amount.
 */
const OTHER_EVENTS: Record<
  OtherEventList,
  {
    type: string;
    amounts: (f: Record<string, unknown>) => unknown[];
    description: (f: Record<string, unknown>) => unknown;
    sku?: (f: Record<string, unknown>) => unknown;
    fees?: (f: Record<string, unknown>) => unknown[];
    known?: false;
  }
> = {
  AdjustmentEventList: {
    type: "AdjustmentEvent",
    amounts: (f) => [f.AdjustmentAmount],
    description: (f) => f.AdjustmentType,
    sku: (f) =>
      (f.AdjustmentItemList as Record<string, unknown>[])[0]?.SellerSKU,
  },
  ProductAdsPaymentEventList: {
    type: "ProductAdsPaymentEvent",
    amounts: (f) => [f.transactionValue],
    description: (f) => f.transactionType,
  },
  CouponPaymentEventList: {
    type: "CouponPaymentEvent",
    amounts: (f) => [f.TotalAmount],
    description: (f) => f.SellerCouponDescription,
    fees: (f) => [f.FeeComponent],
  },
  FBALiquidationEventList: {
    type: "FBALiquidationEvent",
    amounts: (f) => [f.LiquidationProceedsAmount, f.LiquidationFeeAmount],
    description: () => null,
  },
  DebtRecoveryEventList: {
    type: "DebtRecoveryEvent",
    amounts: (f) => [f.RecoveryAmount],
    description: (f) => f.DebtRecoveryType,
  },
  FooBarEventList: {
    type: "FooBarEvent",
    amounts: () => [],
    description: () => null,
    known: false,
  },
};

/**
 * How a financial event's key can be compared: "order" keys are
 * derivable (kind + order id), "hashed" ones are the portal's hash of
 * Amazon's JSON (not compared), "service" fees have neither id nor date in
 * the model (key and date not compared).
 */
export function eventKeying(
  e: { eventType?: unknown },
): "order" | "hashed" | "service" {
  if (e.eventType === "ServiceFeeEvent") return "service";
  return ["ShipmentEvent", "RefundEvent"].includes(String(e.eventType))
    ? "order"
    : "hashed";
}

/** The fields of financial events and fees compared for each keying. */
export function eventOmit(keying: "order" | "hashed" | "service"): string[] {
  return keying === "order"
    ? []
    : keying === "hashed"
    ? ["eventId"]
    : ["eventId", "postedAt"];
}

/** The amounts of an event: every charge, fee, withheld tax and promotion. */
function amountsOf(e: FinancialEvent): Money[] {
  if (e.list === "ServiceFeeEventList") {
    return e.FeeList.map((f) => f.FeeAmount);
  }
  if (!("items" in e)) {
    return OTHER_EVENTS[e.list].amounts(e.fields) as Money[];
  }
  return e.items.flatMap((it) => [
    ...it.ItemChargeList.map((c) => c.ChargeAmount),
    ...it.ItemFeeList.map((f) => f.FeeAmount),
    ...it.ItemTaxWithheldList.flatMap((w) =>
      w.TaxesWithheld.map((t) => t.ChargeAmount)
    ),
    ...it.PromotionList.map((p) => p.PromotionAmount),
  ]);
}

const EVENT_KIND = {
  ShipmentEventList: { prefix: "SHP", description: "Order shipment" },
  RefundEventList: { prefix: "RFD", description: "Customer return refund" },
} as const;

/**
 * Maps a seller's ground truth to the rows a full sync must store (as the
 * store `storeId`; comparisons leave the store id out).
 */
export function expectedRows(
  truth: SellerTruth,
  storeId = "",
): ExpectedRows {
  // Currencies as Amazon states them: a marketplace's is its prices', an
  // order's its items', an Ads entity's its profile's.
  const marketCurrency = new Map(
    truth.listings.map((l) => [l.marketplaceId, l.price.CurrencyCode]),
  );
  const profileCurrency = new Map(
    truth.adsProfiles.map((p) => [p.profileId, p.currencyCode]),
  );
  const campaignCurrency = new Map(
    truth.campaigns.map((c) => [
      c.campaignId,
      profileCurrency.get(c.profileId)!,
    ]),
  );
  const orderById = new Map(truth.orders.map((o) => [o.AmazonOrderId, o]));
  const orderCurrency = (id: string) => {
    const o = orderById.get(id)!;
    return o.OrderTotal?.CurrencyCode ?? marketCurrency.get(o.MarketplaceId)!;
  };
  const keywordIds = new Set(truth.keywords.map((k) => k.keywordId));
  const settlementCurrency = new Map(
    truth.settlements.map((s) => [
      s.settlementId,
      s.totalAmount.CurrencyCode,
    ]),
  );

  const financialEvents: ExpectedRows["financialEvents"] = [];
  const fees: ExpectedRows["fees"] = [];
  const groupStart = new Map(
    truth.eventGroups.map((g) => [
      g.FinancialEventGroupId,
      g.FinancialEventGroupStart,
    ]),
  );
  for (const [i, e] of truth.financialEvents.entries()) {
    const amounts = amountsOf(e);
    const total = decimal(amounts.reduce((s, m) => s + units(m.Amount), 0n));
    const currency = amounts[0]?.CurrencyCode ?? null;
    if (!("items" in e) && e.list !== "ServiceFeeEventList") {
      const kind = OTHER_EVENTS[e.list];
      const eventId = `${e.list}-${e.FinancialEventGroupId}-${i}`;
      // Undated in the model: dated at its group's start.
      const postedAt = at(
        e.dateField ? e.PostedDate : groupStart.get(e.FinancialEventGroupId!)!,
      );
      const known = kind.known ?? true;
      financialEvents.push({
        storeId,
        eventId,
        eventType: kind.type,
        postedAt,
        eventGroupId: e.FinancialEventGroupId ?? null,
        amazonOrderId: null,
        sku: (kind.sku?.(e.fields) as string | undefined) ?? null,
        description: (kind.description(e.fields) as string | null) ?? null,
        amount: known ? total : null,
        currency: known ? currency : null,
        known,
      });
      for (const [n, f] of (kind.fees?.(e.fields) ?? []).entries()) {
        const c = f as { FeeType: string; FeeAmount: Money };
        fees.push({
          storeId,
          eventId,
          lineNo: n + 1,
          feeType: c.FeeType,
          amazonOrderId: null,
          sku: null,
          postedAt,
          amount: c.FeeAmount.Amount,
          currency: c.FeeAmount.CurrencyCode,
        });
      }
      continue;
    }
    if (currency === null) throw new Error("an event without amounts");
    if (e.list === "ServiceFeeEventList") {
      const eventId = `SVC-${e.FinancialEventGroupId}-${i}`;
      financialEvents.push({
        storeId,
        eventId,
        eventType: "ServiceFeeEvent",
        postedAt: at(e.PostedDate),
        eventGroupId: e.FinancialEventGroupId ?? null,
        amazonOrderId: null,
        sku: null,
        description: e.FeeDescription,
        amount: total,
        currency,
        known: true,
      });
      for (const [n, f] of e.FeeList.entries()) {
        fees.push({
          storeId,
          eventId,
          lineNo: n + 1,
          feeType: f.FeeType,
          amazonOrderId: null,
          sku: null,
          postedAt: at(e.PostedDate),
          amount: f.FeeAmount.Amount,
          currency: f.FeeAmount.CurrencyCode,
        });
      }
      continue;
    }
    const kind = EVENT_KIND[e.list];
    const eventId = `${kind.prefix}-${e.AmazonOrderId}`;
    financialEvents.push({
      storeId,
      eventId,
      eventType: e.list.replace(/List$/, ""),
      postedAt: at(e.PostedDate),
      eventGroupId: e.FinancialEventGroupId ?? null,
      amazonOrderId: e.AmazonOrderId,
      sku: e.items[0]?.SellerSKU ?? null,
      description: kind.description,
      amount: total,
      currency,
      known: true,
    });
    let lineNo = 0;
    for (const it of e.items) {
      for (const f of it.ItemFeeList) {
        fees.push({
          storeId,
          eventId,
          lineNo: ++lineNo,
          feeType: f.FeeType,
          amazonOrderId: e.AmazonOrderId,
          sku: it.SellerSKU,
          postedAt: at(e.PostedDate),
          amount: f.FeeAmount.Amount,
          currency: f.FeeAmount.CurrencyCode,
        });
      }
    }
  }

  const linesSoFar = new Map<string, number>();
  const delivered = (id: string) => orderById.get(id)?.Package?.deliveredTime;

  return {
    products: truth.catalogItems.map((c) => ({
      storeId,
      sku: c.sellerSku,
      asin: c.asin,
      title: c.itemName,
      category: c.browseClassification.displayName,
      brand: c.brand,
    })),
    listings: truth.listings.map((l) => ({
      storeId,
      marketplaceId: l.marketplaceId,
      sku: l.sku,
      asin: l.asin,
      productType: l.productType,
      conditionType: l.conditionType,
      status: l.status,
      itemName: l.itemName,
      price: l.price.Amount,
      currency: l.price.CurrencyCode,
      fulfillmentChannel: l.fulfillmentChannelCode === "DEFAULT"
        ? "MFN"
        : "AFN",
      listedAt: at(l.createdDate),
      lastUpdatedAt: at(l.lastUpdatedDate),
    })),
    inventory: truth.inventory.map((s) => {
      const d = s.inventoryDetails;
      return {
        storeId,
        marketplaceId: s.granularityId,
        sku: s.sellerSku,
        snapshotDate: s.date,
        fnsku: s.fnSku,
        asin: s.asin,
        condition: s.condition,
        fulfillable: d.fulfillableQuantity,
        inboundWorking: d.inboundWorkingQuantity,
        inboundShipped: d.inboundShippedQuantity,
        inboundReceiving: d.inboundReceivingQuantity,
        reserved: d.reservedQuantity.totalReservedQuantity,
        researching: d.researchingQuantity.totalResearchingQuantity,
        unfulfillable: d.unfulfillableQuantity.totalUnfulfillableQuantity,
        total: s.totalQuantity,
        lastUpdatedAt: at(s.lastUpdatedTime),
      };
    }),
    orders: truth.orders.map((o) => ({
      storeId,
      amazonOrderId: o.AmazonOrderId,
      marketplaceId: o.MarketplaceId,
      merchantOrderId: o.SellerOrderId ?? null,
      status: o.Package?.deliveredTime ? "Delivered" : o.OrderStatus,
      fulfillmentChannel: o.FulfillmentChannel,
      salesChannel: o.SalesChannel,
      orderTotal: o.OrderTotal?.Amount ?? null,
      currency: orderCurrency(o.AmazonOrderId),
      isBusiness: o.IsBusinessOrder,
      isPrime: o.IsPrime,
      shipCountry: o.ShippingAddress.CountryCode,
      purchasedAt: at(o.PurchaseDate),
      lastUpdatedAt: at(o.LastUpdateDate),
      shippedAt: atOrNull(o.Package?.shipTime),
      deliveredAt: atOrNull(o.Package?.deliveredTime),
    })),
    orderItems: truth.orderItems.map((it) => ({
      storeId,
      amazonOrderId: it.AmazonOrderId,
      orderItemId: it.OrderItemId,
      asin: it.ASIN,
      sku: it.SellerSKU,
      title: it.Title,
      quantity: it.QuantityOrdered,
      itemPrice: it.ItemPrice?.Amount ?? null,
      itemTax: it.ItemTax?.Amount ?? null,
      shippingPrice: it.ShippingPrice?.Amount ?? null,
      promotionDiscount: it.PromotionDiscount?.Amount ?? null,
      currency: orderCurrency(it.AmazonOrderId),
    })),
    buyerPii: truth.buyerData.map((b) => {
      const a = b.ShippingAddress;
      const payload: Record<string, string> = {
        name: b.BuyerInfo.BuyerName,
        email: b.BuyerInfo.BuyerEmail,
        addressLine1: a.AddressLine1,
        city: a.City,
        postalCode: a.PostalCode,
        countryCode: a.CountryCode,
        phone: a.Phone,
      };
      if (a.AddressLine2) payload.addressLine2 = a.AddressLine2;
      if (a.StateOrRegion) payload.stateOrRegion = a.StateOrRegion;
      return {
        storeId,
        amazonOrderId: b.AmazonOrderId,
        purpose: "fulfillment",
        deliveredAt: atOrNull(delivered(b.AmazonOrderId)),
        latestDeliveryAt: at(
          orderById.get(b.AmazonOrderId)!.LatestDeliveryDate,
        ),
        payload,
      };
    }),
    returns: truth.returns.map((r) => ({
      storeId,
      amazonOrderId: r.orderId,
      sku: r.sku,
      returnedAt: at(r.returnDate),
      licensePlateNumber: r.licensePlateNumber,
      asin: r.asin,
      fnsku: r.fnsku,
      quantity: r.quantity,
      fulfillmentCenterId: r.fulfillmentCenterId,
      disposition: r.detailedDisposition,
      reason: r.reason,
      status: r.status,
    })),
    salesTraffic: truth.salesTraffic.map((t) => ({
      storeId,
      marketplaceId: t.marketplaceId,
      day: t.date,
      childAsin: t.childAsin,
      parentAsin: t.parentAsin,
      sku: t.sku,
      unitsOrdered: t.salesByAsin.unitsOrdered,
      orderedSales: t.salesByAsin.orderedProductSales.Amount,
      currency: t.salesByAsin.orderedProductSales.CurrencyCode,
      totalOrderItems: t.salesByAsin.totalOrderItems,
      sessions: t.trafficByAsin.sessions,
      pageViews: t.trafficByAsin.pageViews,
      buyBoxPercentage: t.trafficByAsin.buyBoxPercentage,
      unitSessionPercentage: t.trafficByAsin.unitSessionPercentage,
    })),
    settlements: truth.settlements.map((s) => ({
      storeId,
      settlementId: s.settlementId,
      startsAt: at(s.settlementStartDate),
      endsAt: at(s.settlementEndDate),
      depositAt: atOrNull(s.depositDate),
      totalAmount: s.totalAmount.Amount,
      currency: s.totalAmount.CurrencyCode,
      reportDocumentId: s.reportDocumentId,
    })),
    settlementLines: truth.settlementLines.map((l) => {
      const lineNo = (linesSoFar.get(l.settlementId) ?? 0) + 1;
      linesSoFar.set(l.settlementId, lineNo);
      return {
        storeId,
        settlementId: l.settlementId,
        lineNo,
        marketplaceName: l.marketplaceName,
        transactionType: l.transactionType,
        amazonOrderId: l.orderId ?? null,
        merchantOrderId: l.merchantOrderId ?? null,
        adjustmentId: l.adjustmentId ?? null,
        shipmentId: l.shipmentId ?? null,
        fulfillmentId: l.fulfillmentId ?? null,
        postedAt: atOrNull(l.postedDateTime),
        orderItemCode: l.orderItemCode ?? null,
        sku: l.sku ?? null,
        amountType: l.amountType,
        amountDescription: l.amountDescription,
        quantityPurchased: l.quantityPurchased ?? null,
        promotionId: l.promotionId ?? null,
        amount: l.amount,
        currency: settlementCurrency.get(l.settlementId)!,
      };
    }),
    financialEvents,
    fees,
    searchTerms: truth.searchTerms.map((t) => ({
      storeId,
      marketplaceId: t.marketplaceId,
      reportPeriod: t.reportPeriod,
      periodStart: t.dataStartTime,
      periodEnd: t.dataEndTime,
      searchTerm: t.searchTerm,
      clickShareRank: t.clickShareRank,
      departmentName: t.departmentName,
      searchFrequencyRank: t.searchFrequencyRank,
      clickedAsin: t.clickedAsin,
      clickShare: t.clickShare,
      conversionShare: t.conversionShare,
    })),
    adProfiles: truth.adsProfiles.map((p) => ({
      storeId,
      profileId: p.profileId,
      marketplaceId: p.accountInfo.marketplaceStringId,
      countryCode: p.countryCode,
      currency: p.currencyCode,
      timezone: p.timezone,
      accountType: p.accountInfo.type,
      accountName: p.accountInfo.name,
    })),
    adCampaigns: truth.campaigns.map((c) => ({
      storeId,
      campaignId: c.campaignId,
      profileId: c.profileId,
      name: c.name,
      state: c.state,
      targetingType: c.targetingType,
      dailyBudget: c.budget.budget,
      currency: profileCurrency.get(c.profileId)!,
      biddingStrategy: c.dynamicBidding.strategy,
      portfolioId: c.portfolioId ?? null,
      startDate: c.startDate,
      endDate: c.endDate ?? null,
      updatedAt: at(c.lastUpdateDateTime),
    })),
    adGroups: truth.adGroups.map((g) => ({
      storeId,
      adGroupId: g.adGroupId,
      campaignId: g.campaignId,
      name: g.name,
      state: g.state,
      defaultBid: g.defaultBid,
      currency: campaignCurrency.get(g.campaignId)!,
      updatedAt: at(g.lastUpdateDateTime),
    })),
    adKeywords: truth.keywords.map((k) => ({
      storeId,
      keywordId: k.keywordId,
      adGroupId: k.adGroupId,
      campaignId: k.campaignId,
      keywordText: k.keywordText,
      matchType: k.matchType,
      state: k.state,
      bid: k.bid,
      currency: campaignCurrency.get(k.campaignId)!,
      updatedAt: at(k.lastUpdateDateTime),
    })),
    adTargets: truth.targets.map((t) => ({
      storeId,
      targetId: t.targetId,
      adGroupId: t.adGroupId,
      campaignId: t.campaignId,
      expressionType: t.expressionType,
      expression: t.expression,
      state: t.state,
      bid: t.bid,
      currency: campaignCurrency.get(t.campaignId)!,
      updatedAt: at(t.lastUpdateDateTime),
    })),
    adMetricsDaily: truth.adsReportRows.map((m) => ({
      storeId,
      profileId: m.profileId,
      day: m.date,
      entityType: m.keywordId === undefined
        ? "campaign"
        : keywordIds.has(m.keywordId)
        ? "keyword"
        : "target",
      entityId: m.keywordId ?? m.campaignId,
      campaignId: m.campaignId,
      impressions: m.impressions,
      clicks: m.clicks,
      spend: m.cost,
      orders: m.purchases7d,
      sales: m.sales7d,
      currency: profileCurrency.get(m.profileId)!,
    })),
  };
}

/** The rows a full sync of `seller` must store (see expectedRows). */
export function truthRows(
  seller: { truth(): SellerTruth },
  storeId = "",
): ExpectedRows {
  return expectedRows(seller.truth(), storeId);
}

const OMIT = ["syncedAt", "updatedAt"];

const TABLES: [keyof ExpectedRows, PgTable & { storeId: unknown }, string[]][] =
  [
    ["products", schema.products, OMIT],
    ["listings", schema.listings, OMIT],
    ["inventory", schema.inventorySnapshots, [...OMIT, "snapshotDate"]],
    ["orders", schema.orders, OMIT],
    ["orderItems", schema.orderItems, OMIT],
    ["returns", schema.returns, OMIT],
    ["salesTraffic", schema.salesTrafficDaily, OMIT],
    ["settlements", schema.settlements, OMIT],
    ["settlementLines", schema.settlementLines, OMIT],
    ["searchTerms", schema.searchTerms, OMIT],
    ["adProfiles", schema.adProfiles, OMIT],
    ["adCampaigns", schema.adCampaigns, OMIT],
    ["adGroups", schema.adGroups, OMIT],
    ["adKeywords", schema.adKeywords, OMIT],
    ["adTargets", schema.adTargets, OMIT],
    ["adMetricsDaily", schema.adMetricsDaily, OMIT],
  ];

/** Asserts that store `index` holds exactly its seller's ground truth. */
export async function assertEqualsTruth(
  w: SyncWorld,
  index: number,
  /** Only these truth tables (default: all, with financial events and buyer data). */
  only?: readonly string[],
): Promise<void> {
  const wanted = (name: string) => !only || only.includes(name);
  const storeId = w.storeIds[index];
  const truth = truthRows(w.sb.sandbox.sellers[index]);
  const read = (table: PgTable & { storeId: unknown }) =>
    w.db.asJob(storeId, (tx) =>
      // deno-lint-ignore no-explicit-any
      tx.select().from(table as any).where(
        // deno-lint-ignore no-explicit-any
        eq((table as any).storeId, storeId),
      )) as Promise<Row[]>;
  for (const [name, table, omit] of TABLES) {
    if (!wanted(name)) continue;
    const expected = truth[name] as unknown as Row[];
    const keys = truthKeys(expected, omit);
    assert.deepEqual(
      canonicalRows(await read(table), keys),
      canonicalRows(expected, keys),
      `${name} of store ${index} differs from the ground truth`,
    );
  }
  if (wanted("financialEvents")) await compareFinance(index, truth, read);
  if (!wanted("buyerPii")) return;
  const pii = await read(schema.buyerPii) as { amazonOrderId: string }[];
  assert.deepEqual(
    pii.map((p) => p.amazonOrderId).sort(),
    truth.buyerPii.map((p) => p.amazonOrderId).sort(),
    `buyer data of store ${index} is not exactly for the orders that need it`,
  );
}

async function compareFinance(
  index: number,
  truth: ExpectedRows,
  read: (table: PgTable & { storeId: unknown }) => Promise<Row[]>,
): Promise<void> {
  assertFinanceEquals(
    await read(schema.financialEvents),
    await read(schema.fees),
    truth,
    `store ${index}`,
    OMIT,
  );
}

/**
 * Asserts that stored financial events and fee lines equal the truth's,
 * comparing each event's key and date where they can be derived
 * (eventKeying); returns how many rows were compared.
 */
export function assertFinanceEquals(
  events: readonly Row[],
  fees: readonly Row[],
  truth: Pick<ExpectedRows, "financialEvents" | "fees">,
  label: string,
  omitAlways: readonly string[] = [],
): number {
  const expectedEvents = truth.financialEvents as unknown as Row[];
  const expectedFees = truth.fees as unknown as Row[];
  const keyingOf = (list: readonly Row[]) =>
    new Map(list.map((e) => [e.eventId, eventKeying(e)]));
  const dbKeying = keyingOf(events);
  const truthKeying = keyingOf(expectedEvents);
  for (const keying of ["order", "hashed", "service"] as const) {
    const omit = [...omitAlways, ...eventOmit(keying)];
    const ek = truthKeys(expectedEvents, omit);
    assert.deepEqual(
      canonicalRows(events.filter((e) => eventKeying(e) === keying), ek),
      canonicalRows(
        expectedEvents.filter((e) => eventKeying(e) === keying),
        ek,
      ),
      `financial events (${keying}) of ${label} differ`,
    );
    const fk = truthKeys(expectedFees, omit);
    assert.deepEqual(
      canonicalRows(
        fees.filter((f) => dbKeying.get(f.eventId) === keying),
        fk,
      ),
      canonicalRows(
        expectedFees.filter((f) => truthKeying.get(f.eventId) === keying),
        fk,
      ),
      `fees (${keying}) of ${label} differ`,
    );
  }
  return expectedEvents.length + expectedFees.length;
}
