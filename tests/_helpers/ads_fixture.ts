// A small fixed advertising data set, written out by hand so the tests can
// check figures computed on paper (tests/routes/ads_test.ts, the browser
// test): two stores, two currencies, a campaign with a budget change and
// days that hit the budget, keywords and a product target with bids, a
// bid change, the stores' own sales (daily_sales) for TACoS, the ads sync's
// cursor, and Brand Analytics terms — names holding markup throughout.
import { registerStore } from "../../db/maintenance.ts";
import {
  adBudgetBidChanges,
  adCampaigns,
  adGroups,
  adKeywords,
  adMetricsDaily,
  adProfiles,
  adTargets,
  dailySales,
  products,
  searchTerms,
  syncCursors,
} from "../../db/schema.ts";
import type { TestApp } from "./app.ts";
import { ownerOf } from "./test_db.ts";

export const PERIOD = { from: "2026-06-01", to: "2026-06-03" };
export const C1_NAME = "Summer <b>Sale</b>";
export const K1_TEXT = "red <script>alert(1)</script> shoes";
export const TERM = "red shoes <img src=x>";

export interface AdsWorld {
  a: string;
  b: string;
}

type Metric = [
  day: string,
  impressions: number,
  clicks: number,
  spend: string,
  orders: number,
  sales: string,
  syncedAt: string,
];

