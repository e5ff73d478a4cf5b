// Advertising API: profiles and the Sponsored Products v3 list operations
// (facts §5.4, §5.5) for campaigns, ad groups, keywords and targets: POST
// with vendor media types, filters in the body, `maxResults` and a
// `nextToken` in the body, `{<entities>, totalResults, nextToken?}` back.
// Profile ids are JSON numbers of up to 16 digits, written exactly (some
// exceed 2^53, as real ones do); entity ids are strings. Ground truth
// mapping: budgets and bids are numbers in the profile's currency;
// dynamicBidding.strategy is the campaign's biddingStrategy.
import type { Hono } from "hono";
import type {
  AdCampaignRow,
  AdGroupRow,
  AdKeywordRow,
  AdTargetRow,
} from "../lib/ingest/ads.ts";
import { raw } from "./_json.ts";
import { json } from "./_http.ts";
import { type AdsCall, adsError, adsRoute } from "./ads_route.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import type { SellerWorld } from "./served_world.ts";

const DAY = 86_400_000;
const MAX_RESULTS = 5000;

const SERVING: Record<string, string> = {
  ENABLED: "CAMPAIGN_STATUS_ENABLED",
  PAUSED: "CAMPAIGN_PAUSED",
  ARCHIVED: "CAMPAIGN_ARCHIVED",
};

function extended(
  created: string | Date,
  updated: Date | string | null | undefined,
  state: string,
) {
  return {
    creationDateTime: isoZ(new Date(created)),
    lastUpdateDateTime: isoZ(new Date(updated ?? created)),
    servingStatus: SERVING[state] ?? state,
    statusReasons: [],
  };
}

const campaignJson = (x: AdCampaignRow, ext: boolean) => ({
  campaignId: x.campaignId,
  ...(x.portfolioId ? { portfolioId: x.portfolioId } : {}),
  name: x.name,
  state: x.state,
  targetingType: x.targetingType,
  budget: { budget: raw(x.dailyBudget), budgetType: "DAILY" },
  startDate: x.startDate,
  ...(x.endDate ? { endDate: x.endDate } : {}),
  dynamicBidding: { strategy: x.biddingStrategy, placementBidding: [] },
  ...(ext
    ? {
      extendedData: extended(`${x.startDate}T00:00:00Z`, x.updatedAt, x.state),
    }
    : {}),
});

const adGroupJson = (startOf: (campaignId: string) => string) =>
(
  x: AdGroupRow,
  ext: boolean,
) => ({
  adGroupId: x.adGroupId,
  campaignId: x.campaignId,
  name: x.name,
  state: x.state,
  defaultBid: raw(x.defaultBid),
  ...(ext
    ? { extendedData: extended(startOf(x.campaignId), x.updatedAt, x.state) }
    : {}),
});

const keywordJson =
  (startOf: (campaignId: string) => string) =>
  (x: AdKeywordRow, ext: boolean) => ({
    keywordId: x.keywordId,
    adGroupId: x.adGroupId,
    campaignId: x.campaignId,
    keywordText: x.keywordText,
    matchType: x.matchType,
    state: x.state,
    ...(x.bid ? { bid: raw(x.bid) } : {}),
    ...(ext
      ? { extendedData: extended(startOf(x.campaignId), x.updatedAt, x.state) }
      : {}),
  });

const targetJson = (startOf: (campaignId: string) => string) =>
(
  x: AdTargetRow,
  ext: boolean,
) => ({
  targetId: x.targetId,
  adGroupId: x.adGroupId,
  campaignId: x.campaignId,
  expression: x.expression,
  resolvedExpression: x.expression,
  expressionType: x.expressionType,
  state: x.state,
  ...(x.bid ? { bid: raw(x.bid) } : {}),
  ...(ext
    ? { extendedData: extended(startOf(x.campaignId), x.updatedAt, x.state) }
    : {}),
});

type Filter<T> = (row: T, body: Record<string, unknown>) => boolean;

function includes(
  body: Record<string, unknown>,
  key: string,
): string[] | undefined {
  const f = body[key] as { include?: unknown } | undefined;
  return Array.isArray(f?.include) ? f!.include.map(String) : undefined;
}

function byInclude<T>(key: string, field: (row: T) => string): Filter<T> {
  return (row, body) => {
    const list = includes(body, key);
    return !list || list.includes(field(row));
  };
}

