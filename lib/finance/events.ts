// Financial events as the finance screens browse them (Data Policy §4:
// financial reconciliation): every list of Finances v0 the sync stores,
// filtered by store, event type, posting time, order and currency, in
// KEYSET pages on the posting time, then store and event id (no OFFSET
// scan at any depth), with the totals per currency of the filtered set —
// never one sum across currencies; events of a list the code does not know
// have no amount and are counted apart.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { KNOWN_EVENT_LISTS } from "../sync/datasets/financial_events.ts";
import { type StoreSummary, visibleStoresTx } from "../stores.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { normalizeDecimal } from "./decimal.ts";
import type { Page } from "./settlements.ts";

/** The event types the sync knows (the list names without "List"). */
export const EVENT_TYPES: readonly string[] = KNOWN_EVENT_LISTS.map((l) =>
  l.replace(/List$/, "")
).sort();

export interface EventFilter {
  storeIds: readonly string[];
  eventType?: string;
  /** Posted at or after / before these instants. */
  postedFrom?: Date;
  postedBefore?: Date;
  amazonOrderId?: string;
  currency?: string;
  dir: "asc" | "desc";
}

export interface EventRow {
  storeId: string;
  storeName: string;
  eventId: string;
  eventType: string;
  postedAt: Date;
  eventGroupId: string | null;
  amazonOrderId: string | null;
  sku: string | null;
  description: string | null;
  amount: string | null;
  currency: string | null;
  known: boolean;
  fees: number;
}

/** Per currency (null: events of an unknown list, without amounts). */
export interface EventTotal {
  currency: string | null;
  count: number;
  total: string | null;
}

const cursorSchema = z.tuple([
  z.iso.datetime({ offset: true }),
  z.uuid(),
  z.string().min(1).max(300),
]);
const toDate = (v: string | Date) => v instanceof Date ? v : new Date(v);

function whereOf(f: EventFilter): SQL {
  const parts: SQL[] = [
    sql`e.store_id in (${
      sql.join(f.storeIds.map((id) => sql`${id}::uuid`), sql`, `)
    })`,
  ];
  if (f.eventType) parts.push(sql`e.event_type = ${f.eventType}`);
  if (f.postedFrom) {
    parts.push(sql`e.posted_at >= ${f.postedFrom.toISOString()}::timestamptz`);
  }
  if (f.postedBefore) {
    parts.push(sql`e.posted_at < ${f.postedBefore.toISOString()}::timestamptz`);
  }
  if (f.amazonOrderId) parts.push(sql`e.amazon_order_id = ${f.amazonOrderId}`);
  if (f.currency) parts.push(sql`e.currency = ${f.currency}`);
  return sql.join(parts, sql` and `);
}

interface RawEvent {
  store_id: string;
  store_name: string;
  event_id: string;
  event_type: string;
  posted_at: string | Date;
  event_group_id: string | null;
  amazon_order_id: string | null;
  sku: string | null;
  description: string | null;
  amount: string | null;
  currency: string | null;
  known: boolean;
  fees: number;
}

function toRow(r: RawEvent): EventRow {
  return {
    storeId: r.store_id,
    storeName: r.store_name,
    eventId: r.event_id,
    eventType: r.event_type,
    postedAt: toDate(r.posted_at),
    eventGroupId: r.event_group_id,
    amazonOrderId: r.amazon_order_id,
    sku: r.sku,
    description: r.description,
    amount: r.amount === null ? null : normalizeDecimal(r.amount),
    currency: r.currency?.trim() ?? null,
    known: r.known,
    fees: Number(r.fees),
  };
}

const cursorOf = (r: RawEvent) =>
  encodeCursor([toDate(r.posted_at).toISOString(), r.store_id, r.event_id]);

