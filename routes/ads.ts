// /ads (Data Policy §4: advertising delivery and budget control, keyword and
// campaign analysis): the drill-down profile → campaigns → ad groups →
// keywords and product targets, the campaign and keyword pages with their
// budget and bid history, the keyword list, Brand Analytics search terms,
// and the two CSV exports. Every filter, the period, the sort and the page
// are in the URL; a store that is not granted, or another store's campaign
// or keyword, is a 404.
import { Hono } from "hono";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { z } from "zod";
import type { Database } from "../db/client.ts";
import { marketplaceCountry } from "../lib/ads/country.ts";
import {
  CAMPAIGN_SORTS,
  type CampaignFilter,
  type CampaignQuery,
  campaignQuerySchema,
  PAGE_SIZES,
} from "../lib/ads/campaigns.ts";
import {
  AD_STATES,
  ATTRIBUTION_DAYS,
  CAMPAIGN_TYPES,
  defaultDir,
  TARGETING_TYPES,
} from "../lib/ads/common.ts";
import { campaignScreen, targetingScreen } from "../lib/ads/detail.ts";
import { AdsExportError, exportAdsCsv } from "../lib/ads/export.ts";
import { type MarketFreshness, summarize } from "../lib/ads/freshness.ts";
import { campaignsScreen, targetingListScreen } from "../lib/ads/screen.ts";
import {
  SearchTermsForbidden,
  searchTermsScreen,
  TERM_PERIODS,
  TERM_SORTS,
  termDefaultDir,
  type TermFilter,
  termQuerySchema,
} from "../lib/ads/search_terms.ts";
import {
  MATCH_TYPES,
  TARGETING_KINDS,
  TARGETING_SORTS,
  type TargetingFilter,
  type TargetingKind,
  type TargetingQuery,
  targetingQuerySchema,
} from "../lib/ads/targeting.ts";
import {
  type Period,
  PERIOD_PRESETS,
  resolvePeriod,
} from "../lib/products/list.ts";
import { AdsExportRefused, type FreshnessView } from "../views/ads/_parts.tsx";
import { CampaignPage, KeywordPage } from "../views/ads/campaign.tsx";
import { CampaignsPage } from "../views/ads/campaigns.tsx";
import { KeywordsPage } from "../views/ads/keywords.tsx";
import { adsCatalogue } from "../views/ads/messages.ts";
import { SearchTermsPage } from "../views/ads/search_terms.tsx";
import { csvDownload, exportRefusal } from "./csv_response.ts";
import {
  readerZone,
  requestMeta,
  requirePrincipal,
  selectedStoreIds,
} from "./context.ts";
import { page } from "./page.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AD_ID = /^\d{1,20}$/;

type Said = { from?: string; to?: string; days?: number };

/** The period of a parsed query; null when it is not one. */
function periodOf(q: Said | null, now: Date): Period | null {
  return q ? resolvePeriod(q, now) : null;
}

/** The period as the URL says it (explicit dates stay explicit). */
function periodParams(params: URLSearchParams, period: Period, said: Said) {
  if (said.from || said.to) {
    params.set("from", period.from);
    params.set("to", period.to);
  } else if (said.days) params.set("days", String(said.days));
}

/** The presets as links to `path` with `query` (no period) kept. */
function presetLinks(path: string, query: URLSearchParams, said: Said) {
  return PERIOD_PRESETS.map((days) => {
    const q = new URLSearchParams(query);
    q.delete("from");
    q.delete("to");
    q.set("days", String(days));
    return {
      days,
      href: `${path}?${q}`,
      current: !said.from && !said.to && (said.days ?? 30) === days,
    };
  });
}

function freshView(markets: MarketFreshness[]): FreshnessView {
  return { ...summarize(markets), profiles: markets.length > 0 };
}

/** A store of the path the principal may open, or a 404. */
function storeOfPath(c: Context): string {
  const principal = requirePrincipal(c);
  const storeId = (c.req.param("storeId") ?? "").toLowerCase();
  if (!UUID.test(storeId) || !principal.storeIds.includes(storeId)) {
    throw new HTTPException(404);
  }
  return storeId;
}

/**
 * What both advertising lists read from the URL: the stores, the query
 * (null when it or its period is refused: the page then says so and shows
 * the defaults), the period and the sort.
 */
function readListQuery<
  Q extends {
    from?: string;
    to?: string;
    days?: number;
    sort?: string;
  },
