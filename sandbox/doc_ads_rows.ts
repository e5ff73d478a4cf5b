// Ads reporting v3 rows: a JSON array of objects with exactly the requested
// columns, from the ground truth's daily metrics (spCampaigns: campaign rows,
// or ad-group sums; spTargeting: keyword and target rows). Ids are JSON
// numbers, money is a number in the profile's currency, and every
// attribution window reports the truth's orders and sales.
import { raw, stringify } from "./_json.ts";
import type { AdsReportSpec } from "./doc_spec.ts";
import type { SellerWorld } from "./served_world.ts";
import { decimal, minorUnits } from "./world/money.ts";

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Dimension columns the sandbox fills per report type. */
export const ADS_COLUMNS = {
  common: [
    "date",
    "startDate",
    "endDate",
    "campaignId",
    "campaignName",
    "campaignStatus",
    "campaignBudgetAmount",
    "campaignBudgetType",
    "campaignBudgetCurrencyCode",
    "portfolioId",
    "impressions",
    "clicks",
    "cost",
    "spend",
    "costPerClick",
    "clickThroughRate",
    "purchases1d",
    "purchases7d",
    "purchases14d",
    "purchases30d",
    "purchasesSameSku1d",
    "purchasesSameSku7d",
    "purchasesSameSku14d",
    "purchasesSameSku30d",
    "sales1d",
    "sales7d",
    "sales14d",
    "sales30d",
    "attributedSalesSameSku1d",
    "attributedSalesSameSku7d",
    "attributedSalesSameSku14d",
    "attributedSalesSameSku30d",
    "unitsSoldClicks1d",
    "unitsSoldClicks7d",
    "unitsSoldClicks14d",
    "unitsSoldClicks30d",
    "unitsSoldSameSku1d",
    "unitsSoldSameSku7d",
    "unitsSoldSameSku14d",
    "unitsSoldSameSku30d",
    "acosClicks7d",
    "acosClicks14d",
    "roasClicks7d",
    "roasClicks14d",
  ],
  spCampaigns: ["adGroupId", "adGroupName"],
  spTargeting: [
    "adGroupId",
    "adGroupName",
    "keywordId",
    "keyword",
    "matchType",
    "keywordType",
    "keywordBid",
    "targeting",
    "adKeywordStatus",
  ],
} as const;

interface Acc {
  key: string;
  day: string;
  campaignId: string;
  adGroupId?: string;
  entityId?: string;
  entityType?: string;
  impressions: number;
  clicks: number;
  spend: number;
  orders: number;
  sales: number;
}

