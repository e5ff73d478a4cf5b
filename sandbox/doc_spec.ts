// What a report document holds, as a small description that can be
// rendered again at any time (documents are never stored rendered), and the
// row selections behind each kind, shared by "is there any data" (CANCELLED
// when not) and the renderers.
import type { SellerWorld } from "./served_world.ts";
import type { Order } from "./world/amazon.ts";

/** What a document contains; enough to render it again at any time. */
export type DocumentSpec =
  | {
    kind: "allOrders";
    by: "update" | "order";
    startMs: number;
    endMs: number;
    marketplaceIds: string[];
  }
  | {
    kind: "returns";
    startMs: number;
    endMs: number;
    marketplaceIds: string[];
  }
  | { kind: "myi"; marketplaceIds: string[] }
  | {
    kind: "salesTraffic";
    startDay: string;
    endDay: string;
    marketplaceId: string;
    dateGranularity: "DAY" | "WEEK" | "MONTH";
    asinGranularity: "PARENT" | "CHILD" | "SKU";
  }
  | {
    kind: "searchTerms";
    marketplaceId: string;
    period: string;
    startDay: string;
    endDay: string;
  }
  | { kind: "settlement"; settlementId: string }
  | { kind: "error"; message: string }
  | { kind: "ads"; rows: AdsReportSpec };

/** The part of an Ads reporting v3 request that shapes the rows. */
export interface AdsReportSpec {
  profileId: string;
  reportTypeId: "spCampaigns" | "spTargeting";
  groupBy: string[];
  columns: string[];
  timeUnit: "DAILY" | "SUMMARY";
  startDate: string;
  endDate: string;
  filters: { field: string; values: string[] }[];
}

export function ms(iso: string | undefined): number {
  return iso ? Date.parse(iso) : NaN;
}

export function* selectOrders(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "allOrders" }>,
): Generator<Order> {
  const markets = new Set(spec.marketplaceIds);
  const list = spec.by === "update" ? w.ordersByUpdate : w.ordersByCreation;
  const time = (o: Order) =>
    ms(spec.by === "update" ? o.LastUpdateDate : o.PurchaseDate);
  let lo = 0, hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (time(list[mid]) < spec.startMs) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length; i++) {
    const o = list[i];
    if (time(o) > spec.endMs) break;
    if (markets.has(o.MarketplaceId)) yield o;
  }
}

export function selectReturns(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "returns" }>,
) {
  const markets = new Set(spec.marketplaceIds);
  return w.returns.filter((r) => {
    const t = ms(r.returnDate);
    const o = w.orderById.get(r.orderId);
    return t >= spec.startMs && t <= spec.endMs && o !== undefined &&
      markets.has(o.MarketplaceId);
  });
}

export function selectInventory(w: SellerWorld, marketplaceIds: string[]) {
  return marketplaceIds.flatMap((m) => w.inventoryByMarket.get(m) ?? []);
}

export function selectTraffic(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "salesTraffic" }>,
) {
  return (w.trafficByMarket.get(spec.marketplaceId) ?? []).filter((t) =>
    t.date >= spec.startDay && t.date <= spec.endDay
  );
}

export function selectTerms(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "searchTerms" }>,
) {
  return (w.searchTerms.get(
    `${spec.marketplaceId}|${spec.period}|${spec.startDay}`,
  ) ?? []).filter((t) => t.dataEndTime === spec.endDay);
}
