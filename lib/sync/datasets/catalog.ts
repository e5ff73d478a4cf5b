// Catalog and listings (Data Policy §3: product data; §5: only the store's
// own SKUs and ASINs): the store's listings per marketplace through
// searchListingsItems (Listings Items 2021-08-01), sorted by lastUpdatedDate
// ascending, 20 per page, and the catalog records of exactly their ASINs
// through searchCatalogItems (Catalog Items 2022-04-01, 20 ASINs a call).
// Each page is written with its products and the marketplace's cursor (the
// lastUpdatedDate high-water mark) in one transaction, so a crash resumes
// at the last page written. Later runs read only listings updated since the
// mark; every FULL_PASS_DAYS a full pass refreshes the catalog records,
// which change without touching the listing.
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { listings } from "../../../db/schema.ts";
import { paginate } from "../../amazon/sp_client.ts";
import { addResult } from "../../ingest/_upsert.ts";
import {
  type ListingRow,
  type ProductRow,
  upsertListings,
  upsertProducts,
} from "../../ingest/catalog.ts";
import type { Dataset, SyncContext } from "../dataset.ts";
import { validRows } from "../validate.ts";

const DAY = 86_400_000;
/** Days between full passes (catalog titles, brands and browse nodes drift). */
export const FULL_PASS_DAYS = 7;
/** Re-read this much before the mark: updates landing during a pass. */
const OVERLAP_MS = 60 * 60_000;
/** The largest page and identifier batch both APIs accept. */
const PAGE = 20;

/** The per-marketplace cursor. */
export interface ListingsCursor {
  /** Greatest lastUpdatedDate written so far in this pass (ISO), or null. */
  since: string | null;
  /** When the current (or last) full pass started (ISO). */
  fullPassAt: string;
  /** The store's primary marketplace when the pass started. */
  primary?: string;
}

const instant = z.iso.datetime({ offset: true });
const decimal = z.union([z.string(), z.number()]).transform(String).pipe(
  z.string().regex(/^-?\d+(\.\d{1,4})?$/, "not a decimal with ≤ 4 places"),
);

const listingSummary = z.object({
  marketplaceId: z.string(),
  asin: z.string().min(1),
  productType: z.string().optional(),
  conditionType: z.string().optional(),
  status: z.array(z.string()).default([]),
  itemName: z.string().optional(),
  createdDate: instant.optional(),
  lastUpdatedDate: instant.optional(),
});

/** A listings Item that has a summary for `marketplaceId`. */
function listingItem(marketplaceId: string) {
  return z.object({
    sku: z.string().min(1),
    summaries: z.array(z.looseObject({ marketplaceId: z.string() })),
    offers: z.array(z.looseObject({
      marketplaceId: z.string(),
      offerType: z.string(),
    })).default([]),
    fulfillmentAvailability: z.array(
      z.object({ fulfillmentChannelCode: z.string() }),
    ).default([]),
  }).transform((item, c) => {
    const raw = item.summaries.find((s) => s.marketplaceId === marketplaceId);
    const summary = listingSummary.safeParse(raw);
    if (!summary.success) {
      c.addIssue({
        code: "custom",
        path: ["summaries", marketplaceId],
        message: raw
          ? summary.error.issues[0]?.message ?? "invalid summary"
          : "no summary for the marketplace",
      });
      return z.NEVER;
    }
    const offer = item.offers.find((o) =>
      o.marketplaceId === marketplaceId && o.offerType === "B2C"
    );
    const price = offer
      ? z.object({ amount: decimal, currencyCode: z.string().length(3) })
        .safeParse(offer.price)
      : undefined;
    if (price && !price.success) {
      c.addIssue({
        code: "custom",
        path: ["offers", marketplaceId, "price"],
        message: price.error.issues[0]?.message ?? "invalid price",
      });
      return z.NEVER;
    }
    return {
      sku: item.sku,
      summary: summary.data,
      price: price?.data,
      channels: item.fulfillmentAvailability.map((f) =>
        f.fulfillmentChannelCode
      ),
    };
  });
}

const catalogItem = z.object({
  asin: z.string().min(1),
  summaries: z.array(z.object({
    marketplaceId: z.string(),
    itemName: z.string().optional(),
    brand: z.string().optional(),
    browseClassification: z.object({ displayName: z.string() }).optional(),
  })).default([]),
});
type CatalogItem = z.infer<typeof catalogItem>;

