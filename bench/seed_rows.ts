// The seed's reading of the sandbox world: each generated batch (Amazon's
// vocabulary, sandbox/world/amazon.ts) as rows of the portal's tables, with
// the portal's own bookkeeping made up deterministically — write times just
// after Amazon's, one succeeded "seed" run per dataset, cursors where a
// real sync would have left them, and an API log. Used by bench/seed.ts
// only; the tests have their own, independent reading (tests/_helpers/
// truth.ts).
import type { AdBudgetBidChangeRow } from "../lib/ingest/ads.ts";
import type {
  AdCampaignRow,
  AdGroupRow,
  AdKeywordRow,
  AdMetricsDailyRow,
  AdProfileRow,
  AdTargetRow,
} from "../lib/ingest/ads.ts";
import type { BuyerPiiInput } from "../lib/ingest/buyer_pii.ts";
import type { ListingRow, ProductRow } from "../lib/ingest/catalog.ts";
import type {
  FeeRow,
  FinancialEventRow,
  SettlementLineRow,
  SettlementRow,
} from "../lib/ingest/finance.ts";
import type { InventorySnapshotRow } from "../lib/ingest/inventory.ts";
import { formatMinor, parseMinor } from "../lib/ingest/money.ts";
import type {
  ApiRequestLogRow,
  SyncCursorRow,
  SyncRunRow,
} from "../lib/ingest/ops.ts";
import type { OrderItemRow, OrderRow } from "../lib/ingest/orders.ts";
import type { ReturnRow } from "../lib/ingest/returns.ts";
import type { SalesTrafficRow } from "../lib/ingest/sales_traffic.ts";
import type { SearchTermRow } from "../lib/ingest/search_terms.ts";
import {
  type FinancialEvent,
  type Money,
  Rng,
  type StorePlan,
  type WorldRecords,
} from "../sandbox/testing.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Rows for one transaction, keyed like the lib/ingest write paths. */
export interface SeedRows {
  products?: ProductRow[];
  listings?: ListingRow[];
  inventorySnapshots?: InventorySnapshotRow[];
  orders?: OrderRow[];
  orderItems?: OrderItemRow[];
  buyerPii?: BuyerPiiInput[];
  returns?: ReturnRow[];
  salesTrafficDaily?: SalesTrafficRow[];
  adProfiles?: AdProfileRow[];
  adCampaigns?: AdCampaignRow[];
  adGroups?: AdGroupRow[];
  adKeywords?: AdKeywordRow[];
  adTargets?: AdTargetRow[];
  adBudgetBidChanges?: AdBudgetBidChangeRow[];
  adMetricsDaily?: AdMetricsDailyRow[];
  settlements?: SettlementRow[];
  settlementLines?: SettlementLineRow[];
  financialEvents?: FinancialEventRow[];
  fees?: FeeRow[];
  searchTerms?: SearchTermRow[];
  apiRequestLog?: ApiRequestLogRow[];
  syncRuns?: SyncRunRow[];
  syncCursors?: SyncCursorRow[];
}

/** Datasets as the sync engine names them in sync_runs and sync_cursors. */
export const DATASETS = [
  "catalog",
  "listings",
  "inventory",
  "orders",
  "returns",
  "sales_traffic",
  "settlements",
  "financial_events",
  "ads_entities",
  "ads_metrics",
  "search_terms",
] as const;
export type Dataset = typeof DATASETS[number];

/** The seed's store id for a planned seller: stable for a seed. */
export function storeIdOf(plan: StorePlan): string {
  // The first draw of the seller's identity stream (as before the sandbox
  // moved out), so a database seeded earlier keeps its store ids.
  return new Rng(plan.rngSeed).fork("identity").uuid();
}

