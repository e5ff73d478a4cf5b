// Advertising API: profiles and the Sponsored Products v3 list operations
// (facts §5.4, §5.5) for campaigns, ad groups, keywords and targets: POST
// with vendor media types, filters in the body, `maxResults` and a
// `nextToken` in the body, `{<entities>, totalResults, nextToken?}` back.
// Profile ids are JSON numbers of up to 16 digits, written exactly (some
// exceed 2^53, as real ones do); entity ids are strings. Budgets and bids
// are JSON numbers in the profile's currency.
import type { Hono } from "hono";
import { raw } from "./_json.ts";
import { json } from "./_http.ts";
import { type AdsCall, adsError, adsRoute } from "./ads_route.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import type { SellerWorld } from "./served_world.ts";
import type {
  SpAdGroup,
  SpCampaign,
  SpKeyword,
  SpTargetingClause,
} from "./world/amazon.ts";

const DAY = 86_400_000;
const MAX_RESULTS = 5000;

const SERVING: Record<string, string> = {
  ENABLED: "CAMPAIGN_STATUS_ENABLED",
  PAUSED: "CAMPAIGN_PAUSED",
  ARCHIVED: "CAMPAIGN_ARCHIVED",
};

/** Entities were created when their campaign started. */
function extended(created: string, updated: string, state: string) {
  return {
    creationDateTime: isoZ(new Date(created)),
    lastUpdateDateTime: isoZ(new Date(updated)),
    servingStatus: SERVING[state] ?? state,
    statusReasons: [],
  };
}

const campaignJson = (x: SpCampaign, ext: boolean) => ({
  campaignId: x.campaignId,
  ...(x.portfolioId ? { portfolioId: x.portfolioId } : {}),
  name: x.name,
  state: x.state,
  targetingType: x.targetingType,
  budget: { budget: raw(x.budget.budget), budgetType: x.budget.budgetType },
  startDate: x.startDate,
  ...(x.endDate ? { endDate: x.endDate } : {}),
  dynamicBidding: { strategy: x.dynamicBidding.strategy, placementBidding: [] },
  ...(ext
    ? {
      extendedData: extended(
        `${x.startDate}T00:00:00Z`,
        x.lastUpdateDateTime,
        x.state,
      ),
    }
    : {}),
});

const adGroupJson = (startOf: (campaignId: string) => string) =>
(
  x: SpAdGroup,
  ext: boolean,
) => ({
  adGroupId: x.adGroupId,
  campaignId: x.campaignId,
  name: x.name,
  state: x.state,
  defaultBid: raw(x.defaultBid),
  ...(ext
    ? {
      extendedData: extended(
        startOf(x.campaignId),
        x.lastUpdateDateTime,
        x.state,
      ),
    }
    : {}),
});

const keywordJson = (startOf: (campaignId: string) => string) =>
(
  x: SpKeyword,
  ext: boolean,
) => ({
  keywordId: x.keywordId,
  adGroupId: x.adGroupId,
  campaignId: x.campaignId,
  keywordText: x.keywordText,
  matchType: x.matchType,
  state: x.state,
  bid: raw(x.bid),
  ...(ext
    ? {
      extendedData: extended(
        startOf(x.campaignId),
        x.lastUpdateDateTime,
        x.state,
      ),
    }
    : {}),
});

const targetJson = (startOf: (campaignId: string) => string) =>
(
  x: SpTargetingClause,
  ext: boolean,
) => ({
  targetId: x.targetId,
  adGroupId: x.adGroupId,
  campaignId: x.campaignId,
  expression: x.expression,
  resolvedExpression: x.expression,
  expressionType: x.expressionType,
  state: x.state,
  bid: raw(x.bid),
  ...(ext
    ? {
      extendedData: extended(
        startOf(x.campaignId),
        x.lastUpdateDateTime,
        x.state,
      ),
    }
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
    w.campaigns.filter((c) => c.profileId === profileId).map((c) =>
      c.campaignId
    ),
  );
}

function startLookup(w: SellerWorld) {
  const m = new Map(w.campaigns.map((c) => [c.campaignId, c.startDate]));
  return (id: string) => `${m.get(id) ?? "2020-01-01"}T00:00:00Z`;
}

const LISTS: ListSpec<never>[] = [
  {
    operation: "listCampaigns",
    path: "/sp/campaigns/list",
    mediaType: "application/vnd.spCampaign.v3+json",
    key: "campaigns",
    allowed: [...COMMON, "portfolioIdFilter", "nameFilter"],
    rows: (w, p) => w.campaigns.filter((c) => c.profileId === p),
    id: (x: SpCampaign) => x.campaignId,
    filters: [
      byInclude<SpCampaign>("stateFilter", (x) => x.state),
      byInclude<SpCampaign>("campaignIdFilter", (x) => x.campaignId),
      byInclude<SpCampaign>("portfolioIdFilter", (x) => x.portfolioId ?? ""),
      byText<SpCampaign>("nameFilter", (x) => x.name),
    ],
    toJson: () => campaignJson,
  } as ListSpec<SpCampaign>,
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
    id: (x: SpAdGroup) => x.adGroupId,
    filters: [
      byInclude<SpAdGroup>("stateFilter", (x) => x.state),
      byInclude<SpAdGroup>("campaignIdFilter", (x) => x.campaignId),
      byInclude<SpAdGroup>("adGroupIdFilter", (x) => x.adGroupId),
      byText<SpAdGroup>("nameFilter", (x) => x.name),
    ],
    toJson: (w) => adGroupJson(startLookup(w)),
  } as ListSpec<SpAdGroup>,
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
      return w.keywords.filter((k) => ids.has(k.campaignId));
    },
    id: (x: SpKeyword) => x.keywordId,
    filters: [
      byInclude<SpKeyword>("stateFilter", (x) => x.state),
      byInclude<SpKeyword>("campaignIdFilter", (x) => x.campaignId),
      byInclude<SpKeyword>("adGroupIdFilter", (x) => x.adGroupId),
      byInclude<SpKeyword>("keywordIdFilter", (x) => x.keywordId),
      byText<SpKeyword>("keywordTextFilter", (x) => x.keywordText),
      (x: SpKeyword, body) =>
        !Array.isArray(body.matchTypeFilter) ||
        (body.matchTypeFilter as string[]).includes(x.matchType),
    ],
    toJson: (w) => keywordJson(startLookup(w)),
  } as ListSpec<SpKeyword>,
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
      return w.targets.filter((t) => ids.has(t.campaignId));
    },
    id: (x: SpTargetingClause) => x.targetId,
    filters: [
      byInclude<SpTargetingClause>("stateFilter", (x) => x.state),
      byInclude<SpTargetingClause>("campaignIdFilter", (x) => x.campaignId),
      byInclude<SpTargetingClause>("adGroupIdFilter", (x) => x.adGroupId),
      byInclude<SpTargetingClause>("targetIdFilter", (x) => x.targetId),
      byInclude<SpTargetingClause>(
        "expressionTypeFilter",
        (x) => x.expressionType,
      ),
    ],
    toJson: (w) => targetJson(startLookup(w)),
  } as ListSpec<SpTargetingClause>,
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
        currencyCode: p.currencyCode,
        dailyBudget: raw("999999999.00"),
        timezone: p.timezone,
        accountInfo: { ...p.accountInfo, validPaymentMethod: true },
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