interface ListingsPage {
  numberOfResults?: number;
  items?: unknown[];
  pagination?: { nextToken?: string };
}

interface CatalogPage {
  items?: unknown[];
  pagination?: { nextToken?: string };
}

/** AFN when any Amazon network fulfils it (AMAZON_NA, AMAZON_EU, …), MFN for DEFAULT. */
function channelOf(codes: readonly string[]): "AFN" | "MFN" | null {
  if (codes.some((c) => c.startsWith("AMAZON"))) return "AFN";
  return codes.includes("DEFAULT") ? "MFN" : null;
}

/** Catalog records of `asins` in `marketplaceId`, by ASIN. */
async function catalogRecords(
  ctx: SyncContext,
  marketplaceId: string,
  asins: readonly string[],
): Promise<Map<string, CatalogItem>> {
  const out = new Map<string, CatalogItem>();
  for (let at = 0; at < asins.length; at += PAGE) {
    for await (
      const page of paginate<CatalogPage>(ctx.sp, {
        storeId: ctx.store.storeId,
        region: ctx.store.region,
        operation: "searchCatalogItems",
        path: "/catalog/2022-04-01/items",
        query: {
          marketplaceIds: [marketplaceId],
          identifiers: asins.slice(at, at + PAGE),
          identifiersType: "ASIN",
          includedData: ["summaries"],
          pageSize: String(PAGE),
        },
      }, { next: (b) => b.pagination?.nextToken, tokenParam: "pageToken" })
    ) {
      ctx.page();
      for (
        const item of validRows(
          ctx,
          catalogItem,
          page.body.items ?? [],
          `searchCatalogItems ${marketplaceId}`,
        )
      ) out.set(item.asin, item);
    }
  }
  return out;
}

/**
 * SKUs of `skus` listed in a marketplace the store lists before
 * `marketplaceId`: their product record comes from that one (the primary
 * marketplace first), not from a translated title here. Each listing keeps
 * its own marketplace's name (listings.item_name).
 */
async function listedEarlier(
  ctx: SyncContext,
  marketplaceId: string,
  skus: readonly string[],
): Promise<Set<string>> {
  const i = ctx.store.marketplaceIds.indexOf(marketplaceId);
  const earlier = ctx.store.marketplaceIds.slice(0, Math.max(0, i));
  if (earlier.length === 0 || skus.length === 0) return new Set();
  const rows = await ctx.db.asJob(
    ctx.store.storeId,
    (tx) =>
      tx.selectDistinct({ sku: listings.sku }).from(listings).where(and(
        eq(listings.storeId, ctx.store.storeId),
        inArray(listings.marketplaceId, earlier),
        inArray(listings.sku, [...skus]),
      )),
  );
  return new Set(rows.map((r) => r.sku));
}

/** The pass to run for a marketplace: resume, incremental, or a new full one. */
export function nextPass(
  saved: ListingsCursor | null,
  now: Date,
  primary?: string,
): ListingsCursor {
  if (
    !saved ||
    now.getTime() - new Date(saved.fullPassAt).getTime() >=
      FULL_PASS_DAYS * DAY ||
    // A new primary marketplace: every product's title comes from it now.
    (saved.primary !== undefined && saved.primary !== primary)
  ) {
    return primary === undefined
      ? { since: null, fullPassAt: now.toISOString() }
      : { since: null, fullPassAt: now.toISOString(), primary };
  }
  return saved.primary === undefined && primary !== undefined
    ? { ...saved, primary }
    : saved;
}