export function* adsRows(
  w: SellerWorld,
  spec: AdsReportSpec,
): Generator<string> {
  const profile = w.adsProfiles.find((p) => p.profileId === spec.profileId);
  const currency = profile?.currencyCode ?? "USD";
  const campaigns = new Map(w.campaigns.map((c) => [c.campaignId, c]));
  const groups = new Map(w.adGroups.map((g) => [g.adGroupId, g]));
  const keywords = new Map(w.keywords.map((k) => [k.keywordId, k]));
  const targets = new Map(w.targets.map((t) => [t.targetId, t]));
  const byAdGroup = spec.reportTypeId === "spCampaigns" &&
    spec.groupBy.includes("adGroup");
  const filters = new Map(
    spec.filters.map((f) => [f.field, new Set(f.values)]),
  );
  const acc = new Map<string, Acc>();
  for (const m of w.adsRowsByProfile.get(spec.profileId) ?? []) {
    if (m.date < spec.startDate || m.date > spec.endDate) continue;
    const entityId = m.keywordId ?? m.campaignId;
    const entityType = m.keywordId === undefined
      ? "campaign"
      : keywords.has(m.keywordId)
      ? "keyword"
      : "target";
    if (spec.reportTypeId === "spTargeting" || byAdGroup) {
      if (entityType === "campaign") continue;
    } else if (entityType !== "campaign") continue;
    const campaign = campaigns.get(m.campaignId);
    const kw = entityType === "keyword" ? keywords.get(entityId) : undefined;
    const tg = entityType === "target" ? targets.get(entityId) : undefined;
    const adGroupId = kw?.adGroupId ?? tg?.adGroupId;
    if (
      filters.get("campaignStatus") &&
      !filters.get("campaignStatus")!.has(campaign?.state ?? "")
    ) continue;
    if (
      filters.get("keywordType") && spec.reportTypeId === "spTargeting" &&
      !filters.get("keywordType")!.has(
        kw ? kw.matchType : "TARGETING_EXPRESSION",
      )
    ) continue;
    const entity = spec.reportTypeId === "spTargeting"
      ? entityId
      : byAdGroup
      ? adGroupId ?? ""
      : m.campaignId;
    const day = spec.timeUnit === "DAILY" ? m.date : "";
    const key = `${entity}|${day}`;
    let a = acc.get(key);
    if (!a) {
      a = {
        key,
        day,
        campaignId: m.campaignId,
        adGroupId,
        entityId,
        entityType,
        impressions: 0,
        clicks: 0,
        spend: 0,
        orders: 0,
        sales: 0,
      };
      acc.set(key, a);
    }
    a.impressions += m.impressions;
    a.clicks += m.clicks;
    a.spend += minorUnits(m.cost, currency);
    a.orders += m.purchases7d;
    a.sales += minorUnits(m.sales7d, currency);
  }
  const num = (minor: number) => raw(decimal(minor, currency));
  yield "[";
  let first = true;
  for (const a of acc.values()) {
    const c = campaigns.get(a.campaignId);
    const g = a.adGroupId ? groups.get(a.adGroupId) : undefined;
    const kw = a.entityType === "keyword"
      ? keywords.get(a.entityId!)
      : undefined;
    const tg = a.entityType === "target" ? targets.get(a.entityId!) : undefined;
    const expression = tg
      ? tg.expression.map((e) =>
        e.value ? `${e.type.toLowerCase()}="${e.value}"` : e.type.toLowerCase()
      ).join(" ")
      : undefined;
    const all: Record<string, unknown> = {
      date: a.day || undefined,
      startDate: spec.startDate,
      endDate: spec.endDate,
      campaignId: raw(a.campaignId),
      campaignName: c?.name,
      campaignStatus: c?.state,
      campaignBudgetAmount: c ? raw(c.budget.budget) : undefined,
      campaignBudgetType: "DAILY",
      campaignBudgetCurrencyCode: currency,
      portfolioId: c?.portfolioId ? raw(c.portfolioId) : null,
      adGroupId: a.adGroupId ? raw(a.adGroupId) : undefined,
      adGroupName: g?.name,
      keywordId: raw(a.entityId!),
      keyword: kw ? kw.keywordText : expression,
      matchType: kw ? kw.matchType : "TARGETING_EXPRESSION",
      keywordType: kw
        ? kw.matchType
        : tg?.expressionType === "AUTO"
        ? "TARGETING_EXPRESSION_PREDEFINED"
        : "TARGETING_EXPRESSION",
      keywordBid: kw ? raw(kw.bid) : tg ? raw(tg.bid) : null,
      targeting: kw ? kw.keywordText : expression,
      adKeywordStatus: kw?.state ?? tg?.state,
      impressions: a.impressions,
      clicks: a.clicks,
      cost: num(a.spend),
      spend: num(a.spend),
      costPerClick: a.clicks ? round2(a.spend / a.clicks / 100) : 0,
      clickThroughRate: a.impressions
        ? Math.round((a.clicks / a.impressions) * 1e6) / 1e4
        : 0,
      acosClicks7d: a.sales ? round2((a.spend / a.sales) * 100) : 0,
      acosClicks14d: a.sales ? round2((a.spend / a.sales) * 100) : 0,
      roasClicks7d: a.spend ? round2(a.sales / a.spend) : 0,
      roasClicks14d: a.spend ? round2(a.sales / a.spend) : 0,
    };
    for (const window of ["1d", "7d", "14d", "30d"]) {
      all[`purchases${window}`] = a.orders;
      all[`purchasesSameSku${window}`] = a.orders;
      all[`sales${window}`] = num(a.sales);
      all[`attributedSalesSameSku${window}`] = num(a.sales);
      all[`unitsSoldClicks${window}`] = a.orders;
      all[`unitsSoldSameSku${window}`] = a.orders;
    }
    const row: Record<string, unknown> = {};
    for (const col of spec.columns) row[col] = all[col] ?? null;
    yield (first ? "" : ",") + stringify(row);
    first = false;
  }
  yield "]";
}
