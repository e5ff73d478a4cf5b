// Profit two ways (issue #16), as pure arithmetic on integer minor units so
// that the tests can check it by hand: each order line (one SKU of one
// order) at order time and at settlement time, then summed per SKU, order,
// day or store — always per currency, never across two.
//
// Sign convention (Amazon's): sales, refunds received back and
// reimbursements are what they are; fees are negative. Cost of goods and ad
// spend are positive costs and are subtracted.
//
// - Order time: sales (item price + shipping − promotion) + fees − cost of
//   goods − ad spend. Fees are the order's posted shipment-event fees; before
//   any exist, the SKU's recent average fee rate × sales, an estimate.
// - Settlement time: the settled lines of the order's SKU (sales, fees,
//   refunds, reimbursements, other) − cost of goods − ad spend.
// - A line without a cost of goods has no profit: it is flagged and left out
//   of every profit total (counted), never taken as zero cost.

/** One order line as the read model loads it (amounts in minor units). */
export interface OrderLine {
  storeId: string;
  marketplaceId: string;
  amazonOrderId: string;
  /** The marketplace-local purchase day, YYYY-MM-DD. */
  day: string;
  sku: string;
  currency: string;
  quantity: number;
  /** Item price + shipping − promotion, in minor units. */
  sales: number;
}

/** A cost of goods from a day on (minor units per unit, summed). */
export interface CostEntry {
  storeId: string;
  sku: string;
  currency: string;
  effectiveFrom: string;
  /** Unit cost + inbound shipping + duty, in minor units per unit. */
  perUnit: number;
}

/** The settled components of one order line (minor units). */
export interface Settled {
  sales: number;
  fees: number;
  refunds: number;
  reimbursements: number;
  other: number;
}

export const SETTLED_COMPONENTS = [
  "sales",
  "fees",
  "refunds",
  "reimbursements",
  "other",
] as const;
export type SettledComponent = typeof SETTLED_COMPONENTS[number];

/** What the computation needs besides the lines, keyed by `lineKey`. */
export interface ProfitInputs {
  lines: OrderLine[];
  costs: CostEntry[];
  /** Posted shipment fees per line (negative), when the order has any. */
  postedFees: Map<string, number>;
  /** Orders (store|order) that have a posted shipment event. */
  ordersWithEvents: Set<string>;
  /** Recent fee rate (fees ÷ sales, ≥ 0) per store|sku|currency. */
  feeRates: Map<string, number>;
  /** Settled components per line, for lines with any settled amount. */
  settled: Map<string, Settled>;
  /** Ad spend per store|marketplace|currency|day (minor units). */
  adSpend: Map<string, number>;
}

export type FeeSource = "events" | "estimate" | "none";

/** One line's profit both ways (minor units; null: unknown). */
export interface LineProfit extends OrderLine {
  cogs: number | null;
  ads: number;
  fees: number | null;
  feeSource: FeeSource;
  orderProfit: number | null;
  settled: Settled | null;
  settlementProfit: number | null;
}

export const lineKey = (storeId: string, orderId: string, sku: string) =>
  `${storeId}|${orderId}|${sku}`;
export const orderKey = (storeId: string, orderId: string) =>
  `${storeId}|${orderId}`;
export const skuKey = (storeId: string, sku: string, currency: string) =>
  `${storeId}|${sku}|${currency}`;
export const adDayKey = (
  storeId: string,
  marketplaceId: string,
  currency: string,
  day: string,
) => `${storeId}|${marketplaceId}|${currency}|${day}`;

/**
 * The cost per unit that applies on `day`: the entry with the latest
 * effective day on or before it, or null.
 */
export function costOn(
  entries: readonly CostEntry[],
  day: string,
): number | null {
  let best: CostEntry | null = null;
  for (const e of entries) {
    if (
      e.effectiveFrom <= day && (!best || e.effectiveFrom > best.effectiveFrom)
    ) {
      best = e;
    }
  }
  return best ? best.perUnit : null;
}

/**
 * Splits `total` over `weights` in proportion, in whole minor units that
 * add up to `total` exactly (largest remainder).
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + Math.max(0, w), 0);
  if (sum === 0 || total === 0) return weights.map(() => 0);
  const raw = weights.map((w) => (total * Math.max(0, w)) / sum);
  const out = raw.map((r) => Math.trunc(r));
  let rest = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, frac: Math.abs(r - Math.trunc(r)) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  const step = Math.sign(rest);
  for (let k = 0; rest !== 0 && k < order.length; k++) {
    if (weights[order[k].i] <= 0) continue;
    out[order[k].i] += step;
    rest -= step;
  }
  return out;
}

/**
 * Each line's profit at order time and at settlement time. Ad spend of a
 * store's marketplace and day is split over that day's lines in proportion
 * to their sales; spend on a day without sales stays unallocated (returned).
 */
