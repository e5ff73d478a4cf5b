// Deterministic, realistic data for N sellers: the world the sandbox
// marketplace serves, in Amazon's vocabulary (./amazon.ts). Pure: the same
// options (seed and anchor included) give the same records, byte for byte.
// Every timestamp derives from `anchor`; randomness comes only from
// ./random.ts. Orders are produced in batches by a generator so a large
// world stays within memory. Money is computed in integer minor units and
// written as Amazon's decimal strings (./money.ts). Buyers are obviously
// fake (example.invalid), and buyer data exists only where Amazon would
// still hand it out: merchant-fulfilled orders until 30 days after delivery.
//
// A few random draws feed no record: they fed the portal's own bookkeeping
// (sync times, a store's uuid) before the world spoke Amazon's vocabulary,
// and stay so every seed keeps producing exactly the same world.
import type {
  AdsChange,
  AdsProfile,
  AdsReportRow,
  CatalogItem,
  CustomerReturn,
  FeeComponent,
  FinancialEvent,
  FinancialEventGroup,
  InventorySummary,
  ListingsItem,
  Order,
  OrderBuyerData,
  OrderItem,
  OtherEventList,
  SalesAndTrafficByAsin,
  SearchTermsEntry,
  Settlement,
  SettlementLine,
  ShipmentItem,
  SpAdGroup,
  SpCampaign,
  SpKeyword,
  SpTargetingClause,
} from "./amazon.ts";
import { decimal, money } from "./money.ts";
import { Rng } from "./random.ts";
import {
  BRAND_FIRST,
  BRAND_SECOND,
  BUYER_FIRST,
  BUYER_LAST,
  CATEGORIES,
  type Category,
  CITIES,
  CROSS_BORDER,
  type Marketplace,
  OTHER_BRANDS,
  type Region,
  REGION_MARKETPLACES,
  RETURN_REASONS,
  STORE_SUFFIX,
  STREETS,
} from "./reference.ts";

export { type Marketplace, MARKETPLACES, type Region } from "./reference.ts";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const SETTLEMENT_DAYS = 14;
/** How long after delivery Amazon still hands out an order's buyer data. */
const BUYER_DATA_DAYS = 30;

export interface GenerateOptions {
  seed: string | number;
  /** Number of sellers (1-100). */
  stores: number;
  /** Orders in total, split across sellers. */
  orders: number;
  /** Orders are spread over this many days before `anchor`. */
  days: number;
  /** "Now" for the generated world; every timestamp derives from it. */
  anchor: Date;
  /** Orders per yielded batch (default 2000). */
  ordersPerBatch?: number;
  /** Days of daily inventory summaries (default 30, at most `days`). */
  inventoryDays?: number;
  /** Days of daily ad metrics (default 60, at most `days`). */
  adMetricsDays?: number;
  /**
   * Also post one event per settlement period in `FooBarEventList`, a list
   * of a future Finances model that no client knows yet (default false).
   */
  futureEventList?: boolean;
}

/** Records of one batch, by kind. */
export interface WorldRecords {
  catalogItems?: CatalogItem[];
  listings?: ListingsItem[];
  /** Daily FBA inventory summaries, oldest first per SKU. */
  inventory?: InventorySummary[];
  orders?: Order[];
  orderItems?: OrderItem[];
  buyerData?: OrderBuyerData[];
  returns?: CustomerReturn[];
  salesTraffic?: SalesAndTrafficByAsin[];
  adsProfiles?: AdsProfile[];
  campaigns?: SpCampaign[];
  adGroups?: SpAdGroup[];
  keywords?: SpKeyword[];
  targets?: SpTargetingClause[];
  /** Budget and bid changes, oldest first per entity. */
  adsChanges?: AdsChange[];
  adsReportRows?: AdsReportRow[];
  settlements?: Settlement[];
  /** Every settlement period, open or closed. */
  eventGroups?: FinancialEventGroup[];
  /** Settlement lines, in file order per settlement. */
  settlementLines?: SettlementLine[];
  financialEvents?: FinancialEvent[];
  searchTerms?: SearchTermsEntry[];
}

export interface WorldBatch {
  /** What the batch holds, for progress messages. */
  label: string;
  /** Orders in this batch (0 for other batches). */
  orders: number;
  records: WorldRecords;
}

export interface ProductPlan {
  sku: string;
  asin: string;
  parentAsin: string;
  fnsku: string | null;
  title: string;
  category: Category;
  noun: string;
  material: string;
  brand: string;
  channel: "AFN" | "MFN";
  usdCents: number;
  fbaUsdCents: number;
  popularity: number;
}

export interface ListingPlan {
  product: ProductPlan;
  marketplace: Marketplace;
  priceMinor: number;
  buyable: boolean;
  listedAt: Date;
}

export interface StorePlan {
  index: number;
  /** Seed of this seller's random streams. */
  rngSeed: string;
  sellerId: string;
  region: Region;
  name: string;
  brand: string | null;
  createdAt: Date;
  marketplaces: readonly Marketplace[];
  /** Relative order volume per marketplace (same order as `marketplaces`). */
  marketplaceShare: readonly number[];
  /** This store's share of the orders. */
  orders: number;
  skuPrefix: string;
  products: readonly ProductPlan[];
  listings: readonly ListingPlan[];
}

interface Resolved {
  seed: string;
  stores: number;
  orders: number;
  days: number;
  anchorMs: number;
  windowStartMs: number;
  ordersPerBatch: number;
  futureEventList: boolean;
  inventoryDays: number;
  adMetricsDays: number;
}

function resolve(opts: GenerateOptions): Resolved {
  const whole = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new RangeError(
        `${name} must be a whole number from ${min} to ${max}`,
      );
    }
    return v;
  };
  const anchorMs = opts.anchor.getTime();
  if (!Number.isFinite(anchorMs)) {
    throw new RangeError("anchor must be a valid date");
  }
  const days = whole("days", opts.days, 1, 3660);
  return {
    seed: String(opts.seed),
    stores: whole("stores", opts.stores, 1, 100),
    orders: whole("orders", opts.orders, 0, 10_000_000),
    days,
    anchorMs,
    windowStartMs: anchorMs - days * DAY,
    ordersPerBatch: whole(
      "ordersPerBatch",
      opts.ordersPerBatch ?? 2000,
      1,
      100_000,
    ),
    futureEventList: opts.futureEventList ?? false,
    inventoryDays: Math.min(
      days,
      whole("inventoryDays", opts.inventoryDays ?? 30, 1, 400),
    ),
    adMetricsDays: Math.min(
      days,
      whole("adMetricsDays", opts.adMetricsDays ?? 60, 1, 400),
    ),
  };
}

// ── Small helpers ───────────────────────────────────────────────────────────

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** An instant as Amazon's JSON writes it: `2026-03-01T12:00:00Z`. */
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const at = (ms: number) => new Date(ms);
const floorSecond = (ms: number) => ms - (((ms % 1000) + 1000) % 1000);
const floorDay = (ms: number) => ms - (((ms % DAY) + DAY) % DAY);

/** Splits `total` into whole parts proportional to `weights` (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (weights.length === 0) return [];
  if (!(sum > 0)) {
    return weights.map((_, i) => (i === 0 ? total : 0));
  }
  const exact = weights.map((w) => (w / sum) * total);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return parts;
}

/** A price in a marketplace's currency with the usual endings (9.99, ¥1,980, $519.00). */
function localPrice(usdCents: number, m: Marketplace): number {
  const x = usdCents * m.perUsdCent;
  if (m.currency === "JPY") {
    return Math.max(100, Math.round(x / 100) * 100 - 20);
  }
  if (m.currency === "MXN") {
    return Math.max(1000, Math.round(x / 1000) * 1000 - 100);
  }
  return Math.max(99, Math.ceil(x / 100) * 100 - 1);
}

/** A plain converted amount in minor units (fees, bids). */
function localAmount(usdCents: number, m: Marketplace): number {
  return Math.round(usdCents * m.perUsdCent);
}

/** A whole-unit amount (budgets): $25.00, ¥3,800. */
function localWhole(usdDollars: number, m: Marketplace): number {
  if (m.currency === "JPY") return Math.round((usdDollars * 150) / 100) * 100;
  return Math.max(1, Math.round(usdDollars * m.perUsdCent)) * 100;
}

function bps4(v: number): string {
  const c = Math.max(0, Math.min(10_000, Math.round(v)));
  return `${Math.floor(c / 10_000)}.${String(c % 10_000).padStart(4, "0")}`;
}

