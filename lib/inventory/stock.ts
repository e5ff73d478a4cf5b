// Data Policy §4 (inventory and fulfillment): one computation of a SKU's FBA
// stock, velocity, days of cover, restock suggestion and alerts, shared by
// /inventory, /inventory.csv and the dashboard's inventory alerts, so the
// three can never disagree.
//
// - Stock: the latest FBA inventory snapshot of each store, marketplace and
//   SKU (fulfillable; inbound = working + shipped + receiving; reserved;
//   unfulfillable).
// - Velocity: PER ASIN, not per SKU — the units of the SKU's ASIN in the
//   SKU's marketplace over the last 30 days of that marketplace's own
//   calendar (today included), from the daily aggregates `daily_product_sales`
//   (cancelled orders excluded), divided by 30. The aggregates are kept per
//   ASIN; a per-SKU figure would scan order items on every page. SKUs that
//   share an ASIN in one marketplace share its velocity.
// - Days of cover: fulfillable ÷ velocity; none without sales.
// - Restock suggestion: max(0, ⌈velocity × (lead time + cover target)⌉ −
//   (fulfillable + inbound)), with the store's own lead time and cover target
//   (stores.restock_lead_time_days, restock_cover_days; 0027). Computed in
//   whole units: ⌈units30 × days ÷ 30⌉, exact integer arithmetic.
// - Alerts: low cover (days of cover under the store's `cover_alert_days`,
//   compared exactly as fulfillable × 30 < threshold × units30),
//   unfulfillable (any unfulfillable unit), stranded (fulfillable units and
//   no BUYABLE listing of the SKU in that marketplace).
//
// Row-level security bounds every read to the principal's stores; the
// filter narrows within them. Pages are KEYSET pages on the sort key, then
// store, marketplace and SKU.
import { type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { plainText } from "../validation.ts";

/** The days a velocity is measured over. */
export const VELOCITY_DAYS = 30;

export const INVENTORY_SORTS = [
  "cover",
  "suggestion",
  "fulfillable",
  "velocity",
] as const;
export type InventorySort = typeof INVENTORY_SORTS[number];
export const INVENTORY_ALERTS = [
  "low_cover",
  "unfulfillable",
  "stranded",
  "none",
] as const;
/** An alert filter: one kind, or "none" for SKUs without any alert. */
export type InventoryAlertFilter = typeof INVENTORY_ALERTS[number];
export type InventoryAlertKind = Exclude<InventoryAlertFilter, "none">;
export const INVENTORY_PAGE_SIZES = [50, 100, 500] as const;

/** The direction a sort reads by default: the most urgent first. */
export function defaultDir(sort: InventorySort): "asc" | "desc" {
  return sort === "cover" ? "asc" : "desc";
}

const opt = <T extends z.ZodType>(s: T) =>
  z.union([s, z.literal("")]).optional().transform((v) =>
    v === "" ? undefined : v as z.output<T> | undefined
  );

/** The list's query string, as the page's GET form writes it. */
export const inventoryQuerySchema = z.object({
  marketplace: opt(z.string().regex(/^[A-Z0-9]{6,20}$/)),
  alert: opt(z.enum(INVENTORY_ALERTS)),
  q: opt(plainText().trim().max(100)),
  sort: opt(z.enum(INVENTORY_SORTS)).transform((v) => v ?? "cover"),
  dir: opt(z.enum(["asc", "desc"])),
  size: opt(z.enum(["50", "100", "500"])).transform((v) => Number(v ?? "50")),
  after: opt(z.string().max(400)),
  before: opt(z.string().max(400)),
}).transform((v) => ({ ...v, dir: v.dir ?? defaultDir(v.sort) }));

export type InventoryQuery = z.output<typeof inventoryQuerySchema>;

/** What narrows the list, within the stores `storeIds` (all granted, or one). */
export interface InventoryFilter {
  storeIds: readonly string[];
  marketplace?: string;
  /** One kind, "none", or (the dashboard) "any" alert. */
  alert?: InventoryAlertFilter | "any";
  /** A SKU or ASIN (exact), or part of the title. */
  q?: string;
  sort: InventorySort;
  dir: "asc" | "desc";
}

/** One SKU of one marketplace, with everything the screens show. */
export interface StockRow {
  storeId: string;
  storeName: string;
  marketplaceId: string;
  sku: string;
  asin: string;
  /** The listing's title in that marketplace, else the product's. */
  title: string | null;
  snapshotDate: string;
  fulfillable: number;
  inboundWorking: number;
  inboundShipped: number;
  inboundReceiving: number;
  /** working + shipped + receiving. */
  inbound: number;
  reserved: number;
  unfulfillable: number;
  /** Units of the SKU's ASIN in its marketplace, last 30 local days. */
  units30: number;
  /** Units per day (units30 ÷ 30). */
  velocity: number;
  /** Fulfillable ÷ velocity, to 1 decimal; null without sales. */
  daysOfCover: number | null;
  /** Units to send now (whole units, never negative). */
  suggestion: number;
  /** The store's settings the figures used. */
  leadTimeDays: number;
  coverDays: number;
  alertDays: number;
  alerts: InventoryAlertKind[];
}

/** A position in the list: the last (or first) row of a page. */
interface StockCursor {
  k: string;
  s: string;
  m: string;
  sku: string;
}

const cursorSchema = z.object({
  k: z.string().regex(/^-?\d{1,14}(\.\d{1,4})?$/),
  s: z.uuid(),
  m: z.string().min(1).max(40),
  sku: z.string().min(1).max(200),
});

function encodeCursor(c: StockCursor): string {
  const bytes = new TextEncoder().encode(
    JSON.stringify([c.k, c.s, c.m, c.sku]),
  );
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

function decodeCursor(text: string): StockCursor | null {
  try {
    const b64 = text.replaceAll("-", "+").replaceAll("_", "/");
    const json = new TextDecoder().decode(
      Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)),
    );
    const [k, s, m, sku] = JSON.parse(json);
    const parsed = cursorSchema.safeParse({ k, s, m, sku });
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Days of cover when nothing sells: after every real figure. */
const NO_SALES_COVER = "99999999";

/** The sort's key, an exact number (text in the cursor). */
const KEYS: Record<InventorySort, SQL> = {
  cover: sql`inv.cover_key`,
  suggestion: sql`inv.suggestion::numeric`,
  fulfillable: sql`inv.fulfillable::numeric`,
  velocity: sql`inv.units30::numeric`,
};

const ids = (storeIds: readonly string[]) =>
  sql`(${sql.join(storeIds.map((id) => sql`${id}::uuid`), sql`, `)})`;

/**
 * Every SKU of `storeIds` with its figures, as a subquery named `inv`.
 * `now` decides each marketplace's "today".
 */
export function stockQuery(storeIds: readonly string[], now: Date): SQL {
  const at = now.toISOString();
  // A window a little wider than any marketplace's 30 local days, so the
  // primary key's (store_id, day) range does the first cut.
  const since = new Date(now.getTime() - 32 * 86_400_000).toISOString()
    .slice(0, 10);
  // The latest snapshot of each SKU by a skip scan of the primary key
  // (store, marketplace, SKU, day): one index probe per SKU for the next SKU
  // and one for its newest day, however many days of snapshots the
  // retention rule keeps (three years by default), instead of reading every
  // snapshot. MATERIALIZED: under row-level security the planner expects
  // about one row and would otherwise re-run the velocity aggregate once
  // per SKU (a nested loop); each part is computed once instead.
  return sql`(with recursive skus as (
      select f.store_id, f.marketplace_id, f.sku
      from unnest(${`{${storeIds.join(",")}}`}::uuid[]) as st(id)
      cross join lateral (select i.store_id, i.marketplace_id, i.sku
        from inventory_snapshots i where i.store_id = st.id
        order by i.marketplace_id, i.sku limit 1) f
      union all
      select n.store_id, n.marketplace_id, n.sku
      from skus k
      cross join lateral (select i.store_id, i.marketplace_id, i.sku
        from inventory_snapshots i where i.store_id = k.store_id
          and (i.marketplace_id, i.sku) > (k.marketplace_id, k.sku)
        order by i.marketplace_id, i.sku limit 1) n),
    latest as materialized (
      select l.* from skus k
      cross join lateral (select * from inventory_snapshots i
        where i.store_id = k.store_id and i.marketplace_id = k.marketplace_id
          and i.sku = k.sku
        order by i.snapshot_date desc limit 1) l),
    vel as materialized (
      select d.store_id, d.marketplace_id, d.asin, sum(d.units)::int as units
      from daily_product_sales d
      where d.store_id in ${ids(storeIds)} and d.day >= ${since}::date
        and d.day > (${at}::timestamptz at time zone
          app_marketplace_time_zone(d.marketplace_id))::date - ${VELOCITY_DAYS}::int
        and d.day <= (${at}::timestamptz at time zone
          app_marketplace_time_zone(d.marketplace_id))::date
      group by 1, 2, 3),
    base as materialized (
      select l.store_id, s.name as store_name, l.marketplace_id, l.sku, l.asin,
        coalesce(
          (select li.item_name from listings li where li.store_id = l.store_id
            and li.marketplace_id = l.marketplace_id and li.sku = l.sku),
          (select p.title from products p where p.store_id = l.store_id
            and p.sku = l.sku)) as title,
        l.snapshot_date, l.fulfillable, l.inbound_working, l.inbound_shipped,
        l.inbound_receiving,
        (l.inbound_working + l.inbound_shipped + l.inbound_receiving) as inbound,
        l.reserved, l.unfulfillable,
        coalesce(v.units, 0)::int as units30,
        s.restock_lead_time_days as lead_days, s.restock_cover_days as cover_days,
        s.cover_alert_days as alert_days,
        exists (select 1 from listings b where b.store_id = l.store_id
          and b.marketplace_id = l.marketplace_id and b.sku = l.sku
          and 'BUYABLE' = any(b.status)) as buyable
      from latest l
      join stores s on s.id = l.store_id
      left join vel v on v.store_id = l.store_id
        and v.marketplace_id = l.marketplace_id and v.asin = l.asin)
    select base.*,
      case when units30 > 0
        then round(fulfillable * ${VELOCITY_DAYS}::numeric / units30, 4)
        else ${NO_SALES_COVER}::numeric end as cover_key,
      greatest(0, ((units30::bigint * (lead_days + cover_days)
          + ${VELOCITY_DAYS - 1}) / ${VELOCITY_DAYS})
        - (fulfillable + inbound))::int as suggestion,
      (units30 > 0 and fulfillable::bigint * ${VELOCITY_DAYS}
        < alert_days::bigint * units30) as low_cover,
      (unfulfillable > 0) as unfulfillable_alert,
      (fulfillable > 0 and not buyable) as stranded
    from base) inv`;
}

const LIKE_SPECIAL = /[\\%_]/g;

/** The filter's WHERE conditions over `inv`. */
function whereOf(f: InventoryFilter): SQL {
  const parts: SQL[] = [sql`true`];
  if (f.marketplace) parts.push(sql`inv.marketplace_id = ${f.marketplace}`);
  if (f.alert === "low_cover") parts.push(sql`inv.low_cover`);
  if (f.alert === "unfulfillable") parts.push(sql`inv.unfulfillable_alert`);
  if (f.alert === "stranded") parts.push(sql`inv.stranded`);
  const any = sql`(inv.low_cover or inv.unfulfillable_alert or inv.stranded)`;
  if (f.alert === "none") parts.push(sql`not ${any}`);
  if (f.alert === "any") parts.push(any);
  if (f.q) {
    const like = `%${f.q.replace(LIKE_SPECIAL, (ch) => `\\${ch}`)}%`;
    parts.push(sql`(inv.sku = ${f.q} or inv.asin = ${f.q.toUpperCase()}
      or inv.title ilike ${like})`);
  }
  return sql.join(parts, sql` and `);
}

interface RawRow {
  store_id: string;
  store_name: string;
  marketplace_id: string;
  sku: string;
  asin: string;
  title: string | null;
  snapshot_date: string | Date;
  fulfillable: number;
  inbound_working: number;
  inbound_shipped: number;
  inbound_receiving: number;
  inbound: number;
  reserved: number;
  unfulfillable: number;
  units30: number;
  lead_days: number;
  cover_days: number;
  alert_days: number;
  suggestion: number;
  low_cover: boolean;
  unfulfillable_alert: boolean;
  stranded: boolean;
  sort_key: string;
}

/** One batch after (or, `backward`, before) `cursor`, in the filter's order. */
async function selectBatch(
  tx: Tx,
  f: InventoryFilter,
  now: Date,
  cursor: StockCursor | null,
  limit: number,
  backward: boolean,
): Promise<RawRow[]> {
  const keys = [
    KEYS[f.sort],
    sql`inv.store_id`,
    sql`inv.marketplace_id`,
    sql`inv.sku`,
  ];
  const descending = (f.dir === "desc") !== backward;
  const cmp = sql.raw(descending ? "<" : ">");
  const order = sql.raw(descending ? "desc" : "asc");
  const conditions = [whereOf(f)];
  if (cursor) {
    conditions.push(sql`(${sql.join(keys, sql`, `)}) ${cmp} (${
      sql.join([
        sql`${cursor.k}::numeric`,
        sql`${cursor.s}::uuid`,
        sql`${cursor.m}::text`,
        sql`${cursor.sku}::text`,
      ], sql`, `)
    })`);
  }
  return rowsOf<RawRow>(
    await tx.execute(sql`select inv.store_id::text as store_id,
        inv.store_name, inv.marketplace_id, inv.sku, inv.asin, inv.title,
        inv.snapshot_date::text as snapshot_date, inv.fulfillable,
        inv.inbound_working, inv.inbound_shipped, inv.inbound_receiving,
        inv.inbound, inv.reserved, inv.unfulfillable, inv.units30,
        inv.lead_days, inv.cover_days, inv.alert_days, inv.suggestion,
        inv.low_cover, inv.unfulfillable_alert, inv.stranded,
        (${keys[0]})::text as sort_key
      from ${stockQuery(f.storeIds, now)}
      where ${sql.join(conditions, sql` and `)}
      order by ${sql.join(keys.map((k) => sql`${k} ${order}`), sql`, `)}
      limit ${limit}`),
  );
}

function toRow(r: RawRow): StockRow {
  const units30 = Number(r.units30);
  const fulfillable = Number(r.fulfillable);
  const alerts: InventoryAlertKind[] = [];
  if (r.low_cover) alerts.push("low_cover");
  if (r.unfulfillable_alert) alerts.push("unfulfillable");
  if (r.stranded) alerts.push("stranded");
  return {
    storeId: r.store_id,
    storeName: r.store_name,
    marketplaceId: r.marketplace_id,
    sku: r.sku,
    asin: r.asin,
    title: r.title,
    snapshotDate: String(r.snapshot_date).slice(0, 10),
    fulfillable,
    inboundWorking: Number(r.inbound_working),
    inboundShipped: Number(r.inbound_shipped),
    inboundReceiving: Number(r.inbound_receiving),
    inbound: Number(r.inbound),
    reserved: Number(r.reserved),
    unfulfillable: Number(r.unfulfillable),
    units30,
    velocity: Math.round(units30 / VELOCITY_DAYS * 100) / 100,
    daysOfCover: units30 > 0
      ? Math.round(fulfillable * VELOCITY_DAYS / units30 * 10) / 10
      : null,
    suggestion: Number(r.suggestion),
    leadTimeDays: Number(r.lead_days),
    coverDays: Number(r.cover_days),
    alertDays: Number(r.alert_days),
    alerts,
  };
}

const cursorOf = (r: RawRow): StockCursor => ({
  k: r.sort_key,
  s: r.store_id,
  m: r.marketplace_id,
  sku: r.sku,
});

export interface StockPage {
  rows: StockRow[];
  next: string | null;
  prev: string | null;
}

/**
 * One page of SKUs. `after` moves on, `before` moves back; with neither,
 * the first page.
 *
 * @example
 * const first = await listStock(db, principal, filter, { size: 50 }, new Date());
 */
export async function listStock(
  db: Database,
  principal: Principal,
  filter: InventoryFilter,
  page: { size: number; after?: string; before?: string },
  now: Date,
): Promise<StockPage> {
  if (filter.storeIds.length === 0) return { rows: [], next: null, prev: null };
  const after = page.after ? decodeCursor(page.after) : null;
  const before = !after && page.before ? decodeCursor(page.before) : null;
  const backward = before !== null;
  const raw = await db.asUser(
    principal,
    (tx) =>
      selectBatch(tx, filter, now, after ?? before, page.size + 1, backward),
  );
  const more = raw.length > page.size;
  if (more) raw.length = page.size;
  if (backward) raw.reverse();
  const first = raw[0];
  const last = raw[raw.length - 1];
  return {
    rows: raw.map(toRow),
    next: last && (backward || more) ? encodeCursor(cursorOf(last)) : null,
    prev: first && (backward ? more : after !== null)
      ? encodeCursor(cursorOf(first))
      : null,
  };
}

/**
 * The first `limit` rows of the filter inside the caller's transaction, and
 * how many matched in all (the dashboard's alert list).
 */
export async function stockRowsTx(
  tx: Tx,
  filter: InventoryFilter,
  now: Date,
  limit: number,
): Promise<{ rows: StockRow[]; total: number }> {
  if (filter.storeIds.length === 0) return { rows: [], total: 0 };
  const raw = await selectBatch(tx, filter, now, null, limit, false);
  if (raw.length < limit) return { rows: raw.map(toRow), total: raw.length };
  const [count] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n
      from ${stockQuery(filter.storeIds, now)} where ${whereOf(filter)}`),
  );
  return { rows: raw.map(toRow), total: Number(count?.n ?? raw.length) };
}

/** The batch an export reads at a time. */
export const EXPORT_BATCH = 1000;

/**
 * Every row of the filter in the list's order, in keyset batches of
 * `batch`, each read in its own short transaction and yielded before the
 * next is read, so at most one batch sits in memory. Inventory changes once
 * a day (the snapshot), so batches need no shared snapshot.
 */
export async function* walkStock(
  db: Database,
  principal: Principal,
  filter: InventoryFilter,
  now: Date,
  batch = EXPORT_BATCH,
): AsyncGenerator<StockRow[]> {
  if (filter.storeIds.length === 0) return;
  let cursor: StockCursor | null = null;
  for (;;) {
    const from: StockCursor | null = cursor;
    const raw = await db.asUser(
      principal,
      (tx) => selectBatch(tx, filter, now, from, batch, false),
    );
    if (raw.length === 0) return;
    cursor = cursorOf(raw[raw.length - 1]);
    yield raw.map(toRow);
    if (raw.length < batch) return;
  }
}

/** The marketplaces holding inventory of `storeIds`, for the filter. */
export async function stockMarketplaces(
  db: Database,
  principal: Principal,
  storeIds: readonly string[],
): Promise<{ id: string; countryCode: string }[]> {
  if (storeIds.length === 0) return [];
  return await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ id: string; country: string }>(
        await tx.execute(sql`select distinct marketplace_id as id,
          country_code::text as country
        from store_marketplaces where store_id in ${ids(storeIds)}
        order by 2, 1`),
      ).map((r) => ({ id: r.id, countryCode: r.country })),
  );
}