export function computeLines(input: ProfitInputs): {
  lines: LineProfit[];
  unallocatedAds: Map<string, number>;
} {
  const costs = new Map<string, CostEntry[]>();
  for (const c of input.costs) {
    const k = skuKey(c.storeId, c.sku, c.currency);
    costs.set(k, [...costs.get(k) ?? [], c]);
  }
  // Lines of each ad day, for the allocation.
  const byAdDay = new Map<string, number[]>();
  input.lines.forEach((l, i) => {
    const k = adDayKey(l.storeId, l.marketplaceId, l.currency, l.day);
    byAdDay.set(k, [...byAdDay.get(k) ?? [], i]);
  });
  const ads = input.lines.map(() => 0);
  const unallocatedAds = new Map<string, number>();
  for (const [k, spend] of input.adSpend) {
    const idx = byAdDay.get(k);
    const shares = idx
      ? allocate(spend, idx.map((i) => input.lines[i].sales))
      : null;
    if (!idx || shares!.every((s) => s === 0) && spend !== 0) {
      const currency = k.split("|")[2];
      unallocatedAds.set(currency, (unallocatedAds.get(currency) ?? 0) + spend);
      continue;
    }
    idx.forEach((i, n) => ads[i] += shares![n]);
  }
  const lines = input.lines.map((l, i): LineProfit => {
    const key = lineKey(l.storeId, l.amazonOrderId, l.sku);
    const entries = costs.get(skuKey(l.storeId, l.sku, l.currency)) ?? [];
    const perUnit = costOn(entries, l.day);
    const cogs = perUnit === null ? null : perUnit * l.quantity;
    let fees: number | null;
    let feeSource: FeeSource;
    if (input.ordersWithEvents.has(orderKey(l.storeId, l.amazonOrderId))) {
      fees = input.postedFees.get(key) ?? 0;
      feeSource = "events";
    } else {
      const rate = input.feeRates.get(skuKey(l.storeId, l.sku, l.currency));
      fees = rate === undefined ? null : -Math.round(rate * l.sales);
      feeSource = rate === undefined ? "none" : "estimate";
    }
    const settled = input.settled.get(key) ?? null;
    const orderProfit = cogs === null || fees === null
      ? null
      : l.sales + fees - cogs - ads[i];
    const settlementProfit = cogs === null || settled === null ? null : (
      settled.sales + settled.fees + settled.refunds +
      settled.reimbursements + settled.other - cogs - ads[i]
    );
    return {
      ...l,
      cogs,
      ads: ads[i],
      fees,
      feeSource,
      orderProfit,
      settled,
      settlementProfit,
    };
  });
  return { lines, unallocatedAds };
}

export type Grain = "sku" | "order" | "day" | "store";
export const GRAINS: readonly Grain[] = ["sku", "order", "day", "store"];

/** Lines summed under one key of a grain, in one currency. */
export interface ProfitRow {
  /** The grain's key (a SKU, an order id, a day or a store id). */
  key: string;
  storeId: string;
  currency: string;
  lines: number;
  units: number;
  sales: number;
  /** Lines without a cost of goods: no profit, left out of profit sums. */
  missingCost: number;
  /** Lines whose order-time fees are an estimate. */
  estimated: number;
  /** Lines with no posted fees and no rate to estimate them. */
  noFees: number;
  /** Sums over lines with a cost (and fees, for order time). */
  cogs: number;
  ads: number;
  fees: number;
  orderProfit: number | null;
  /** Lines with settled amounts, and their sums (lines with a cost). */
  settledLines: number;
  settled: Settled;
  settlementProfit: number | null;
  /** Settlement − order time, per component, over lines known both ways. */
  gap: Settled & { profit: number };
}

const zero = (): Settled => ({
  sales: 0,
  fees: 0,
  refunds: 0,
  reimbursements: 0,
  other: 0,
});

function keyOf(l: LineProfit, grain: Grain): string {
  switch (grain) {
    case "sku":
      return l.sku;
    case "order":
      return l.amazonOrderId;
    case "day":
      return l.day;
    case "store":
      return l.storeId;
  }
}

/**
 * The lines summed per grain key, store and currency (a SKU or a day of two
 * stores, or of two currencies, is two rows), sorted by key.
 */
