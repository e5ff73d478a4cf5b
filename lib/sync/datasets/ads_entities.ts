// Advertising entities (Data Policy §3: advertising data): the store's own
// Ads profiles (GET /v2/profiles, kept only for its seller account and
// registered marketplaces, as at authorization), then per profile the
// Sponsored Products v3 campaigns, ad groups, keywords and targets (POST
// /sp/{entity}/list with `nextToken` in the body), every state included.
// The list operations have no "changed since" filter, so each run is a full
// read written page by page; a crash mid-way is completed by the next run,
// which rewrites the same rows. Budgets and bids also keep their observed
// history (ads_history.ts).
import { z } from "zod";
import { type AdsClient, createAdsClient } from "../../amazon/ads_client.ts";
import { StoreNotConnectedError } from "../../amazon/access_tokens.ts";
import {
  adCampaigns,
  adGroups,
  adKeywords,
  adTargets,
} from "../../../db/schema.ts";
import {
  type AdCampaignRow,
  type AdGroupRow,
  type AdKeywordRow,
  type AdProfileRow,
  type AdTargetRow,
  upsertAdCampaigns,
  upsertAdGroups,
  upsertAdKeywords,
  upsertAdProfiles,
  upsertAdTargets,
} from "../../ingest/ads.ts";
import type { WriteResult } from "../../ingest/_upsert.ts";
import type { Tx } from "../../../db/client.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { validRows } from "../validate.ts";
import { type TrackedValue, writeWithHistory } from "./ads_history.ts";

const id = z.union([z.string().regex(/^\d+$/), z.number().int().min(0)])
  .transform(String);
const state = z.enum(["ENABLED", "PAUSED", "ARCHIVED"]);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
/** Budgets and bids: numbers in the profile's currency. */
const money = z.number().finite().min(0).transform((n) => n.toFixed(4));
const extended = z.object({
  lastUpdateDateTime: z.string().refine((s) => !Number.isNaN(Date.parse(s)))
    .optional(),
}).optional();
const updatedAt = (e: z.infer<typeof extended>, at: Date) =>
  e?.lastUpdateDateTime ? new Date(e.lastUpdateDateTime) : at;

const profileSchema = z.object({
  profileId: id,
  countryCode: z.string().length(2),
  currencyCode: z.string().length(3),
  timezone: z.string().min(1),
  accountInfo: z.object({
    marketplaceStringId: z.string().min(1),
    id: z.string().min(1),
    type: z.string().min(1),
    name: z.string().optional(),
  }),
});

const campaign = z.object({
  campaignId: id,
  portfolioId: id.optional().nullable(),
  name: z.string().min(1),
  state,
  targetingType: z.enum(["AUTO", "MANUAL"]),
  budget: z.object({ budget: money }),
  startDate: day,
  endDate: day.optional().nullable(),
  dynamicBidding: z.object({ strategy: z.string().optional() }).optional(),
  extendedData: extended,
});
const adGroup = z.object({
  adGroupId: id,
  campaignId: id,
  name: z.string().min(1),
  state,
  defaultBid: money,
  extendedData: extended,
});
const keyword = z.object({
  keywordId: id,
  adGroupId: id,
  campaignId: id,
  keywordText: z.string().min(1),
  matchType: z.enum(["EXACT", "PHRASE", "BROAD"]),
  state,
  bid: money.optional().nullable(),
  extendedData: extended,
});
const target = z.object({
  targetId: id,
  adGroupId: id,
  campaignId: id,
  expressionType: z.enum(["AUTO", "MANUAL"]),
  expression: z.array(
    z.object({ type: z.string().min(1), value: z.string().optional() }),
  ),
  state,
  bid: money.optional().nullable(),
  extendedData: extended,
});

/**
 * The store's own Ads profiles: seller profiles of its seller account in
 * its registered marketplaces (Data Policy §2). Null without an Ads
 * authorization.
 */