>(c: Context, schema: z.ZodType<Q>) {
  const storeIds = selectedStoreIds(c);
  const store = c.req.query("store") ? storeIds[0] : "";
  const parsed = schema.safeParse(c.req.query());
  let query = parsed.success ? parsed.data : null;
  const now = new Date();
  let period = periodOf(query, now);
  if (period === null) query = null;
  period ??= resolvePeriod({}, now)!;
  const q = query ?? schema.parse({});
  // Both lists sort by spend unless told otherwise.
  const sort = (q.sort ?? "spend") as NonNullable<Q["sort"]>;
  const said: Said = query ? { from: q.from, to: q.to, days: q.days } : {};
  return { query, q, store, said, storeIds, period, sort };
}

// ── The campaign list ──────────────────────────────────────────────────────

function readCampaigns(c: Context): {
  query: CampaignQuery | null;
  filter: CampaignFilter;
  store: string;
  said: Said;
} {
  const { query, q, store, said, storeIds, period, sort } = readListQuery(
    c,
    campaignQuerySchema,
  );
  return {
    query,
    store,
    said,
    filter: {
      storeIds,
      profile: q.profile,
      state: q.state,
      type: q.type,
      targeting: q.targeting,
      period,
      q: q.q,
      sort,
      dir: q.dir ?? defaultDir(sort),
    },
  };
}

function campaignParams(
  store: string,
  f: CampaignFilter,
  said: Said,
  extra: Record<string, string> = {},
): URLSearchParams {
  const params = new URLSearchParams();
  const add = (k: string, v: string | undefined) => v && params.set(k, v);
  add("store", store);
  add("profile", f.profile);
  add("state", f.state);
  add("type", f.type);
  add("targeting", f.targeting);
  periodParams(params, f.period, said);
  add("q", f.q);
  if (f.sort !== "spend") params.set("sort", f.sort);
  if (f.dir !== defaultDir(f.sort)) params.set("dir", f.dir);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params;
}

// ── The keyword list ───────────────────────────────────────────────────────

function readTargeting(c: Context): {
  query: TargetingQuery | null;
  filter: TargetingFilter;
  store: string;
  said: Said;
} {
  const { query, q, store, said, storeIds, period, sort } = readListQuery(
    c,
    targetingQuerySchema,
  );
  return {
    query,
    store,
    said,
    filter: {
      storeIds,
      campaign: q.campaign,
      adGroup: q.adGroup,
      kind: q.kind,
      state: q.state,
      match: q.match,
      period,
      q: q.q,
      sort,
      dir: q.dir ?? defaultDir(sort),
    },
  };
}

function targetingParams(
  store: string,
  f: TargetingFilter,
  said: Said,
  extra: Record<string, string> = {},
): URLSearchParams {
  const params = new URLSearchParams();
  const add = (k: string, v: string | undefined) => v && params.set(k, v);
  add("store", store);
  add("campaign", f.campaign);
  add("adGroup", f.adGroup);
  add("kind", f.kind);
  add("state", f.state);
  add("match", f.match);
  periodParams(params, f.period, said);
  add("q", f.q);
  if (f.sort !== "spend") params.set("sort", f.sort);
  if (f.dir !== defaultDir(f.sort)) params.set("dir", f.dir);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params;
}

const periodQuery = (p: Period) => `from=${p.from}&to=${p.to}`;

