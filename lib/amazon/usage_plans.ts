// SP-API usage plans (facts §4.0): the documented rate (requests per second)
// and burst (bucket size) per operation, from the official model JSONs. They
// seed the client's token buckets; the `x-amzn-RateLimit-Limit` header of a
// live answer then adjusts the rate (Orders uses dynamic plans).

/** A token bucket: `rate` tokens a second refill a bucket of `burst`. */
export interface UsagePlan {
  rate: number;
  burst: number;
}

/** Documented plans, keyed by SP-API operationId. */
export const SP_USAGE_PLANS: Readonly<Record<string, UsagePlan>> = {
  // Orders v0 (deprecated, fallback only)
  getOrders: { rate: 0.0167, burst: 20 },
  getOrderItems: { rate: 0.5, burst: 30 },
  getOrderAddress: { rate: 0.5, burst: 30 },
  getOrderBuyerInfo: { rate: 0.5, burst: 30 },
  getOrderItemsBuyerInfo: { rate: 0.5, burst: 30 },
  getOrderRegulatedInfo: { rate: 0.5, burst: 30 },
  // Orders 2026-01-01 (getOrder has the same plan in v0)
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  // Tokens
  createRestrictedDataToken: { rate: 1, burst: 10 },
  // FBA Inventory
  getInventorySummaries: { rate: 2, burst: 2 },
  // Catalog Items 2022-04-01
  searchCatalogItems: { rate: 2, burst: 2 },
  getCatalogItem: { rate: 2, burst: 2 },
  // Listings Items 2021-08-01
  getListingsItem: { rate: 5, burst: 10 },
  searchListingsItems: { rate: 5, burst: 5 },
  // Finances v0 and 2024-06-19
  listFinancialEventGroups: { rate: 0.5, burst: 30 },
  listFinancialEventsByGroupId: { rate: 0.5, burst: 30 },
  listFinancialEventsByOrderId: { rate: 0.5, burst: 30 },
  listFinancialEvents: { rate: 0.5, burst: 30 },
  listTransactions: { rate: 0.5, burst: 10 },
  // Reports 2021-06-30
  createReport: { rate: 0.0167, burst: 15 },
  getReports: { rate: 0.0222, burst: 10 },
  getReport: { rate: 2, burst: 15 },
  cancelReport: { rate: 0.0222, burst: 10 },
  getReportDocument: { rate: 0.0167, burst: 15 },
  getReportSchedules: { rate: 0.0222, burst: 10 },
  createReportSchedule: { rate: 0.0222, burst: 10 },
  cancelReportSchedule: { rate: 0.0222, burst: 10 },
  getReportSchedule: { rate: 0.0222, burst: 10 },
  // Sellers
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
  // Advertising API: one bucket per profile for every operation. Amazon
  // publishes no per-endpoint limits (facts §5.7); 10/s with a burst of 20
  // is the sandbox default, and 429s with Retry-After slow the client down.
  "ads-api": { rate: 10, burst: 20 },
};

/** What an operation missing from the table gets: the slowest common plan. */
export const FALLBACK_PLAN: UsagePlan = { rate: 0.0167, burst: 1 };

/**
 * The plan of `operation`: an override (tests, benches, a seller's known
 * dynamic plan), else the documented one, else {@link FALLBACK_PLAN}.
 *
 * @example
 * usagePlanFor("searchOrders"); // { rate: 0.0056, burst: 20 }
 */
export function usagePlanFor(
  operation: string,
  overrides?: Readonly<Record<string, UsagePlan>>,
): UsagePlan {
  return overrides?.[operation] ?? SP_USAGE_PLANS[operation] ?? FALLBACK_PLAN;
}

/**
 * Every documented plan `factor` times faster (bursts unchanged): the demo
 * mode's clients against a sandbox that runs at the same time scale.
 *
 * @example
 * scaledUsagePlans(100).searchOrders; // { rate: 0.56, burst: 20 }
 */
export function scaledUsagePlans(
  factor: number,
): Record<string, UsagePlan> {
  return Object.fromEntries(
    Object.entries(SP_USAGE_PLANS).map((
      [op, p],
    ) => [op, {
      // As Amazon states rates: at most 4 decimals.
      rate: Number((p.rate * factor).toFixed(4)),
      burst: p.burst,
    }]),
  );
}