function byText<T>(key: string, field: (row: T) => string): Filter<T> {
  return (row, body) => {
    const f = body[key] as
      | { include?: unknown; queryTermMatchType?: string }
      | undefined;
    if (!f || !Array.isArray(f.include)) return true;
    const value = field(row).toLowerCase();
    return f.include.some((t) =>
      f.queryTermMatchType === "EXACT_MATCH"
        ? value === String(t).toLowerCase()
        : value.includes(String(t).toLowerCase())
    );
  };
}

interface ListSpec<T> {
  operation: string;
  path: string;
  mediaType: string;
  key: string;
  allowed: string[];
  rows: (w: SellerWorld, profileId: string) => T[];
  id: (row: T) => string;
  filters: Filter<T>[];
  toJson: (w: SellerWorld) => (row: T, extended: boolean) => unknown;
}

const COMMON = [
  "maxResults",
  "nextToken",
  "includeExtendedDataFields",
  "stateFilter",
  "campaignIdFilter",
  "locale",
];

function inProfile(w: SellerWorld, profileId: string): Set<string> {
  return new Set(
    w.adCampaigns.filter((c) => c.profileId === profileId).map((c) =>
      c.campaignId
    ),
  );
}

function startLookup(w: SellerWorld) {
  const m = new Map(w.adCampaigns.map((c) => [c.campaignId, c.startDate]));
  return (id: string) => `${m.get(id) ?? "2020-01-01"}T00:00:00Z`;
}

const LISTS: ListSpec<never>[] = [
  {
    operation: "listCampaigns",
    path: "/sp/campaigns/list",
    mediaType: "application/vnd.spCampaign.v3+json",
    key: "campaigns",
    allowed: [...COMMON, "portfolioIdFilter", "nameFilter"],
    rows: (w, p) => w.adCampaigns.filter((c) => c.profileId === p),
    id: (x: AdCampaignRow) => x.campaignId,
    filters: [
      byInclude<AdCampaignRow>("stateFilter", (x) => x.state),
      byInclude<AdCampaignRow>("campaignIdFilter", (x) => x.campaignId),
      byInclude<AdCampaignRow>("portfolioIdFilter", (x) => x.portfolioId ?? ""),
      byText<AdCampaignRow>("nameFilter", (x) => x.name),
    ],
    toJson: () => campaignJson,
  } as ListSpec<AdCampaignRow>,
  {
    operation: "listAdGroups",
    path: "/sp/adGroups/list",
    mediaType: "application/vnd.spAdGroup.v3+json",
    key: "adGroups",
    allowed: [
      ...COMMON,
      "adGroupIdFilter",
      "nameFilter",
      "campaignTargetingTypeFilter",
    ],
    rows: (w, p) => {
      const ids = inProfile(w, p);
      return w.adGroups.filter((g) => ids.has(g.campaignId));
    },
    id: (x: AdGroupRow) => x.adGroupId,
    filters: [
      byInclude<AdGroupRow>("stateFilter", (x) => x.state),
      byInclude<AdGroupRow>("campaignIdFilter", (x) => x.campaignId),
      byInclude<AdGroupRow>("adGroupIdFilter", (x) => x.adGroupId),
      byText<AdGroupRow>("nameFilter", (x) => x.name),
    ],
    toJson: (w) => adGroupJson(startLookup(w)),
  } as ListSpec<AdGroupRow>,
  {
    operation: "listKeywords",
    path: "/sp/keywords/list",
    mediaType: "application/vnd.spKeyword.v3+json",
    key: "keywords",
    allowed: [
      ...COMMON,
      "adGroupIdFilter",
      "keywordIdFilter",
      "keywordTextFilter",
      "matchTypeFilter",
    ],
    rows: (w, p) => {
      const ids = inProfile(w, p);
      return w.adKeywords.filter((k) => ids.has(k.campaignId));
    },
    id: (x: AdKeywordRow) => x.keywordId,
    filters: [
      byInclude<AdKeywordRow>("stateFilter", (x) => x.state),
      byInclude<AdKeywordRow>("campaignIdFilter", (x) => x.campaignId),
      byInclude<AdKeywordRow>("adGroupIdFilter", (x) => x.adGroupId),
      byInclude<AdKeywordRow>("keywordIdFilter", (x) => x.keywordId),
      byText<AdKeywordRow>("keywordTextFilter", (x) => x.keywordText),
      (x: AdKeywordRow, body) =>
        !Array.isArray(body.matchTypeFilter) ||
        (body.matchTypeFilter as string[]).includes(x.matchType),
    ],
    toJson: (w) => keywordJson(startLookup(w)),
  } as ListSpec<AdKeywordRow>,
  {
    operation: "listTargets",
    path: "/sp/targets/list",
    mediaType: "application/vnd.spTargetingClause.v3+json",
    key: "targetingClauses",
    allowed: [
      ...COMMON,
      "adGroupIdFilter",
      "targetIdFilter",
      "expressionTypeFilter",
    ],
    rows: (w, p) => {
      const ids = inProfile(w, p);
      return w.adTargets.filter((t) => ids.has(t.campaignId));
    },
    id: (x: AdTargetRow) => x.targetId,
    filters: [
      byInclude<AdTargetRow>("stateFilter", (x) => x.state),
      byInclude<AdTargetRow>("campaignIdFilter", (x) => x.campaignId),
      byInclude<AdTargetRow>("adGroupIdFilter", (x) => x.adGroupId),
      byInclude<AdTargetRow>("targetIdFilter", (x) => x.targetId),
      byInclude<AdTargetRow>("expressionTypeFilter", (x) => x.expressionType),
    ],
    toJson: (w) => targetJson(startLookup(w)),
  } as ListSpec<AdTargetRow>,
] as unknown as ListSpec<never>[];