/** Reads one marketplace: the rows written, and whether it was a full pass. */
async function syncMarketplace(
  ctx: SyncContext,
  marketplaceId: string,
): Promise<{ written: number; full: boolean }> {
  const state = nextPass(
    await ctx.cursor<ListingsCursor>(marketplaceId),
    ctx.now(),
    ctx.store.marketplaceIds[0],
  );
  const schema = listingItem(marketplaceId);
  let hwm = state.since ? new Date(state.since).getTime() : null;
  let after = hwm === null ? undefined : hwm - OVERLAP_MS;
  let written = 0;
  let n = 0;
  // Amazon pages through at most 1000 SKUs per search: when a search ends
  // short of numberOfResults, the next one starts at the high-water mark.
  for (;;) {
    let seen = 0;
    let total = 0;
    for await (
      const page of paginate<ListingsPage>(ctx.sp, {
        storeId: ctx.store.storeId,
        region: ctx.store.region,
        operation: "searchListingsItems",
        path: `/listings/2021-08-01/items/${
          encodeURIComponent(ctx.store.sellerId)
        }`,
        query: {
          marketplaceIds: [marketplaceId],
          includedData: ["summaries", "offers", "fulfillmentAvailability"],
          lastUpdatedAfter: after === undefined
            ? undefined
            : new Date(after).toISOString(),
          sortBy: "lastUpdatedDate",
          sortOrder: "ASC",
          pageSize: String(PAGE),
        },
      }, { next: (b) => b.pagination?.nextToken, tokenParam: "pageToken" })
    ) {
      ctx.page();
      const items = page.body.items ?? [];
      seen += items.length;
      total = page.body.numberOfResults ?? 0;
      const valid = validRows(
        ctx,
        schema,
        items,
        `searchListingsItems ${marketplaceId} page ${++n}`,
      );
      const listingRows: ListingRow[] = valid.map((l) => ({
        storeId: ctx.store.storeId,
        marketplaceId,
        sku: l.sku,
        asin: l.summary.asin,
        productType: l.summary.productType ?? null,
        conditionType: l.summary.conditionType ?? null,
        status: l.summary.status,
        itemName: l.summary.itemName ?? null,
        price: l.price?.amount ?? null,
        currency: l.price?.currencyCode ?? null,
        fulfillmentChannel: channelOf(l.channels),
        listedAt: l.summary.createdDate
          ? new Date(l.summary.createdDate)
          : null,
        lastUpdatedAt: l.summary.lastUpdatedDate
          ? new Date(l.summary.lastUpdatedDate)
          : null,
      }));
      for (const l of listingRows) {
        const t = l.lastUpdatedAt?.getTime();
        if (t !== undefined && (hwm === null || t > hwm)) hwm = t;
      }
      const earlier = await listedEarlier(
        ctx,
        marketplaceId,
        listingRows.map((l) => l.sku),
      );
      const mine = listingRows.filter((l) => !earlier.has(l.sku));
      const records = await catalogRecords(
        ctx,
        marketplaceId,
        [...new Set(mine.map((l) => l.asin))],
      );
      const productRows: ProductRow[] = [];
      for (const l of mine) {
        const s = records.get(l.asin)?.summaries.find((x) =>
          x.marketplaceId === marketplaceId
        );
        // Without a catalog record the listing's own name stands in.
        const title = s?.itemName ?? l.itemName;
        if (!title) {
          ctx.skipped(1);
          continue;
        }
        productRows.push({
          storeId: ctx.store.storeId,
          sku: l.sku,
          asin: l.asin,
          title,
          category: s?.browseClassification?.displayName ?? null,
          brand: s?.brand ?? null,
        });
      }
      const cursor: ListingsCursor = {
        since: hwm === null ? null : new Date(hwm).toISOString(),
        fullPassAt: state.fullPassAt,
        ...(state.primary === undefined ? {} : { primary: state.primary }),
      };
      await ctx.write(async (tx) =>
        addResult(
          await upsertListings(tx, listingRows),
          await upsertProducts(tx, productRows),
        ), { key: marketplaceId, value: cursor });
      written += listingRows.length + productRows.length;
    }
    if (
      seen >= total || hwm === null || (after !== undefined && hwm <= after)
    ) {
      break;
    }
    after = hwm;
  }
  return { written, full: state.since === null };
}

export const catalogDataset: Dataset = {
  name: "catalog",
  api: "sp-api",
  schedule: "23 3 * * *",
  async run(ctx) {
    let written = 0;
    let full = true;
    const markets = ctx.store.marketplaceIds;
    for (const [i, m] of markets.entries()) {
      ctx.progress({
        step: `marketplace ${m}`,
        done: i,
        total: markets.length,
      });
      const r = await syncMarketplace(ctx, m);
      written += r.written;
      full &&= r.full;
    }
    ctx.progress({ done: markets.length });
    if (written === 0) {
      ctx.empty(
        "no_data_for_period",
        full
          ? "the store has no listings"
          : "no listing changed since the last run",
      );
    }
  },
};