export function summarise(
  lines: readonly LineProfit[],
  grain: Grain,
): ProfitRow[] {
  const rows = new Map<string, ProfitRow>();
  for (const l of lines) {
    const key = keyOf(l, grain);
    const id = `${key}|${l.storeId}|${l.currency}`;
    let r = rows.get(id);
    if (!r) {
      r = {
        key,
        storeId: l.storeId,
        currency: l.currency,
        lines: 0,
        units: 0,
        sales: 0,
        missingCost: 0,
        estimated: 0,
        noFees: 0,
        cogs: 0,
        ads: 0,
        fees: 0,
        orderProfit: null,
        settledLines: 0,
        settled: zero(),
        settlementProfit: null,
        gap: { ...zero(), profit: 0 },
      };
      rows.set(id, r);
    }
    add(r, l);
  }
  return [...rows.values()].sort((a, b) =>
    a.key < b.key
      ? -1
      : a.key > b.key
      ? 1
      : a.storeId < b.storeId
      ? -1
      : a.storeId > b.storeId
      ? 1
      : a.currency < b.currency
      ? -1
      : a.currency > b.currency
      ? 1
      : 0
  );
}

function add(r: ProfitRow, l: LineProfit): void {
  r.lines++;
  r.units += l.quantity;
  r.sales += l.sales;
  if (l.feeSource === "estimate") r.estimated++;
  if (l.feeSource === "none") r.noFees++;
  if (l.settled) r.settledLines++;
  if (l.cogs === null) {
    r.missingCost++;
    return;
  }
  r.cogs += l.cogs;
  r.ads += l.ads;
  if (l.orderProfit !== null) {
    r.fees += l.fees!;
    r.orderProfit = (r.orderProfit ?? 0) + l.orderProfit;
  }
  if (l.settled && l.settlementProfit !== null) {
    for (const c of SETTLED_COMPONENTS) r.settled[c] += l.settled[c];
    r.settlementProfit = (r.settlementProfit ?? 0) + l.settlementProfit;
    if (l.orderProfit !== null) {
      r.gap.sales += l.settled.sales - l.sales;
      r.gap.fees += l.settled.fees - l.fees!;
      r.gap.refunds += l.settled.refunds;
      r.gap.reimbursements += l.settled.reimbursements;
      r.gap.other += l.settled.other;
      r.gap.profit += l.settlementProfit - l.orderProfit;
    }
  }
}

/** Per-currency totals of rows (never one sum across currencies). */
export function totalsByCurrency(rows: readonly ProfitRow[]): ProfitRow[] {
  const out = new Map<string, ProfitRow>();
  for (const r of rows) {
    let t = out.get(r.currency);
    if (!t) {
      t = structuredClone({ ...r, key: "", storeId: "" });
      out.set(r.currency, t);
      continue;
    }
    t.lines += r.lines;
    t.units += r.units;
    t.sales += r.sales;
    t.missingCost += r.missingCost;
    t.estimated += r.estimated;
    t.noFees += r.noFees;
    t.cogs += r.cogs;
    t.ads += r.ads;
    t.fees += r.fees;
    t.settledLines += r.settledLines;
    if (r.orderProfit !== null) {
      t.orderProfit = (t.orderProfit ?? 0) + r.orderProfit;
    }
    if (r.settlementProfit !== null) {
      t.settlementProfit = (t.settlementProfit ?? 0) + r.settlementProfit;
    }
    for (const c of SETTLED_COMPONENTS) {
      t.settled[c] += r.settled[c];
      t.gap[c] += r.gap[c];
    }
    t.gap.profit += r.gap.profit;
  }
  return [...out.values()].sort((a, b) => a.currency < b.currency ? -1 : 1);
}

/**
 * Which component a settlement line belongs to, from its transaction type,
 * amount type and description (settlement report V2's words): a
 * reimbursement anywhere; anything of a refund; fees; the item price,
 * shipping and promotions of an order; and the rest (taxes that Amazon
 * collects and withholds, which net to zero) as "other".
 */
export function settledComponent(
  transactionType: string,
  amountType: string,
  description: string,
): SettledComponent {
  const all = `${transactionType} ${amountType} ${description}`;
  if (/reimburs/i.test(all)) return "reimbursements";
  const tax = /tax/i.test(amountType) || /tax/i.test(description);
  if (/^refund/i.test(transactionType) && !tax) return "refunds";
  if (tax) return "other";
  if (/fee|commission/i.test(amountType)) return "fees";
  if (/^(ItemPrice|Promotion)$/i.test(amountType)) return "sales";
  return "other";
}
