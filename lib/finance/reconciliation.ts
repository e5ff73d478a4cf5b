// Reconciliation of one settlement (Data Policy §4: financial
// reconciliation; issue #16): what Amazon paid, line by line, against what
// the portal knows for the same period and marketplaces — the orders and
// their items, the fees and refunds of the financial events, and the
// account-level events of the settlement's event group. Each discrepancy
// comes with its likely cause as a code (the views say it in plain words),
// and the totals that tie out are listed beside those that do not.
//
// What is compared:
// - the header's total with the sum of its lines;
// - per settled order: the sales lines (principal, shipping, promotions;
//   taxes left out on both sides) with its items (price + shipping −
//   discount), and its fee lines with the fees of its shipment events;
// - per order with a refund (lines or refund-like events posted in the
//   period): the settled refund with the events' net;
// - orders shipped in the period in the settlement's marketplaces that no
//   settlement pays, and settled orders the portal does not know;
// - the account-level lines (no order: service fees, advertising,
//   reimbursements, adjustments; reserves aside) with the non-order events
//   of the settlement's event group (or, without one, of its period).
import { sql } from "drizzle-orm";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { AMAZON_MARKETPLACES } from "../amazon/marketplaces.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import {
  fromUnits,
  normalizeDecimal,
  sumDecimals,
  toUnits,
} from "./decimal.ts";
import { isSalesLine } from "./kinds.ts";
import {
  settlementHeaderTx,
  type SettlementLine,
  settlementLinesTx,
  type SettlementRow,
} from "./settlements.ts";

/** Events Amazon posts per order for its shipment. */
const SHIPMENT_EVENTS = ["ShipmentEvent", "ShipmentSettleEvent"];
/** Events that take money back for an order. */
const REFUND_EVENTS = ["RefundEvent", "GuaranteeClaimEvent", "ChargebackEvent"];
/** A shipment this close to the period's end may be paid in the next one. */
const NEAR_END_MS = 2 * 86_400_000;

export const DISCREPANCY_KINDS = [
  "total_mismatch",
  "shipped_not_settled",
  "settled_unknown",
  "amount_differs",
  "fee_differs",
  "refund_differs",
  "other_differs",
] as const;
export type DiscrepancyKind = typeof DISCREPANCY_KINDS[number];

export type DiscrepancyCause =
  | "lines_missing"
  | "near_end"
  | "event_later"
  | "no_event"
  | "not_paid"
  | "events_only"
  | "not_synced"
  | "no_items"
  | "changed"
  | "fee_changed"
  | "fee_no_event"
  | "refund_no_event"
  | "refund_not_settled"
  | "refund_changed"
  | "period_shift";

export interface Discrepancy {
  kind: DiscrepancyKind;
  cause: DiscrepancyCause;
  amazonOrderId: string | null;
  /** What the settlement says, what the portal knows, settled − known. */
  settled: string | null;
  known: string | null;
  difference: string | null;
  /** A moment the cause refers to (a shipment, an event), if any. */
  at: Date | null;
}

export type TieKey =
  | "lines_total"
  | "order_sales"
  | "order_fees"
  | "refunds"
  | "other"
  | "reserves";

export interface Tie {
  key: TieKey;
  settled: string;
  /** Null when the portal has nothing to compare with (reserves). */
  known: string | null;
  difference: string | null;
  tiesOut: boolean;
}

export interface Reconciliation {
  settlement: SettlementRow;
  /** The marketplaces whose orders the settlement pays. */
  marketplaceIds: string[];
  ties: Tie[];
  discrepancies: Discrepancy[];
  /** Orders paid by this settlement, and shipped in its period. */
  ordersSettled: number;
  ordersShipped: number;
  /** Whether the event group was found (else the period stood in). */
  byEventGroup: boolean;
  tiesOut: boolean;
}

const toDate = (v: string | Date) => v instanceof Date ? v : new Date(v);
const list = (values: readonly string[]) =>
  values.length ? sql.join(values.map((v) => sql`${v}`), sql`, `) : sql`null`;
