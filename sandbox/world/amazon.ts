// The generated world in Amazon's vocabulary: what Amazon holds for a
// seller, named as Amazon's models and reports name it (docs/amazon-facts.md
// §4, §5), with every amount a decimal string and its currency (`Money`).
// Nothing here is the portal's data model: the portal maps what the sandbox
// serves into its own rows, and the tests map this ground truth into the
// rows they expect on their own, so a mapping or money mistake cannot hide
// by being made twice.
//
// Each record follows the model or report the sandbox serves it through;
// a few facts Amazon holds but no single payload carries (when an order
// shipped, the day an inventory summary describes, when a service fee was
// posted) are named after the payload field that would carry them.

/** Amazon's money (Orders API v0 `Money`): a decimal string and its currency. */
export interface Money {
  /** ISO 4217 currency code. */
  CurrencyCode: string;
  /** Decimal amount, e.g. "12.34" (no exponent, the currency's minor digits). */
  Amount: string;
}

/** One of the seller's products (Catalog Items 2022-04-01 summary). */
export interface CatalogItem {
  asin: string;
  /** The seller's SKU for it (the catalog is looked up by SKU). */
  sellerSku: string;
  itemName: string;
  brand: string;
  browseClassification: { displayName: string };
}

/** One SKU in one marketplace (Listings Items 2021-08-01). */
export interface ListingsItem {
  sku: string;
  marketplaceId: string;
  asin: string;
  productType: string;
  conditionType: string;
  /** e.g. ["BUYABLE", "DISCOVERABLE"]. */
  status: string[];
  itemName: string;
  /** ISO instant. */
  createdDate: string;
  lastUpdatedDate: string;
  /** The B2C offer's price. */
  price: Money;
  /** fulfillmentAvailability: `AMAZON_NA` (FBA) or `DEFAULT` (seller). */
  fulfillmentChannelCode: string;
}

/** An FBA inventory summary of one SKU (FBA Inventory v1), as of `date`. */
export interface InventorySummary {
  /** The marketplace (granularityId of Marketplace granularity). */
  granularityId: string;
  /** The day (YYYY-MM-DD) this summary describes; the latest is current. */
  date: string;
  asin: string;
  fnSku: string;
  sellerSku: string;
  condition: string;
  inventoryDetails: {
    fulfillableQuantity: number;
    inboundWorkingQuantity: number;
    inboundShippedQuantity: number;
    inboundReceivingQuantity: number;
    reservedQuantity: { totalReservedQuantity: number };
    researchingQuantity: { totalResearchingQuantity: number };
    unfulfillableQuantity: { totalUnfulfillableQuantity: number };
  };
  /** ISO instant. */
  lastUpdatedTime: string;
  totalQuantity: number;
}

/** An order (Orders API v0 `Order`). */
export interface Order {
  AmazonOrderId: string;
  /** The seller's own order id, when it set one. */
  SellerOrderId?: string;
  /** ISO instants. */
  PurchaseDate: string;
  LastUpdateDate: string;
  OrderStatus: "Pending" | "Unshipped" | "Shipped" | "Canceled";
  FulfillmentChannel: "AFN" | "MFN";
  /** e.g. "Amazon.de". */
  SalesChannel: string;
  MarketplaceId: string;
  /** What the buyer pays; absent on cancelled orders. */
  OrderTotal?: Money;
  IsBusinessOrder: boolean;
  IsPrime: boolean;
  ShipServiceLevel: "Expedited" | "Standard";
  /** The promised delivery window's end. */
  LatestDeliveryDate: string;
  /** Where it ships to; the rest of the address is buyer data. */
  ShippingAddress: { CountryCode: string };
  /**
   * The shipped package (Orders v2026 `packages[]`): when it left and,
   * once delivered, when (`packageStatus` DELIVERED).
   */
  Package?: { shipTime: string; deliveredTime?: string };
}

/** An order item (Orders API v0 `OrderItem`). Money is absent when cancelled. */
export interface OrderItem {
  AmazonOrderId: string;
  OrderItemId: string;
  ASIN: string;
  SellerSKU: string;
  Title: string;
  QuantityOrdered: number;
  /** The item's price for the whole quantity. */
  ItemPrice?: Money;
  ItemTax?: Money;
  ShippingPrice?: Money;
  /** A positive amount taken off the price. */
  PromotionDiscount?: Money;
}