/** One batch after (or, `backward`, before) `at` in the filter's order. */
async function selectBatch(
  tx: Tx,
  f: EventFilter,
  at: readonly [string, string, string] | null,
  limit: number,
  backward: boolean,
): Promise<RawEvent[]> {
  const descending = (f.dir === "desc") !== backward;
  const cmp = sql.raw(descending ? "<" : ">");
  const order = sql.raw(descending ? "desc" : "asc");
  const conditions = [whereOf(f)];
  if (at) {
    conditions.push(
      sql`(e.posted_at, e.store_id, e.event_id) ${cmp} (${
        at[0]
      }::timestamptz, ${at[1]}::uuid, ${at[2]}::text)`,
    );
  }
  return rowsOf<RawEvent>(
    await tx.execute(sql`select e.store_id::text as store_id,
        st.name as store_name, e.event_id, e.event_type, e.posted_at,
        e.event_group_id, e.amazon_order_id, e.sku, e.description,
        e.amount::text as amount, e.currency::text as currency, e.known,
        (select count(*)::int from fees f where f.store_id = e.store_id
          and f.event_id = e.event_id) as fees
      from financial_events e join stores st on st.id = e.store_id
      where ${sql.join(conditions, sql` and `)}
      order by e.posted_at ${order}, e.store_id ${order}, e.event_id ${order}
      limit ${limit}`),
  );
}

async function listTx(
  tx: Tx,
  f: EventFilter,
  page: { size: number; after?: string; before?: string },
): Promise<Page<EventRow>> {
  if (f.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const after = decodeCursor(page.after, cursorSchema);
  const before = after ? null : decodeCursor(page.before, cursorSchema);
  const backward = before !== null;
  const raw = await selectBatch(
    tx,
    f,
    after ?? before,
    page.size + 1,
    backward,
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

async function totalsTx(tx: Tx, f: EventFilter): Promise<EventTotal[]> {
  if (f.storeIds.length === 0) return [];
  const rows = rowsOf<
    { currency: string | null; count: number; total: string | null }
  >(
    await tx.execute(sql`select e.currency::text as currency,
        count(*)::int as count, sum(e.amount)::text as total
      from financial_events e where ${whereOf(f)}
      group by e.currency order by e.currency nulls last`),
  );
  return rows.map((r) => ({
    currency: r.currency?.trim() ?? null,
    count: Number(r.count),
    total: r.total === null ? null : normalizeDecimal(r.total),
  }));
}

export interface EventsScreen {
  stores: StoreSummary[];
  page: Page<EventRow>;
  totals: EventTotal[];
}

/** The events screen's reads in one scoped transaction. */
export async function eventsScreen(
  db: Database,
  principal: Principal,
  filter: EventFilter,
  page: { size: number; after?: string; before?: string },
): Promise<EventsScreen> {
  return await db.asUser(principal, async (tx) => ({
    stores: await visibleStoresTx(tx),
    page: await listTx(tx, filter, page),
    totals: await totalsTx(tx, filter),
  }));
}

/**
 * Every event of the filtered set in the list's order, in batches handed to
 * `onBatch` one at a time (one in memory); see walkSettlementLines for
 * `oneTransaction`.
 */
export async function walkEvents(
  db: Database,
  principal: Principal,
  filter: EventFilter,
  opts: {
    oneTransaction: boolean;
    batch?: number;
    onBatch(rows: EventRow[]): Promise<void>;
  },
): Promise<number> {
  if (filter.storeIds.length === 0) return 0;
  const size = opts.batch ?? 1000;
  let count = 0;
  const loop = async (run: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>) => {
    let at: [string, string, string] | null = null;
    for (;;) {
      const raw: RawEvent[] = await run((tx) =>
        selectBatch(tx, filter, at, size, false)
      );
      if (raw.length === 0) return;
      count += raw.length;
      const last = raw[raw.length - 1];
      at = [toDate(last.posted_at).toISOString(), last.store_id, last.event_id];
      await opts.onBatch(raw.map(toRow));
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