const BY_CHANNEL = new Map(
  AMAZON_MARKETPLACES.map((m) => [m.salesChannel.toLowerCase(), m.id]),
);

/** settled − known and whether it is zero. */
function compare(settled: string, known: string) {
  const d = toUnits(settled) - toUnits(known);
  return { difference: fromUnits(d), zero: d === 0n };
}

interface KnownOrder {
  id: string;
  marketplaceId: string;
  shippedAt: Date | null;
  sales: string | null;
  items: number;
}

/** The marketplaces of the settlement: named by its lines, else its currency's. */
async function marketplacesOf(
  tx: Tx,
  s: SettlementRow,
  lines: SettlementLine[],
): Promise<string[]> {
  const named = new Set<string>();
  for (const l of lines) {
    const id = l.marketplaceName &&
      BY_CHANNEL.get(l.marketplaceName.trim().toLowerCase());
    if (id) named.add(id);
  }
  if (named.size) return [...named].sort();
  const rows = rowsOf<{ id: string }>(
    await tx.execute(sql`select marketplace_id as id from store_marketplaces
      where store_id = ${s.storeId}::uuid
        and default_currency = ${s.currency} order by 1`),
  );
  return rows.map((r) => r.id);
}

/**
 * Reconciles settlement `settlementId` of store `storeId` inside the
 * caller's scoped transaction; null when there is no such settlement (or
 * row-level security hides it).
 */