/** An order's buyer data (Orders API v0 `BuyerInfo` and `ShippingAddress`). */
export interface OrderBuyerData {
  AmazonOrderId: string;
  BuyerInfo: { BuyerName: string; BuyerEmail: string };
  ShippingAddress: {
    Name: string;
    AddressLine1: string;
    AddressLine2?: string;
    City: string;
    StateOrRegion?: string;
    PostalCode: string;
    CountryCode: string;
    Phone: string;
  };
}

/** One line of the FBA customer returns report (GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA). */
export interface CustomerReturn {
  /** ISO instant (return-date). */
  returnDate: string;
  orderId: string;
  sku: string;
  asin: string;
  fnsku: string;
  quantity: number;
  fulfillmentCenterId: string;
  detailedDisposition: string;
  reason: string;
  status: string;
  licensePlateNumber: string;
}

/** One SKU-day of the Sales and Traffic report (salesAndTrafficByAsin, SKU granularity). */
export interface SalesAndTrafficByAsin {
  marketplaceId: string;
  /** YYYY-MM-DD. */
  date: string;
  parentAsin: string;
  childAsin: string;
  sku: string;
  salesByAsin: {
    unitsOrdered: number;
    orderedProductSales: Money;
    totalOrderItems: number;
  };
  trafficByAsin: {
    sessions: number;
    pageViews: number;
    /** Percentages as decimal strings, e.g. "93.50". */
    buyBoxPercentage: string;
    unitSessionPercentage: string;
  };
}

/** A settlement (the V2 settlement flat file's summary row). */
export interface Settlement {
  settlementId: string;
  /** ISO instants. */
  settlementStartDate: string;
  settlementEndDate: string;
  depositDate?: string;
  totalAmount: Money;
  /** The Reports API document the settlement report is stored as. */
  reportDocumentId: string;
}

/**
 * A financial event group (Finances v0): one 14-day settlement period of
 * one marketplace, open until it ends; a closed one has its settlement.
 */
export interface FinancialEventGroup {
  FinancialEventGroupId: string;
  /** The marketplace whose period it is. */
  marketplaceId: string;
  /** The settlement it closes into (its report's settlement-id). */
  settlementId: string;
  /** ISO instants: the period's bounds (the end may lie ahead). */
  FinancialEventGroupStart: string;
  FinancialEventGroupEnd: string;
  ProcessingStatus: "Open" | "Closed";
}

/** One amount line of a V2 settlement flat file, in file order. */
export interface SettlementLine {
  settlementId: string;
  transactionType: string;
  orderId?: string;
  merchantOrderId?: string;
  adjustmentId?: string;
  shipmentId?: string;
  marketplaceName: string;
  amountType: string;
  amountDescription: string;
  /** In the settlement's currency. */
  amount: string;
  fulfillmentId?: string;
  /** ISO instant (posted-date-time). */
  postedDateTime?: string;
  orderItemCode?: string;
  sku?: string;
  quantityPurchased?: number;
  promotionId?: string;
}

/** A charge or fee of a Finances v0 event. */
export interface ChargeComponent {
  ChargeType: string;
  ChargeAmount: Money;
}
export interface FeeComponent {
  FeeType: string;
  FeeAmount: Money;
}
export interface Promotion {
  PromotionType: string;
  PromotionId: string;
  PromotionAmount: Money;
}
export interface TaxWithheldComponent {
  TaxCollectionModel: string;
  TaxesWithheld: ChargeComponent[];
}

/** A Finances v0 ShipmentItem (of a shipment or, adjusted, of a refund). */
export interface ShipmentItem {
  SellerSKU: string;
  /** OrderItemId (shipments) or OrderAdjustmentItemId (refunds). */
  OrderItemId: string;
  QuantityShipped: number;
  ItemChargeList: ChargeComponent[];
  ItemFeeList: FeeComponent[];
  ItemTaxWithheldList: TaxWithheldComponent[];
  PromotionList: Promotion[];
}

/** A Finances v0 financial event, with the list it is served in. */
export type FinancialEvent =
  | {
    list: "ShipmentEventList" | "RefundEventList";
    /** The financial event group (settlement period) it is posted to. */
    FinancialEventGroupId?: string;
    AmazonOrderId: string;
    SellerOrderId?: string;
    MarketplaceName: string;
    /** ISO instant. */
    PostedDate: string;
    /** ShipmentItemList, or ShipmentItemAdjustmentList of a refund. */
    items: ShipmentItem[];
  }
  | {
    list: "ServiceFeeEventList";
    FinancialEventGroupId?: string;
    /** When Amazon posted it (the model's ServiceFeeEvent carries no date). */
    PostedDate: string;
    FeeReason: string;
    FeeDescription: string;
    FeeList: FeeComponent[];
  }
  | OtherFinancialEvent;

