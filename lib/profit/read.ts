// The read model of /profit (issue #16): loads, for the stores and
// marketplace-local days asked, the order lines, their posted shipment fees,
// their settled lines, the stores' ad spend per day and the costs of goods,
// in one scoped transaction (row-level security keeps it to the principal's
// stores), and hands them to the arithmetic of compute.ts. Amounts become
// integer minor units here and nowhere else.
import { type SQL, sql } from "drizzle-orm";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { minorDigits, parseMinor } from "../ingest/money.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import {
  adDayKey,
  computeLines,
  type CostEntry,
  lineKey,
  type LineProfit,
  orderKey,
  type OrderLine,
  type Settled,
  settledComponent,
  skuKey,
} from "./compute.ts";

/** Days before the report's last day whose posted fees make a SKU's rate. */
export const FEE_RATE_DAYS = 90;
const DAY_MS = 86_400_000;
/** Every time zone is within 14 hours of UTC. */
const ZONE_SLACK_MS = 14 * 3_600_000;

export interface ProfitFilter {
  storeIds: string[];
  /** Marketplace-local days, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
}

export interface ProfitData {
  lines: LineProfit[];
  /** Ad spend on days without sales, per currency (minor units). */
  unallocatedAds: Map<string, number>;
}

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(
    0,
    10,
  );

const localDay =
  sql`(o.purchased_at at time zone app_marketplace_time_zone(o.marketplace_id))::date`;

function storesSql(storeIds: readonly string[], column: SQL): SQL {
  return sql`${column} in (${
    sql.join(storeIds.map((id) => sql`${id}::uuid`), sql`, `)
  })`;
}

/** The order lines (not cancelled, priced) of the stores and days. */
function linesSql(storeIds: readonly string[], from: string, to: string): SQL {
  const lower = new Date(Date.parse(`${from}T00:00:00Z`) - ZONE_SLACK_MS);
  const upper = new Date(
    Date.parse(`${to}T00:00:00Z`) + DAY_MS + ZONE_SLACK_MS,
  );
  return sql`select o.store_id, o.marketplace_id, o.amazon_order_id,
      ${localDay}::text as day,
      coalesce(i.sku, i.asin) as sku, i.currency::text as currency,
      sum(i.quantity)::int as quantity,
      sum(coalesce(i.item_price, 0) + coalesce(i.shipping_price, 0)
        - coalesce(i.promotion_discount, 0))::text as sales
    from orders o
    join order_items i on i.store_id = o.store_id
      and i.amazon_order_id = o.amazon_order_id
    where ${storesSql(storeIds, sql`o.store_id`)}
      and o.status <> 'Canceled'
      and i.item_price is not null and i.currency is not null
      and o.purchased_at >= ${lower.toISOString()}::timestamptz
      and o.purchased_at < ${upper.toISOString()}::timestamptz
      and ${localDay} between ${from}::date and ${to}::date
    group by o.store_id, o.marketplace_id, o.amazon_order_id, 4, 5, 6`;
}

/**
 * The orders whose lines may fall in the days (an index range with a zone's
 * slack either side): what a line's fees and settled amounts are read for.
 * A few orders beyond the days come along and match no line.
 */
function ordersIn(storeIds: readonly string[], from: string, to: string): SQL {
  const lower = new Date(Date.parse(`${from}T00:00:00Z`) - ZONE_SLACK_MS);
  const upper = new Date(
    Date.parse(`${to}T00:00:00Z`) + DAY_MS + ZONE_SLACK_MS,
  );
  return sql`${storesSql(storeIds, sql`o.store_id`)}
    and o.purchased_at >= ${lower.toISOString()}::timestamptz
    and o.purchased_at < ${upper.toISOString()}::timestamptz`;
}

interface LineRow extends Record<string, unknown> {
  store_id: string;
  marketplace_id: string;
  amazon_order_id: string;
  day: string;
  sku: string;
  currency: string;
  quantity: number;
  sales: string;
}

/**
 * Profit both ways of every order line of the filter, with the inputs the
 * arithmetic needs; the stores visible to the principal come along for the
 * page's switcher.
 */
export async function loadProfit(
  db: Database,
  principal: Principal,
  filter: ProfitFilter,
): Promise<ProfitData & { stores: StoreSummary[] }> {
  return await db.asUser(principal, async (tx) => {
    const stores = await visibleStoresTx(tx);
    if (filter.storeIds.length === 0) {
      return { stores, lines: [], unallocatedAds: new Map() };
    }
    return { stores, ...await loadProfitTx(tx, filter) };
  });
}

