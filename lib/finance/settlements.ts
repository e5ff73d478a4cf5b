// Settlements as the finance screens read them (Data Policy §4: financial
// reconciliation): the list (filters, KEYSET pages on the period's end, then
// store and settlement id, so page 200 costs what page 1 does), the totals
// per currency of the filtered set (never one sum across currencies), one
// settlement with its lines grouped by kind, and the settled lines of given
// orders for other modules (profit). Row-level security bounds every read
// to the principal's stores; the filter narrows within them.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { normalizeDecimal, sumDecimals } from "./decimal.ts";
import { LINE_KINDS, type LineKind, lineKind } from "./kinds.ts";

export const PAGE_SIZES = [50, 100, 500] as const;
export type PageSize = typeof PAGE_SIZES[number];

/** What narrows the settlements list, within `storeIds`. */
export interface SettlementFilter {
  storeIds: readonly string[];
  currency?: string;
  /** Periods ending at or after this instant. */
  endsFrom?: Date;
  /** Periods ending before this instant. */
  endsBefore?: Date;
  dir: "asc" | "desc";
}

export interface SettlementRow {
  storeId: string;
  storeName: string;
  settlementId: string;
  startsAt: Date;
  endsAt: Date;
  depositAt: Date | null;
  totalAmount: string;
  currency: string;
  lines: number;
}

export interface Page<R> {
  rows: R[];
  next: string | null;
  prev: string | null;
}

/** Per currency: how many and their sum (exact decimal text). */
export interface CurrencyTotal {
  currency: string;
  count: number;
  total: string;
}

const cursorSchema = z.tuple([
  z.iso.datetime({ offset: true }),
  z.uuid(),
  z.string().min(1).max(64),
]);

const toDate = (v: string | Date) => v instanceof Date ? v : new Date(v);
const ids = (list: readonly string[]) =>
  sql.join(list.map((id) => sql`${id}::uuid`), sql`, `);

function whereOf(f: SettlementFilter): SQL {
  const parts: SQL[] = [sql`s.store_id in (${ids(f.storeIds)})`];
  if (f.currency) parts.push(sql`s.currency = ${f.currency}`);
  if (f.endsFrom) {
    parts.push(sql`s.ends_at >= ${f.endsFrom.toISOString()}::timestamptz`);
  }
  if (f.endsBefore) {
    parts.push(sql`s.ends_at < ${f.endsBefore.toISOString()}::timestamptz`);
  }
  return sql.join(parts, sql` and `);
}

interface RawSettlement {
  store_id: string;
  store_name: string;
  settlement_id: string;
  starts_at: string | Date;
  ends_at: string | Date;
  deposit_at: string | Date | null;
  total_amount: string;
  currency: string;
  lines: number;
}

function toRow(r: RawSettlement): SettlementRow {
  return {
    storeId: r.store_id,
    storeName: r.store_name,
    settlementId: r.settlement_id,
    startsAt: toDate(r.starts_at),
    endsAt: toDate(r.ends_at),
    depositAt: r.deposit_at === null ? null : toDate(r.deposit_at),
    totalAmount: normalizeDecimal(r.total_amount),
    currency: r.currency.trim(),
    lines: Number(r.lines),
  };
}

const cursorOf = (r: RawSettlement) =>
  encodeCursor([toDate(r.ends_at).toISOString(), r.store_id, r.settlement_id]);