const at = (iso: string) => new Date(iso);
const floorSecond = (ms: number) => ms - (((ms % 1000) + 1000) % 1000);
const floorDay = (ms: number) => ms - (((ms % DAY) + DAY) % DAY);
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Maps one seller's batches to rows, in order, and keeps what later
 * batches need (currencies, row counts, the sync bookkeeping's inputs).
 */
export class SeedMapper {
  readonly plan: StorePlan;
  readonly storeId: string;
  readonly anchorMs: number;
  readonly #tally = new Map<Dataset, number>();
  readonly #profileCurrency = new Map<string, string>();
  readonly #campaignCurrency = new Map<string, string>();
  readonly #entityType = new Map<string, "keyword" | "target">();
  readonly #marketCurrency: Map<string, string>;
  readonly #channelCurrency: Map<string, string>;
  #lastSettlementEndMs = 0;
  #lastWeekEnd: string | null = null;
  #lastMonthEnd: string | null = null;

  constructor(plan: StorePlan, anchor: Date) {
    this.plan = plan;
    this.storeId = storeIdOf(plan);
    this.anchorMs = anchor.getTime();
    this.#marketCurrency = new Map(
      plan.marketplaces.map((m) => [m.id, m.currency]),
    );
    this.#channelCurrency = new Map(
      plan.marketplaces.map((m) => [m.name, m.currency]),
    );
  }

  #count(dataset: Dataset, n: number) {
    this.#tally.set(dataset, (this.#tally.get(dataset) ?? 0) + n);
  }

  /** A write time shortly after Amazon's (the seed's "synced" moment). */
  #synced(iso: string, minutes = 5): Date {
    return new Date(
      Math.min(this.anchorMs, at(iso).getTime() + minutes * MINUTE),
    );
  }

  /** One batch as rows. */
  rows(r: WorldRecords): SeedRows {
    const s = this.storeId;
    const anchor = new Date(this.anchorMs);
    const out: SeedRows = {};
    if (r.catalogItems) {
      out.products = r.catalogItems.map((c) => ({
        storeId: s,
        sku: c.sellerSku,
        asin: c.asin,
        title: c.itemName,
        category: c.browseClassification.displayName,
        brand: c.brand,
        updatedAt: anchor,
      }));
      this.#count("catalog", out.products.length);
    }
    if (r.listings) {
      out.listings = r.listings.map((l) => ({
        storeId: s,
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
        updatedAt: anchor,
      }));
      this.#count("listings", out.listings.length);
    }
    if (r.inventory) {
      out.inventorySnapshots = r.inventory.map((x) => {
        const d = x.inventoryDetails;
        return {
          storeId: s,
          marketplaceId: x.granularityId,
          sku: x.sellerSku,
          snapshotDate: x.date,
          fnsku: x.fnSku,
          asin: x.asin,
          condition: x.condition,
          fulfillable: d.fulfillableQuantity,
          inboundWorking: d.inboundWorkingQuantity,
          inboundShipped: d.inboundShippedQuantity,
          inboundReceiving: d.inboundReceivingQuantity,
          reserved: d.reservedQuantity.totalReservedQuantity,
          researching: d.researchingQuantity.totalResearchingQuantity,
          unfulfillable: d.unfulfillableQuantity.totalUnfulfillableQuantity,
          total: x.totalQuantity,
          lastUpdatedAt: at(x.lastUpdatedTime),
        };
      });
      this.#count("inventory", out.inventorySnapshots.length);
    }
    this.#ads(r, out);
    this.#orders(r, out);
    this.#money(r, out);
    if (r.salesTraffic) {
      out.salesTrafficDaily = r.salesTraffic.map((t) => ({
        storeId: s,
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
      }));
      this.#count("sales_traffic", out.salesTrafficDaily.length);
    }
    if (r.searchTerms) {
      out.searchTerms = r.searchTerms.map((t) => {
        const latest = t.reportPeriod === "WEEK"
          ? this.#lastWeekEnd
          : this.#lastMonthEnd;
        if (latest === null || t.dataEndTime > latest) {
          if (t.reportPeriod === "WEEK") this.#lastWeekEnd = t.dataEndTime;
          else this.#lastMonthEnd = t.dataEndTime;
        }
        return {
          storeId: s,
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
        };
      });
      this.#count("search_terms", out.searchTerms.length);
    }
    return out;
  }

  #ads(r: WorldRecords, out: SeedRows) {
    const s = this.storeId;
    let entities = 0;
    if (r.adsProfiles) {
      out.adProfiles = r.adsProfiles.map((p) => {
        this.#profileCurrency.set(p.profileId, p.currencyCode);
        return {
          storeId: s,
          profileId: p.profileId,
          marketplaceId: p.accountInfo.marketplaceStringId,
          countryCode: p.countryCode,
          currency: p.currencyCode,
          timezone: p.timezone,
          accountType: p.accountInfo.type,
          accountName: p.accountInfo.name,
        };
      });
      entities += out.adProfiles.length;
    }
    if (r.campaigns) {
      out.adCampaigns = r.campaigns.map((c) => {
        const currency = this.#profileCurrency.get(c.profileId)!;
        this.#campaignCurrency.set(c.campaignId, currency);
        return {
          storeId: s,
          campaignId: c.campaignId,
          profileId: c.profileId,
          name: c.name,
          state: c.state,
          targetingType: c.targetingType,
          dailyBudget: c.budget.budget,
          currency,
          biddingStrategy: c.dynamicBidding.strategy,
          portfolioId: c.portfolioId ?? null,
          startDate: c.startDate,
          endDate: c.endDate ?? null,
          updatedAt: at(c.lastUpdateDateTime),
        };
      });
      entities += out.adCampaigns.length;
    }
    const cur = (campaignId: string) => this.#campaignCurrency.get(campaignId)!;
    if (r.adGroups) {
      out.adGroups = r.adGroups.map((g) => ({
        storeId: s,
        adGroupId: g.adGroupId,
        campaignId: g.campaignId,
        name: g.name,
        state: g.state,
        defaultBid: g.defaultBid,
        currency: cur(g.campaignId),
        updatedAt: at(g.lastUpdateDateTime),
      }));
      entities += out.adGroups.length;
    }
    if (r.keywords) {
      out.adKeywords = r.keywords.map((k) => {
        this.#entityType.set(k.keywordId, "keyword");
        return {
          storeId: s,
          keywordId: k.keywordId,
          adGroupId: k.adGroupId,
          campaignId: k.campaignId,
          keywordText: k.keywordText,
          matchType: k.matchType,
          state: k.state,
          bid: k.bid,
          currency: cur(k.campaignId),
          updatedAt: at(k.lastUpdateDateTime),
        };
      });
      entities += out.adKeywords.length;
    }
    if (r.targets) {
      out.adTargets = r.targets.map((t) => {
        this.#entityType.set(t.targetId, "target");
        return {
          storeId: s,
          targetId: t.targetId,
          adGroupId: t.adGroupId,
          campaignId: t.campaignId,
          expressionType: t.expressionType,
          expression: t.expression,
          state: t.state,
          bid: t.bid,
          currency: cur(t.campaignId),
          updatedAt: at(t.lastUpdateDateTime),
        };
      });
      entities += out.adTargets.length;
    }
    if (r.adsChanges) {
      const ENTITY = {
        CAMPAIGN: ["campaign", "daily_budget"],
        AD_GROUP: ["ad_group", "default_bid"],
        KEYWORD: ["keyword", "bid"],
        TARGET: ["target", "bid"],
      } as const;
      out.adBudgetBidChanges = r.adsChanges.map((c) => ({
        storeId: s,
        entityType: ENTITY[c.entityType][0],
        entityId: c.entityId,
        field: ENTITY[c.entityType][1],
        observedAt: at(c.timestamp),
        oldValue: c.previousValue ?? null,
        newValue: c.newValue,
        currency: c.currencyCode,
      }));
      entities += out.adBudgetBidChanges.length;
    }
    if (entities > 0) this.#count("ads_entities", entities);
    if (r.adsReportRows) {
      out.adMetricsDaily = r.adsReportRows.map((m) => ({
        storeId: s,
        profileId: m.profileId,
        day: m.date,
        entityType: m.keywordId === undefined
          ? "campaign"
          : this.#entityType.get(m.keywordId)!,
        entityId: m.keywordId ?? m.campaignId,
        campaignId: m.campaignId,
        impressions: m.impressions,
        clicks: m.clicks,
        spend: m.cost,
        orders: m.purchases7d,
        sales: m.sales7d,
        currency: this.#profileCurrency.get(m.profileId)!,
        syncedAt: new Date(
          Math.min(
            this.anchorMs,
            at(`${m.date}T00:00:00Z`).getTime() + DAY + 6 * HOUR,
          ),
        ),
      }));
      this.#count("ads_metrics", out.adMetricsDaily.length);
    }
  }

  #orders(r: WorldRecords, out: SeedRows) {
    const s = this.storeId;
    if (!r.orders) return;
    const orders = new Map(r.orders.map((o) => [o.AmazonOrderId, o]));
    const currency = (id: string) => {
      const o = orders.get(id)!;
      return o.OrderTotal?.CurrencyCode ??
        this.#marketCurrency.get(o.MarketplaceId)!;
    };
    out.orders = r.orders.map((o) => ({
      storeId: s,
      amazonOrderId: o.AmazonOrderId,
      marketplaceId: o.MarketplaceId,
      merchantOrderId: o.SellerOrderId ?? null,
      status: o.Package?.deliveredTime ? "Delivered" : o.OrderStatus,
      fulfillmentChannel: o.FulfillmentChannel,
      salesChannel: o.SalesChannel,
      orderTotal: o.OrderTotal?.Amount ?? null,
      currency: currency(o.AmazonOrderId),
      isBusiness: o.IsBusinessOrder,
      isPrime: o.IsPrime,
      shipCountry: o.ShippingAddress.CountryCode,
      purchasedAt: at(o.PurchaseDate),
      lastUpdatedAt: at(o.LastUpdateDate),
      shippedAt: o.Package ? at(o.Package.shipTime) : null,
      deliveredAt: o.Package?.deliveredTime
        ? at(o.Package.deliveredTime)
        : null,
      syncedAt: this.#synced(o.LastUpdateDate),
    }));
    out.orderItems = (r.orderItems ?? []).map((it) => ({
      storeId: s,
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
      currency: currency(it.AmazonOrderId),
    }));
    out.buyerPii = (r.buyerData ?? []).map((b) => {
      const o = orders.get(b.AmazonOrderId)!;
      const a = b.ShippingAddress;
      const payload: BuyerPiiInput["payload"] = {
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
        storeId: s,
        amazonOrderId: b.AmazonOrderId,
        purpose: "fulfillment",
        collectedAt: this.#synced(o.PurchaseDate, 60),
        deliveredAt: o.Package?.deliveredTime
          ? at(o.Package.deliveredTime)
          : null,
        latestDeliveryAt: at(o.LatestDeliveryDate),
        payload,
      };
    });
    this.#count(
      "orders",
      out.orders.length + out.orderItems.length + out.buyerPii.length,
    );
  }

  #money(r: WorldRecords, out: SeedRows) {
    const s = this.storeId;
    if (r.returns) {
      out.returns = r.returns.map((x) => ({
        storeId: s,
        amazonOrderId: x.orderId,
        sku: x.sku,
        returnedAt: at(x.returnDate),
        licensePlateNumber: x.licensePlateNumber,
        asin: x.asin,
        fnsku: x.fnsku,
        quantity: x.quantity,
        fulfillmentCenterId: x.fulfillmentCenterId,
        disposition: x.detailedDisposition,
        reason: x.reason,
        status: x.status,
      }));
      this.#count("returns", out.returns.length);
    }
    if (r.settlements) {
      out.settlements = r.settlements.map((x) => {
        this.#lastSettlementEndMs = Math.max(
          this.#lastSettlementEndMs,
          at(x.settlementEndDate).getTime(),
        );
        return {
          storeId: s,
          settlementId: x.settlementId,
          startsAt: at(x.settlementStartDate),
          endsAt: at(x.settlementEndDate),
          depositAt: x.depositDate ? at(x.depositDate) : null,
          totalAmount: x.totalAmount.Amount,
          currency: x.totalAmount.CurrencyCode,
          reportDocumentId: x.reportDocumentId,
        };
      });
      this.#count("settlements", out.settlements.length);
    }
    if (r.settlementLines) {
      out.settlementLines = r.settlementLines.map((l) => {
        const lineNo = (this.#lineNo.get(l.settlementId) ?? 0) + 1;
        this.#lineNo.set(l.settlementId, lineNo);
        return {
          storeId: s,
          settlementId: l.settlementId,
          lineNo,
          marketplaceName: l.marketplaceName,
          transactionType: l.transactionType,
          amazonOrderId: l.orderId ?? null,
          merchantOrderId: l.merchantOrderId ?? null,
          adjustmentId: l.adjustmentId ?? null,
          shipmentId: l.shipmentId ?? null,
          fulfillmentId: l.fulfillmentId ?? null,
          postedAt: l.postedDateTime ? at(l.postedDateTime) : null,
          orderItemCode: l.orderItemCode ?? null,
          sku: l.sku ?? null,
          amountType: l.amountType,
          amountDescription: l.amountDescription,
          quantityPurchased: l.quantityPurchased ?? null,
          promotionId: l.promotionId ?? null,
          amount: l.amount,
          currency: this.#channelCurrency.get(l.marketplaceName)!,
        };
      });
      this.#count("settlements", out.settlementLines.length);
    }
    if (r.financialEvents) {
      out.financialEvents = [];
      out.fees = [];
      for (const e of r.financialEvents) {
        const [event, fees] = this.#event(e);
        out.financialEvents.push(event);
        out.fees.push(...fees);
      }
      this.#count(
        "financial_events",
        out.financialEvents.length + out.fees.length,
      );
    }
  }

  readonly #lineNo = new Map<string, number>();
  readonly #serviceFees = new Map<string, number>();

  #event(e: FinancialEvent): [FinancialEventRow, FeeRow[]] {
    const s = this.storeId;
    const posted = at(e.PostedDate);
    const sum = (list: Money[]) => {
      const currency = list[0].CurrencyCode;
      const minor = list.reduce(
        (n, m) => n + parseMinor(m.Amount, m.CurrencyCode),
        0,
      );
      return { amount: formatMinor(minor, currency), currency };
    };
    if (e.list === "ServiceFeeEventList") {
      const group = e.FinancialEventGroupId ?? "";
      const n = (this.#serviceFees.get(group) ?? 0) + 1;
      this.#serviceFees.set(group, n);
      const eventId = `SVC-${group}-${n}`;
      return [
        {
          storeId: s,
          eventId,
          eventType: "ServiceFeeEvent",
          postedAt: posted,
          eventGroupId: e.FinancialEventGroupId ?? null,
          amazonOrderId: null,
          sku: null,
          description: e.FeeDescription,
          ...sum(e.FeeList.map((f) => f.FeeAmount)),
        },
        e.FeeList.map((f, i) => ({
          storeId: s,
          eventId,
          lineNo: i + 1,
          feeType: f.FeeType,
          amazonOrderId: null,
          sku: null,
          postedAt: posted,
          amount: f.FeeAmount.Amount,
          currency: f.FeeAmount.CurrencyCode,
        })),
      ];
    }
    if (!("items" in e)) {
      // Keyed by list, group and position (a sync keys them by a hash).
      const group = e.FinancialEventGroupId ?? "";
      const key = `${e.list}-${group}`;
      const n = (this.#serviceFees.get(key) ?? 0) + 1;
      this.#serviceFees.set(key, n);
      const known = e.list !== "FooBarEventList";
      return [{
        storeId: s,
        eventId: `${key}-${n}`,
        eventType: e.list.replace(/List$/, ""),
        postedAt: posted,
        eventGroupId: e.FinancialEventGroupId ?? null,
        amazonOrderId: null,
        sku: null,
        description: null,
        ...(known
          ? sum([e.net])
          : { amount: null, currency: null, known: false }),
      }, []];
    }
    const shipment = e.list === "ShipmentEventList";
    const eventId = `${shipment ? "SHP" : "RFD"}-${e.AmazonOrderId}`;
    const amounts = e.items.flatMap((it) => [
      ...it.ItemChargeList.map((c) => c.ChargeAmount),
      ...it.ItemFeeList.map((f) => f.FeeAmount),
      ...it.ItemTaxWithheldList.flatMap((w) =>
        w.TaxesWithheld.map((t) => t.ChargeAmount)
      ),
      ...it.PromotionList.map((p) => p.PromotionAmount),
    ]);
    const fees = e.items.flatMap((it) =>
      it.ItemFeeList.map((f) => ({ sku: it.SellerSKU, fee: f }))
    );
    return [
      {
        storeId: s,
        eventId,
        eventType: shipment ? "ShipmentEvent" : "RefundEvent",
        postedAt: posted,
        eventGroupId: e.FinancialEventGroupId ?? null,
        amazonOrderId: e.AmazonOrderId,
        sku: e.items[0]?.SellerSKU ?? null,
        description: shipment ? "Order shipment" : "Customer return refund",
        ...sum(amounts),
      },
      fees.map(({ sku, fee }, i) => ({
        storeId: s,
        eventId,
        lineNo: i + 1,
        feeType: fee.FeeType,
        amazonOrderId: e.AmazonOrderId,
        sku,
        postedAt: posted,
        amount: fee.FeeAmount.Amount,
        currency: fee.FeeAmount.CurrencyCode,
      })),
    ];
  }

  /**
   * The portal's bookkeeping of a seller seeded as if synced: one succeeded
   * "seed" run per dataset with the rows it wrote, cursors where the next
   * real sync should continue, and a few days of API calls.
   */
  bookkeeping(): SeedRows {
    const s = this.storeId;
    const plan = this.plan;
    const anchorMs = this.anchorMs;
    const r = new Rng(plan.rngSeed).fork("seed-bookkeeping");
    const runs: SyncRunRow[] = [];
    let clock = anchorMs - 2 * HOUR;
    for (const dataset of DATASETS) {
      const rowsSeen = this.#tally.get(dataset) ?? 0;
      const pages = Math.max(1, Math.ceil(rowsSeen / 100));
      const started = floorSecond(clock + r.int(0, 60) * 1000);
      const finished = started + r.int(2, 120) * 1000 + pages * 150;
      clock = finished;
      runs.push({
        id: r.uuid(),
        storeId: s,
        dataset,
        marketplaceId: null,
        trigger: "seed",
        status: "succeeded",
        startedAt: new Date(started),
        finishedAt: new Date(finished),
        pages,
        rowsInserted: rowsSeen,
        rowsUpdated: 0,
        rowsSkipped: 0,
        apiCalls: pages +
          (dataset === "search_terms" || dataset === "sales_traffic" ? 3 : 0),
        throttles: r.weighted([[0, 80], [1, 15], [2, 5]] as const),
        emptyReason: rowsSeen === 0
          ? dataset === "search_terms" && !plan.brand
            ? "store has no brand registered (Brand Analytics unavailable)"
            : "no data in range"
          : null,
        error: null,
        progress: { source: "seed", rows: rowsSeen },
      });
    }
    const iso = (ms: number) => new Date(ms).toISOString();
    const syncedAt = new Date(floorSecond(clock));
    const cursors: SyncCursorRow[] = [];
    const perMarket: [Dataset, Record<string, unknown>][] = [
      ["orders", { lastUpdatedAfter: iso(anchorMs - 2 * MINUTE) }],
      ["inventory", { startDateTime: iso(floorDay(anchorMs) - DAY) }],
      ["listings", { lastUpdatedAfter: iso(anchorMs - HOUR) }],
      ["sales_traffic", {
        lastCompleteDay: isoDate(floorDay(anchorMs) - DAY),
      }],
      ["returns", { dataEndTime: iso(floorDay(anchorMs)) }],
      ["ads_metrics", { lastDay: isoDate(floorDay(anchorMs) - DAY) }],
    ];
    if (plan.brand) {
      perMarket.push(["search_terms", {
        WEEK: this.#lastWeekEnd,
        MONTH: this.#lastMonthEnd,
      }]);
    }
    for (const m of plan.marketplaces) {
      for (const [dataset, cursor] of perMarket) {
        cursors.push({
          storeId: s,
          dataset,
          marketplaceId: m.id,
          cursor,
          updatedAt: syncedAt,
        });
      }
    }
    for (
      const [dataset, cursor] of [
        ["catalog", { lastSyncAt: iso(anchorMs - HOUR) }],
        ["settlements", {
          createdSince: this.#lastSettlementEndMs > 0
            ? iso(this.#lastSettlementEndMs)
            : null,
        }],
        ["financial_events", { postedAfter: iso(anchorMs - 2 * MINUTE) }],
        ["ads_entities", { lastSyncAt: iso(anchorMs - HOUR) }],
      ] as const
    ) {
      cursors.push({
        storeId: s,
        dataset,
        marketplaceId: "",
        cursor,
        updatedAt: syncedAt,
      });
    }

    const calls: ApiRequestLogRow[] = [];
    const ops: [ApiRequestLogRow["api"], string, string | null][] = [
      ["lwa", "refreshToken", null],
      ["sp-api", "searchOrders", "0.0167"],
      ["sp-api", "getOrder", "0.5000"],
      ["sp-api", "getInventorySummaries", "2.0000"],
      ["sp-api", "searchListingsItems", "5.0000"],
      ["sp-api", "createReport", "0.0167"],
      ["sp-api", "getReport", "2.0000"],
      ["sp-api", "getReportDocument", "0.0167"],
      ["sp-api", "listFinancialEvents", "0.5000"],
      ["report-document", "download", null],
      ["ads-api", "listProfiles", null],
      ["ads-api", "sp/campaigns/list", null],
      ["ads-api", "sp/keywords/list", null],
      ["ads-api", "reporting/reports", null],
    ];
    const nCalls = r.int(30, 70);
    const times = Array.from(
      { length: nCalls },
      () =>
        anchorMs - 3 * DAY + r.int(0, 3 * 24 * 3600 - 1) * 1000 + r.int(0, 999),
    ).sort((a, b) => a - b);
    for (const t of times) {
      const [api, operation, rateLimit] = r.pick(ops);
      const outcome = r.weighted(
        [["ok", 92], ["throttled", 6], ["error", 2]] as const,
      );
      calls.push({
        storeId: s,
        at: new Date(t),
        api,
        operation,
        httpStatus: outcome === "ok"
          ? 200
          : outcome === "throttled"
          ? 429
          : 503,
        latencyMs: Math.round(
          r.logNormal(api === "report-document" ? 900 : 320, 0.5),
        ),
        attempts: outcome === "ok"
          ? r.weighted([[1, 95], [2, 5]] as const)
          : r.int(1, 4),
        requestId: api === "report-document" ? null : r.uuid(),
        rateLimit,
        errorCode: outcome === "ok"
          ? null
          : outcome === "throttled"
          ? "QuotaExceeded"
          : "ServiceUnavailable",
      });
    }
    return { syncRuns: runs, syncCursors: cursors, apiRequestLog: calls };
  }
}