/** The same inside the caller's scoped transaction. */
export async function loadProfitTx(
  tx: Tx,
  filter: ProfitFilter,
): Promise<ProfitData> {
  const { storeIds, from, to } = filter;
  const historyFrom = [from, addDays(to, 1 - FEE_RATE_DAYS)].sort()[0];
  // The lines of the fee-rate window, which holds the report's days.
  const all = rowsOf<LineRow>(
    await tx.execute(linesSql(storeIds, historyFrom, to)),
  ).map((r): OrderLine => {
    const currency = r.currency.trim();
    return {
      storeId: r.store_id,
      marketplaceId: r.marketplace_id,
      amazonOrderId: r.amazon_order_id,
      day: r.day,
      sku: r.sku,
      currency,
      quantity: Number(r.quantity),
      sales: parseMinor(r.sales, currency),
    };
  });
  const lines = all.filter((l) => l.day >= from);

  // Posted shipment fees per order and SKU (null SKU: the order's own).
  const feeRows = rowsOf<{
    store_id: string;
    amazon_order_id: string;
    sku: string | null;
    currency: string;
    amount: string;
  }>(
    await tx.execute(sql`select f.store_id, f.amazon_order_id, f.sku,
        f.currency::text as currency, sum(f.amount)::text as amount
      from orders o
      join fees f on f.store_id = o.store_id
        and f.amazon_order_id = o.amazon_order_id
      join financial_events e on e.store_id = f.store_id
        and e.event_id = f.event_id and e.event_type = 'ShipmentEvent'
      where ${ordersIn(storeIds, historyFrom, to)}
      group by f.store_id, f.amazon_order_id, f.sku, f.currency`),
  );
  const ordersWithEvents = new Set<string>();
  const postedFees = new Map<string, number>();
  const orderFees = new Map<string, number>();
  for (const f of feeRows) {
    const k = orderKey(f.store_id, f.amazon_order_id);
    ordersWithEvents.add(k);
    const minor = parseMinor(f.amount, f.currency.trim());
    if (f.sku === null) orderFees.set(k, (orderFees.get(k) ?? 0) + minor);
    else {
      const lk = lineKey(f.store_id, f.amazon_order_id, f.sku);
      postedFees.set(lk, (postedFees.get(lk) ?? 0) + minor);
    }
  }
  spreadOverOrder(all, orderFees, postedFees);

  // The SKU's recent average fee rate, from lines whose fees are posted.
  const feeSums = new Map<string, { fees: number; sales: number }>();
  for (const l of all) {
    if (!ordersWithEvents.has(orderKey(l.storeId, l.amazonOrderId))) continue;
    const k = skuKey(l.storeId, l.sku, l.currency);
    const s = feeSums.get(k) ?? { fees: 0, sales: 0 };
    s.fees += postedFees.get(lineKey(l.storeId, l.amazonOrderId, l.sku)) ?? 0;
    s.sales += l.sales;
    feeSums.set(k, s);
  }
  const feeRates = new Map<string, number>();
  for (const [k, s] of feeSums) {
    if (s.sales > 0) feeRates.set(k, Math.max(0, -s.fees / s.sales));
  }

  // Settled lines of the report's orders, by component.
  const settledRows = rowsOf<{
    store_id: string;
    amazon_order_id: string;
    sku: string | null;
    currency: string;
    transaction_type: string;
    amount_type: string;
    amount_description: string;
    amount: string;
  }>(
    await tx.execute(sql`select s.store_id, s.amazon_order_id, s.sku,
        s.currency::text as currency, s.transaction_type, s.amount_type,
        s.amount_description, sum(s.amount)::text as amount
      from orders o
      join settlement_lines s on s.store_id = o.store_id
        and s.amazon_order_id = o.amazon_order_id
      where ${ordersIn(storeIds, from, to)}
      group by 1, 2, 3, 4, 5, 6, 7`),
  );
  const settled = new Map<string, Settled>();
  const orderSettled = new Map<string, Settled>();
  for (const s of settledRows) {
    const component = settledComponent(
      s.transaction_type,
      s.amount_type,
      s.amount_description,
    );
    const minor = parseMinor(s.amount, s.currency.trim());
    const target = s.sku === null ? orderSettled : settled;
    const k = s.sku === null
      ? orderKey(s.store_id, s.amazon_order_id)
      : lineKey(s.store_id, s.amazon_order_id, s.sku);
    const v = target.get(k) ?? zeroSettled();
    v[component] += minor;
    target.set(k, v);
  }
  spreadSettled(lines, orderSettled, settled);

  // Ad spend per store, marketplace, currency and day (campaign rows only:
  // the finer levels repeat the same spend).
  const adRows = rowsOf<{
    store_id: string;
    marketplace_id: string;
    currency: string;
    day: string;
    spend: string;
  }>(
    await tx.execute(sql`select m.store_id, p.marketplace_id,
        m.currency::text as currency, m.day::text as day,
        sum(m.spend)::text as spend
      from ad_metrics_daily m
      join ad_profiles p on p.store_id = m.store_id
        and p.profile_id = m.profile_id
      where ${storesSql(storeIds, sql`m.store_id`)}
        and m.entity_type = 'campaign'
        and m.day between ${from}::date and ${to}::date
      group by 1, 2, 3, 4`),
  );
  const adSpend = new Map<string, number>();
  for (const a of adRows) {
    const currency = a.currency.trim();
    adSpend.set(
      adDayKey(a.store_id, a.marketplace_id, currency, a.day),
      parseMinor(roundTo(a.spend, currency), currency),
    );
  }

  const costs = await loadCostEntries(tx, storeIds);
  return computeLines({
    lines,
    costs,
    postedFees,
    ordersWithEvents,
    feeRates,
    settled,
    adSpend,
  });
}