export async function reconcileSettlementTx(
  tx: Tx,
  storeId: string,
  settlementId: string,
): Promise<Reconciliation | null> {
  const s = await settlementHeaderTx(tx, storeId, settlementId);
  if (!s) return null;
  const lines = await settlementLinesTx(tx, storeId, settlementId);
  const marketplaceIds = await marketplacesOf(tx, s, lines);
  const start = s.startsAt.toISOString();
  const end = s.endsAt.toISOString();
  const store = sql`${storeId}::uuid`;
  const discrepancies: Discrepancy[] = [];

  // The settled lines per order, and the rest.
  const byOrder = new Map<string, SettlementLine[]>();
  const others: SettlementLine[] = [];
  const reserves: SettlementLine[] = [];
  for (const l of lines) {
    if (l.kind === "reserves") reserves.push(l);
    else if (
      l.amazonOrderId &&
      (/^order$/i.test(l.transactionType) || l.kind === "refunds")
    ) {
      byOrder.set(l.amazonOrderId, [
        ...(byOrder.get(l.amazonOrderId) ?? []),
        l,
      ]);
    } else others.push(l);
  }
  const settledIds = [...byOrder.keys()];

  // The orders the portal knows: those settled here, and those shipped in
  // the period in the settlement's marketplaces (an order without a ship
  // time that is shipped counts by its purchase time).
  const orders = rowsOf<{
    id: string;
    marketplace_id: string;
    shipped_at: string | Date | null;
    sales: string | null;
    items: number;
    in_period: boolean;
  }>(
    await tx.execute(sql`select o.amazon_order_id as id, o.marketplace_id,
        o.shipped_at,
        (select sum(coalesce(i.item_price, 0) + coalesce(i.shipping_price, 0)
            - coalesce(i.promotion_discount, 0))::text
          from order_items i where i.store_id = o.store_id
            and i.amazon_order_id = o.amazon_order_id) as sales,
        (select count(*)::int from order_items i where i.store_id = o.store_id
            and i.amazon_order_id = o.amazon_order_id) as items,
        (o.marketplace_id in (${list(marketplaceIds)})
          and o.status <> 'Canceled'
          and coalesce(o.shipped_at, case when o.status in ('Shipped', 'Delivered')
            then o.purchased_at end) >= ${start}::timestamptz
          and coalesce(o.shipped_at, case when o.status in ('Shipped', 'Delivered')
            then o.purchased_at end) < ${end}::timestamptz) as in_period
      from orders o
      where o.store_id = ${store}
        and (o.amazon_order_id in (${list(settledIds)})
          or (o.marketplace_id in (${list(marketplaceIds)})
            and o.status <> 'Canceled'
            and ((o.shipped_at >= ${start}::timestamptz
                and o.shipped_at < ${end}::timestamptz)
              or (o.shipped_at is null
                and o.status in ('Shipped', 'Delivered')
                and o.purchased_at >= ${start}::timestamptz
                and o.purchased_at < ${end}::timestamptz))))`),
  );
  const known = new Map<string, KnownOrder>(orders.map((o) => [o.id, {
    id: o.id,
    marketplaceId: o.marketplace_id,
    shippedAt: o.shipped_at === null ? null : toDate(o.shipped_at),
    sales: o.sales,
    items: Number(o.items),
  }]));
  const shippedIds = orders.filter((o) => o.in_period).map((o) => o.id);

  // Order events: shipments (their fees) and refunds, for the orders above
  // and the refunds posted in the period in the settlement's currency.
  const events = rowsOf<{
    order_id: string;
    event_type: string;
    posted_at: string | Date;
    amount: string;
    fees: string | null;
    group_id: string | null;
  }>(
    await tx.execute(sql`select e.amazon_order_id as order_id, e.event_type,
        e.posted_at, e.amount::text as amount, e.event_group_id as group_id,
        (select sum(f.amount)::text from fees f
          where f.store_id = e.store_id and f.event_id = e.event_id) as fees
      from financial_events e
      where e.store_id = ${store} and e.known and e.amazon_order_id is not null
        and e.currency = ${s.currency}
        and ((e.event_type in (${list(SHIPMENT_EVENTS)})
            and e.amazon_order_id in (${
      list([...new Set([...settledIds, ...shippedIds])])
    }))
          or (e.event_type in (${list(REFUND_EVENTS)})
            and e.posted_at >= ${start}::timestamptz
            and e.posted_at < ${end}::timestamptz
            and (e.amazon_order_id in (${list(settledIds)})
              or not exists (select 1 from orders o
                where o.store_id = e.store_id
                  and o.amazon_order_id = e.amazon_order_id
                  and o.marketplace_id not in (${list(marketplaceIds)})))))`),
  );
  const shipments = new Map<string, typeof events>();
  const refunds = new Map<string, typeof events>();
  for (const e of events) {
    const into = SHIPMENT_EVENTS.includes(e.event_type) ? shipments : refunds;
    into.set(e.order_id, [...(into.get(e.order_id) ?? []), e]);
  }

  // Orders shipped in the period that no settlement pays.
  const elsewhere = new Set(
    rowsOf<{ id: string }>(
      await tx.execute(sql`select distinct amazon_order_id as id
        from settlement_lines where store_id = ${store}
          and amazon_order_id in (${list(shippedIds)})`),
    ).map((r) => r.id),
  );
  for (const id of shippedIds) {
    if (byOrder.has(id) || elsewhere.has(id)) continue;
    const o = known.get(id)!;
    const shipped = shipments.get(id) ?? [];
    const later = shipped.find((e) => toDate(e.posted_at) >= s.endsAt);
    let cause: DiscrepancyCause = "not_paid";
    let at: Date | null = o.shippedAt;
    if (later) {
      cause = "event_later";
      at = toDate(later.posted_at);
    } else if (
      o.shippedAt && s.endsAt.getTime() - o.shippedAt.getTime() <= NEAR_END_MS
    ) cause = "near_end";
    else if (shipped.length === 0) cause = "no_event";
    discrepancies.push({
      kind: "shipped_not_settled",
      cause,
      amazonOrderId: id,
      settled: null,
      known: o.sales,
      difference: null,
      at,
    });
  }

  // Per settled order: is it known, do its sales, fees and refunds agree.
  const tie = { sales: [0n, 0n], fees: [0n, 0n], refunds: [0n, 0n] };
  const refundOrders = new Set([...refunds.keys()]);
  for (const [id, mine] of byOrder) {
    const sales = mine.filter((l) =>
      /^order$/i.test(l.transactionType) && l.kind === "orders" &&
      isSalesLine(l)
    );
    const fees = mine.filter((l) =>
      /^order$/i.test(l.transactionType) && l.kind === "fees"
    );
    const refundLines = mine.filter((l) => l.kind === "refunds");
    const o = known.get(id);
    const settledSales = sumDecimals(sales.map((l) => l.amount));
    const settledFees = sumDecimals(fees.map((l) => l.amount));
    tie.sales[0] += toUnits(settledSales);
    tie.fees[0] += toUnits(settledFees);
    if (!o) {
      // Unknown: its sales and fees have nothing to be compared with.
      if (refundLines.length) refundOrders.add(id);
      discrepancies.push({
        kind: "settled_unknown",
        cause: shipments.has(id) || refunds.has(id)
          ? "events_only"
          : "not_synced",
        amazonOrderId: id,
        settled: sumDecimals(mine.map((l) => l.amount)),
        known: null,
        difference: null,
        at: mine.find((l) => l.postedAt)?.postedAt ?? null,
      });
      continue;
    }
    if (sales.length) {
      const knownSales = o.sales ?? "0";
      tie.sales[1] += toUnits(knownSales);
      const c = compare(settledSales, knownSales);
      if (!c.zero) {
        discrepancies.push({
          kind: "amount_differs",
          cause: o.items === 0 ? "no_items" : "changed",
          amazonOrderId: id,
          settled: settledSales,
          known: o.items === 0 ? null : knownSales,
          difference: c.difference,
          at: null,
        });
      }
    }
    if (fees.length) {
      const shipped = shipments.get(id) ?? [];
      const knownFees = sumDecimals(shipped.map((e) => e.fees ?? "0"));
      tie.fees[1] += toUnits(knownFees);
      const c = compare(settledFees, knownFees);
      if (!c.zero) {
        discrepancies.push({
          kind: "fee_differs",
          cause: shipped.length === 0 ? "fee_no_event" : "fee_changed",
          amazonOrderId: id,
          settled: settledFees,
          known: shipped.length === 0 ? null : knownFees,
          difference: c.difference,
          at: shipped[0] ? toDate(shipped[0].posted_at) : null,
        });
      }
    }
    if (refundLines.length) refundOrders.add(id);
  }
  for (const id of refundOrders) {
    const settled = sumDecimals(
      (byOrder.get(id) ?? []).filter((l) => l.kind === "refunds").map((l) =>
        l.amount
      ),
    );
    const posted = refunds.get(id) ?? [];
    const knownRefund = sumDecimals(posted.map((e) => e.amount));
    tie.refunds[0] += toUnits(settled);
    tie.refunds[1] += toUnits(knownRefund);
    const c = compare(settled, knownRefund);
    if (c.zero) continue;
    discrepancies.push({
      kind: "refund_differs",
      cause: posted.length === 0
        ? "refund_no_event"
        : toUnits(settled) === 0n
        ? "refund_not_settled"
        : "refund_changed",
      amazonOrderId: id,
      settled: toUnits(settled) === 0n && posted.length ? null : settled,
      known: posted.length ? knownRefund : null,
      difference: c.difference,
      at: posted[0] ? toDate(posted[0].posted_at) : null,
    });
  }

  // Account-level lines against the non-order events of the settlement's
  // event group: the group most of its orders' shipment events belong to.
  const votes = new Map<string, number>();
  for (const id of settledIds) {
    for (const e of shipments.get(id) ?? []) {
      if (e.group_id) votes.set(e.group_id, (votes.get(e.group_id) ?? 0) + 1);
    }
  }
  const voted = [...votes].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  const orderTypes = [...SHIPMENT_EVENTS, ...REFUND_EVENTS];
  // Without orders to name it, the group is one of those with account-level
  // events in the period and currency: the one whose sum is the settled
  // one, else the only one; with several and none equal, nothing is
  // compared (another marketplace's settlement may share the currency).
  const groups = rowsOf<{ group_id: string | null; total: string | null }>(
    await tx.execute(sql`select e.event_group_id as group_id,
        sum(e.amount)::text as total
      from financial_events e
      where e.store_id = ${store} and e.known
        and e.currency = ${s.currency}
        and e.event_type not in (${list(orderTypes)})
        and ${
      voted === null
        ? sql`e.posted_at >= ${start}::timestamptz
            and e.posted_at < ${end}::timestamptz`
        : sql`e.event_group_id = ${voted}`
    }
      group by e.event_group_id`),
  ).map((g) => ({ id: g.group_id, total: normalizeDecimal(g.total ?? "0") }));
  const settledOther = sumDecimals(others.map((l) => l.amount));
  const chosen = voted !== null
    ? groups[0] ?? { id: voted, total: "0.00" }
    : groups.find((g) => g.total === settledOther) ??
      (groups.length === 1 ? groups[0] : null);
  const knownOther = chosen
    ? chosen.total
    : groups.length === 0 && others.length === 0
    ? "0.00"
    : null;
  const otherCompared = knownOther === null
    ? null
    : compare(settledOther, knownOther);
  if (otherCompared && !otherCompared.zero) {
    discrepancies.push({
      kind: "other_differs",
      cause: "period_shift",
      amazonOrderId: null,
      settled: settledOther,
      known: knownOther,
      difference: otherCompared.difference,
      at: null,
    });
  }
  const group = voted ?? chosen?.id ?? null;

  // The header against its lines.
  const linesTotal = sumDecimals(lines.map((l) => l.amount));
  const headerCompared = compare(linesTotal, s.totalAmount);
  if (!headerCompared.zero) {
    discrepancies.push({
      kind: "total_mismatch",
      cause: "lines_missing",
      amazonOrderId: null,
      settled: linesTotal,
      known: s.totalAmount,
      difference: headerCompared.difference,
      at: null,
    });
  }

  const pair = (key: TieKey, [a, b]: bigint[]): Tie => ({
    key,
    settled: fromUnits(a),
    known: fromUnits(b),
    difference: fromUnits(a - b),
    tiesOut: a === b,
  });
  const ties: Tie[] = [
    {
      key: "lines_total",
      settled: linesTotal,
      known: s.totalAmount,
      difference: headerCompared.difference,
      tiesOut: headerCompared.zero,
    },
    pair("order_sales", tie.sales),
    pair("order_fees", tie.fees),
    pair("refunds", tie.refunds),
    {
      key: "other",
      settled: settledOther,
      known: knownOther,
      difference: otherCompared?.difference ?? null,
      tiesOut: otherCompared?.zero ?? true,
    },
    {
      key: "reserves",
      settled: sumDecimals(reserves.map((l) => l.amount)),
      known: null,
      difference: null,
      tiesOut: true,
    },
  ];
  // A stable order: by kind as listed, then by order id.
  const rank = (k: DiscrepancyKind) => DISCREPANCY_KINDS.indexOf(k);
  discrepancies.sort((a, b) =>
    rank(a.kind) - rank(b.kind) ||
    (a.amazonOrderId ?? "").localeCompare(b.amazonOrderId ?? "")
  );
  return {
    settlement: s,
    marketplaceIds,
    ties,
    discrepancies,
    ordersSettled: settledIds.length,
    ordersShipped: shippedIds.length,
    byEventGroup: group !== null,
    tiesOut: discrepancies.length === 0,
  };
}

/** The reconciliation page's reads: the reconciliation (null: 404) and the stores. */
export async function reconciliationScreen(
  db: Database,
  principal: Principal,
  storeId: string,
  settlementId: string,
): Promise<{ reconciliation: Reconciliation | null; stores: StoreSummary[] }> {
  if (!principal.storeIds.includes(storeId)) {
    return { reconciliation: null, stores: [] };
  }
  return await db.asUser(principal, async (tx) => ({
    reconciliation: await reconcileSettlementTx(tx, storeId, settlementId),
    stores: await visibleStoresTx(tx),
  }));
}