function pct2(hundredths: number): string {
  const c = Math.max(0, Math.min(999_999, Math.round(hundredths)));
  return `${Math.floor(c / 100)}.${String(c % 100).padStart(2, "0")}`;
}

function abbreviation(noun: string): string {
  return noun.replace(/[^A-Za-z]/g, "").slice(0, 4).toUpperCase();
}

function fillPattern(rng: Rng, pattern: string): string {
  let out = "";
  for (const ch of pattern) {
    if (ch === "9") out += rng.digits(1);
    else if (ch === "A") out += rng.chars(1, "ABCDEFGHJKLMNPRSTUVWXYZ");
    else out += ch;
  }
  return out;
}

/** Picks from a fixed list by weight in O(log n). */
class WeightedTable<T> {
  readonly items: readonly T[];
  readonly #cumulative: number[];
  readonly #total: number;

  constructor(items: readonly T[], weight: (item: T) => number) {
    this.items = items;
    let sum = 0;
    this.#cumulative = items.map((it) => (sum += weight(it)));
    this.#total = sum;
  }

  get size(): number {
    return this.items.length;
  }

  pick(rng: Rng): T {
    const r = rng.next() * this.#total;
    let lo = 0, hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo];
  }
}

// ── Planning: stores, catalog, listings ─────────────────────────────────────

/** Plans every store: identity, marketplaces, catalog and listings. */
export function planStores(opts: GenerateOptions): StorePlan[] {
  const o = resolve(opts);
  const root = new Rng(`custodian-seed:${o.seed}`);
  const split = root.fork("split");
  const weights = Array.from({ length: o.stores }, () => split.float(0.6, 1.4));
  const counts = apportion(o.orders, weights);
  const taken = new Set<string>();
  return counts.map((n, i) =>
    planStore(root.fork(`store:${i}`).seed, i, n, o, taken)
  );
}

function planStore(
  rngSeed: string,
  index: number,
  orders: number,
  o: Resolved,
  taken: Set<string>,
): StorePlan {
  const base = new Rng(rngSeed);
  const r = base.fork("identity");
  r.uuid(); // was the seed's store id (bench/seed_rows.ts draws it again)
  const sellerId = `A${r.chars(13)}`;
  const region: Region = index < 3
    ? (["NA", "EU", "FE"] as const)[index]
    : r.weighted([["NA", 5], ["EU", 3], ["FE", 2]] as const);
  // Distinct first syllables (so distinct SKU prefixes) while they last.
  let first: string;
  do first = r.pick(BRAND_FIRST); while (
    taken.has(first) && taken.size < BRAND_FIRST.length
  );
  taken.add(first);
  const trade = `${first}${r.pick(BRAND_SECOND)}`;
  const brand = index === 0 || r.chance(0.6) ? trade : null;
  const name = `${trade} ${r.pick(STORE_SUFFIX)} ${region}`;
  const home = REGION_MARKETPLACES[region];
  const count = r.int(1, Math.min(3, home.length));
  const marketplaces = [home[0], ...r.sample(home.slice(1), count - 1)];
  const marketplaceShare = marketplaces.map((
    _,
    i,
  ) => (i === 0 ? 1 : r.float(0.15, 0.45)));
  const createdAt = at(
    floorSecond(
      o.windowStartMs - r.int(30, 400) * DAY - r.int(0, 86_399) * 1000,
    ),
  );

  const c = base.fork("catalog");
  const categories = c.sample(CATEGORIES, c.int(1, 2));
  const skuPrefix = trade.slice(0, 3).toUpperCase();
  const asins = new Set<string>();
  const newAsin = () => {
    let a: string;
    do a = `B0${c.chars(8)}`; while (asins.has(a));
    asins.add(a);
    return a;
  };
  const afnShare = c.float(0.55, 0.95);
  const nProducts = c.int(24, 48);
  const ranks = c.shuffle(Array.from({ length: nProducts }, (_, i) => i + 1));
  const products: ProductPlan[] = [];
  for (let i = 0; i < nProducts; i++) {
    const prev = products[i - 1];
    const variation = prev !== undefined && c.chance(0.35);
    const category = variation ? prev.category : c.pick(categories);
    const noun = variation ? prev.noun : c.pick(category.nouns);
    const material = variation ? prev.material : c.pick(category.materials);
    const productBrand = variation ? prev.brand : brand ?? c.pick(OTHER_BRANDS);
    const asin = newAsin();
    let parentAsin = asin;
    if (variation) {
      if (prev.parentAsin === prev.asin) prev.parentAsin = newAsin();
      parentAsin = prev.parentAsin;
    }
    const channel = c.chance(afnShare) ? "AFN" : "MFN";
    const [lo, hi] = category.usdCents;
    const [flo, fhi] = category.fbaCents;
    products.push({
      sku: `${skuPrefix}-${abbreviation(noun)}-${
        String(i + 1).padStart(3, "0")
      }${channel === "AFN" && c.chance(0.3) ? "-FBA" : ""}`,
      asin,
      parentAsin,
      fnsku: channel === "AFN" ? `X00${c.chars(7)}` : null,
      title: `${productBrand} ${material} ${noun}, ${
        c.pick(category.variants)
      }`,
      category,
      noun,
      material,
      brand: productBrand,
      channel,
      usdCents: localPrice(c.int(lo, hi), REGION_MARKETPLACES.NA[0]),
      fbaUsdCents: c.int(flo, fhi),
      popularity: 1 / Math.pow(ranks[i], 0.9),
    });
  }

  const listings: ListingPlan[] = [];
  for (const [mi, m] of marketplaces.entries()) {
    const here: ListingPlan[] = [];
    for (const p of products) {
      if (!c.chance(mi === 0 ? 0.95 : 0.7)) continue;
      here.push({
        product: p,
        marketplace: m,
        priceMinor: localPrice(p.usdCents * c.float(0.97, 1.08), m),
        buyable: c.chance(0.93),
        listedAt: at(
          createdAt.getTime() + c.int(1, 25) * DAY + c.int(0, 86_399) * 1000,
        ),
      });
    }
    if (here.length === 0) {
      here.push({
        product: products[0],
        marketplace: m,
        priceMinor: localPrice(products[0].usdCents, m),
        buyable: true,
        listedAt: at(createdAt.getTime() + DAY),
      });
    }
    if (!here.some((l) => l.buyable)) here[0].buyable = true;
    listings.push(...here);
  }

  return {
    index,
    rngSeed,
    sellerId,
    region,
    name,
    brand,
    createdAt,
    marketplaces,
    marketplaceShare,
    orders,
    skuPrefix,
    products,
    listings,
  };
}

// ── Per-store generation ────────────────────────────────────────────────────

interface Period {
  marketplace: Marketplace;
  settlementId: string;
  groupId: string;
  reportDocumentId: string;
  startMs: number;
  endMs: number;
  closed: boolean;
  totalMinor: number;
  lines: number;
}

interface TrafficCell {
  listing: ListingPlan;
  day: number;
  units: number;
  salesMinor: number;
  items: number;
}

/** Everything one store's generation accumulates between batches. */
class StoreWorld {
  readonly plan: StorePlan;
  readonly o: Resolved;
  readonly base: Rng;
  readonly periods = new Map<string, Period[]>();
  readonly traffic = new Map<string, TrafficCell>();
  readonly usedIds = new Set<string>();
  readonly origin = new Map<string, number>();

  constructor(plan: StorePlan, o: Resolved) {
    this.plan = plan;
    this.o = o;
    this.base = new Rng(plan.rngSeed);
    const r = this.base.fork("settlements");
    for (const m of plan.marketplaces) {
      const origin = o.windowStartMs - r.int(0, SETTLEMENT_DAYS - 1) * DAY -
        r.int(0, 86_399) * 1000;
      this.origin.set(m.id, origin);
      const list: Period[] = [];
      for (
        let start = origin;
        start < o.anchorMs;
        start += SETTLEMENT_DAYS * DAY
      ) {
        const end = start + SETTLEMENT_DAYS * DAY;
        list.push({
          marketplace: m,
          settlementId: this.uniqueId(() => `${r.int(1, 9)}${r.digits(10)}`),
          groupId: r.chars(
            43,
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
          ),
          reportDocumentId:
            `amzn1.spdoc.1.4.${plan.region.toLowerCase()}.${r.uuid()}.T${
              r.chars(14)
            }.${r.digits(4)}`,
          startMs: start,
          endMs: end,
          closed: end <= o.anchorMs,
          totalMinor: 0,
          lines: 0,
        });
      }
      this.periods.set(m.id, list);
    }
  }

  uniqueId(make: () => string): string {
    let id: string;
    do id = make(); while (this.usedIds.has(id));
    this.usedIds.add(id);
    return id;
  }