/**
 * The other lists of Finances v0 the world holds, and `FooBarEventList`: a
 * list of a future model (the `futureEventList` option), unknown to clients.
 */
export type OtherEventList =
  | "AdjustmentEventList"
  | "ProductAdsPaymentEventList"
  | "CouponPaymentEventList"
  | "FBALiquidationEventList"
  | "DebtRecoveryEventList"
  | "FooBarEventList";

/** An event of one of the other lists, as the model's object. */
export interface OtherFinancialEvent {
  list: OtherEventList;
  FinancialEventGroupId?: string;
  /** When Amazon posted it (served only where `dateField` names a field). */
  PostedDate: string;
  /**
   * The field the served object dates it by ("PostedDate", "postedDate"),
   * or null where the model's event has no date (DebtRecoveryEvent).
   */
  dateField: string | null;
  /** The rest of the model's event object; amounts as `Money`. */
  fields: Record<string, unknown>;
  /** Its net effect on the seller's balance. */
  net: Money;
}

/** One row of the Brand Analytics search terms report, with its report's period. */
export interface SearchTermsEntry {
  marketplaceId: string;
  reportPeriod: "WEEK" | "MONTH";
  /** YYYY-MM-DD (dataStartTime, dataEndTime). */
  dataStartTime: string;
  dataEndTime: string;
  departmentName: string;
  searchTerm: string;
  searchFrequencyRank: number;
  clickedAsin: string;
  clickShareRank: number;
  /** Shares as decimal strings, e.g. "0.2345". */
  clickShare: string;
  conversionShare: string;
}

/** An Advertising API profile (GET /v2/profiles). */
export interface AdsProfile {
  profileId: string;
  countryCode: string;
  currencyCode: string;
  timezone: string;
  accountInfo: {
    marketplaceStringId: string;
    /** The selling partner id. */
    id: string;
    type: "seller";
    name: string;
  };
}

/** A Sponsored Products campaign (SP v3), with the profile it belongs to. */
export interface SpCampaign {
  profileId: string;
  campaignId: string;
  portfolioId?: string;
  name: string;
  state: "ENABLED" | "PAUSED" | "ARCHIVED";
  targetingType: "AUTO" | "MANUAL";
  /** Daily budget, in the profile's currency. */
  budget: { budget: string; budgetType: "DAILY" };
  /** YYYY-MM-DD. */
  startDate: string;
  endDate?: string;
  dynamicBidding: { strategy: string };
  /** extendedData.lastUpdateDateTime: ISO instant of the last change. */
  lastUpdateDateTime: string;
}

export interface SpAdGroup {
  adGroupId: string;
  campaignId: string;
  name: string;
  state: "ENABLED" | "PAUSED" | "ARCHIVED";
  /** In the profile's currency. */
  defaultBid: string;
  lastUpdateDateTime: string;
}

export interface SpKeyword {
  keywordId: string;
  adGroupId: string;
  campaignId: string;
  keywordText: string;
  matchType: "EXACT" | "PHRASE" | "BROAD";
  state: "ENABLED" | "PAUSED" | "ARCHIVED";
  bid: string;
  lastUpdateDateTime: string;
}

export interface SpTargetingClause {
  targetId: string;
  adGroupId: string;
  campaignId: string;
  expression: { type: string; value?: string }[];
  expressionType: "AUTO" | "MANUAL";
  state: "ENABLED" | "PAUSED" | "ARCHIVED";
  bid: string;
  lastUpdateDateTime: string;
}

/**
 * One daily row of an Ads reporting v3 report: spCampaigns rows have no
 * `keywordId`; spTargeting rows carry the keyword or target id as
 * `keywordId` and its `keywordType` (a match type, or TARGETING_EXPRESSION
 * for targets).
 */
export interface AdsReportRow {
  profileId: string;
  /** YYYY-MM-DD. */
  date: string;
  campaignId: string;
  keywordId?: string;
  keywordType?: string;
  impressions: number;
  clicks: number;
  /** In the profile's currency. */
  cost: string;
  purchases7d: number;
  sales7d: string;
}

/** A change of a budget or bid (the Ads history API's vocabulary). */
export interface AdsChange {
  entityType: "CAMPAIGN" | "AD_GROUP" | "KEYWORD" | "TARGET";
  entityId: string;
  changeType: "BUDGET_AMOUNT" | "DEFAULT_BID" | "BID_AMOUNT";
  /** ISO instant. */
  timestamp: string;
  previousValue?: string;
  newValue: string;
  currencyCode: string;
}
