// Listings Items 2021-08-01: searchListingsItems and getListingsItem (facts
// §4.6), the seller's own SKUs per marketplace. The sellerId in the path
// must be the caller's. The world's ListingsItem gives the summaries, the
// B2C offer's price and the fulfillmentAvailability channel code.
import type { Hono } from "hono";
import { invalidInput, json, notFound, unauthorized } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { isoZ } from "./format.ts";
import { paramsHash } from "./pagination.ts";
import {
  foreignMarketplace,
  listOf,
  type SpCall,
  spRoute,
  timeOf,
} from "./sp_route.ts";
import { type SellerWorld, titleIn } from "./served_world.ts";
import type { ListingsItem } from "./world/amazon.ts";

const DAY = 86_400_000;
const ms = (iso: string) => Date.parse(iso);

/** One listings Item for `sku` across the requested marketplaces. */
export function listingItem(
  w: SellerWorld,
  sku: string,
  rows: readonly ListingsItem[],
  included: ReadonlySet<string>,
): Record<string, unknown> {
  const want = included.size ? included : new Set(["summaries"]);
  const p = w.productBySku.get(sku);
  const item: Record<string, unknown> = { sku };
  if (want.has("summaries")) {
    item.summaries = rows.map((l) => {
      const s: Record<string, unknown> = {
        marketplaceId: l.marketplaceId,
        asin: l.asin,
        productType: l.productType,
        conditionType: l.conditionType,
        status: l.status,
      };
      if (p?.fnsku) s.fnSku = p.fnsku;
      s.itemName = titleIn(w, l.marketplaceId, l.itemName);
      s.createdDate = isoZ(ms(l.createdDate));
      s.lastUpdatedDate = isoZ(ms(l.lastUpdatedDate));
      s.mainImage = {
        link: `https://images.sandbox.invalid/${l.asin}.jpg`,
        height: 500,
        width: 500,
      };
      return s;
    });
  }
  if (want.has("attributes")) {
    item.attributes = {
      item_name: rows.map((l) => ({
        value: titleIn(w, l.marketplaceId, l.itemName),
        language_tag: "en_US",
        marketplace_id: l.marketplaceId,
      })),
      condition_type: rows.map((l) => ({
        value: l.conditionType,
        marketplace_id: l.marketplaceId,
      })),
    };
  }
  if (want.has("issues")) item.issues = [];
  if (want.has("offers")) {
    item.offers = rows.map((l) => ({
      marketplaceId: l.marketplaceId,
      offerType: "B2C",
      price: { currencyCode: l.price.CurrencyCode, amount: l.price.Amount },
    }));
  }
  if (want.has("fulfillmentAvailability")) {
    item.fulfillmentAvailability = rows.map((l) =>
      l.fulfillmentChannelCode === "DEFAULT"
        ? { fulfillmentChannelCode: "DEFAULT", quantity: 25 }
        : { fulfillmentChannelCode: l.fulfillmentChannelCode }
    ).filter((x, i, all) =>
      all.findIndex((y) =>
        y.fulfillmentChannelCode === x.fulfillmentChannelCode
      ) === i
    );
  }
  if (want.has("procurement")) item.procurement = [];
  if (want.has("relationships")) item.relationships = [];
  if (want.has("productTypes")) {
    item.productTypes = rows.map((l) => ({
      marketplaceId: l.marketplaceId,
      productType: l.productType,
    }));
  }
  return item;
}

function checkSeller(call: SpCall): Response | undefined {
  if (call.path.sellerId !== call.seller.sellerId) {
    return unauthorized("The sellerId does not match the authorization.");
  }
  return foreignMarketplace(call.seller, listOf(call.q.marketplaceIds));
}