function listHandler<T>(spec: ListSpec<T>) {
  return ({ env, body, seller, profile, now }: AdsCall): Response => {
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !spec.allowed.includes(k));
    if (unknown.length) {
      return adsError(
        400,
        "INVALID_ARGUMENT",
        `Unknown field(s) in the request body: ${unknown.join(", ")}.`,
      );
    }
    const max = b.maxResults === undefined ? MAX_RESULTS : Number(b.maxResults);
    if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS) {
      return adsError(
        400,
        "INVALID_ARGUMENT",
        `maxResults must be an integer from 1 to ${MAX_RESULTS}.`,
      );
    }
    const w = seller.world();
    const { nextToken, maxResults: _, ...fixed } = b;
    const hash = paramsHash(
      Object.fromEntries(
        Object.entries(fixed).map(([k, v]) => [k, JSON.stringify(v)]),
      ),
    );
    let offset = 0;
    if (nextToken !== undefined && nextToken !== null) {
      const state = env.codec.decode(String(nextToken), {
        s: `${seller.sellerId}:${profile!.profileId}`,
        o: spec.operation,
        h: hash,
        now,
        ttlMs: DAY,
      });
      if (typeof state === "string") {
        return adsError(400, "INVALID_ARGUMENT", "Invalid nextToken.");
      }
      offset = state.k as number;
    }
    const all = spec.rows(w, profile!.profileId).filter((row) =>
      spec.filters.every((f) => f(row, b))
    ).sort((x, y) => spec.id(x) < spec.id(y) ? -1 : 1);
    const toJson = spec.toJson(w);
    const ext = b.includeExtendedDataFields === true;
    const out: Record<string, unknown> = {
      [spec.key]: all.slice(offset, offset + max).map((row) =>
        toJson(row, ext)
      ),
      totalResults: all.length,
    };
    if (offset + max < all.length) {
      out.nextToken = env.codec.encode({
        s: `${seller.sellerId}:${profile!.profileId}`,
        o: spec.operation,
        h: hash,
        t: now,
        k: offset + max,
      });
    }
    return json(200, out, { "content-type": spec.mediaType });
  };
}

/** Registers /v2/profiles and the SP v3 list operations. */
export function adsRoutes(app: Hono, env: SandboxEnv): void {
  adsRoute(app, env, "GET", "/v2/profiles", "listProfiles", { scope: false }, ({
    seller,
  }) =>
    json(
      200,
      seller.adsProfiles.map((p) => ({
        profileId: raw(p.profileId),
        countryCode: p.countryCode,
        currencyCode: p.currency,
        dailyBudget: raw("999999999.00"),
        timezone: p.timezone,
        accountInfo: {
          marketplaceStringId: p.marketplaceId,
          id: seller.sellerId,
          type: p.accountType,
          name: p.accountName,
          validPaymentMethod: true,
        },
      })),
    ));

  for (const spec of LISTS) {
    adsRoute(
      app,
      env,
      "POST",
      spec.path,
      spec.operation,
      { scope: true, mediaType: spec.mediaType, body: true },
      listHandler(spec),
    );
  }
}
