// The orders list (Data Policy §4: exception troubleshooting; §8: no buyer
// personal data here): filters, sorts and KEYSET pages. A page starts where
// the cursor says — the sort key, then the purchase time, store and order id,
// compared as one row against an index in the same order
// (db/migrations/0025_orders_screens.sql) — so page 2,000 costs what page 1
// does: no OFFSET scan. Row-level security bounds every read to the
// principal's stores; the filter narrows within them.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { AMAZON_MARKETPLACES } from "../amazon/marketplaces.ts";
import { exportsFrozenTx } from "../settings.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import { calendarDate, plainText } from "../validation.ts";

export const ORDER_SORTS = ["date", "total", "status"] as const;
export type OrderSort = typeof ORDER_SORTS[number];
export const PAGE_SIZES = [50, 100, 500] as const;
export type PageSize = typeof PAGE_SIZES[number];
/** Amazon's order statuses (Orders API v0 OrderStatus, and Delivered). */
export const ORDER_STATUSES = [
  "Pending",
  "PendingAvailability",
  "Unshipped",
  "PartiallyShipped",
  "Shipped",
  "Delivered",
  "InvoiceUnconfirmed",
  "Canceled",
  "Unfulfillable",
] as const;

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );

/** The list's query string, as the page's GET form writes it. */
export const orderQuerySchema = z.object({
  marketplace: opt(z.string().regex(/^[A-Z0-9]{6,20}$/)),
  status: opt(z.enum(ORDER_STATUSES)),
  channel: opt(z.enum(["AFN", "MFN"])),
  from: opt(calendarDate()),
  to: opt(calendarDate()),
  q: opt(plainText().trim().max(64)),
  sort: opt(z.enum(ORDER_SORTS)).transform((v) => v ?? "date"),
  dir: opt(z.enum(["asc", "desc"])).transform((v) => v ?? "desc"),
  size: opt(z.enum(["50", "100", "500"])).transform((v) =>
    Number(v ?? "50") as PageSize
  ),
  after: opt(z.string().max(400)),
  before: opt(z.string().max(400)),
});

export type OrderQuery = z.output<typeof orderQuerySchema>;

/** What narrows the list, within the stores `storeIds` (all granted, or one). */
export interface OrderFilter {
  storeIds: readonly string[];
  marketplace?: string;
  status?: string;
  channel?: "AFN" | "MFN";
  /** Purchase day range, inclusive, in each order's marketplace time zone. */
  from?: string;
  to?: string;
  /** An order id, SKU or ASIN, matched exactly. */
  q?: string;
  sort: OrderSort;
  dir: "asc" | "desc";
}

/** A position in the list: the last (or first) row of a page. */
export interface OrderCursor {
  /** The sort key as text (null for a date sort). */
  k: string | null;
  /** purchased_at, ISO. */
  p: string;
  s: string;
  o: string;
}

const cursorSchema = z.object({
  k: z.string().max(64).nullable(),
  p: z.iso.datetime({ offset: true }),
  s: z.uuid(),
  o: z.string().min(1).max(64),
});

/** A cursor as it travels in the URL (base64url JSON). */
export function encodeCursor(c: OrderCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify([c.k, c.p, c.s, c.o]));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/** The cursor in a URL, or null when it is not one of ours. */
export function decodeCursor(text: string): OrderCursor | null {
  try {
    const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)),
    );
    const [k, p, s, o] = JSON.parse(json);
    const parsed = cursorSchema.safeParse({ k, p, s, o });
    if (!parsed.success) return null;
    if (k !== null && !/^[A-Za-z]+$|^-?\d{1,14}(\.\d{1,4})?$/.test(k)) {
      return null;
    }
    return parsed.data;
  } catch {
    return null;
  }
}

/** One row of the list: no buyer personal data. */
export interface OrderListRow {
  storeId: string;
  amazonOrderId: string;
  marketplaceId: string;
  status: string;
  fulfillmentChannel: string;
  orderTotal: string | null;
  currency: string | null;
  purchasedAt: Date;
  units: number;
  /** Its marketplace's time zone (UTC for an unknown marketplace). */
  timeZone: string;
}

