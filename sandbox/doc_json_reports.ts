// The JSON reports: Sales & Traffic (schema sellerSalesAndTrafficReport)
// and Brand Analytics search terms (schema sellingPartnerSearchTermsReport),
// written piece by piece. By-ASIN rows aggregate the requested range at the
// requested granularity; a one-day report at SKU granularity reproduces the
// ground truth's rows exactly (percentages included).
import { raw, stringify } from "./_json.ts";
import { type DocumentSpec, selectTerms, selectTraffic } from "./doc_spec.ts";
import { isoDay } from "./format.ts";
import type { SellerWorld } from "./served_world.ts";
import { decimal, minorOf } from "./world/money.ts";

const DAY = 86_400_000;

const amount = (minor: number, currency: string) => ({
  amount: raw(decimal(minor, currency)),
  currencyCode: currency,
});
const round2 = (x: number) => Math.round(x * 100) / 100;
const pct = (text: string) => raw(text);

function periodKey(day: string, g: "DAY" | "WEEK" | "MONTH"): string {
  if (g === "DAY") return day;
  if (g === "MONTH") return `${day.slice(0, 7)}-01`;
  const t = Date.parse(`${day}T00:00:00Z`);
  return isoDay(t - new Date(t).getUTCDay() * DAY); // weeks start on Sunday
}