/** Registers searchListingsItems and getListingsItem. */
export function listingsRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "searchListingsItems", (call) => {
    const bad = checkSeller(call);
    if (bad) return bad;
    const { q, world, seller, now } = call;
    const markets = listOf(q.marketplaceIds);
    const pageSize = (q.pageSize as number | undefined) ?? 10;
    if (pageSize < 1) {
      return invalidInput("Invalid Input", "pageSize must be from 1 to 20.");
    }
    const ids = new Set(listOf(q.identifiers));
    if (ids.size && !q.identifiersType) {
      return invalidInput(
        "Invalid Input",
        "identifiersType is required with identifiers.",
      );
    }
    const ca = timeOf(q.createdAfter), cb = timeOf(q.createdBefore);
    const ua = timeOf(q.lastUpdatedAfter), ub = timeOf(q.lastUpdatedBefore);
    const withStatus = listOf(q.withStatus);
    const withoutStatus = listOf(q.withoutStatus);
    const rowsBySku = new Map<string, ListingsItem[]>();
    for (const m of markets) {
      for (const l of world.listingsByMarket.get(m) ?? []) {
        const idType = q.identifiersType;
        const id = idType === "ASIN"
          ? l.asin
          : idType === "FNSKU"
          ? world.productBySku.get(l.sku)?.fnsku
          : idType === "SKU"
          ? l.sku
          : undefined; // no EAN, UPC, … in the sandbox catalog
        if (ids.size && !ids.has(id ?? "")) continue;
        if (ca !== undefined && ms(l.createdDate) < ca) continue;
        if (cb !== undefined && ms(l.createdDate) > cb) continue;
        if (ua !== undefined && ms(l.lastUpdatedDate) < ua) continue;
        if (ub !== undefined && ms(l.lastUpdatedDate) > ub) continue;
        if (
          withStatus.length && !withStatus.every((s) => l.status.includes(s))
        ) continue;
        if (withoutStatus.some((s) => l.status.includes(s))) continue;
        if (
          q.withIssueSeverity || q.variationParentSku || q.packageHierarchySku
        ) {
          continue; // no listing has issues, variations or packages here
        }
        const list = rowsBySku.get(l.sku);
        if (list) list.push(l);
        else rowsBySku.set(l.sku, [l]);
      }
    }
    const sortBy = (q.sortBy as string | undefined) ?? "lastUpdatedDate";
    const dir = q.sortOrder === "ASC" ? 1 : -1;
    const key = (rows: ListingsItem[]) =>
      sortBy === "sku"
        ? rows[0].sku
        : sortBy === "createdDate"
        ? ms(rows[0].createdDate)
        : Math.max(...rows.map((l) => ms(l.lastUpdatedDate)));
    const all = [...rowsBySku.values()].sort((a, b) => {
      const ka = key(a), kb = key(b);
      return (ka < kb ? -1 : ka > kb ? 1 : a[0].sku < b[0].sku ? -1 : 1) * dir;
    });
    const { pageToken, pageSize: _, ...fixed } = q;
    const hash = paramsHash(fixed);
    let offset = 0;
    if (typeof pageToken === "string") {
      const state = env.codec.decode(pageToken, {
        s: seller.sellerId,
        o: "searchListingsItems",
        h: hash,
        now,
        ttlMs: DAY,
      });
      if (typeof state === "string") {
        return invalidInput("Invalid Input", "The pageToken is not valid.");
      }
      offset = state.k as number;
    }
    const token = (k: number) =>
      env.codec.encode({
        s: seller.sellerId,
        o: "searchListingsItems",
        h: hash,
        t: now,
        k,
      });
    const pagination: Record<string, string> = {};
    if (offset + pageSize < all.length) {
      pagination.nextToken = token(offset + pageSize);
    }
    if (offset > 0) {
      pagination.previousToken = token(Math.max(0, offset - pageSize));
    }
    const included = new Set(listOf(q.includedData));
    const body: Record<string, unknown> = {
      numberOfResults: all.length,
      items: all.slice(offset, offset + pageSize).map((rows) =>
        listingItem(world, rows[0].sku, rows, included)
      ),
    };
    if (Object.keys(pagination).length) body.pagination = pagination;
    return json(200, body);
  });

  spRoute(app, env, "getListingsItem", (call) => {
    const bad = checkSeller(call);
    if (bad) return bad;
    const { q, world, path } = call;
    const rows = listOf(q.marketplaceIds).flatMap((m) =>
      (world.listingsByMarket.get(m) ?? []).filter((l) => l.sku === path.sku)
    );
    if (rows.length === 0) {
      return notFound(
        "Listings item not found",
        `SKU ${path.sku} is not listed in the requested marketplace(s).`,
      );
    }
    return json(
      200,
      listingItem(world, path.sku, rows, new Set(listOf(q.includedData))),
    );
  });
}