  periodFor(m: Marketplace, ms: number): Period | undefined {
    const origin = this.origin.get(m.id)!;
    const k = Math.floor((ms - origin) / (SETTLEMENT_DAYS * DAY));
    return this.periods.get(m.id)![k];
  }

  /** Appends a settlement line (closed periods only) and keeps the total exact. */
  settle(
    out: SettlementLine[],
    period: Period | undefined,
    amountMinor: number,
    line: Omit<SettlementLine, "settlementId" | "amount" | "marketplaceName">,
  ) {
    if (!period || !period.closed) return;
    period.lines++;
    period.totalMinor += amountMinor;
    out.push({
      settlementId: period.settlementId,
      marketplaceName: period.marketplace.name,
      ...line,
      amount: decimal(amountMinor, period.marketplace.currency),
    });
  }
}

/**
 * Yields one seller's world as batches: catalog, inventory, advertising,
 * then orders (with their items, buyer data, returns and money)
 * `ordersPerBatch` at a time, then the aggregates (settlements and event
 * groups, sales and traffic, search terms).
 */
export function* generateStore(
  plan: StorePlan,
  opts: GenerateOptions,
): Generator<WorldBatch> {
  const world = new StoreWorld(plan, resolve(opts));
  yield catalogBatch(world);
  yield inventoryBatch(world);
  yield* adBatches(world);
  yield* orderBatches(world);
  yield* closingBatches(world);
}

function catalogBatch(w: StoreWorld): WorldBatch {
  const { plan, o } = w;
  const r = w.base.fork("catalog-rows");
  const catalogItems: CatalogItem[] = plan.products.map((p) => {
    r.int(5, 300); // was the seed's updatedAt
    return {
      asin: p.asin,
      sellerSku: p.sku,
      itemName: p.title,
      brand: p.brand,
      browseClassification: { displayName: p.category.name },
    };
  });
  const listings: ListingsItem[] = plan.listings.map((l) => {
    const item: ListingsItem = {
      sku: l.product.sku,
      marketplaceId: l.marketplace.id,
      asin: l.product.asin,
      productType: l.product.category.productType,
      conditionType: "new_new",
      status: l.buyable ? ["BUYABLE", "DISCOVERABLE"] : ["DISCOVERABLE"],
      itemName: l.product.title,
      createdDate: iso(l.listedAt.getTime()),
      lastUpdatedDate: iso(
        Math.max(
          l.listedAt.getTime(),
          floorSecond(o.anchorMs - r.int(1, 90 * 24) * HOUR),
        ),
      ),
      price: money(l.priceMinor, l.marketplace.currency),
      fulfillmentChannelCode: l.product.channel === "AFN"
        ? `AMAZON_${plan.region}`
        : "DEFAULT",
    };
    r.int(5, 300); // was the seed's updatedAt
    return item;
  });
  return { label: "catalog", orders: 0, records: { catalogItems, listings } };
}

function inventoryBatch(w: StoreWorld): WorldBatch {
  const { plan, o } = w;
  const r = w.base.fork("inventory");
  const rows: InventorySummary[] = [];
  const today = floorDay(o.anchorMs);
  for (const l of plan.listings) {
    if (l.product.channel !== "AFN") continue;
    const daily = Math.max(0.2, l.product.popularity * 25 * r.float(0.5, 1.5));
    let fulfillable = Math.round(daily * r.int(15, 60));
    const unfulfillable = r.chance(0.3) ? r.int(1, 6) : 0;
    let inbound = 0;
    let inboundAge = 0;
    for (let k = o.inventoryDays; k >= 1; k--) {
      const dayMs = today - k * DAY;
      fulfillable = Math.max(
        0,
        fulfillable - Math.round(r.logNormal(daily, 0.5)),
      );
      if (inbound === 0 && fulfillable < daily * 10 && r.chance(0.5)) {
        inbound = Math.max(24, Math.round(daily * r.int(30, 60)));
        inboundAge = 0;
      }
      let working = 0, shipped = 0, receiving = 0;
      if (inbound > 0) {
        inboundAge++;
        if (inboundAge <= 3) working = inbound;
        else if (inboundAge <= 8) shipped = inbound;
        else if (inboundAge <= 10) receiving = inbound;
        else {
          fulfillable += inbound;
          inbound = 0;
        }
      }
      const reserved = Math.round(fulfillable * r.float(0.01, 0.08));
      const researching = r.chance(0.08) ? r.int(1, 3) : 0;
      rows.push({
        granularityId: l.marketplace.id,
        date: isoDate(dayMs),
        asin: l.product.asin,
        fnSku: l.product.fnsku!,
        sellerSku: l.product.sku,
        condition: "NewItem",
        inventoryDetails: {
          fulfillableQuantity: fulfillable,
          inboundWorkingQuantity: working,
          inboundShippedQuantity: shipped,
          inboundReceivingQuantity: receiving,
          reservedQuantity: { totalReservedQuantity: reserved },
          researchingQuantity: { totalResearchingQuantity: researching },
          unfulfillableQuantity: { totalUnfulfillableQuantity: unfulfillable },
        },
        lastUpdatedTime: iso(dayMs + r.int(2 * 60, 20 * 60) * MINUTE),
        totalQuantity: fulfillable + working + shipped + receiving + reserved +
          researching + unfulfillable,
      });
    }
  }
  return { label: "inventory", orders: 0, records: { inventory: rows } };
}

// ── Advertising ─────────────────────────────────────────────────────────────

interface AdEntity {
  kind: "keyword" | "target";
  /** The report's keywordType: the match type, or a targeting expression kind. */
  keywordType: string;
  id: string;
  campaignId: string;
  bidMinor: number;
  impressions: number;
  ctr: number;
  cvr: number;
  active: boolean;
}

interface CampaignPlan {
  id: string;
  profileId: string;
  marketplace: Marketplace;
  startMs: number;
  /** Last day with delivery (paused or archived campaigns stop). */
  stopMs: number;
  avgOrderMinor: number;
  entities: AdEntity[];
}