export interface OrderPage {
  rows: OrderListRow[];
  /** The cursor of the next page ("Older" when sorted newest first). */
  next: string | null;
  /** The cursor of the previous page. */
  prev: string | null;
}

/** Per currency: orders and their total (exact decimal text). */
export interface CurrencyTotal {
  currency: string | null;
  orders: number;
  total: string | null;
}

const ZONES = new Map(AMAZON_MARKETPLACES.map((m) => [m.id, m.timeZone]));

/** A marketplace's time zone (UTC for one Amazon does not list). */
export function marketplaceTimeZone(marketplaceId: string): string {
  return ZONES.get(marketplaceId) ?? "UTC";
}

const zoneSql = sql.raw(
  `(case o.marketplace_id ${
    AMAZON_MARKETPLACES.map((m) =>
      `when '${m.id}' then '${m.timeZone.replaceAll("'", "")}'`
    ).join(" ")
  } else 'UTC' end)`,
);

/** The sort's key expressions, most significant first. */
function keyColumns(sort: OrderSort): SQL[] {
  const tail = [sql`o.purchased_at`, sql`o.store_id`, sql`o.amazon_order_id`];
  if (sort === "total") return [sql`coalesce(o.order_total, -1)`, ...tail];
  if (sort === "status") return [sql`o.status`, ...tail];
  return tail;
}

function cursorValues(sort: OrderSort, c: OrderCursor): SQL[] {
  const tail = [
    sql`${c.p}::timestamptz`,
    sql`${c.s}::uuid`,
    sql`${c.o}::text`,
  ];
  if (sort === "total") return [sql`${c.k ?? "-1"}::numeric`, ...tail];
  if (sort === "status") return [sql`${c.k ?? ""}::text`, ...tail];
  return tail;
}

const DAY_MS = 86_400_000;
/** Every time zone is within 14 hours of UTC. */
const ZONE_SLACK_MS = 14 * 3_600_000;

/** The filter's WHERE conditions (row-level security adds the stores' own). */
function whereOf(f: OrderFilter): SQL {
  const parts: SQL[] = [
    sql`o.store_id in (${
      sql.join(f.storeIds.map((id) => sql`${id}::uuid`), sql`, `)
    })`,
  ];
  if (f.marketplace) parts.push(sql`o.marketplace_id = ${f.marketplace}`);
  if (f.status) parts.push(sql`o.status = ${f.status}`);
  if (f.channel) parts.push(sql`o.fulfillment_channel = ${f.channel}`);
  if (f.from) {
    // An index range first (a day begins at most 14 hours either side of
    // UTC midnight), then the exact day in the order's marketplace zone.
    const lower = new Date(Date.parse(`${f.from}T00:00:00Z`) - ZONE_SLACK_MS);
    parts.push(sql`o.purchased_at >= ${lower.toISOString()}::timestamptz`);
    parts.push(
      sql`(o.purchased_at at time zone ${zoneSql})::date >= ${f.from}::date`,
    );
  }
  if (f.to) {
    const upper = new Date(
      Date.parse(`${f.to}T00:00:00Z`) + DAY_MS + ZONE_SLACK_MS,
    );
    parts.push(sql`o.purchased_at < ${upper.toISOString()}::timestamptz`);
    parts.push(
      sql`(o.purchased_at at time zone ${zoneSql})::date <= ${f.to}::date`,
    );
  }
  if (f.q) {
    parts.push(sql`(o.amazon_order_id = ${f.q}
      or (o.store_id, o.amazon_order_id) in (
        select i.store_id, i.amazon_order_id from order_items i
        where i.sku = ${f.q} or i.asin = ${f.q.toUpperCase()}))`);
  }
  return sql.join(parts, sql` and `);
}

interface RawRow {
  store_id: string;
  amazon_order_id: string;
  marketplace_id: string;
  status: string;
  fulfillment_channel: string;
  order_total: string | null;
  currency: string | null;
  purchased_at: string | Date;
  units: number;
  sort_key: string | null;
}

/**
 * One batch of rows after (or, `backward`, before) `cursor` in the filter's
 * order; `extra` adds columns for the export.
 */
async function selectBatch(
  tx: Tx,
  f: OrderFilter,
  cursor: OrderCursor | null,
  limit: number,
  backward: boolean,
  extra: SQL = sql``,
): Promise<(RawRow & Record<string, unknown>)[]> {
  const keys = keyColumns(f.sort);
  // Forward in a descending list means "less than"; backward flips both.
  const descending = (f.dir === "desc") !== backward;
  const cmp = sql.raw(descending ? "<" : ">");
  const order = sql.raw(descending ? "desc" : "asc");
  const conditions = [whereOf(f)];
  if (cursor) {
    conditions.push(
      sql`(${sql.join(keys, sql`, `)}) ${cmp} (${
        sql.join(cursorValues(f.sort, cursor), sql`, `)
      })`,
    );
  }
  const sortKey = f.sort === "date" ? sql`null::text` : sql`(${keys[0]})::text`;
  return rowsOf<RawRow & Record<string, unknown>>(
    await tx.execute(sql`select o.store_id::text as store_id,
        o.amazon_order_id, o.marketplace_id, o.status, o.fulfillment_channel,
        o.order_total::text as order_total, o.currency::text as currency,
        o.purchased_at,
        (select coalesce(sum(i.quantity), 0)::int from order_items i
          where i.store_id = o.store_id
            and i.amazon_order_id = o.amazon_order_id) as units,
        ${sortKey} as sort_key ${extra}
      from orders o
      where ${sql.join(conditions, sql` and `)}
      order by ${sql.join(keys.map((k) => sql`${k} ${order}`), sql`, `)}
      limit ${limit}`),
  );
}

const toDate = (v: string | Date) => v instanceof Date ? v : new Date(v);

function toRow(r: RawRow): OrderListRow {
  return {
    storeId: r.store_id,
    amazonOrderId: r.amazon_order_id,
    marketplaceId: r.marketplace_id,
    status: r.status,
    fulfillmentChannel: r.fulfillment_channel,
    orderTotal: r.order_total,
    currency: r.currency === null ? null : r.currency.trim(),
    purchasedAt: toDate(r.purchased_at),
    units: Number(r.units),
    timeZone: marketplaceTimeZone(r.marketplace_id),
  };
}

function cursorOf(r: RawRow): OrderCursor {
  return {
    k: r.sort_key,
    p: toDate(r.purchased_at).toISOString(),
    s: r.store_id,
    o: r.amazon_order_id,
  };
}

/**
 * One page of orders. `after` moves on (the next page), `before` moves back
 * (the previous one); with neither, the first page.
 *
 * @example
 * const first = await listOrders(db, principal, filter, { size: 50 });
 * const second = await listOrders(db, principal, filter,
 *   { size: 50, after: first.next ?? undefined });
 */
export async function listOrders(
  db: Database,
  principal: Principal,
  filter: OrderFilter,
  page: { size: number; after?: string; before?: string },
): Promise<OrderPage> {
  if (filter.storeIds.length === 0) return { rows: [], next: null, prev: null };
  return await db.asUser(principal, (tx) => listOrdersTx(tx, filter, page));
}

/** The same, inside the caller's scoped transaction. */
async function listOrdersTx(
  tx: Tx,
  filter: OrderFilter,
  page: { size: number; after?: string; before?: string },
): Promise<OrderPage> {
  if (filter.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const after = page.after ? decodeCursor(page.after) : null;
  const before = !after && page.before ? decodeCursor(page.before) : null;
  const backward = before !== null;
  const raw = await selectBatch(
    tx,
    filter,
    after ?? before,
    page.size + 1,
    backward,
  );
  const more = raw.length > page.size;
  if (more) raw.length = page.size;
  if (backward) raw.reverse();
  const rows = raw.map(toRow);
  const first = raw[0];
  const last = raw[raw.length - 1];
  return {
    rows,
    next: last && (backward || more) ? encodeCursor(cursorOf(last)) : null,
    prev: first && (backward ? more : after !== null)
      ? encodeCursor(cursorOf(first))
      : null,
  };
}

/** Everything the list screen reads, for one request. */
export interface OrdersScreen {
  /** The stores the principal sees (the store filter and the switcher). */
  stores: StoreSummary[];
  marketplaces: { id: string; countryCode: string; timeZone: string }[];
  page: OrderPage;
  /** Whether exports are frozen (the export button says so). */
  frozen: boolean;
}

/**
 * The list screen's reads in one scoped transaction (one connection, one
 * snapshot): the visible stores, the filter's marketplaces, the page of
 * orders and the export freeze.
 */
export async function ordersScreen(
  db: Database,
  principal: Principal,
  filter: OrderFilter,
  page: { size: number; after?: string; before?: string },
): Promise<OrdersScreen> {
  return await db.asUser(principal, async (tx) => ({
    stores: await visibleStoresTx(tx),
    marketplaces: await orderMarketplacesTx(tx, filter.storeIds),
    page: await listOrdersTx(tx, filter, page),
    frozen: await exportsFrozenTx(tx),
  }));
}

/**
 * Orders and their totals per currency for the whole filtered set: never
 * one total across currencies. Orders without money (cancelled) count under
 * a null currency.
 */
export async function orderTotals(
  db: Database,
  principal: Principal,
  filter: OrderFilter,
): Promise<CurrencyTotal[]> {
  if (filter.storeIds.length === 0) return [];
  const rows = await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ currency: string | null; orders: number; total: string | null }>(
        await tx.execute(sql`select o.currency::text as currency,
          count(*)::int as orders, sum(o.order_total)::text as total
        from orders o where ${whereOf(filter)}
        group by o.currency order by o.currency nulls last`),
      ),
  );
  return rows.map((r) => ({
    currency: r.currency?.trim() ?? null,
    orders: Number(r.orders),
    total: r.total,
  }));
}

/** The marketplaces of the stores in `storeIds`, for the filter's choices. */
export async function orderMarketplaces(
  db: Database,
  principal: Principal,
  storeIds: readonly string[],
): Promise<{ id: string; countryCode: string; timeZone: string }[]> {
  if (storeIds.length === 0) return [];
  return await db.asUser(
    principal,
    (tx) => orderMarketplacesTx(tx, storeIds),
  );
}

async function orderMarketplacesTx(
  tx: Tx,
  storeIds: readonly string[],
): Promise<{ id: string; countryCode: string; timeZone: string }[]> {
  if (storeIds.length === 0) return [];
  const rows = rowsOf<{ id: string; country: string }>(
    await tx.execute(sql`select distinct marketplace_id as id,
      country_code::text as country
    from store_marketplaces
    where store_id in (${
      sql.join(storeIds.map((id) => sql`${id}::uuid`), sql`, `)
    })
    order by 2, 1`),
  );
  return rows.map((r) => ({
    id: r.id,
    countryCode: r.country,
    timeZone: marketplaceTimeZone(r.id),
  }));
}

/** The batch an export reads at a time. */
export const EXPORT_BATCH = 1000;

/**
 * Every row of the filtered set in the list's order, in batches of
 * `batch`, each handed to `onBatch` before the next is read, so at most one
 * batch sits in memory. With `oneTransaction` (PostgreSQL) every batch is
 * read inside one scoped transaction (one snapshot, the pool's other
 * connections free); without (PGlite, one session) each batch is its own
 * short transaction, so other requests run between batches. `extra` adds
 * columns (the export's buyer-data join).
 */
export async function walkOrders<R extends Record<string, unknown>>(
  db: Database,
  principal: Principal,
  filter: OrderFilter,
  opts: {
    oneTransaction: boolean;
    batch?: number;
    extra?: SQL;
    onBatch(rows: (OrderListRow & { raw: R })[]): Promise<void>;
  },
): Promise<number> {
  if (filter.storeIds.length === 0) return 0;
  const size = opts.batch ?? EXPORT_BATCH;
  let count = 0;
  const loop = async (run: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) => {
    let cursor: OrderCursor | null = null;
    for (;;) {
      const raw = await run((tx) =>
        selectBatch(tx, filter, cursor, size, false, opts.extra)
      );
      if (raw.length === 0) return;
      count += raw.length;
      cursor = cursorOf(raw[raw.length - 1]);
      await opts.onBatch(raw.map((r) => ({ ...toRow(r), raw: r as R })));
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