/** Writes the data set into the stores `Ads A` (US, USD) and `Ads B` (DE, EUR). */
export async function seedAdsWorld(s: TestApp): Promise<AdsWorld> {
  const a = await registerStore(s.t.db, {
    sellerId: "AFAKEADSA",
    region: "NA",
    name: "Ads A",
    marketplaces: [{
      marketplaceId: "ATVPDKIKX0DER",
      countryCode: "US",
      defaultCurrency: "USD",
      domain: "amazon.com",
    }],
  });
  const b = await registerStore(s.t.db, {
    sellerId: "AFAKEADSB",
    region: "EU",
    name: "Ads B",
    marketplaces: [{
      marketplaceId: "A1PA6795UKMFR9",
      countryCode: "DE",
      defaultCurrency: "EUR",
      domain: "amazon.de",
    }],
  });
  const db = ownerOf(s.t.db);
  await db.insert(adProfiles).values([
    {
      storeId: a,
      profileId: "1001",
      marketplaceId: "ATVPDKIKX0DER",
      countryCode: "US",
      currency: "USD",
      timezone: "America/Los_Angeles",
      accountType: "seller",
      accountName: "Ads A US",
    },
    {
      storeId: b,
      profileId: "2001",
      marketplaceId: "A1PA6795UKMFR9",
      countryCode: "DE",
      currency: "EUR",
      timezone: "Europe/Berlin",
      accountType: "seller",
      accountName: "Ads B DE",
    },
  ]);
  const campaign = (
    storeId: string,
    campaignId: string,
    profileId: string,
    name: string,
    more: Partial<typeof adCampaigns.$inferInsert>,
  ) => ({
    storeId,
    campaignId,
    profileId,
    name,
    state: "ENABLED" as const,
    targetingType: "MANUAL" as const,
    dailyBudget: "10.00",
    currency: "USD",
    startDate: "2026-05-01",
    ...more,
  });
  await db.insert(adCampaigns).values([
    campaign(a, "11", "1001", C1_NAME, {}),
    campaign(a, "12", "1001", "Brand defense", {
      campaignType: "SB",
      targetingType: "AUTO",
      state: "PAUSED",
      dailyBudget: "5.00",
    }),
    campaign(b, "21", "2001", "Sommer", {
      dailyBudget: "20.00",
      currency: "EUR",
    }),
  ]);
  await db.insert(adGroups).values([
    {
      storeId: a,
      adGroupId: "111",
      campaignId: "11",
      name: "Group <i>one</i>",
      state: "ENABLED",
      defaultBid: "0.50",
      currency: "USD",
    },
    {
      storeId: b,
      adGroupId: "211",
      campaignId: "21",
      name: "Gruppe",
      state: "ENABLED",
      defaultBid: "0.40",
      currency: "EUR",
    },
  ]);
  await db.insert(adKeywords).values([
    {
      storeId: a,
      keywordId: "1111",
      adGroupId: "111",
      campaignId: "11",
      keywordText: K1_TEXT,
      matchType: "EXACT",
      state: "ENABLED",
      bid: "0.75",
      currency: "USD",
    },
    {
      storeId: a,
      keywordId: "1112",
      adGroupId: "111",
      campaignId: "11",
      keywordText: TERM,
      matchType: "BROAD",
      state: "ENABLED",
      bid: null,
      currency: "USD",
    },
    {
      storeId: b,
      keywordId: "2111",
      adGroupId: "211",
      campaignId: "21",
      keywordText: "rote schuhe",
      matchType: "PHRASE",
      state: "ENABLED",
      bid: "0.40",
      currency: "EUR",
    },
  ]);
  await db.insert(adTargets).values({
    storeId: a,
    targetId: "1121",
    adGroupId: "111",
    campaignId: "11",
    expressionType: "MANUAL",
    expression: [{ type: "asinSameAs", value: "B000000001" }],
    state: "ENABLED",
    bid: "0.60",
    currency: "USD",
  });
  await db.insert(adBudgetBidChanges).values([
    {
      storeId: a,
      entityType: "campaign",
      entityId: "11",
      field: "daily_budget",
      observedAt: new Date("2026-06-02T18:00:00Z"),
      oldValue: "8.00",
      newValue: "10.00",
      currency: "USD",
    },
    {
      storeId: a,
      entityType: "keyword",
      entityId: "1111",
      field: "bid",
      observedAt: new Date("2026-06-02T12:00:00Z"),
      oldValue: "0.50",
      newValue: "0.75",
      currency: "USD",
    },
  ]);
  const metric = (
    storeId: string,
    profileId: string,
    campaignId: string,
    entityType: "campaign" | "keyword" | "target",
    entityId: string,
    currency: string,
    m: Metric,
  ) => ({
    storeId,
    profileId,
    campaignId,
    entityType,
    entityId,
    currency,
    day: m[0],
    impressions: m[1],
    clicks: m[2],
    spend: m[3],
    orders: m[4],
    sales: m[5],
    syncedAt: new Date(m[6]),
  });
  // Day 06-01 was read only on 06-02 (while provisional, never again);
  // the later days were re-read on 06-20.
  const EARLY = "2026-06-02T10:00:00Z";
  const LATE = "2026-06-20T10:00:00Z";
  const A = (
    kind: "campaign" | "keyword" | "target",
    id: string,
    campaignId: string,
    rows: Metric[],
  ) => rows.map((m) => metric(a, "1001", campaignId, kind, id, "USD", m));
  await db.insert(adMetricsDaily).values([
    ...A("campaign", "11", "11", [
      ["2026-06-01", 1000, 50, "8.00", 4, "40.00", EARLY],
      ["2026-06-02", 2000, 100, "6.00", 2, "30.00", LATE],
      ["2026-06-03", 1000, 50, "10.00", 4, "50.00", LATE],
    ]),
    ...A("campaign", "12", "12", [
      ["2026-06-02", 500, 10, "5.00", 1, "25.00", LATE],
    ]),
    ...A("keyword", "1111", "11", [
      ["2026-06-01", 600, 30, "4.50", 3, "30.00", EARLY],
      ["2026-06-02", 400, 20, "3.00", 1, "10.00", LATE],
    ]),
    ...A("keyword", "1112", "11", [
      ["2026-06-03", 300, 10, "1.00", 0, "0.00", LATE],
    ]),
    ...A("target", "1121", "11", [
      ["2026-06-02", 100, 5, "0.50", 1, "20.00", LATE],
    ]),
    // Outside the period: never counted.
    ...A("campaign", "11", "11", [
      ["2026-05-31", 9999, 999, "99.00", 9, "999.00", LATE],
    ]),
    metric(b, "2001", "21", "campaign", "21", "EUR", [
      "2026-06-01",
      1000,
      40,
      "12.00",
      3,
      "60.00",
      LATE,
    ]),
    metric(b, "2001", "21", "keyword", "2111", "EUR", [
      "2026-06-01",
      1000,
      40,
      "12.00",
      3,
      "60.00",
      LATE,
    ]),
  ]);
  const sales = (
    storeId: string,
    marketplaceId: string,
    currency: string,
    day: string,
    amount: string,
  ) => ({
    storeId,
    marketplaceId,
    day,
    currency,
    orders: 1,
    pricedOrders: 1,
    units: 1,
    sales: amount,
  });
  await db.insert(dailySales).values([
    sales(a, "ATVPDKIKX0DER", "USD", "2026-05-31", "1000.00"),
    sales(a, "ATVPDKIKX0DER", "USD", "2026-06-01", "200.00"),
    sales(a, "ATVPDKIKX0DER", "USD", "2026-06-02", "300.00"),
    sales(a, "ATVPDKIKX0DER", "USD", "2026-06-03", "100.00"),
    sales(b, "A1PA6795UKMFR9", "EUR", "2026-06-01", "240.00"),
  ]);
  await db.insert(syncCursors).values([
    {
      storeId: a,
      dataset: "ads_metrics",
      marketplaceId: "ATVPDKIKX0DER",
      cursor: { through: "2026-06-02" },
    },
    {
      storeId: b,
      dataset: "ads_metrics",
      marketplaceId: "A1PA6795UKMFR9",
      cursor: { through: "2026-06-30" },
    },
  ]);
  // Brand Analytics: the store's ASIN B000000001 is clicked for two terms.
  await db.insert(products).values({
    storeId: a,
    sku: "SKU-1",
    asin: "B000000001",
    title: "Red shoes",
  });
  const term = (
    searchTerm: string,
    rank: number,
    asin: string,
    sfr: number,
    click: string,
    conv: string,
  ) => ({
    storeId: a,
    marketplaceId: "ATVPDKIKX0DER",
    reportPeriod: "WEEK" as const,
    periodStart: "2026-05-31",
    periodEnd: "2026-06-06",
    searchTerm,
    clickShareRank: rank,
    departmentName: "Shoes",
    searchFrequencyRank: sfr,
    clickedAsin: asin,
    clickShare: click,
    conversionShare: conv,
  });
  await db.insert(searchTerms).values([
    term(TERM, 1, "B000000001", 120, "21.5000", "30.0000"),
    term(TERM, 2, "B0OTHER002", 120, "10.0000", "5.0000"),
    term("running shoes", 3, "B000000001", 45, "4.2500", "2.5000"),
    term("hats", 1, "B0OTHER003", 7, "50.0000", "60.0000"),
  ]);
  return { a, b };
}