function* adBatches(w: StoreWorld): Generator<WorldBatch> {
  const { plan, o } = w;
  const r = w.base.fork("ads");
  const profiles: AdsProfile[] = [];
  const campaigns: SpCampaign[] = [];
  const groups: SpAdGroup[] = [];
  const keywords: SpKeyword[] = [];
  const targets: SpTargetingClause[] = [];
  const changes: AdsChange[] = [];
  const plans: CampaignPlan[] = [];
  const adId = () =>
    w.uniqueId(() => `${r.int(1, 9)}${r.digits(r.int(11, 14))}`);
  /** When an entity last changed (its extendedData.lastUpdateDateTime). */
  const changed = () => iso(floorSecond(o.anchorMs - r.int(5, 180) * MINUTE));
  const earliest = Math.max(
    plan.createdAt.getTime() + 7 * DAY,
    o.windowStartMs - 120 * DAY,
  );
  const latest = o.anchorMs - 3 * DAY;

  /** Writes the history of a budget or bid ending at `current`. */
  const history = (
    entityType: AdsChange["entityType"],
    entityId: string,
    changeType: AdsChange["changeType"],
    current: number,
    fromMs: number,
    m: Marketplace,
    step: (v: number) => number,
  ) => {
    const n = r.weighted([[0, 40], [1, 30], [2, 20], [3, 7], [5, 3]] as const);
    const first = floorSecond(Math.max(fromMs, o.windowStartMs));
    const span = Math.floor((o.anchorMs - first) / MINUTE) - 1;
    const offsets = new Set<number>();
    for (let tries = 0; offsets.size < n && tries < 50 && span > 1; tries++) {
      offsets.add(r.int(1, span));
    }
    const times = [
      first,
      ...[...offsets].sort((a, b) => a - b).map((m) => first + m * MINUTE),
    ];
    const values = [current];
    while (values.length < times.length) values.unshift(step(values[0]));
    for (const [i, t] of times.entries()) {
      const change: AdsChange = {
        entityType,
        entityId,
        changeType,
        timestamp: iso(t),
        newValue: decimal(values[i], m.currency),
        currencyCode: m.currency,
      };
      if (i > 0) change.previousValue = decimal(values[i - 1], m.currency);
      changes.push(change);
    }
  };
  const budgetStep = (m: Marketplace) => (v: number) =>
    Math.max(
      localWhole(5, m),
      Math.round((v * r.float(0.6, 1.5)) / 100) * 100 || 100,
    );
  const bidStep = (v: number) =>
    Math.max(2, Math.round(v * r.float(0.7, 1.35)));

  for (const [mi, m] of plan.marketplaces.entries()) {
    const profileId = w.uniqueId(() =>
      `${r.int(1, 9)}${r.digits(r.int(14, 15))}`
    );
    profiles.push({
      profileId,
      countryCode: m.countryCode,
      currencyCode: m.currency,
      timezone: m.timezone,
      accountInfo: {
        marketplaceStringId: m.id,
        id: plan.sellerId,
        type: "seller",
        name: plan.name,
      },
    });
    const here = plan.listings.filter((l) => l.marketplace === m && l.buyable);
    const focusTable = new WeightedTable(here, (l) => l.product.popularity);
    const portfolios = Array.from({ length: r.int(0, 2) }, () => adId());
    const nCampaigns = r.int(mi === 0 ? 4 : 2, mi === 0 ? 8 : 5);
    for (let ci = 0; ci < nCampaigns; ci++) {
      const focus = focusTable.pick(r);
      const p = focus.product;
      const targeting = r.chance(0.3) ? "AUTO" : "MANUAL";
      const productTargeting = targeting === "MANUAL" && r.chance(0.25);
      const match = r.pick(["EXACT", "PHRASE", "BROAD"] as const);
      const state = r.weighted(
        [["ENABLED", 75], ["PAUSED", 18], ["ARCHIVED", 7]] as const,
      );
      const campaignId = adId();
      const startMs = floorDay(
        Math.min(
          latest,
          Math.max(
            earliest,
            o.windowStartMs + r.int(-120, Math.floor(o.days * 0.7)) * DAY,
          ),
        ),
      );
      const stopMs = state === "ENABLED" ? o.anchorMs : floorDay(
        startMs +
          r.int(
              0,
              Math.max(0, Math.floor((o.anchorMs - startMs) / DAY) - 1),
            ) * DAY,
      );
      const budget = localWhole(
        r.pick([10, 15, 20, 25, 30, 50, 75, 100, 150]),
        m,
      );
      const kind = targeting === "AUTO"
        ? "Auto"
        : productTargeting
        ? "PT"
        : `KW ${match}`;
      const strategy = r.pick(["LEGACY_FOR_SALES", "AUTO_FOR_SALES", "MANUAL"]);
      const portfolioId = portfolios.length > 0 && r.chance(0.5)
        ? r.pick(portfolios)
        : undefined;
      const campaign: SpCampaign = {
        profileId,
        campaignId,
        name: `SP | ${p.noun} | ${kind} | ${m.countryCode}`,
        state,
        targetingType: targeting,
        budget: { budget: decimal(budget, m.currency), budgetType: "DAILY" },
        startDate: isoDate(startMs),
        dynamicBidding: { strategy },
        lastUpdateDateTime: changed(),
      };
      if (portfolioId) campaign.portfolioId = portfolioId;
      if (state === "ARCHIVED") campaign.endDate = isoDate(stopMs);
      campaigns.push(campaign);
      history(
        "CAMPAIGN",
        campaignId,
        "BUDGET_AMOUNT",
        budget,
        startMs,
        m,
        budgetStep(m),
      );
      const cp: CampaignPlan = {
        id: campaignId,
        profileId,
        marketplace: m,
        startMs,
        stopMs,
        avgOrderMinor: focus.priceMinor,
        entities: [],
      };
      plans.push(cp);
      const nGroups = r.int(1, 3);
      for (let gi = 0; gi < nGroups; gi++) {
        const adGroupId = adId();
        const groupState = state === "ARCHIVED"
          ? "ARCHIVED"
          : r.weighted([["ENABLED", 85], ["PAUSED", 15]] as const);
        const defaultBid = m.currency === "JPY"
          ? r.int(20, 250)
          : localAmount(r.int(35, 250), m);
        groups.push({
          adGroupId,
          campaignId,
          name: `${p.noun} - ${["Core", "Long tail", "Competitors"][gi]}`,
          state: groupState,
          defaultBid: decimal(defaultBid, m.currency),
          lastUpdateDateTime: changed(),
        });
        if (r.chance(0.2)) {
          history(
            "AD_GROUP",
            adGroupId,
            "DEFAULT_BID",
            defaultBid,
            startMs,
            m,
            bidStep,
          );
        }
        const childState = () =>
          groupState !== "ENABLED" ? groupState : r.weighted(
            [["ENABLED", 85], ["PAUSED", 10], ["ARCHIVED", 5]] as const,
          );
        const entity = (
          kind: AdEntity["kind"],
          keywordType: string,
          id: string,
          bid: number,
          st: string,
        ) =>
          cp.entities.push({
            kind,
            keywordType,
            id,
            campaignId,
            bidMinor: bid,
            impressions: r.logNormal(kind === "keyword" ? 180 : 260, 1),
            ctr: r.float(0.002, 0.012),
            cvr: r.float(0.04, 0.2),
            active: st === "ENABLED" && groupState === "ENABLED",
          });
        if (targeting === "AUTO") {
          for (
            const type of [
              "QUERY_HIGH_REL_MATCHES",
              "QUERY_BROAD_REL_MATCHES",
              "ASIN_SUBSTITUTE_RELATED",
              "ASIN_ACCESSORY_RELATED",
            ]
          ) {
            const targetId = adId();
            const bid = bidStep(defaultBid);
            const st = childState();
            targets.push({
              targetId,
              adGroupId,
              campaignId,
              expression: [{ type: type }],
              expressionType: "AUTO",
              state: st,
              bid: decimal(bid, m.currency),
              lastUpdateDateTime: changed(),
            });
            entity(
              "target",
              "TARGETING_EXPRESSION_PREDEFINED",
              targetId,
              bid,
              st,
            );
          }
        } else if (productTargeting) {
          for (let ti = r.int(2, 6); ti > 0; ti--) {
            const targetId = adId();
            const bid = bidStep(defaultBid);
            const st = childState();
            targets.push({
              targetId,
              adGroupId,
              campaignId,
              expression: r.chance(0.75)
                ? [{ type: "ASIN_SAME_AS", value: `B0${r.chars(8)}` }]
                : [{ type: "ASIN_CATEGORY_SAME_AS", value: r.digits(11) }],
              expressionType: "MANUAL",
              state: st,
              bid: decimal(bid, m.currency),
              lastUpdateDateTime: changed(),
            });
            entity("target", "TARGETING_EXPRESSION", targetId, bid, st);
            if (r.chance(0.3)) {
              history(
                "TARGET",
                targetId,
                "BID_AMOUNT",
                bid,
                startMs,
                m,
                bidStep,
              );
            }
          }
        } else {
          const texts = new Set<string>();
          const noun = p.noun.toLowerCase();
          for (
            let tries = 0;
            texts.size < r.int(4, 12) && tries < 40;
            tries++
          ) {
            texts.add(
              r.pick([
                noun,
                `${p.material.toLowerCase()} ${noun}`,
                `${noun} ${r.pick(p.category.modifiers)}`,
                `${r.pick(p.category.modifiers)} ${noun}`,
                `${p.brand.toLowerCase()} ${noun}`,
              ]),
            );
          }
          for (const text of texts) {
            const keywordId = adId();
            const bid = bidStep(defaultBid);
            const st = childState();
            const matchType = r.chance(0.8)
              ? match
              : r.pick(["EXACT", "PHRASE", "BROAD"] as const);
            keywords.push({
              keywordId,
              adGroupId,
              campaignId,
              keywordText: text,
              matchType,
              state: st,
              bid: decimal(bid, m.currency),
              lastUpdateDateTime: changed(),
            });
            entity("keyword", matchType, keywordId, bid, st);
            if (r.chance(0.3)) {
              history(
                "KEYWORD",
                keywordId,
                "BID_AMOUNT",
                bid,
                startMs,
                m,
                bidStep,
              );
            }
          }
        }
      }
    }
  }
  yield {
    label: "advertising",
    orders: 0,
    records: {
      adsProfiles: profiles,
      campaigns,
      adGroups: groups,
      keywords,
      targets,
      adsChanges: changes,
    },
  };

  // Daily metrics: keyword and target rows, and campaign rows that are their sums.
  const mr = w.base.fork("ad-metrics");
  let metrics: AdsReportRow[] = [];
  const today = floorDay(o.anchorMs);
  for (let k = o.adMetricsDays; k >= 1; k--) {
    const dayMs = today - k * DAY;
    const dow = new Date(dayMs).getUTCDay();
    const dayFactor = [1.1, 0.95, 0.93, 0.95, 0.97, 1.02, 1.1][dow];
    for (const cp of plans) {
      if (dayMs < cp.startMs || dayMs > cp.stopMs) continue;
      let impressions = 0, clicks = 0, spend = 0, orders = 0, sales = 0;
      for (const e of cp.entities) {
        if (!e.active && cp.stopMs === o.anchorMs) continue;
        const imp = Math.round(
          e.impressions * dayFactor * mr.logNormal(1, 0.4),
        );
        if (imp <= 0) continue;
        const clk = Math.min(
          imp,
          Math.round(imp * e.ctr * mr.logNormal(1, 0.35)),
        );
        let ord = 0;
        if (clk <= 40) {
          for (let i = 0; i < clk; i++) {
            ord += mr.chance(e.cvr) ? 1 : 0;
          }
        } else {ord = Math.min(
            clk,
            Math.round(clk * e.cvr * mr.logNormal(1, 0.25)),
          );}
        const cpc = Math.max(1, Math.round(e.bidMinor * mr.float(0.5, 0.95)));
        const sp = clk * cpc;
        const sl = Math.round(ord * cp.avgOrderMinor * mr.float(0.9, 1.3));
        const m = cp.marketplace;
        metrics.push({
          profileId: cp.profileId,
          date: isoDate(dayMs),
          campaignId: cp.id,
          keywordId: e.id,
          keywordType: e.keywordType,
          impressions: imp,
          clicks: clk,
          cost: decimal(sp, m.currency),
          purchases7d: ord,
          sales7d: decimal(sl, m.currency),
        });
        mr.int(3 * 60, 20 * 60); // was the seed's sync time
        impressions += imp;
        clicks += clk;
        spend += sp;
        orders += ord;
        sales += sl;
      }
      if (impressions === 0) continue;
      metrics.push({
        profileId: cp.profileId,
        date: isoDate(dayMs),
        campaignId: cp.id,
        impressions,
        clicks,
        cost: decimal(spend, cp.marketplace.currency),
        purchases7d: orders,
        sales7d: decimal(sales, cp.marketplace.currency),
      });
      mr.int(3 * 60, 20 * 60); // was the seed's sync time
    }
    if (metrics.length >= 5000) {
      yield {
        label: "ad metrics",
        orders: 0,
        records: { adsReportRows: metrics },
      };
      metrics = [];
    }
  }
  if (metrics.length > 0) {
    yield {
      label: "ad metrics",
      orders: 0,
      records: { adsReportRows: metrics },
    };
  }
}