async function listTx(
  tx: Tx,
  f: SettlementFilter,
  page: { size: number; after?: string; before?: string },
): Promise<Page<SettlementRow>> {
  if (f.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const after = decodeCursor(page.after, cursorSchema);
  const before = after ? null : decodeCursor(page.before, cursorSchema);
  const backward = before !== null;
  const descending = (f.dir === "desc") !== backward;
  const cmp = sql.raw(descending ? "<" : ">");
  const order = sql.raw(descending ? "desc" : "asc");
  const at = after ?? before;
  const conditions = [whereOf(f)];
  if (at) {
    conditions.push(
      sql`(s.ends_at, s.store_id, s.settlement_id) ${cmp} (${
        at[0]
      }::timestamptz, ${at[1]}::uuid, ${at[2]}::text)`,
    );
  }
  const raw = rowsOf<RawSettlement>(
    await tx.execute(sql`select s.store_id::text as store_id,
        st.name as store_name, s.settlement_id, s.starts_at, s.ends_at,
        s.deposit_at, s.total_amount::text as total_amount,
        s.currency::text as currency,
        (select count(*)::int from settlement_lines l
          where l.store_id = s.store_id
            and l.settlement_id = s.settlement_id) as lines
      from settlements s join stores st on st.id = s.store_id
      where ${sql.join(conditions, sql` and `)}
      order by s.ends_at ${order}, s.store_id ${order},
        s.settlement_id ${order}
      limit ${page.size + 1}`),
  );
  const more = raw.length > page.size;
  if (more) raw.length = page.size;
  if (backward) raw.reverse();
  const first = raw[0];
  const last = raw[raw.length - 1];
  return {
    rows: raw.map(toRow),
    next: last && (backward || more) ? cursorOf(last) : null,
    prev: first && (backward ? more : after !== null) ? cursorOf(first) : null,
  };
}

async function totalsTx(
  tx: Tx,
  f: SettlementFilter,
): Promise<CurrencyTotal[]> {
  if (f.storeIds.length === 0) return [];
  const rows = rowsOf<{ currency: string; count: number; total: string }>(
    await tx.execute(sql`select s.currency::text as currency,
        count(*)::int as count, sum(s.total_amount)::text as total
      from settlements s where ${whereOf(f)}
      group by s.currency order by s.currency`),
  );
  return rows.map((r) => ({
    currency: r.currency.trim(),
    count: Number(r.count),
    total: normalizeDecimal(r.total),
  }));
}

/** The currencies of the stores' settlements, for the filter's choices. */
async function currenciesTx(
  tx: Tx,
  storeIds: readonly string[],
): Promise<string[]> {
  if (storeIds.length === 0) return [];
  const rows = rowsOf<{ currency: string }>(
    await tx.execute(sql`select distinct default_currency::text as currency
      from store_marketplaces where store_id in (${ids(storeIds)})
      union select distinct currency::text as currency from settlements
      where store_id in (${ids(storeIds)})`),
  );
  return [...new Set(rows.map((r) => r.currency.trim()))].sort();
}

export interface SettlementsScreen {
  stores: StoreSummary[];
  currencies: string[];
  page: Page<SettlementRow>;
  totals: CurrencyTotal[];
}

/** The list screen's reads in one scoped transaction. */
export async function settlementsScreen(
  db: Database,
  principal: Principal,
  filter: SettlementFilter,
  page: { size: number; after?: string; before?: string },
): Promise<SettlementsScreen> {
  return await db.asUser(principal, async (tx) => ({
    stores: await visibleStoresTx(tx),
    currencies: await currenciesTx(tx, filter.storeIds),
    page: await listTx(tx, filter, page),
    totals: await totalsTx(tx, filter),
  }));
}

/** One settlement line as stored. */
export interface SettlementLine {
  lineNo: number;
  kind: LineKind;
  transactionType: string;
  amazonOrderId: string | null;
  merchantOrderId: string | null;
  adjustmentId: string | null;
  shipmentId: string | null;
  marketplaceName: string | null;
  amountType: string;
  amountDescription: string;
  amount: string;
  currency: string;
  fulfillmentId: string | null;
  postedAt: Date | null;
  orderItemCode: string | null;
  sku: string | null;
  quantityPurchased: number | null;
  promotionId: string | null;
}

export interface LineGroup {
  kind: LineKind;
  count: number;
  total: string;
  /** The first `LINES_PER_GROUP` lines in file order (the CSV has all). */
  lines: SettlementLine[];
}

export interface SettlementDetail extends SettlementRow {
  reportDocumentId: string | null;
  /** Every kind, in LINE_KINDS order, empty ones included. */
  groups: LineGroup[];
  /** The sum of every line (the header's total should equal it). */
  linesTotal: string;
}

/** Lines shown per group on the settlement page. */
export const LINES_PER_GROUP = 200;

interface RawLine {
  store_id: string;
  settlement_id: string;
  line_no: number;
  transaction_type: string;
  amazon_order_id: string | null;
  merchant_order_id: string | null;
  adjustment_id: string | null;
  shipment_id: string | null;
  marketplace_name: string | null;
  amount_type: string;
  amount_description: string;
  amount: string;
  currency: string;
  fulfillment_id: string | null;
  posted_at: string | Date | null;
  order_item_code: string | null;
  sku: string | null;
  quantity_purchased: number | null;
  promotion_id: string | null;
}

const LINE_COLUMNS = sql`l.store_id::text as store_id, l.settlement_id,
  l.line_no, l.transaction_type, l.amazon_order_id, l.merchant_order_id,
  l.adjustment_id, l.shipment_id, l.marketplace_name, l.amount_type,
  l.amount_description, l.amount::text as amount,
  l.currency::text as currency, l.fulfillment_id, l.posted_at,
  l.order_item_code, l.sku, l.quantity_purchased, l.promotion_id`;

function toLine(r: RawLine): SettlementLine {
  const line = {
    lineNo: Number(r.line_no),
    transactionType: r.transaction_type,
    amazonOrderId: r.amazon_order_id,
    merchantOrderId: r.merchant_order_id,
    adjustmentId: r.adjustment_id,
    shipmentId: r.shipment_id,
    marketplaceName: r.marketplace_name,
    amountType: r.amount_type,
    amountDescription: r.amount_description,
    amount: normalizeDecimal(r.amount),
    currency: r.currency.trim(),
    fulfillmentId: r.fulfillment_id,
    postedAt: r.posted_at === null ? null : toDate(r.posted_at),
    orderItemCode: r.order_item_code,
    sku: r.sku,
    quantityPurchased: r.quantity_purchased === null
      ? null
      : Number(r.quantity_purchased),
    promotionId: r.promotion_id,
  };
  return { ...line, kind: lineKind(line) };
}

/** The settlement header of the store, or null (another store's is null too). */
export async function settlementHeaderTx(
  tx: Tx,
  storeId: string,
  settlementId: string,
): Promise<(SettlementRow & { reportDocumentId: string | null }) | null> {
  const [r] = rowsOf<RawSettlement & { report_document_id: string | null }>(
    await tx.execute(sql`select s.store_id::text as store_id,
        st.name as store_name, s.settlement_id, s.starts_at, s.ends_at,
        s.deposit_at, s.total_amount::text as total_amount,
        s.currency::text as currency, s.report_document_id,
        (select count(*)::int from settlement_lines l
          where l.store_id = s.store_id
            and l.settlement_id = s.settlement_id) as lines
      from settlements s join stores st on st.id = s.store_id
      where s.store_id = ${storeId}::uuid
        and s.settlement_id = ${settlementId}`),
  );
  return r ? { ...toRow(r), reportDocumentId: r.report_document_id } : null;
}

/** Every line of one settlement, in file order. */
export async function settlementLinesTx(
  tx: Tx,
  storeId: string,
  settlementId: string,
): Promise<SettlementLine[]> {
  return rowsOf<RawLine>(
    await tx.execute(sql`select ${LINE_COLUMNS} from settlement_lines l
      where l.store_id = ${storeId}::uuid
        and l.settlement_id = ${settlementId}
      order by l.line_no`),
  ).map(toLine);
}

/** One settlement with its lines grouped by kind, or null. */
export async function settlementDetailTx(
  tx: Tx,
  storeId: string,
  settlementId: string,
): Promise<SettlementDetail | null> {
  const header = await settlementHeaderTx(tx, storeId, settlementId);
  if (!header) return null;
  const lines = await settlementLinesTx(tx, storeId, settlementId);
  const groups: LineGroup[] = [];
  for (const kind of LINE_KINDS) {
    const mine = lines.filter((l) => l.kind === kind);
    groups.push({
      kind,
      count: mine.length,
      total: sumDecimals(mine.map((l) => l.amount)),
      lines: mine.slice(0, LINES_PER_GROUP),
    });
  }
  return {
    ...header,
    groups,
    linesTotal: sumDecimals(lines.map((l) => l.amount)),
  };
}

/** The settlement page's reads: the settlement (null: 404) and the stores. */
export async function settlementScreen(
  db: Database,
  principal: Principal,
  storeId: string,
  settlementId: string,
): Promise<{ settlement: SettlementDetail | null; stores: StoreSummary[] }> {
  if (!principal.storeIds.includes(storeId)) {
    return { settlement: null, stores: [] };
  }
  return await db.asUser(principal, async (tx) => ({
    settlement: await settlementDetailTx(tx, storeId, settlementId),
    stores: await visibleStoresTx(tx),
  }));
}

/** A settled line of an order, with the settlement it was paid in. */
export interface SettledOrderLine extends SettlementLine {
  settlementId: string;
  amazonOrderId: string;
  depositAt: Date | null;
}

/**
 * Every settled line of the given orders of one store (any settlement), in
 * settlement and file order: what profit at settlement time reads (actual
 * fees, refunds, reimbursements). Call inside a scoped transaction.
 *
 * @example
 * const lines = await db.asUser(p, (tx) => settledLinesForOrders(tx, storeId, ["111-..."]));
 */
export async function settledLinesForOrders(
  tx: Tx,
  storeId: string,
  orderIds: readonly string[],
): Promise<SettledOrderLine[]> {
  if (orderIds.length === 0) return [];
  const rows = rowsOf<RawLine & { deposit_at: string | Date | null }>(
    await tx.execute(sql`select ${LINE_COLUMNS}, s.deposit_at
      from settlement_lines l join settlements s
        on s.store_id = l.store_id and s.settlement_id = l.settlement_id
      where l.store_id = ${storeId}::uuid
        and l.amazon_order_id in (${
      sql.join(orderIds.map((o) => sql`${o}`), sql`, `)
    })
      order by s.ends_at, l.settlement_id, l.line_no`),
  );
  return rows.map((r) => ({
    ...toLine(r),
    settlementId: r.settlement_id,
    amazonOrderId: r.amazon_order_id!,
    depositAt: r.deposit_at === null ? null : toDate(r.deposit_at),
  }));
}

/** The batch an export reads at a time. */
export const EXPORT_BATCH = 1000;

/**
 * Every line of the filtered settlements (or of one, `only`), in the list's
 * order then file order, in batches handed to `onBatch` one at a time (one
 * in memory). PostgreSQL reads all in one scoped transaction; PGlite (one
 * session) gives each batch its own, so other requests run between.
 */
export async function walkSettlementLines(
  db: Database,
  principal: Principal,
  filter: SettlementFilter,
  opts: {
    oneTransaction: boolean;
    only?: { storeId: string; settlementId: string };
    batch?: number;
    onBatch(
      rows: (SettlementLine & { storeId: string; settlementId: string })[],
    ): Promise<void>;
  },
): Promise<number> {
  if (filter.storeIds.length === 0) return 0;
  const size = opts.batch ?? EXPORT_BATCH;
  const order = sql.raw(filter.dir === "asc" ? "asc" : "desc");
  const cmp = sql.raw(filter.dir === "asc" ? ">" : "<");
  const cmpLine = sql.raw(">");
  let count = 0;
  const loop = async (run: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) => {
    let at: { e: string; s: string; id: string; n: number } | null = null;
    for (;;) {
      const conditions = [whereOf(filter)];
      if (opts.only) {
        conditions.push(sql`s.store_id = ${opts.only.storeId}::uuid
          and s.settlement_id = ${opts.only.settlementId}`);
      }
      if (at) {
        // Settlements after the cursor's, or the rest of its own lines.
        conditions.push(sql`((s.ends_at, s.store_id, s.settlement_id) ${cmp}
            (${at.e}::timestamptz, ${at.s}::uuid, ${at.id}::text)
          or (s.store_id = ${at.s}::uuid and s.settlement_id = ${at.id}
            and l.line_no ${cmpLine} ${at.n}))`);
      }
      const raw = await run(async (tx) =>
        rowsOf<RawLine & { ends_at: string | Date }>(
          await tx.execute(sql`select ${LINE_COLUMNS}, s.ends_at
            from settlements s join settlement_lines l
              on l.store_id = s.store_id and l.settlement_id = s.settlement_id
            where ${sql.join(conditions, sql` and `)}
            order by s.ends_at ${order}, s.store_id ${order},
              s.settlement_id ${order}, l.line_no
            limit ${size}`),
        )
      );
      if (raw.length === 0) return;
      count += raw.length;
      const last = raw[raw.length - 1];
      at = {
        e: toDate(last.ends_at).toISOString(),
        s: last.store_id,
        id: last.settlement_id,
        n: Number(last.line_no),
      };
      await opts.onBatch(raw.map((r) => ({
        ...toLine(r),
        storeId: r.store_id,
        settlementId: r.settlement_id,
      })));
      if (raw.length < size) return;
    }
  };
  if (opts.oneTransaction) {
    await db.asUser(principal, (tx) => loop((fn) => fn(tx)));
  } else {
    await loop((fn) => db.asUser(principal, fn));
  }
  return count;
}