/** `/ads…`: the drill-down, the search terms and the exports. */
export function adsRoutes(deps: { db: Database; kv: Deno.Kv }): Hono {
  const { db } = deps;
  const app = new Hono();

  app.get("/ads", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store, said } = readCampaigns(c);
    const size = query?.size ?? 50;
    const screen = await campaignsScreen(db, principal, filter, {
      size,
      after: query?.after,
      before: query?.before,
    });
    c.set(
      "visibleStores",
      () =>
        Promise.resolve(screen.stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const names = new Map(screen.stores.map((s) => [s.id, s.name]));
    const withSize: Record<string, string> = size === 50
      ? {}
      : { size: String(size) };
    const fq = campaignParams(store, filter, said, withSize).toString();
    const pq = periodQuery(filter.period);
    return page(
      c,
      adsCatalogue.t(lang, "ads.title"),
      CampaignsPage({
        lang,
        filter: {
          store,
          profile: filter.profile ?? "",
          state: filter.state ?? "",
          type: filter.type ?? "",
          targeting: filter.targeting ?? "",
          from: filter.period.from,
          to: filter.period.to,
          q: filter.q ?? "",
          sort: filter.sort,
          dir: filter.dir,
          size,
        },
        stores: screen.stores.filter((s) => principal.storeIds.includes(s.id)),
        profileChoices: screen.profiles.map((p) => ({
          id: p.profileId,
          label: `${names.get(p.storeId) ?? p.storeId} · ${p.countryCode}`,
        })),
        states: AD_STATES,
        types: CAMPAIGN_TYPES,
        targetings: TARGETING_TYPES,
        sorts: CAMPAIGN_SORTS,
        sizes: PAGE_SIZES,
        presets: presetLinks(
          "/ads",
          campaignParams(store, filter, {}),
          said,
        ),
        profiles: screen.profiles.map((p) => ({
          storeName: names.get(p.storeId) ?? p.storeId,
          countryCode: p.countryCode,
          accountName: p.accountName,
          campaigns: p.campaigns,
          figures: p.figures,
          href: `/ads?${
            campaignParams(p.storeId, { ...filter, profile: p.profileId }, said)
          }`,
        })),
        rows: screen.page.rows.map((r) => ({
          ...r,
          storeName: names.get(r.storeId) ?? r.storeId,
          attributionDays: ATTRIBUTION_DAYS[r.campaignType],
          href: `/ads/campaigns/${r.storeId}/${r.campaignId}?${pq}`,
          key: `${r.storeId}/${r.campaignId}`,
        })),
        totals: screen.totals,
        fresh: freshView(screen.freshness),
        nextQuery: screen.page.next
          ? campaignParams(store, filter, said, {
            ...withSize,
            after: screen.page.next,
          }).toString()
          : null,
        prevQuery: screen.page.prev
          ? campaignParams(store, filter, said, {
            ...withSize,
            before: screen.page.prev,
          }).toString()
          : null,
        filterQuery: fq,
        filtered: campaignParams("", filter, {}).toString() !== "" ||
          store !== "",
        badFilter: query === null,
        canExport: principal.permissions.has("export.csv"),
        frozen: screen.frozen,
        canSearchTerms: principal.permissions.has("reports.read"),
      }),
      query === null ? 400 : 200,
    );
  });

  /** A CSV export, or the page that says why it may not run. */
  const exportCsv = async (
    c: Context,
    request: Parameters<typeof exportAdsCsv>[2],
    back: string,
    name: string,
  ) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    // The period the rows cover, named even when the URL left it default.
    request.describe.from = request.filter.period.from;
    request.describe.to = request.filter.period.to;
    let csv: AsyncIterable<string>;
    try {
      csv = await exportAdsCsv(deps, principal, request, requestMeta(c));
    } catch (err) {
      if (!(err instanceof AdsExportError)) throw err;
      const { status, minutes } = exportRefusal(c, err);
      return page(
        c,
        adsCatalogue.t(lang, "ads.title"),
        AdsExportRefused({ lang, code: err.code, minutes, back }),
        status,
      );
    }
    return csvDownload(c, name, csv);
  };

  app.get("/ads.csv", async (c) => {
    const { query, filter, store, said } = readCampaigns(c);
    if (query === null) throw new HTTPException(400);
    const params = campaignParams(store, filter, said);
    return await exportCsv(
      c,
      {
        list: "campaigns",
        filter,
        describe: Object.fromEntries(params),
      },
      `/ads?${params}`,
      "ad-campaigns",
    );
  });

  app.get("/ads/keywords.csv", async (c) => {
    const { query, filter, store, said } = readTargeting(c);
    if (query === null) throw new HTTPException(400);
    const params = targetingParams(store, filter, said);
    return await exportCsv(
      c,
      { list: "keywords", filter, describe: Object.fromEntries(params) },
      `/ads/keywords?${params}`,
      "ad-keywords",
    );
  });

  app.get("/ads/keywords", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const { query, filter, store, said } = readTargeting(c);
    const size = query?.size ?? 50;
    const screen = await targetingListScreen(db, principal, filter, {
      size,
      after: query?.after,
      before: query?.before,
    });
    c.set(
      "visibleStores",
      () =>
        Promise.resolve(screen.stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const names = new Map(screen.stores.map((s) => [s.id, s.name]));
    const withSize: Record<string, string> = size === 50
      ? {}
      : { size: String(size) };
    const pq = periodQuery(filter.period);
    return page(
      c,
      adsCatalogue.t(lang, "ads.keywords.title"),
      KeywordsPage({
        lang,
        filter: {
          store,
          campaign: filter.campaign ?? "",
          adGroup: filter.adGroup ?? "",
          kind: filter.kind ?? "",
          state: filter.state ?? "",
          match: filter.match ?? "",
          from: filter.period.from,
          to: filter.period.to,
          q: filter.q ?? "",
          sort: filter.sort,
          dir: filter.dir,
          size,
        },
        stores: screen.stores.filter((s) => principal.storeIds.includes(s.id)),
        kinds: TARGETING_KINDS,
        states: AD_STATES,
        matches: MATCH_TYPES,
        sorts: TARGETING_SORTS,
        sizes: PAGE_SIZES,
        presets: presetLinks(
          "/ads/keywords",
          targetingParams(store, filter, {}),
          said,
        ),
        rows: screen.page.rows.map((r) => ({
          ...r,
          key: `${r.storeId}/${r.kind}/${r.id}`,
          storeName: names.get(r.storeId) ?? r.storeId,
          attributionDays: ATTRIBUTION_DAYS[r.campaignType],
          campaignHref: `/ads/campaigns/${r.storeId}/${r.campaignId}?${pq}`,
          href: `/ads/${r.kind}s/${r.storeId}/${r.id}?${pq}`,
        })),
        fresh: freshView(screen.freshness),
        nextQuery: screen.page.next
          ? targetingParams(store, filter, said, {
            ...withSize,
            after: screen.page.next,
          }).toString()
          : null,
        prevQuery: screen.page.prev
          ? targetingParams(store, filter, said, {
            ...withSize,
            before: screen.page.prev,
          }).toString()
          : null,
        filterQuery: targetingParams(store, filter, said, withSize).toString(),
        filtered: targetingParams("", filter, {}).toString() !== "" ||
          store !== "",
        badFilter: query === null,
        canExport: principal.permissions.has("export.csv"),
        frozen: screen.frozen,
      }),
      query === null ? 400 : 200,
    );
  });

  /** The period of a detail page's URL (the default 30 days when wrong). */
  const detailPeriod = (c: Context) => {
    const parsed = campaignQuerySchema.safeParse(c.req.query());
    const now = new Date();
    const said: Said = parsed.success
      ? { from: parsed.data.from, to: parsed.data.to, days: parsed.data.days }
      : {};
    const period = resolvePeriod(said, now);
    return {
      period: period ?? resolvePeriod({}, now)!,
      said,
      ok: parsed.success && period !== null,
    };
  };

  app.get("/ads/campaigns/:storeId/:campaignId", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const storeId = storeOfPath(c);
    const campaignId = c.req.param("campaignId");
    if (!AD_ID.test(campaignId)) throw new HTTPException(404);
    const { period, said, ok } = detailPeriod(c);
    const screen = await campaignScreen(
      db,
      principal,
      storeId,
      campaignId,
      period,
    );
    if (!screen) throw new HTTPException(404);
    c.set(
      "visibleStores",
      () =>
        Promise.resolve(screen.stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    const cmp = screen.campaign;
    const pq = periodQuery(period);
    const path = `/ads/campaigns/${storeId}/${campaignId}`;
    return page(
      c,
      cmp.name,
      CampaignPage({
        lang,
        zone: readerZone(c),
        campaign: {
          ...cmp,
          attributionDays: ATTRIBUTION_DAYS[cmp.campaignType],
          storeName: screen.stores.find((s) => s.id === storeId)?.name ??
            storeId,
        },
        adGroups: screen.adGroups.map((g) => ({
          ...g,
          href:
            `/ads/keywords?store=${storeId}&campaign=${campaignId}&adGroup=${g.adGroupId}&${pq}`,
        })),
        days: screen.days,
        history: screen.history,
        fresh: freshView(screen.freshness),
        presets: presetLinks(path, new URLSearchParams(), said),
        period,
        back: `/ads?store=${storeId}&${pq}`,
        keywordsHref:
          `/ads/keywords?store=${storeId}&campaign=${campaignId}&${pq}`,
      }),
      ok ? 200 : 400,
    );
  });

  const targetingPage = (kind: TargetingKind) => async (c: Context) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    const storeId = storeOfPath(c);
    const id = c.req.param("id") ?? "";
    if (!AD_ID.test(id)) throw new HTTPException(404);
    const { period, said, ok } = detailPeriod(c);
    const screen = await targetingScreen(
      db,
      principal,
      storeId,
      kind,
      id,
      period,
    );
    if (!screen) throw new HTTPException(404);
    const r = screen.row;
    const pq = periodQuery(period);
    const path = `/ads/${kind}s/${storeId}/${id}`;
    return page(
      c,
      r.text,
      KeywordPage({
        lang,
        zone: readerZone(c),
        row: {
          ...r,
          attributionDays: ATTRIBUTION_DAYS[r.campaignType],
          campaignHref: `/ads/campaigns/${storeId}/${r.campaignId}?${pq}`,
        },
        days: screen.days,
        history: screen.history,
        fresh: freshView(screen.freshness),
        presets: presetLinks(path, new URLSearchParams(), said),
        period,
        back:
          `/ads/keywords?store=${storeId}&campaign=${r.campaignId}&adGroup=${r.adGroupId}&${pq}`,
      }),
      ok ? 200 : 400,
    );
  };
  app.get("/ads/keywords/:storeId/:id", targetingPage("keyword"));
  app.get("/ads/targets/:storeId/:id", targetingPage("target"));

  app.get("/ads/search-terms", async (c) => {
    const principal = requirePrincipal(c);
    const lang = c.get("lang");
    // Brand Analytics is reports.read data; bids are ads.read (the route's).
    if (!principal.permissions.has("reports.read")) {
      throw new HTTPException(403);
    }
    const storeIds = selectedStoreIds(c);
    const store = c.req.query("store") ? storeIds[0] : "";
    const parsed = termQuerySchema.safeParse(c.req.query());
    const q = parsed.success ? parsed.data : termQuerySchema.parse({});
    const sort = q.sort ?? "rank";
    const filter: TermFilter = {
      storeIds,
      marketplace: q.marketplace,
      periodKind: q.period,
      from: q.from,
      to: q.to,
      q: q.q,
      bid: q.bid,
      sort,
      dir: q.dir ?? termDefaultDir(sort),
    };
    const params = (extra: Record<string, string> = {}) => {
      const p = new URLSearchParams();
      const add = (k: string, v: string | undefined) => v && p.set(k, v);
      add("store", store);
      add("marketplace", filter.marketplace);
      if (filter.periodKind !== "WEEK") p.set("period", filter.periodKind);
      add("from", filter.from);
      add("to", filter.to);
      add("q", filter.q);
      add("bid", filter.bid);
      if (filter.sort !== "rank") p.set("sort", filter.sort);
      if (filter.dir !== termDefaultDir(filter.sort)) p.set("dir", filter.dir);
      if (q.size !== 50) p.set("size", String(q.size));
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      return p.toString();
    };
    let screen;
    try {
      screen = await searchTermsScreen(db, principal, filter, {
        size: q.size,
        after: q.after,
        before: q.before,
      });
    } catch (err) {
      if (err instanceof SearchTermsForbidden) throw new HTTPException(403);
      throw err;
    }
    const names = new Map(screen.stores.map((s) => [s.id, s.name]));
    c.set(
      "visibleStores",
      () =>
        Promise.resolve(screen.stores.map((s) => ({ id: s.id, name: s.name }))),
    );
    return page(
      c,
      adsCatalogue.t(lang, "ads.terms.title"),
      SearchTermsPage({
        lang,
        filter: {
          store,
          period: filter.periodKind,
          from: filter.from ?? "",
          to: filter.to ?? "",
          q: filter.q ?? "",
          bid: filter.bid ?? "",
          sort: filter.sort,
          dir: filter.dir,
          size: q.size,
        },
        stores: screen.stores.filter((s) => principal.storeIds.includes(s.id)),
        periods: TERM_PERIODS,
        sorts: TERM_SORTS,
        sizes: PAGE_SIZES,
        rows: screen.page.rows.map((r) => ({
          ...r,
          key:
            `${r.storeId}/${r.marketplaceId}/${r.periodStart}/${r.searchTerm}`,
          storeName: names.get(r.storeId) ?? r.storeId,
          countryCode: marketplaceCountry(r.marketplaceId),
          keywords: r.keywords.map((k) => ({
            ...k,
            href: `/ads/keywords/${r.storeId}/${k.keywordId}`,
          })),
        })),
        nextQuery: screen.page.next
          ? params({ after: screen.page.next })
          : null,
        prevQuery: screen.page.prev
          ? params({ before: screen.page.prev })
          : null,
        filterQuery: params(),
        badFilter: !parsed.success,
      }),
      parsed.success ? 200 : 400,
    );
  });

  return app;
}