// ── Orders, with their buyer data, returns and money ───────────────────────

/** Relative order volume per day: growth, weekday, seasonal peaks and noise. */
function dailyWeights(r: Rng, o: Resolved): number[] {
  return Array.from({ length: o.days }, (_, i) => {
    const d = new Date(o.windowStartMs + i * DAY);
    const month = d.getUTCMonth();
    const date = d.getUTCDate();
    let season = 1;
    if (month === 10 && date >= 24) season = 2.1; // Black Friday week
    else if (month === 11 && date <= 20) season = 1.6;
    else if (month === 6 && date >= 8 && date <= 12) season = 2.0; // Prime Day
    else if (month === 0) season = 0.85;
    const trend = 0.55 + 0.45 * ((i + 1) / o.days);
    const weekday = [1.12, 0.95, 0.93, 0.95, 0.97, 1.02, 1.1][d.getUTCDay()];
    return trend * weekday * season * r.logNormal(1, 0.15);
  });
}

function fakePhone(r: Rng, country: string): string {
  if (["US", "CA", "PR"].includes(country)) return `+1 555-01${r.digits(2)}`;
  if (country === "GB" || country === "IE") return `+44 7700 900${r.digits(3)}`;
  return `+00 555 ${r.digits(4)}`;
}

function* orderBatches(w: StoreWorld): Generator<WorldBatch> {
  const { plan, o } = w;
  const r = w.base.fork("orders");
  const counts = apportion(plan.orders, dailyWeights(r.fork("days"), o));
  const idOffset = r.int(0, 9_999_999);
  const marketTable = new WeightedTable(
    plan.marketplaces.map((m, i) => [m, plan.marketplaceShare[i]] as const),
    ([, share]) => share,
  );
  const byMarket = new Map<string, WeightedTable<ListingPlan>>();
  const byChannel = new Map<string, WeightedTable<ListingPlan>>();
  for (const m of plan.marketplaces) {
    const buyable = plan.listings.filter((l) =>
      l.marketplace === m && l.buyable
    );
    byMarket.set(m.id, new WeightedTable(buyable, (l) => l.product.popularity));
    for (const ch of ["AFN", "MFN"]) {
      const subset = buyable.filter((l) => l.product.channel === ch);
      if (subset.length > 0) {
        byChannel.set(
          `${m.id}|${ch}`,
          new WeightedTable(subset, (l) => l.product.popularity),
        );
      }
    }
  }
  const trafficIndex = new Map<ListingPlan, number>(
    plan.listings.map((l, i) => [l, i]),
  );
  const buyerDataMs = BUYER_DATA_DAYS * DAY;

  let rows = emptyOrderRows();
  let inBatch = 0;
  let seq = 0;
  for (let d = 0; d < o.days; d++) {
    const n = counts[d];
    if (n === 0) continue;
    const dayStart = o.windowStartMs + d * DAY;
    const times = Array.from(
      { length: n },
      () => dayStart + r.int(0, 86_399) * 1000,
    )
      .sort((a, b) => a - b);
    for (const t of times) {
      seq++;
      const m = marketTable.pick(r)[0];
      const first = byMarket.get(m.id)!.pick(r);
      const channel = first.product.channel;
      const pool = byChannel.get(`${m.id}|${channel}`)!;
      const chosen = [first];
      const wanted = r.weighted([[1, 78], [2, 15], [3, 5], [4, 2]] as const);
      for (let tries = 0; chosen.length < wanted && tries < 12; tries++) {
        const next = pool.pick(r);
        if (!chosen.includes(next)) chosen.push(next);
      }
      const amazonOrderId = `${r.pick(m.orderPrefixes)}-${
        String((seq * 7_654_321 + idOffset) % 10_000_000).padStart(7, "0")
      }-${r.digits(7)}`;
      const isPrime = channel === "AFN" ? r.chance(0.7) : r.chance(0.08);
      const isBusiness = r.chance(0.04);
      const taxBps = r.pick(m.taxBps);
      const crossBorder = CROSS_BORDER[m.countryCode];
      const shipCountry = crossBorder && r.chance(0.04)
        ? crossBorder
        : m.countryCode;

      // Timeline, then the status as seen at the anchor.
      const pendingMs = r.chance(0.08)
        ? r.int(4 * 60, 48 * 60) * MINUTE
        : r.int(1, 90) * MINUTE;
      const handlingMs = channel === "AFN"
        ? r.int(3 * 60, 36 * 60) * MINUTE
        : r.int(6 * 60, 96 * 60) * MINUTE;
      const transitMs = channel === "AFN" && isPrime
        ? r.int(12 * 60, 48 * 60) * MINUTE
        : r.int(30 * 60, 6 * 24 * 60) * MINUTE;
      const paidAt = t + pendingMs;
      const shipAt = paidAt + handlingMs;
      const deliverAt = shipAt + transitMs;
      const cancelAt = t + r.int(10, 36 * 60) * MINUTE;
      const canceled = r.chance(0.025) && cancelAt <= o.anchorMs;
      let status:
        | "Pending"
        | "Unshipped"
        | "Shipped"
        | "Delivered"
        | "Canceled";
      let lastUpdated: number;
      let shippedAt: number | null = null;
      let deliveredAt: number | null = null;
      if (canceled) [status, lastUpdated] = ["Canceled", cancelAt];
      else if (o.anchorMs < paidAt) [status, lastUpdated] = ["Pending", t];
      else if (o.anchorMs < shipAt) {
        [status, lastUpdated] = ["Unshipped", paidAt];
      } else if (o.anchorMs < deliverAt) {
        [status, lastUpdated, shippedAt] = ["Shipped", shipAt, shipAt];
      } else {
        [status, lastUpdated, shippedAt, deliveredAt] = [
          "Delivered",
          deliverAt,
          shipAt,
          deliverAt,
        ];
      }

      // Items and money, in minor units.
      let totalMinor = 0;
      const items: {
        listing: ListingPlan;
        id: string;
        qty: number;
        price: number;
        tax: number;
        shipping: number;
        promo: number;
      }[] = [];
      const itemIds = new Set<string>();
      for (const [i, l] of chosen.entries()) {
        let id: string;
        do id = r.digits(14); while (itemIds.has(id));
        itemIds.add(id);
        const qty = r.weighted([[1, 85], [2, 11], [3, 3], [4, 1]] as const);
        const unit = r.chance(0.1)
          ? l.priceMinor -
            Math.round((l.priceMinor * r.pick([5, 10, 15])) / 100)
          : l.priceMinor;
        const price = unit * qty;
        const promo = r.chance(0.06)
          ? Math.round((price * r.pick([10, 15, 20])) / 100)
          : 0;
        const shipping = i === 0 &&
            ((channel === "MFN" && !isPrime && r.chance(0.35)) ||
              (channel === "AFN" && !isPrime && r.chance(0.1)))
          ? localPrice(channel === "MFN" ? 499 : 599, m)
          : 0;
        const tax = m.taxInclusive
          ? Math.round(((price - promo) * taxBps) / (10_000 + taxBps))
          : Math.round(((price - promo) * taxBps) / 10_000);
        totalMinor += price + shipping - promo + (m.taxInclusive ? 0 : tax);
        items.push({ listing: l, id, qty, price, tax, shipping, promo });
      }

      const cur = m.currency;
      const order: Order = {
        AmazonOrderId: amazonOrderId,
        PurchaseDate: iso(t),
        LastUpdateDate: iso(lastUpdated),
        OrderStatus: status === "Delivered" ? "Shipped" : status,
        FulfillmentChannel: channel,
        SalesChannel: m.name,
        MarketplaceId: m.id,
        IsBusinessOrder: isBusiness,
        IsPrime: isPrime,
        ShipServiceLevel: isPrime ? "Expedited" : "Standard",
        LatestDeliveryDate: iso(t + 10 * DAY),
        ShippingAddress: { CountryCode: shipCountry },
      };
      if (channel === "MFN" && r.chance(0.25)) {
        order.SellerOrderId = `${plan.skuPrefix}-${100_000 + seq}`;
      }
      if (!canceled) order.OrderTotal = money(totalMinor, cur);
      if (shippedAt !== null) {
        order.Package = { shipTime: iso(shippedAt) };
        if (deliveredAt !== null) {
          order.Package.deliveredTime = iso(deliveredAt);
        }
      }
      r.int(2, 90); // was the seed's sync time
      rows.orders.push(order);
      for (const it of items) {
        const item: OrderItem = {
          AmazonOrderId: amazonOrderId,
          OrderItemId: it.id,
          ASIN: it.listing.product.asin,
          SellerSKU: it.listing.product.sku,
          Title: it.listing.product.title,
          QuantityOrdered: it.qty,
        };
        if (!canceled) {
          item.ItemPrice = money(it.price, cur);
          item.ItemTax = money(it.tax, cur);
          item.ShippingPrice = money(it.shipping, cur);
          item.PromotionDiscount = money(it.promo, cur);
        }
        rows.orderItems.push(item);
        if (!canceled) {
          const key = `${trafficIndex.get(it.listing)}|${d}`;
          const cell = w.traffic.get(key) ??
            { listing: it.listing, day: d, units: 0, salesMinor: 0, items: 0 };
          cell.units += it.qty;
          cell.salesMinor += it.price;
          cell.items += 1;
          w.traffic.set(key, cell);
        }
      }

      // Buyer data: MFN only, once payable, until 30 days after delivery.
      if (
        channel === "MFN" &&
        ["Unshipped", "Shipped", "Delivered"].includes(status) &&
        (deliveredAt === null || deliveredAt + buyerDataMs > o.anchorMs)
      ) {
        const [city, region, postal] = r.pick(
          CITIES[shipCountry] ?? CITIES[m.countryCode],
        );
        const name = `${r.pick(BUYER_FIRST)} ${r.pick(BUYER_LAST)}`;
        const address: OrderBuyerData["ShippingAddress"] = {
          Name: name,
          AddressLine1: `${r.int(1, 9999)} ${r.pick(STREETS)}`,
          City: city,
          PostalCode: fillPattern(r, postal),
          CountryCode: shipCountry,
          Phone: fakePhone(r, shipCountry),
        };
        if (r.chance(0.2)) address.AddressLine2 = `Apt ${r.int(1, 400)}`;
        if (region) address.StateOrRegion = region;
        rows.buyerData.push({
          AmazonOrderId: amazonOrderId,
          BuyerInfo: {
            BuyerName: name,
            BuyerEmail: `buyer-${plan.index + 1}-${seq}@example.invalid`,
          },
          ShippingAddress: address,
        });
        r.int(1, 30); // was the seed's collection time
      }

      // Money movements once shipped: settlement lines and a shipment event.
      if (shippedAt !== null) {
        const period = w.periodFor(m, shippedAt);
        const header = {
          AmazonOrderId: amazonOrderId,
          ...(order.SellerOrderId
            ? { SellerOrderId: order.SellerOrderId }
            : {}),
          MarketplaceName: m.name,
        };
        const shipped: ShipmentItem[] = [];
        const shipmentId = r.chars(
          9,
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        );
        for (const it of items) {
          const p = it.listing.product;
          const base = {
            transactionType: "Order",
            orderId: amazonOrderId,
            shipmentId,
            fulfillmentId: channel,
            postedDateTime: iso(shippedAt),
            orderItemCode: it.id,
            sku: p.sku,
          };
          const commission = -Math.max(
            Math.round(
              ((it.price - it.promo + it.shipping) * p.category.referralBps) /
                10_000,
            ),
            localAmount(30, m) * it.qty,
          );
          const fba = channel === "AFN"
            ? -localAmount(p.fbaUsdCents, m) * it.qty
            : 0;
          w.settle(rows.settlementLines, period, it.price, {
            ...base,
            amountType: "ItemPrice",
            amountDescription: "Principal",
            quantityPurchased: it.qty,
          });
          if (!m.taxInclusive && it.tax > 0) {
            w.settle(rows.settlementLines, period, it.tax, {
              ...base,
              amountType: "ItemPrice",
              amountDescription: "Tax",
            });
            w.settle(rows.settlementLines, period, -it.tax, {
              ...base,
              amountType: "ItemWithheldTax",
              amountDescription: "MarketplaceFacilitatorTax-Principal",
            });
          }
          if (it.shipping > 0) {
            w.settle(rows.settlementLines, period, it.shipping, {
              ...base,
              amountType: "ItemPrice",
              amountDescription: "Shipping",
            });
          }
          if (it.promo > 0) {
            w.settle(rows.settlementLines, period, -it.promo, {
              ...base,
              amountType: "Promotion",
              amountDescription: "Principal",
              promotionId: `PLM-${r.chars(10)}`,
            });
          }
          w.settle(rows.settlementLines, period, commission, {
            ...base,
            amountType: "ItemFees",
            amountDescription: "Commission",
          });
          const fees: FeeComponent[] = [{
            FeeType: "Commission",
            FeeAmount: money(commission, cur),
          }];
          if (fba !== 0) {
            w.settle(rows.settlementLines, period, fba, {
              ...base,
              amountType: "ItemFees",
              amountDescription: "FBAPerUnitFulfillmentFee",
            });
            fees.push({
              FeeType: "FBAPerUnitFulfillmentFee",
              FeeAmount: money(fba, cur),
            });
          }
          const tax = m.taxInclusive ? 0 : it.tax;
          shipped.push({
            SellerSKU: p.sku,
            OrderItemId: it.id,
            QuantityShipped: it.qty,
            ItemChargeList: [
              { ChargeType: "Principal", ChargeAmount: money(it.price, cur) },
              ...(tax
                ? [{ ChargeType: "Tax", ChargeAmount: money(tax, cur) }]
                : []),
              ...(it.shipping
                ? [{
                  ChargeType: "ShippingCharge",
                  ChargeAmount: money(it.shipping, cur),
                }]
                : []),
            ],
            ItemFeeList: fees,
            ItemTaxWithheldList: withheldTax(-tax, cur),
            PromotionList: it.promo
              ? [{
                PromotionType: "PromotionMetaDataDefinitionValue",
                PromotionId: `PLM-${it.id}`,
                PromotionAmount: money(-it.promo, cur),
              }]
              : [],
          });
        }
        rows.financialEvents.push({
          list: "ShipmentEventList",
          ...(period ? { FinancialEventGroupId: period.groupId } : {}),
          ...header,
          PostedDate: iso(shippedAt),
          items: shipped,
        });

        // A few per cent of delivered FBA orders come back (FBA returns report).
        if (deliveredAt !== null && channel === "AFN" && r.chance(0.035)) {
          const it = r.pick(items);
          const p = it.listing.product;
          const returnedAt = deliveredAt +
            r.int(24 * 60, 28 * 24 * 60) * MINUTE;
          if (returnedAt <= o.anchorMs) {
            const qty = r.int(1, it.qty);
            const disposition = r.weighted(
              [
                ["SELLABLE", 55],
                ["CUSTOMER_DAMAGED", 20],
                ["DEFECTIVE", 15],
                ["CARRIER_DAMAGED", 5],
                ["DAMAGED", 5],
              ] as const,
            );
            rows.returns.push({
              returnDate: iso(floorSecond(returnedAt)),
              orderId: amazonOrderId,
              sku: p.sku,
              licensePlateNumber: `LPN${r.chars(10)}`,
              asin: p.asin,
              fnsku: p.fnsku!,
              quantity: qty,
              fulfillmentCenterId: r.pick(m.fulfillmentCenters),
              detailedDisposition: disposition,
              reason: disposition === "DEFECTIVE"
                ? "DEFECTIVE"
                : r.pick(RETURN_REASONS),
              status: disposition === "SELLABLE"
                ? "Unit returned to inventory"
                : r.pick([
                  "Reimbursed",
                  "Repackaged Successfully",
                  "IMMEDIATE_DONATION",
                ]),
            });
            const refundAt = floorSecond(
              Math.min(o.anchorMs, returnedAt + r.int(0, 24) * HOUR),
            );
            const rp = w.periodFor(m, refundAt);
            const principal = Math.round((it.price * qty) / it.qty);
            const tax = Math.round((it.tax * qty) / it.qty);
            const commissionBack = Math.round(
              (Math.max(
                Math.round(
                  ((it.price - it.promo + it.shipping) *
                    p.category.referralBps) / 10_000,
                ),
                localAmount(30, m) * it.qty,
              ) * qty) / it.qty,
            );
            const admin = Math.min(
              Math.round(commissionBack * 0.2),
              localAmount(500, m) * qty,
            );
            const refundBase = {
              transactionType: "Refund",
              orderId: amazonOrderId,
              adjustmentId: r.digits(14),
              fulfillmentId: channel,
              postedDateTime: iso(refundAt),
              orderItemCode: it.id,
              sku: p.sku,
            };
            w.settle(rows.settlementLines, rp, -principal, {
              ...refundBase,
              amountType: "ItemPrice",
              amountDescription: "Principal",
              quantityPurchased: qty,
            });
            if (!m.taxInclusive && tax > 0) {
              w.settle(rows.settlementLines, rp, -tax, {
                ...refundBase,
                amountType: "ItemPrice",
                amountDescription: "Tax",
              });
              w.settle(rows.settlementLines, rp, tax, {
                ...refundBase,
                amountType: "ItemWithheldTax",
                amountDescription: "MarketplaceFacilitatorTax-Principal",
              });
            }
            w.settle(rows.settlementLines, rp, commissionBack, {
              ...refundBase,
              amountType: "ItemFees",
              amountDescription: "Commission",
            });
            w.settle(rows.settlementLines, rp, -admin, {
              ...refundBase,
              amountType: "ItemFees",
              amountDescription: "RefundCommission",
            });
            const refundTax = m.taxInclusive ? 0 : tax;
            rows.financialEvents.push({
              list: "RefundEventList",
              ...(rp ? { FinancialEventGroupId: rp.groupId } : {}),
              ...header,
              PostedDate: iso(refundAt),
              items: [{
                SellerSKU: p.sku,
                OrderItemId: it.id,
                QuantityShipped: qty,
                ItemChargeList: [
                  {
                    ChargeType: "Principal",
                    ChargeAmount: money(-principal, cur),
                  },
                  ...(refundTax
                    ? [{
                      ChargeType: "Tax",
                      ChargeAmount: money(-refundTax, cur),
                    }]
                    : []),
                ],
                ItemFeeList: [
                  {
                    FeeType: "Commission",
                    FeeAmount: money(commissionBack, cur),
                  },
                  {
                    FeeType: "RefundCommission",
                    FeeAmount: money(-admin, cur),
                  },
                ],
                ItemTaxWithheldList: withheldTax(refundTax, cur),
                PromotionList: [],
              }],
            });
          }
        }
      }

      if (++inBatch >= o.ordersPerBatch) {
        yield flushOrders(w, rows, inBatch);
        rows = emptyOrderRows();
        inBatch = 0;
      }
    }
  }
  if (inBatch > 0) yield flushOrders(w, rows, inBatch);
}

