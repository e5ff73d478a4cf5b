// What /profit shows (issue #16): the filter of the URL, the profit rows of
// one grain (SKU, order, day or store) both ways, their per-currency totals,
// the lines left out for want of a cost, and optionally the totals converted
// into one currency at one day's rates (a missing rate stays missing).
import { z } from "zod";
import type { Database } from "../../db/client.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import type { StoreSummary } from "../stores.ts";
import { isCalendarDate } from "../validation.ts";
import {
  type Grain,
  GRAINS,
  type ProfitRow,
  SETTLED_COMPONENTS,
  summarise,
  totalsByCurrency,
} from "./compute.ts";
import { convertMinor, ratesInto } from "./rates.ts";
import { loadProfit } from "./read.ts";

export const PAGE_SIZES = [25, 50, 100] as const;
/** Longest range a report covers. */
export const MAX_RANGE_DAYS = 366;

const dayText = z.string().refine(isCalendarDate);

/** The query of /profit (each field checked; a bad one is a 400). */
export const profitQuerySchema = z.object({
  from: dayText.optional(),
  to: dayText.optional(),
  by: z.enum(GRAINS as [Grain, ...Grain[]]).default("sku"),
  in: z.string().regex(/^[A-Z]{3}$/).optional().or(
    z.literal("").transform(
      () => undefined,
    ),
  ),
  rate_day: dayText.optional().or(z.literal("").transform(() => undefined)),
  size: z.coerce.number().pipe(z.union(PAGE_SIZES.map((s) => z.literal(s))))
    .default(50),
  after: z.string().max(300).optional(),
  store: z.string().optional(),
}).refine((q) => !q.from || !q.to || q.from <= q.to, { path: ["to"] });
export type ProfitQuery = z.output<typeof profitQuerySchema>;

/** The default range: the 30 days up to yesterday (UTC). */
export function defaultRange(now: Date): { from: string; to: string } {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  return {
    from: day(now.getTime() - 30 * 86_400_000),
    to: day(now.getTime() - 86_400_000),
  };
}

export interface ConvertedTotal {
  currency: string;
  /** The rate used, or null when the day has none for the pair. */
  rate: string | null;
  sales: number | null;
  orderProfit: number | null;
  settlementProfit: number | null;
}

export interface ProfitScreen {
  stores: StoreSummary[];
  from: string;
  to: string;
  grain: Grain;
  rows: ProfitRow[];
  next: string | null;
  totals: ProfitRow[];
  /** Ad spend on days without sales, per currency. */
  unallocatedAds: { currency: string; amount: number }[];
  /** SKUs (store|sku|currency) sold without a cost of goods. */
  skusWithoutCost: { storeId: string; sku: string; currency: string }[];
  conversion: {
    into: string;
    day: string;
    parts: ConvertedTotal[];
    /** Sums over the currencies that have a rate, in `into`. */
    sales: number;
    orderProfit: number;
    settlementProfit: number;
    missing: string[];
  } | null;
}

/** A row's place in the order of summarise (key, store, currency). */
const rowTuple = (r: ProfitRow) => [r.key, r.storeId, r.currency];
const rowId = (r: ProfitRow) =>
  btoa(encodeURIComponent(JSON.stringify(rowTuple(r)))).replaceAll("=", "");
const cursorOf = (v: string): string[] | null => {
  try {
    const t = JSON.parse(decodeURIComponent(atob(v)));
    return Array.isArray(t) && t.length === 3 &&
        t.every((x) => typeof x === "string")
      ? t
      : null;
  } catch {
    return null;
  }
};
/** Whether tuple `a` comes after tuple `b`. */
const after = (a: string[], b: string[]) => {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] > b[i];
  }
  return false;
};

/** The screen for `storeIds` and the query (range already defaulted). */
export async function profitScreen(
  db: Database,
  principal: StaffPrincipal,
  storeIds: string[],
  q: {
    from: string;
    to: string;
    by: Grain;
    in?: string;
    rateDay?: string;
    size: number;
    after?: string;
  },
): Promise<ProfitScreen> {
  const data = await loadProfit(db, principal, {
    storeIds,
    from: q.from,
    to: q.to,
  });
  const all = summarise(data.lines, q.by);
  const cursor = q.after ? cursorOf(q.after) : null;
  const start = cursor ? all.findIndex((r) => after(rowTuple(r), cursor)) : 0;
  const from = start < 0 ? all.length : start;
  const rows = all.slice(from, from + q.size);
  const next = from + q.size < all.length ? rowId(rows[rows.length - 1]) : null;
  const totals = totalsByCurrency(all);
  const missing = new Map<
    string,
    { storeId: string; sku: string; currency: string }
  >();
  for (const l of data.lines) {
    if (l.cogs === null) {
      missing.set(`${l.storeId}|${l.sku}|${l.currency}`, {
        storeId: l.storeId,
        sku: l.sku,
        currency: l.currency,
      });
    }
  }
  let conversion: ProfitScreen["conversion"] = null;
  if (q.in) {
    const day = q.rateDay ?? q.to;
    const rates = await ratesInto(db, principal, q.in, day);
    const parts = totals.map((t): ConvertedTotal => {
      const rate = t.currency === q.in ? "1" : rates.get(t.currency) ?? null;
      const conv = (v: number | null) =>
        v === null ? null : convertMinor(v, t.currency, q.in!, rate);
      return {
        currency: t.currency,
        rate,
        sales: conv(t.sales),
        orderProfit: conv(t.orderProfit),
        settlementProfit: conv(t.settlementProfit),
      };
    });
    const sum = (f: (p: ConvertedTotal) => number | null) =>
      parts.reduce((a, p) => a + (p.rate === null ? 0 : f(p) ?? 0), 0);
    conversion = {
      into: q.in,
      day,
      parts,
      sales: sum((p) => p.sales),
      orderProfit: sum((p) => p.orderProfit),
      settlementProfit: sum((p) => p.settlementProfit),
      missing: parts.filter((p) => p.rate === null).map((p) => p.currency),
    };
  }
  return {
    stores: data.stores,
    from: q.from,
    to: q.to,
    grain: q.by,
    rows,
    next,
    totals,
    unallocatedAds: [...data.unallocatedAds].map(([currency, amount]) => ({
      currency,
      amount,
    })).sort((a, b) => a.currency < b.currency ? -1 : 1),
    skusWithoutCost: [...missing.values()].sort((a, b) =>
      a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0
    ),
    conversion,
  };
}

export { SETTLED_COMPONENTS };