export function* salesTraffic(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "salesTraffic" }>,
): Generator<string> {
  const rows = selectTraffic(w, spec);
  const currency = w.marketplaceById.get(spec.marketplaceId)?.currency ??
    "USD";
  yield `{"reportSpecification":${
    JSON.stringify({
      reportType: "GET_SALES_AND_TRAFFIC_REPORT",
      reportOptions: {
        dateGranularity: spec.dateGranularity,
        asinGranularity: spec.asinGranularity,
      },
      dataStartTime: spec.startDay,
      dataEndTime: spec.endDay,
      marketplaceIds: [spec.marketplaceId],
    })
  },"salesAndTrafficByDate":[`;
  // By date: every period of the range, with zeros where nothing sold.
  const byDate = new Map<string, typeof rows>();
  for (
    let t = Date.parse(`${spec.startDay}T00:00:00Z`);
    isoDay(t) <= spec.endDay;
    t += DAY
  ) {
    const key = periodKey(isoDay(t), spec.dateGranularity);
    if (!byDate.has(key)) byDate.set(key, []);
  }
  for (const r of rows) {
    byDate.get(periodKey(r.date, spec.dateGranularity))?.push(r);
  }
  let first = true;
  for (const [date, list] of byDate) {
    let sales = 0, units = 0, items = 0, sessions = 0, views = 0, bb = 0;
    for (const r of list) {
      sales += minorOf(r.salesByAsin.orderedProductSales);
      units += r.salesByAsin.unitsOrdered;
      items += r.salesByAsin.totalOrderItems;
      sessions += r.trafficByAsin.sessions;
      views += r.trafficByAsin.pageViews;
      bb += Number(r.trafficByAsin.buyBoxPercentage) * r.trafficByAsin.sessions;
    }
    const browserSessions = Math.floor(sessions / 2);
    const browserViews = Math.floor(views / 2);
    yield (first ? "" : ",") + stringify({
      date,
      salesByDate: {
        orderedProductSales: amount(sales, currency),
        orderedProductSalesB2B: amount(0, currency),
        unitsOrdered: units,
        unitsOrderedB2B: 0,
        totalOrderItems: items,
        totalOrderItemsB2B: 0,
        averageSalesPerOrderItem: amount(
          items ? Math.round(sales / items) : 0,
          currency,
        ),
        averageSalesPerOrderItemB2B: amount(0, currency),
        averageUnitsPerOrderItem: items ? round2(units / items) : 0,
        averageUnitsPerOrderItemB2B: 0,
        averageSellingPrice: amount(
          units ? Math.round(sales / units) : 0,
          currency,
        ),
        averageSellingPriceB2B: amount(0, currency),
        unitsRefunded: 0,
        refundRate: 0,
        claimsGranted: 0,
        claimsAmount: amount(0, currency),
        shippedProductSales: amount(sales, currency),
        unitsShipped: units,
        ordersShipped: items,
      },
      trafficByDate: {
        browserPageViews: browserViews,
        browserPageViewsB2B: 0,
        mobileAppPageViews: views - browserViews,
        mobileAppPageViewsB2B: 0,
        pageViews: views,
        pageViewsB2B: 0,
        browserSessions,
        browserSessionsB2B: 0,
        mobileAppSessions: sessions - browserSessions,
        mobileAppSessionsB2B: 0,
        sessions,
        sessionsB2B: 0,
        buyBoxPercentage: sessions ? round2(bb / sessions) : 0,
        buyBoxPercentageB2B: 0,
        orderItemSessionPercentage: sessions
          ? round2((items / sessions) * 100)
          : 0,
        orderItemSessionPercentageB2B: 0,
        unitSessionPercentage: sessions ? round2((units / sessions) * 100) : 0,
        unitSessionPercentageB2B: 0,
        averageOfferCount: 1,
        averageParentItems: new Set(list.map((r) => r.parentAsin)).size,
        feedbackReceived: 0,
        negativeFeedbackReceived: 0,
        receivedNegativeFeedbackRate: 0,
      },
    });
    first = false;
  }
  yield `],"salesAndTrafficByAsin":[`;
  // By ASIN, over the whole range, at the requested granularity.
  const groups = new Map<string, typeof rows>();
  for (const r of rows) {
    const key = spec.asinGranularity === "PARENT"
      ? r.parentAsin
      : spec.asinGranularity === "CHILD"
      ? `${r.parentAsin}|${r.childAsin}`
      : `${r.parentAsin}|${r.childAsin}|${r.sku}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  let totalSessions = 0, totalViews = 0;
  for (const r of rows) {
    totalSessions += r.trafficByAsin.sessions;
    totalViews += r.trafficByAsin.pageViews;
  }
  first = true;
  for (const list of groups.values()) {
    const r0 = list[0];
    let sales = 0, units = 0, items = 0, sessions = 0, views = 0, bb = 0;
    for (const r of list) {
      sales += minorOf(r.salesByAsin.orderedProductSales);
      units += r.salesByAsin.unitsOrdered;
      items += r.salesByAsin.totalOrderItems;
      sessions += r.trafficByAsin.sessions;
      views += r.trafficByAsin.pageViews;
      bb += Number(r.trafficByAsin.buyBoxPercentage) * r.trafficByAsin.sessions;
    }
    const single = list.length === 1;
    const browserSessions = Math.floor(sessions / 2);
    const browserViews = Math.floor(views / 2);
    const entry: Record<string, unknown> = { parentAsin: r0.parentAsin };
    if (spec.asinGranularity !== "PARENT") entry.childAsin = r0.childAsin;
    if (spec.asinGranularity === "SKU") entry.sku = r0.sku;
    entry.salesByAsin = {
      unitsOrdered: units,
      unitsOrderedB2B: 0,
      orderedProductSales: amount(sales, currency),
      orderedProductSalesB2B: amount(0, currency),
      totalOrderItems: items,
      totalOrderItemsB2B: 0,
    };
    entry.trafficByAsin = {
      browserSessions,
      browserSessionsB2B: 0,
      mobileAppSessions: sessions - browserSessions,
      mobileAppSessionsB2B: 0,
      sessions,
      sessionsB2B: 0,
      browserSessionPercentage: totalSessions
        ? round2((browserSessions / totalSessions) * 100)
        : 0,
      browserSessionPercentageB2B: 0,
      mobileAppSessionPercentage: totalSessions
        ? round2(((sessions - browserSessions) / totalSessions) * 100)
        : 0,
      mobileAppSessionPercentageB2B: 0,
      sessionPercentage: totalSessions
        ? round2((sessions / totalSessions) * 100)
        : 0,
      sessionPercentageB2B: 0,
      browserPageViews: browserViews,
      browserPageViewsB2B: 0,
      mobileAppPageViews: views - browserViews,
      mobileAppPageViewsB2B: 0,
      pageViews: views,
      pageViewsB2B: 0,
      browserPageViewsPercentage: totalViews
        ? round2((browserViews / totalViews) * 100)
        : 0,
      browserPageViewsPercentageB2B: 0,
      mobileAppPageViewsPercentage: totalViews
        ? round2(((views - browserViews) / totalViews) * 100)
        : 0,
      mobileAppPageViewsPercentageB2B: 0,
      pageViewsPercentage: totalViews ? round2((views / totalViews) * 100) : 0,
      pageViewsPercentageB2B: 0,
      buyBoxPercentage: single
        ? pct(r0.trafficByAsin.buyBoxPercentage)
        : sessions
        ? round2(bb / sessions)
        : 0,
      buyBoxPercentageB2B: 0,
      unitSessionPercentage: single
        ? pct(r0.trafficByAsin.unitSessionPercentage)
        : sessions
        ? round2((units / sessions) * 100)
        : 0,
      unitSessionPercentageB2B: 0,
    };
    yield (first ? "" : ",") + stringify(entry);
    first = false;
  }
  yield "]}";
}

export function* searchTerms(
  w: SellerWorld,
  spec: Extract<DocumentSpec, { kind: "searchTerms" }>,
): Generator<string> {
  const rows = [...selectTerms(w, spec)].sort((a, b) =>
    a.searchFrequencyRank - b.searchFrequencyRank ||
    (a.searchTerm < b.searchTerm ? -1 : a.searchTerm > b.searchTerm ? 1 : 0) ||
    a.clickShareRank - b.clickShareRank
  );
  yield `{"reportSpecification":${
    JSON.stringify({
      reportType: "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT",
      reportOptions: { reportPeriod: spec.period },
      dataStartTime: spec.startDay,
      dataEndTime: spec.endDay,
      marketplaceIds: [spec.marketplaceId],
    })
  },"dataByDepartmentAndSearchTerm":[`;
  let first = true;
  for (const t of rows) {
    yield (first ? "" : ",") + stringify({
      departmentName: t.departmentName,
      searchTerm: t.searchTerm,
      searchFrequencyRank: t.searchFrequencyRank,
      clickedAsin: t.clickedAsin,
      clickShareRank: t.clickShareRank,
      clickShare: raw(t.clickShare),
      conversionShare: raw(t.conversionShare),
    });
    first = false;
  }
  yield "]}";
}