/** Marketplace facilitator tax withheld from an item (none when 0). */
function withheldTax(minor: number, currency: string) {
  return minor === 0 ? [] : [{
    TaxCollectionModel: "MarketplaceFacilitator",
    TaxesWithheld: [{
      ChargeType: "MarketplaceFacilitatorTax-Principal",
      ChargeAmount: money(minor, currency),
    }],
  }];
}

type OrderBatchRows = Required<
  Pick<
    WorldRecords,
    | "orders"
    | "orderItems"
    | "buyerData"
    | "returns"
    | "settlementLines"
    | "financialEvents"
  >
>;

function emptyOrderRows(): OrderBatchRows {
  return {
    orders: [],
    orderItems: [],
    buyerData: [],
    returns: [],
    settlementLines: [],
    financialEvents: [],
  };
}

function flushOrders(
  _w: StoreWorld,
  rows: OrderBatchRows,
  n: number,
): WorldBatch {
  return { label: "orders", orders: n, records: rows };
}

// ── Closing: settlements, traffic, search terms ────────────────────────────

/**
 * The events of a settlement period outside orders and service fees, each
 * also a settlement line: a reimbursement (AdjustmentEvent, +), sponsored
 * products charges (ProductAdsPaymentEvent, -), coupon clip fees, FBA
 * liquidation proceeds net of their fee, a debt recovery (dated by no field
 * of the model), and with `futureEventList` one FooBarEvent.
 */