export async function ownAdsProfiles(
  ctx: SyncContext,
  ads: AdsClient,
): Promise<AdProfileRow[] | null> {
  let body: unknown;
  try {
    body = (await ads.call<unknown>({
      storeId: ctx.store.storeId,
      region: ctx.store.region,
      operation: "listProfiles",
      path: "/v2/profiles",
    })).body;
  } catch (err) {
    if (err instanceof StoreNotConnectedError) return null;
    throw err;
  }
  ctx.page();
  const markets = new Set(ctx.store.marketplaceIds);
  return validRows(
    ctx,
    profileSchema,
    Array.isArray(body) ? body : [],
    "listProfiles",
  ).filter((p) =>
    p.accountInfo.type === "seller" &&
    p.accountInfo.id === ctx.store.sellerId &&
    markets.has(p.accountInfo.marketplaceStringId)
  ).map((p) => ({
    storeId: ctx.store.storeId,
    profileId: p.profileId,
    marketplaceId: p.accountInfo.marketplaceStringId,
    countryCode: p.countryCode,
    currency: p.currencyCode,
    timezone: p.timezone,
    accountType: p.accountInfo.type,
    accountName: p.accountInfo.name ?? null,
  }));
}

/** One SP v3 list operation and how its records become rows. */
interface EntityList<S extends z.ZodType> {
  operation: string;
  path: string;
  mediaType: string;
  key: string;
  schema: S;
  write: (
    tx: Tx,
    rows: z.infer<S>[],
    p: AdProfileRow,
    at: Date,
  ) => Promise<WriteResult>;
}

const list = <S extends z.ZodType>(l: EntityList<S>) => l;

// The budgets and bids whose history is kept (ads_history.ts).
const CAMPAIGN_BUDGET: TrackedValue<AdCampaignRow> = {
  entityType: "campaign",
  field: "daily_budget",
  table: adCampaigns,
  id: adCampaigns.campaignId,
  value: adCampaigns.dailyBudget,
  idOf: (r) => r.campaignId,
  valueOf: (r) => r.dailyBudget,
};
const AD_GROUP_BID: TrackedValue<AdGroupRow> = {
  entityType: "ad_group",
  field: "default_bid",
  table: adGroups,
  id: adGroups.adGroupId,
  value: adGroups.defaultBid,
  idOf: (r) => r.adGroupId,
  valueOf: (r) => r.defaultBid,
};
const KEYWORD_BID: TrackedValue<AdKeywordRow> = {
  entityType: "keyword",
  field: "bid",
  table: adKeywords,
  id: adKeywords.keywordId,
  value: adKeywords.bid,
  idOf: (r) => r.keywordId,
  valueOf: (r) => r.bid ?? null,
};
const TARGET_BID: TrackedValue<AdTargetRow> = {
  entityType: "target",
  field: "bid",
  table: adTargets,
  id: adTargets.targetId,
  value: adTargets.bid,
  idOf: (r) => r.targetId,
  valueOf: (r) => r.bid ?? null,
};

