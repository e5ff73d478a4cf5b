// Catalog Items 2022-04-01: searchCatalogItems and getCatalogItem (facts
// §4.5). The catalog is the seller's own products (ASINs exist in every
// marketplace of its account, listed or not) plus their variation parents.
// `includedData` chooses the per-marketplace arrays; identifiers and
// keywords cannot be combined; SKU lookups need the caller's sellerId.
import type { Hono } from "hono";
import type { Marketplace, ProductPlan } from "./world/generate.ts";
import { invalidInput, json, notFound } from "./_http.ts";
import type { SandboxEnv } from "./env.ts";
import { paramsHash } from "./pagination.ts";
import { foreignMarketplace, listOf, spRoute } from "./sp_route.ts";
import { type SellerWorld, titleIn } from "./served_world.ts";

const DAY = 86_400_000;

function classificationId(p: ProductPlan): string {
  let h = 0;
  for (const ch of p.category.name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return String(1_000_000 + (h % 9_000_000));
}

function children(w: SellerWorld, parentAsin: string): ProductPlan[] {
  return w.catalog.filter((p) =>
    p.parentAsin === parentAsin && p.asin !== parentAsin
  );
}

/** A catalog Item (or undefined for an unknown ASIN). */
export function catalogItem(
  w: SellerWorld,
  asin: string,
  markets: readonly Marketplace[],
  included: ReadonlySet<string>,
): Record<string, unknown> | undefined {
  const own = w.productByAsin.get(asin);
  const kids = own ? [] : children(w, asin);
  const p = own ?? kids[0];
  if (!p) return undefined;
  const parent = !own;
  const name = parent ? `${p.brand} ${p.material} ${p.noun}` : p.title;
  const cls = {
    displayName: p.category.name,
    classificationId: classificationId(p),
  };
  const per = <T>(f: (m: Marketplace) => T) => markets.map(f);
  const item: Record<string, unknown> = { asin };
  const want = included.size ? included : new Set(["summaries"]);
  if (want.has("attributes")) {
    const m0 = markets[0]?.id;
    item.attributes = {
      item_name: [{ value: name, language_tag: "en_US", marketplace_id: m0 }],
      brand: [{ value: p.brand, language_tag: "en_US", marketplace_id: m0 }],
    };
  }
  if (want.has("classifications")) {
    item.classifications = per((m) => ({
      marketplaceId: m.id,
      classifications: [cls],
    }));
  }
  if (want.has("dimensions")) item.dimensions = [];
  if (want.has("identifiers")) {
    item.identifiers = per((m) => ({ marketplaceId: m.id, identifiers: [] }));
  }
  if (want.has("images")) {
    item.images = per((m) => ({
      marketplaceId: m.id,
      images: [{
        variant: "MAIN",
        link: `https://images.sandbox.invalid/${asin}.jpg`,
        height: 500,
        width: 500,
      }],
    }));
  }
  if (want.has("productTypes")) {
    item.productTypes = per((m) => ({
      marketplaceId: m.id,
      productType: p.category.productType,
    }));
  }
  if (want.has("relationships")) {
    item.relationships = per((m) => ({
      marketplaceId: m.id,
      relationships: parent
        ? [{ childAsins: kids.map((k) => k.asin), type: "VARIATION" }]
        : p.parentAsin !== p.asin
        ? [{ parentAsins: [p.parentAsin], type: "VARIATION" }]
        : [],
    }));
  }
  if (want.has("salesRanks")) {
    const rank = Math.max(1, Math.round(150 / p.popularity));
    item.salesRanks = parent ? [] : per((m) => ({
      marketplaceId: m.id,
      classificationRanks: [{
        classificationId: cls.classificationId,
        title: cls.displayName,
        rank,
      }],
      displayGroupRanks: [{
        websiteDisplayGroup:
          `${p.category.productType.toLowerCase()}_display_on_website`,
        title: p.category.name,
        rank: rank * 7,
      }],
    }));
  }
  if (want.has("summaries")) {
    item.summaries = per((m) => ({
      marketplaceId: m.id,
      adultProduct: false,
      autographed: false,
      brand: p.brand,
      browseClassification: cls,
      itemClassification: parent ? "VARIATION_PARENT" : "BASE_PRODUCT",
      itemName: titleIn(w, m.id, name),
      manufacturer: p.brand,
      memorabilia: false,
      packageQuantity: 1,
      tradeInEligible: false,
      websiteDisplayGroup:
        `${p.category.productType.toLowerCase()}_display_on_website`,
      websiteDisplayGroupName: p.category.name,
    }));
  }
  if (want.has("vendorDetails")) item.vendorDetails = [];
  return item;
}

/** Registers searchCatalogItems and getCatalogItem. */
export function catalogRoutes(app: Hono, env: SandboxEnv): void {
  spRoute(app, env, "searchCatalogItems", ({ q, seller, world, now }) => {
    const markets = listOf(q.marketplaceIds);
    const foreign = foreignMarketplace(seller, markets);
    if (foreign) return foreign;
    const identifiers = listOf(q.identifiers);
    const keywords = listOf(q.keywords).map((k) => k.toLowerCase());
    if (identifiers.length && keywords.length) {
      return invalidInput(
        "Invalid Input",
        "identifiers and keywords cannot be used together.",
      );
    }
    if (!identifiers.length && !keywords.length) {
      return invalidInput(
        "Invalid Input",
        "Either identifiers or keywords must be provided.",
      );
    }
    if (identifiers.length && !q.identifiersType) {
      return invalidInput(
        "Invalid Input",
        "identifiersType is required with identifiers.",
      );
    }
    if (q.identifiersType === "SKU" && q.sellerId !== seller.sellerId) {
      return invalidInput(
        "Invalid Input",
        "sellerId is required when identifiersType is SKU and must be your own.",
      );
    }
    const pageSize = (q.pageSize as number | undefined) ?? 10;
    if (pageSize < 1 || pageSize > 20) {
      return invalidInput("Invalid Input", "pageSize must be from 1 to 20.");
    }
    const brands = new Set(listOf(q.brandNames).map((b) => b.toLowerCase()));
    let found: ProductPlan[];
    if (identifiers.length) {
      const type = q.identifiersType;
      found = identifiers.map((id) =>
        type === "ASIN"
          ? world.productByAsin.get(id)
          : type === "SKU"
          ? world.productBySku.get(id)
          : undefined
      ).filter((p): p is ProductPlan => p !== undefined);
    } else {
      found = world.catalog.filter((p) => {
        const text = `${p.title} ${p.brand} ${p.category.name}`.toLowerCase();
        return keywords.every((k) => text.includes(k)) &&
          (brands.size === 0 || brands.has(p.brand.toLowerCase()));
      });
    }
    const { pageToken, pageSize: _, ...fixed } = q;
    const hash = paramsHash(fixed);
    let offset = 0;
    if (typeof pageToken === "string") {
      const state = env.codec.decode(pageToken, {
        s: seller.sellerId,
        o: "searchCatalogItems",
        h: hash,
        now,
        ttlMs: DAY,
      });
      if (typeof state === "string") {
        return invalidInput("Invalid Input", "The pageToken is not valid.");
      }
      offset = state.k as number;
    }
    const mk = markets.map((id) => world.marketplaceById.get(id)!);
    const included = new Set(listOf(q.includedData));
    const page = found.slice(offset, offset + pageSize);
    const token = (k: number) =>
      env.codec.encode({
        s: seller.sellerId,
        o: "searchCatalogItems",
        h: hash,
        t: now,
        k,
      });
    const pagination: Record<string, string> = {};
    if (offset + pageSize < found.length) {
      pagination.nextToken = token(offset + pageSize);
    }
    if (offset > 0) {
      pagination.previousToken = token(Math.max(0, offset - pageSize));
    }
    const brandCounts = new Map<string, number>();
    for (const p of found) {
      brandCounts.set(p.brand, (brandCounts.get(p.brand) ?? 0) + 1);
    }
    return json(200, {
      numberOfResults: found.length,
      pagination,
      refinements: {
        brands: [...brandCounts].map(([brandName, numberOfResults]) => ({
          numberOfResults,
          brandName,
        })),
        classifications: [],
      },
      items: page.map((p) => catalogItem(world, p.asin, mk, included)),
    });
  });

  spRoute(app, env, "getCatalogItem", ({ q, path, seller, world }) => {
    const markets = listOf(q.marketplaceIds);
    const foreign = foreignMarketplace(seller, markets);
    if (foreign) return foreign;
    const item = catalogItem(
      world,
      path.asin,
      markets.map((id) => world.marketplaceById.get(id)!),
      new Set(listOf(q.includedData)),
    );
    return item
      ? json(200, item)
      : notFound("Requested item not found", `ASIN ${path.asin} not found.`);
  });
}