function otherEvents(
  w: StoreWorld,
  r: Rng,
  m: Marketplace,
  p: Period,
  k: number,
  fba: boolean,
  lines: SettlementLine[],
  events: FinancialEvent[],
) {
  const c = m.currency;
  const cash = (minor: number) => money(minor, c);
  const here = w.plan.listings.filter((l) => l.marketplace.id === m.id);
  const post = (
    list: OtherEventList,
    description: string,
    net: number,
    fields: Record<string, unknown>,
    dateField: string | null = "PostedDate",
  ) => {
    const postedMs = floorSecond(p.startMs + 2 * DAY + r.int(0, 86_399) * 1000);
    if (postedMs > w.o.anchorMs) return;
    w.settle(lines, p, net, {
      transactionType: "other-transaction",
      amountType: "other-transaction",
      amountDescription: description,
      postedDateTime: iso(postedMs),
    });
    events.push({
      list,
      FinancialEventGroupId: p.groupId,
      PostedDate: iso(postedMs),
      dateField,
      fields,
      net: cash(net),
    });
  };
  if (here.length) {
    const l = here[r.int(0, here.length - 1)];
    const qty = r.int(1, 3);
    const unit = localAmount(r.int(400, 2500), m);
    post("AdjustmentEventList", "REVERSAL_REIMBURSEMENT", unit * qty, {
      AdjustmentType: "REVERSAL_REIMBURSEMENT",
      AdjustmentAmount: cash(unit * qty),
      AdjustmentItemList: [{
        Quantity: String(qty),
        PerUnitAmount: cash(unit),
        TotalAmount: cash(unit * qty),
        SellerSKU: l.product.sku,
        ASIN: l.product.asin,
      }],
    });
  }
  const base = -localAmount(r.int(1000, 6000), m);
  const tax = k % 2 === 0 ? 0 : -localAmount(r.int(50, 400), m);
  post("ProductAdsPaymentEventList", "Cost of Advertising", base + tax, {
    transactionType: "Charge",
    invoiceId: `SANDBOX-${p.settlementId}-${k}`,
    baseValue: cash(base),
    taxValue: cash(tax),
    transactionValue: cash(base + tax),
  }, "postedDate");
  if (k % 2 === 1) {
    const clips = r.int(1, 40);
    const fee = -localAmount(60, m) * clips;
    post("CouponPaymentEventList", "Coupon Redemption Fee", fee, {
      CouponId: `SANDBOX-COUPON-${k}`,
      SellerCouponDescription: "Save 10%",
      ClipOrRedemptionCount: clips,
      PaymentEventId: `${p.settlementId}${k}`,
      FeeComponent: { FeeType: "CouponClipFee", FeeAmount: cash(fee) },
      ChargeComponent: { ChargeType: "CouponCharge", ChargeAmount: cash(0) },
      TotalAmount: cash(fee),
    });
  }
  if (fba && k % 3 === 2) {
    const proceeds = localAmount(r.int(500, 9000), m);
    const fee = -Math.round(proceeds * 0.15);
    post("FBALiquidationEventList", "Liquidations", proceeds + fee, {
      OriginalRemovalOrderId: `LIQ-${p.settlementId}-${k}`,
      LiquidationProceedsAmount: cash(proceeds),
      LiquidationFeeAmount: cash(fee),
    });
  }
  if (k % 4 === 3) {
    const recovered = localAmount(r.int(100, 3000), m);
    post("DebtRecoveryEventList", "Debt recovery", recovered, {
      DebtRecoveryType: "DebtPayment",
      RecoveryAmount: cash(recovered),
    }, null);
  }
  if (w.o.futureEventList) {
    const amount = -localAmount(r.int(100, 900), m);
    post("FooBarEventList", "FooBar", amount, {
      FooBarType: "Future",
      FooBarAmount: cash(amount),
    });
  }
}