const zeroSettled = (): Settled => ({
  sales: 0,
  fees: 0,
  refunds: 0,
  reimbursements: 0,
  other: 0,
});

/** A numeric(18,4) string rounded to the currency's minor unit. */
function roundTo(amount: string, currency: string): string {
  return Number(amount).toFixed(minorDigits(currency));
}

/** Amounts of a whole order spread over its lines by sales. */
function spreadOverOrder(
  lines: readonly OrderLine[],
  byOrder: Map<string, number>,
  byLine: Map<string, number>,
): void {
  if (byOrder.size === 0) return;
  const of = groupByOrder(lines);
  for (const [k, amount] of byOrder) {
    const ls = of.get(k) ?? [];
    const total = ls.reduce((a, l) => a + l.sales, 0);
    let left = amount;
    ls.forEach((l, n) => {
      const share = n === ls.length - 1
        ? left
        : Math.round(amount * (total ? l.sales / total : 1 / ls.length));
      left -= share;
      const lk = lineKey(l.storeId, l.amazonOrderId, l.sku);
      byLine.set(lk, (byLine.get(lk) ?? 0) + share);
    });
  }
}

function spreadSettled(
  lines: readonly OrderLine[],
  byOrder: Map<string, Settled>,
  byLine: Map<string, Settled>,
): void {
  for (
    const c of ["sales", "fees", "refunds", "reimbursements", "other"] as const
  ) {
    const one = new Map<string, number>();
    for (const [k, v] of byOrder) if (v[c] !== 0) one.set(k, v[c]);
    const spread = new Map<string, number>();
    spreadOverOrder(lines, one, spread);
    for (const [lk, amount] of spread) {
      const v = byLine.get(lk) ?? zeroSettled();
      v[c] += amount;
      byLine.set(lk, v);
    }
  }
}

function groupByOrder(lines: readonly OrderLine[]): Map<string, OrderLine[]> {
  const out = new Map<string, OrderLine[]>();
  for (const l of lines) {
    const k = orderKey(l.storeId, l.amazonOrderId);
    out.set(k, [...out.get(k) ?? [], l]);
  }
  return out;
}

/** Every cost of goods of the stores, as per-unit sums in minor units. */
async function loadCostEntries(
  tx: Tx,
  storeIds: readonly string[],
): Promise<CostEntry[]> {
  const rows = rowsOf<{
    store_id: string;
    sku: string;
    currency: string;
    effective_from: string;
    per_unit: string;
  }>(
    await tx.execute(sql`select store_id, sku, currency::text as currency,
        effective_from::text as effective_from,
        (unit_cost + inbound_shipping + duty)::text as per_unit
      from sku_costs where ${storesSql(storeIds, sql`store_id`)}`),
  );
  return rows.map((r) => {
    const currency = r.currency.trim();
    return {
      storeId: r.store_id,
      sku: r.sku,
      currency,
      effectiveFrom: r.effective_from,
      perUnit: parseMinor(r.per_unit, currency),
    };
  });
}