const LISTS = [
  list({
    operation: "listCampaigns",
    path: "/sp/campaigns/list",
    mediaType: "application/vnd.spCampaign.v3+json",
    key: "campaigns",
    schema: campaign,
    write: (tx, rows, p, at) =>
      writeWithHistory(
        tx,
        CAMPAIGN_BUDGET,
        rows.map((c) => ({
          storeId: p.storeId,
          campaignId: c.campaignId,
          profileId: p.profileId,
          name: c.name,
          state: c.state,
          targetingType: c.targetingType,
          dailyBudget: c.budget.budget,
          currency: p.currency,
          biddingStrategy: c.dynamicBidding?.strategy ?? null,
          portfolioId: c.portfolioId ?? null,
          startDate: c.startDate,
          endDate: c.endDate ?? null,
          updatedAt: updatedAt(c.extendedData, at),
        })),
        at,
        upsertAdCampaigns,
      ),
  }),
  list({
    operation: "listAdGroups",
    path: "/sp/adGroups/list",
    mediaType: "application/vnd.spAdGroup.v3+json",
    key: "adGroups",
    schema: adGroup,
    write: (tx, rows, p, at) =>
      writeWithHistory(
        tx,
        AD_GROUP_BID,
        rows.map((g) => ({
          storeId: p.storeId,
          adGroupId: g.adGroupId,
          campaignId: g.campaignId,
          name: g.name,
          state: g.state,
          defaultBid: g.defaultBid,
          currency: p.currency,
          updatedAt: updatedAt(g.extendedData, at),
        })),
        at,
        upsertAdGroups,
      ),
  }),
  list({
    operation: "listKeywords",
    path: "/sp/keywords/list",
    mediaType: "application/vnd.spKeyword.v3+json",
    key: "keywords",
    schema: keyword,
    write: (tx, rows, p, at) =>
      writeWithHistory(
        tx,
        KEYWORD_BID,
        rows.map((k) => ({
          storeId: p.storeId,
          keywordId: k.keywordId,
          adGroupId: k.adGroupId,
          campaignId: k.campaignId,
          keywordText: k.keywordText,
          matchType: k.matchType,
          state: k.state,
          // No bid: the ad group's default bid applies.
          bid: k.bid ?? null,
          currency: p.currency,
          updatedAt: updatedAt(k.extendedData, at),
        })),
        at,
        upsertAdKeywords,
      ),
  }),
  list({
    operation: "listTargets",
    path: "/sp/targets/list",
    mediaType: "application/vnd.spTargetingClause.v3+json",
    key: "targetingClauses",
    schema: target,
    write: (tx, rows, p, at) =>
      writeWithHistory(
        tx,
        TARGET_BID,
        rows.map((t) => ({
          storeId: p.storeId,
          targetId: t.targetId,
          adGroupId: t.adGroupId,
          campaignId: t.campaignId,
          expressionType: t.expressionType,
          expression: t.expression,
          state: t.state,
          bid: t.bid ?? null,
          currency: p.currency,
          updatedAt: updatedAt(t.extendedData, at),
        })),
        at,
        upsertAdTargets,
      ),
  }),
];

/** Pages per list: Amazon documents no maximum above 100 for every entity. */
const PAGE_SIZE = 100;

async function syncList<S extends z.ZodType>(
  ctx: SyncContext,
  ads: AdsClient,
  profile: AdProfileRow,
  l: EntityList<S>,
) {
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (let n = 1;; n++) {
    const page = await ads.call<Record<string, unknown>>({
      storeId: ctx.store.storeId,
      region: ctx.store.region,
      operation: l.operation,
      method: "POST",
      path: l.path,
      profileId: profile.profileId,
      mediaType: l.mediaType,
      body: {
        stateFilter: { include: ["ENABLED", "PAUSED", "ARCHIVED"] },
        includeExtendedDataFields: true,
        maxResults: PAGE_SIZE,
        ...(nextToken ? { nextToken } : {}),
      },
    });
    ctx.page();
    const records = page.body[l.key];
    const rows = validRows(
      ctx,
      l.schema,
      Array.isArray(records) ? records : [],
      `${l.operation} ${profile.profileId} page ${n}`,
    );
    if (rows.length) {
      const at = ctx.now();
      await ctx.write((tx) => l.write(tx, rows, profile, at));
    }
    const next = page.body.nextToken;
    if (typeof next !== "string" || next === "") return;
    if (seen.has(next)) {
      throw new Error(`Ads ${l.operation} returned a nextToken twice`);
    }
    seen.add(next);
    nextToken = next;
  }
}

export const adsEntitiesDataset: Dataset = {
  name: "ads_entities",
  api: "ads",
  schedule: "20 2 * * *",
  async run(ctx) {
    const ads = createAdsClient(ctx.amazon);
    const profiles = await ownAdsProfiles(ctx, ads);
    if (profiles === null) {
      ctx.empty("no_ads_profile", "the store has no Ads API authorization");
      return;
    }
    if (profiles.length === 0) {
      ctx.empty("no_ads_profile");
      return;
    }
    await ctx.write((tx) => upsertAdProfiles(tx, profiles));
    const total = profiles.length * LISTS.length;
    for (const [i, p] of profiles.entries()) {
      for (const [j, l] of LISTS.entries()) {
        ctx.progress({
          step: `${p.marketplaceId} ${l.key}`,
          done: i * LISTS.length + j,
          total,
        });
        await syncList(ctx, ads, p, l as EntityList<z.ZodType>);
      }
    }
    ctx.progress({ done: total, total });
  },
};