function* closingBatches(w: StoreWorld): Generator<WorldBatch> {
  const { plan, o } = w;
  const r = w.base.fork("closing");
  const fr = w.base.fork("other financial events");

  // Service fees, then settlement headers whose totals are the exact line sums.
  const lines: SettlementLine[] = [];
  const events: FinancialEvent[] = [];
  const settlements: Settlement[] = [];
  const groups: FinancialEventGroup[] = [];
  const usesFba = new Set(
    plan.listings.filter((l) => l.product.channel === "AFN").map((l) =>
      l.marketplace.id
    ),
  );
  for (const m of plan.marketplaces) {
    for (const [k, p] of w.periods.get(m.id)!.entries()) {
      const charges: [string, string, number][] = [];
      if (k % 2 === 0) {
        charges.push([
          "Subscription Fee",
          "Subscription",
          -m.subscriptionMinor,
        ]);
      }
      if (k % 2 === 1 && usesFba.has(m.id)) {
        charges.push([
          "Storage Fee",
          "FBAStorageFee",
          -localAmount(r.int(1500, 25_000), m),
        ]);
      }
      for (const [description, feeType, amount] of charges) {
        const postedMs = floorSecond(p.startMs + DAY + r.int(0, 86_399) * 1000);
        if (postedMs > o.anchorMs) continue;
        w.settle(lines, p, amount, {
          transactionType: "other-transaction",
          amountType: "other-transaction",
          amountDescription: description,
          postedDateTime: iso(postedMs),
        });
        events.push({
          list: "ServiceFeeEventList",
          FinancialEventGroupId: p.groupId,
          PostedDate: iso(postedMs),
          FeeReason: description,
          FeeDescription: description,
          FeeList: [{ FeeType: feeType, FeeAmount: money(amount, m.currency) }],
        });
      }
      otherEvents(w, fr, m, p, k, usesFba.has(m.id), lines, events);
      groups.push({
        FinancialEventGroupId: p.groupId,
        marketplaceId: m.id,
        settlementId: p.settlementId,
        FinancialEventGroupStart: iso(p.startMs),
        FinancialEventGroupEnd: iso(p.endMs),
        ProcessingStatus: p.closed ? "Closed" : "Open",
      });
      if (!p.closed) continue;
      const deposit = p.endMs + r.int(1, 3) * DAY + r.int(0, 86_399) * 1000;
      const settlement: Settlement = {
        settlementId: p.settlementId,
        settlementStartDate: iso(p.startMs),
        settlementEndDate: iso(p.endMs),
        totalAmount: money(p.totalMinor, m.currency),
        reportDocumentId: p.reportDocumentId,
      };
      if (deposit <= o.anchorMs) {
        settlement.depositDate = iso(floorSecond(deposit));
      }
      settlements.push(settlement);
    }
  }
  yield {
    label: "settlements",
    orders: 0,
    records: {
      settlements,
      eventGroups: groups,
      settlementLines: lines,
      financialEvents: events,
    },
  };

  // Sales and traffic by child ASIN and day, consistent with the orders.
  const tr = w.base.fork("traffic");
  let traffic: SalesAndTrafficByAsin[] = [];
  const flushTraffic = () => {
    const batch: WorldBatch = {
      label: "sales and traffic",
      orders: 0,
      records: { salesTraffic: traffic },
    };
    traffic = [];
    return batch;
  };
  for (const cell of w.traffic.values()) {
    const conversion = tr.float(0.06, 0.18);
    const sessions = Math.max(cell.items, Math.round(cell.units / conversion));
    traffic.push({
      marketplaceId: cell.listing.marketplace.id,
      date: isoDate(o.windowStartMs + cell.day * DAY),
      parentAsin: cell.listing.product.parentAsin,
      childAsin: cell.listing.product.asin,
      sku: cell.listing.product.sku,
      salesByAsin: {
        unitsOrdered: cell.units,
        orderedProductSales: money(
          cell.salesMinor,
          cell.listing.marketplace.currency,
        ),
        totalOrderItems: cell.items,
      },
      trafficByAsin: {
        sessions,
        pageViews: Math.round(sessions * tr.float(1.1, 1.9)),
        buyBoxPercentage: pct2(tr.int(8500, 10_000)),
        unitSessionPercentage: pct2((cell.units * 10_000) / sessions),
      },
    });
    if (traffic.length >= 5000) yield flushTraffic();
  }
  w.traffic.clear();
  if (traffic.length > 0) yield flushTraffic();

  // Brand Analytics search terms (brand owners only): top 3 clicked ASINs.
  const terms: SearchTermsEntry[] = [];
  if (plan.brand) {
    const sr = w.base.fork("search-terms");
    const pool = new Map<string, { rank: number; own: ProductPlan[] }>();
    for (const p of plan.products) {
      const noun = p.noun.toLowerCase();
      for (
        const term of [
          noun,
          `${p.material.toLowerCase()} ${noun}`,
          `${noun} ${sr.pick(p.category.modifiers)}`,
        ]
      ) {
        const entry = pool.get(term) ??
          {
            rank: Math.round(
              Math.exp(sr.float(Math.log(40), Math.log(900_000))),
            ),
            own: [],
          };
        if (!entry.own.includes(p)) entry.own.push(p);
        pool.set(term, entry);
      }
    }
    const competitors = Array.from({ length: 40 }, () => `B0${sr.chars(8)}`);
    const today = floorDay(o.anchorMs);
    const dow = new Date(today).getUTCDay();
    const lastSaturday = today -
      ((dow + 1) % 7 === 0 ? 7 : (dow + 1) % 7) * DAY;
    const periods: ["WEEK" | "MONTH", number, number][] = [];
    for (let k = 0; k < 8; k++) {
      const end = lastSaturday - k * 7 * DAY;
      periods.push(["WEEK", end - 6 * DAY, end]);
    }
    const anchorDate = new Date(today);
    for (let k = 1; k <= 3; k++) {
      const start = Date.UTC(
        anchorDate.getUTCFullYear(),
        anchorDate.getUTCMonth() - k,
        1,
      );
      const end = Date.UTC(
        anchorDate.getUTCFullYear(),
        anchorDate.getUTCMonth() - k + 1,
        1,
      ) - DAY;
      periods.push(["MONTH", start, end]);
    }
    const entries = [...pool.entries()];
    for (const m of plan.marketplaces) {
      const listed = new Set(
        plan.listings.filter((l) => l.marketplace === m).map((l) => l.product),
      );
      for (const [period, start, end] of periods) {
        if (start < o.windowStartMs) continue;
        for (const [term, info] of sr.sample(entries, sr.int(10, 20))) {
          const own = info.own.filter((p) => listed.has(p)).map((p) => p.asin);
          const asins: string[] = [];
          if (own.length > 0 && sr.chance(0.6)) asins.push(sr.pick(own));
          while (asins.length < 3) {
            const a = sr.pick(competitors);
            if (!asins.includes(a)) asins.push(a);
          }
          sr.shuffle(asins);
          let share = sr.int(800, 3500);
          const frequency = Math.max(
            1,
            Math.round(info.rank * sr.float(0.7, 1.4)),
          );
          for (const [i, asin] of asins.entries()) {
            terms.push({
              marketplaceId: m.id,
              reportPeriod: period,
              dataStartTime: isoDate(start),
              dataEndTime: isoDate(end),
              departmentName: m.name,
              searchTerm: term,
              searchFrequencyRank: frequency,
              clickedAsin: asin,
              clickShareRank: i + 1,
              clickShare: bps4(share),
              conversionShare: bps4(
                Math.min(10_000, share * sr.float(0.5, 1.5)),
              ),
            });
            share = Math.floor(share * sr.float(0.4, 0.9));
          }
        }
      }
    }
  }
  yield { label: "search terms", orders: 0, records: { searchTerms: terms } };
}
