// Data Policy §9 and §10: the cron-driven purge. One store at a time under a
// lease (purge_leases), so several instances never purge the same store at
// once; due rows go in small batches, each its own short transaction that
// also adds to the run's purge record, so a crash leaves exact counts and the
// next run simply deletes what is still due (the condition is the progress:
// nothing is deleted twice or missed). Rows under an active legal hold are
// never deleted. A dry run counts and deletes nothing.
import { sleep } from "../sleep.ts";
import { sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { claimJobSlot, listAllStoreIds } from "../../db/maintenance.ts";
import { purgeClosedRequests } from "../requests/purge.ts";

/** Where one table's rows live and when they are due. */
export interface PurgeTarget {
  /** The retention rule (retention_rules.category) the table follows. */
  category: string;
  table: string;
  /** The column a legal hold's record ids name (returned for each row). */
  id: string;
  /** SQL (on alias `t`) of the time a hold's or a request's range covers. */
  at: string;
  /** The column holding Amazon's order id, for requests naming orders. */
  orderId?: string;
  /** When a row is due, given the rule's days and fallback. */
  due(now: Date, days: number, fallbackDays: number | null): ReturnType<
    typeof sql
  >;
  /**
   * The same rows as `due`, as conditions an index can answer one at a
   * time with an ordered scan (so a batch reads its rows, not the whole
   * table); the batches take each in turn. Without: `due` itself.
   */
  parts?(now: Date, days: number, fallbackDays: number | null): {
    where: ReturnType<typeof sql>;
    order: string;
  }[];
}

const iso = (d: Date) => d.toISOString();

/** Rows whose time `at` is older than the rule's days. */
const olderThan = (at: string) => (now: Date, days: number) =>
  sql`${sql.raw(at)} < ${
    iso(now)
  }::timestamptz - make_interval(days => ${days}::int)`;

/** The purchase time of the order a row belongs to. */
const orderTime =
  "(select o.purchased_at from orders o where o.store_id = t.store_id and o.amazon_order_id = t.amazon_order_id)";
/** The end of the settlement a line belongs to. */
const settlementTime =
  "(select s.ends_at from settlements s where s.store_id = t.store_id and s.settlement_id = t.settlement_id)";

/**
 * Row `t` of buyer_pii has no recorded legal basis running at `now`. The
 * uncorrelated probe runs once per statement (over the extensions the
 * transaction's stores have, through row-level security): without any, the
 * per-row test never runs.
 */
const noBasisSql = (now: Date) =>
  sql`(not exists (select 1 from buyer_pii_extensions e0
      where e0.until > ${iso(now)}::timestamptz)
    or not exists (select 1 from buyer_pii_extensions e
      where e.store_id = t.store_id
        and e.amazon_order_id = t.amazon_order_id
        and e.until > ${iso(now)}::timestamptz))`;

/**
 * Every table the purge deletes from, keyed by table, in the order it
 * purges them (a dependent table before the one its rows hang on: an
 * order's items before the order, a settlement's lines before it).
 */
export const PURGE_TARGETS = {
  // Buyer personal data: purge_after is set at sync from the delivery date
  // (or Amazon's latest delivery date); without one, the fallback after
  // collection. The rule's ceiling (30 days) is the database's own CHECK;
  // a recorded legal basis (buyer_pii_extensions) keeps one order's row
  // until its end date.
  buyer_pii: {
    category: "buyer_pii",
    table: "buyer_pii",
    id: "amazon_order_id",
    at: "t.collected_at",
    orderId: "amazon_order_id",
    due: (now, days, fallback) =>
      sql`coalesce(t.purge_after, t.collected_at + make_interval(days => ${
        fallback ?? days
      }::int)) <= ${iso(now)}::timestamptz and ${noBasisSql(now)}`,
    // buyer_pii_purge_idx answers the first in purge_after order.
    parts: (now, days, fallback) => {
      const noBasis = noBasisSql(now);
      return [
        {
          where: sql`t.purge_after <= ${iso(now)}::timestamptz and ${noBasis}`,
          order: "t.purge_after",
        },
        {
          where: sql`t.purge_after is null and t.collected_at
            + make_interval(days => ${fallback ?? days}::int)
            <= ${iso(now)}::timestamptz and ${noBasis}`,
          order: "t.collected_at",
        },
      ];
    },
  },
  // API request logs (at least 90 days: the rule's floor is a CHECK).
  api_request_log: {
    category: "api_request_log",
    table: "api_request_log",
    id: "id",
    at: "t.at",
    due: olderThan("t.at"),
  },
  // A sync run's record, once finished (never a queued or running one).
  sync_runs: {
    category: "sync_runs",
    table: "sync_runs",
    id: "id",
    at: "t.started_at",
    due: (now, days) =>
      sql`t.status in ('succeeded', 'failed', 'cancelled', 'interrupted')
        and t.started_at < ${
        iso(now)
      }::timestamptz - make_interval(days => ${days}::int)`,
  },
  // The "while needed" operational data (default three years).
  order_items: {
    category: "order_items",
    table: "order_items",
    id: "amazon_order_id",
    at: orderTime,
    orderId: "amazon_order_id",
    due: olderThan(orderTime),
  },
  orders: {
    category: "orders",
    table: "orders",
    id: "amazon_order_id",
    at: "t.purchased_at",
    orderId: "amazon_order_id",
    due: olderThan("t.purchased_at"),
  },
  returns: {
    category: "returns",
    table: "returns",
    id: "amazon_order_id",
    at: "t.returned_at",
    orderId: "amazon_order_id",
    due: olderThan("t.returned_at"),
  },
  inventory_snapshots: {
    category: "inventory_snapshots",
    table: "inventory_snapshots",
    id: "sku",
    at: "t.snapshot_date::timestamptz",
    due: olderThan("t.snapshot_date::timestamptz"),
  },
  sales_traffic_daily: {
    category: "sales_traffic",
    table: "sales_traffic_daily",
    id: "child_asin",
    at: "t.day::timestamptz",
    due: olderThan("t.day::timestamptz"),
  },
  ad_metrics_daily: {
    category: "ads_metrics",
    table: "ad_metrics_daily",
    id: "entity_id",
    at: "t.day::timestamptz",
    due: olderThan("t.day::timestamptz"),
  },
  ad_budget_bid_changes: {
    category: "ads_metrics",
    table: "ad_budget_bid_changes",
    id: "entity_id",
    at: "t.observed_at",
    due: olderThan("t.observed_at"),
  },
  settlement_lines: {
    category: "settlements",
    table: "settlement_lines",
    id: "settlement_id",
    at: settlementTime,
    orderId: "amazon_order_id",
    due: olderThan(settlementTime),
  },
  settlements: {
    category: "settlements",
    table: "settlements",
    id: "settlement_id",
    at: "t.ends_at",
    due: olderThan("t.ends_at"),
  },
  fees: {
    category: "financial_events",
    table: "fees",
    id: "event_id",
    at: "t.posted_at",
    orderId: "amazon_order_id",
    due: olderThan("t.posted_at"),
  },
  financial_events: {
    category: "financial_events",
    table: "financial_events",
    id: "event_id",
    at: "t.posted_at",
    orderId: "amazon_order_id",
    due: olderThan("t.posted_at"),
  },
  search_terms: {
    category: "search_terms",
    table: "search_terms",
    id: "search_term",
    at: "t.period_end::timestamptz",
    due: olderThan("t.period_end::timestamptz"),
  },
} satisfies Record<string, PurgeTarget>;

export type PurgeTable = keyof typeof PURGE_TARGETS;
export const PURGE_TABLES = Object.keys(PURGE_TARGETS) as PurgeTable[];

/**
 * The categories whose rows belong to no store: the audit trail (one hash
 * chain across stores, purged from its front by audit_purge), the staff
 * sessions kept in Deno KV, and closed data requests (lib/requests/purge.ts).
 */
export const GLOBAL_CATEGORIES = [
  "audit_events",
  "sessions",
  "data_requests",
] as const;
export type GlobalCategory = typeof GLOBAL_CATEGORIES[number];

/** Every category the purge acts on, store tables' and global. */
export const PURGE_CATEGORIES: string[] = [
  ...new Set([
    ...PURGE_TABLES.map((t) => PURGE_TARGETS[t].category),
    ...GLOBAL_CATEGORIES,
  ]),
];
export type PurgeCategory = string;

/**
 * Categories a rule names that the purge does not act on, and why: archives
 * expire by their own manifest.
 */
export const INERT_CATEGORIES: Record<string, string> = {
  archives: "own expiry",
};

/** Categories an Amazon deletion request may name (Amazon's data). */
export const DELETION_CATEGORIES = [
  ...new Set(
    PURGE_TABLES.filter((t) => !["api_request_log", "sync_runs"].includes(t))
      .map((t) => PURGE_TARGETS[t].category),
  ),
];

/** KV keys under which a buyer's personal data may be cached. */
export const buyerPiiCacheKey = (storeId: string, amazonOrderId: string) => [
  "buyer_pii",
  storeId,
  amazonOrderId,
];

export interface PurgeDeps {
  db: Database;
  /** Cached copies of buyer personal data, and sessions, live here. */
  kv?: Deno.Kv;
  /** The clock (tests inject one). */
  now?: () => Date;
  /** This instance's name in the lease. */
  holder?: string;
  /**
   * Rows per batch (one short transaction each). Without it the store
   * purge adapts the size to keep each batch near `batchMs`.
   */
  batchSize?: number;
  /** How long one adaptive batch should take (ms; default per engine). */
  batchMs?: number;
  /**
   * Tables bigger than this (bytes) go by ranges of pages rather than by
   * rows (default 32 MiB; tests set 0 to take that path on small tables).
   */
  blockScanBytes?: number;
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** Sessions idle this long have ended (the session policy's idle time). */
  sessionIdleMs?: number;
  /** Called after each committed batch (tests crash here). */
  afterBatch?: (storeId: string | null, category: PurgeCategory) => Promise<
    void
  >;
}

export interface PurgeCount {
  category: PurgeCategory;
  table: string;
  ruleDays: number;
  due: number;
  held: number;
  deleted: number;
}

export type StorePurge =
  | { storeId: string | null; status: "busy" }
  | {
    storeId: string | null;
    status: "done";
    dryRun: boolean;
    counts: PurgeCount[];
  };

/**
 * An Amazon deletion request's scope within one store: every row of the
 * named categories in the time range (and, when order ids are given, of
 * those orders only), whatever the rules say; legal holds still apply.
 */
export interface DeletionScope {
  requestId: string;
  categories: string[];
  fromAt: Date | null;
  toAt: Date | null;
  orderIds: string[] | null;
}

export const PURGE_MESSAGE = "retention.purge";

/** `{type: "retention.purge", dryRun}`: the "Run now" button's message. */
export const purgeMessage = z.object({
  type: z.literal(PURGE_MESSAGE),
  dryRun: z.boolean().default(false),
  requestedBy: z.uuid().nullable().default(null),
});
export type PurgeMessage = z.input<typeof purgeMessage>;

/** The daily purge's job name and default schedule (UTC). */
export const PURGE_JOB = "retention.purge";
export const PURGE_SCHEDULE = "15 3 * * *";

const DEFAULT_BATCH = 500;
const DEFAULT_LEASE_MS = 5 * 60_000;
const DEFAULT_SESSION_IDLE_MS = 8 * 3_600_000;
/** The principal of storeless purge work: no store, no user. */
const SYSTEM: Principal = { userId: "", storeIds: [] };

/** Whether row `t` of `target` is under an active legal hold. */
export const heldSql = (target: PurgeTarget) =>
  sql`exists (select 1 from legal_holds h
    where h.released_at is null
      and (h.store_id is null or h.store_id = t.store_id)
      and (h.category is null or h.category = ${target.category})
      and (h.record_ids is null or t.${
    sql.raw(target.id)
  }::text = any(h.record_ids))
      and (h.from_at is null or ${sql.raw(target.at)} >= h.from_at)
      and (h.to_at is null or ${sql.raw(target.at)} <= h.to_at))`;

/** Which rows of `target` a deletion request's scope covers (null: none). */
function scopeSql(target: PurgeTarget, scope: DeletionScope) {
  if (!scope.categories.includes(target.category)) return null;
  if (scope.orderIds && !target.orderId) return null;
  const at = sql.raw(target.at);
  return sql`true
    ${
    scope.fromAt ? sql`and ${at} >= ${iso(scope.fromAt)}::timestamptz` : sql``
  }
    ${scope.toAt ? sql`and ${at} <= ${iso(scope.toAt)}::timestamptz` : sql``}
    ${
    scope.orderIds
      ? sql`and t.${sql.raw(target.orderId!)} = any(${`{${
        scope.orderIds.map((o) => `"${o.replaceAll('"', "")}"`).join(",")
      }}`}::text[])`
      : sql``
  }`;
}

async function ruleOf(tx: Tx, category: string) {
  const [rule] = rowsOf<{ days: number; fallback_days: number | null }>(
    await tx.execute(sql`select days, fallback_days from retention_rules
      where category = ${category}`),
  );
  if (!rule) throw new Error(`no retention rule for ${category}`);
  return rule;
}

/** Takes or renews the lease inside `tx`; false when another holds it. */
async function leaseIn(
  tx: Tx,
  storeId: string | null,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const expires = new Date(now.getTime() + leaseMs);
  return rowsOf(
    await tx.execute(
      storeId === null
        ? sql`insert into purge_global_leases (name, holder, expires_at)
      values ('global', ${holder}, ${iso(expires)}::timestamptz)
      on conflict (name) do update
        set holder = excluded.holder, expires_at = excluded.expires_at
        where purge_global_leases.expires_at < ${iso(now)}::timestamptz
           or purge_global_leases.holder = excluded.holder
      returning holder`
        : sql`insert into purge_leases (store_id, holder, expires_at)
      values (${storeId}::uuid, ${holder}, ${iso(expires)}::timestamptz)
      on conflict (store_id) do update
        set holder = excluded.holder, expires_at = excluded.expires_at
        where purge_leases.expires_at < ${iso(now)}::timestamptz
           or purge_leases.holder = excluded.holder
      returning holder`,
    ),
  ).length === 1;
}

function takeLease(
  db: Database,
  storeId: string | null,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const take = (tx: Tx) => leaseIn(tx, storeId, holder, now, leaseMs);
  return storeId === null ? db.asUser(SYSTEM, take) : db.asJob(storeId, take);
}

async function dropLease(db: Database, storeId: string | null, holder: string) {
  if (storeId === null) {
    await db.asUser(
      SYSTEM,
      (tx) =>
        tx.execute(sql`delete from purge_global_leases
        where name = 'global' and holder = ${holder}`),
    );
    return;
  }
  await db.asJob(storeId, (tx) =>
    tx.execute(sql`delete from purge_leases
      where store_id = ${storeId}::uuid and holder = ${holder}`));
}

interface RunOptions {
  dryRun?: boolean;
  /** Purge this deletion request's scope instead of what the rules make due. */
  scope?: DeletionScope;
}

/**
 * Rows per batch when the caller names no size: the purge adapts the size
 * to keep each batch's transaction near `BATCH_MS` (the time a batch holds
 * its rows' locks and, on PGlite's single session, keeps readers waiting).
 */
const TRACE = Deno.env.get("PURGE_TRACE") === "1";
const FIRST_BATCH = 2_000;
const MIN_BATCH = 200;
const MAX_BATCH = 50_000;
const BATCH_MS: Record<Database["engine"], number> = {
  postgres: 300,
  pglite: 40,
};
/**
 * Tables at most this big get an exact rows_remaining (a count of the
 * store's rows); bigger ones the planner's estimate of the store's rows at
 * the start less the rows deleted, so a purge never scans a table it only
 * took a few rows from.
 */
const EXACT_COUNT_BYTES = 32 * 1024 * 1024;
/**
 * Tables bigger than this (bytes) are purged in physical order, a range of
 * pages per batch (`MIN_PAGES`..`MAX_PAGES`, adapted like the rows).
 */
const BLOCK_SCAN_BYTES = EXACT_COUNT_BYTES;
const FIRST_PAGES = 256;
const MIN_PAGES = 16;
const MAX_PAGES = 16_384;
const PAGE_BYTES = 8192;

/**
 * Whether row `t` is NOT under an active legal hold. The uncorrelated
 * probe runs once per statement: when no hold names the store and category
 * (the usual case), the per-row test never runs.
 */
const notHeldSql = (target: PurgeTarget, storeId: string) =>
  sql`(not exists (select 1 from legal_holds h0
      where h0.released_at is null
        and (h0.store_id is null or h0.store_id = ${storeId}::uuid)
        and (h0.category is null or h0.category = ${target.category}))
    or not ${heldSql(target)})`;

/** A text[] literal of `xs`. */
const textArray = (xs: readonly string[]) =>
  `{${
    xs.map((x) => `"${x.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`)
      .join(",")
  }}`;

/** How many rows of `table` belong to the store, and whether to count them. */
async function sizeOf(
  tx: Tx,
  table: string,
  storeId: string,
): Promise<{ bytes: number; exact: boolean; estimate: number }> {
  const [r] = rowsOf<{
    bytes: string;
    reltuples: number;
    relpages: number;
    vals: string[] | null;
    freqs: number[] | null;
    n_distinct: number | null;
  }>(
    await tx.execute(sql`select pg_relation_size(c.oid)::text as bytes,
        c.reltuples::float8 as reltuples, c.relpages::int as relpages,
        s.most_common_vals::text::text[] as vals,
        s.most_common_freqs::float8[] as freqs,
        s.n_distinct::float8 as n_distinct
      from pg_class c
      left join pg_stats s on s.schemaname = 'public'
        and s.tablename = c.relname and s.attname = 'store_id'
      where c.oid = ${`public.${table}`}::regclass`),
  );
  const bytes = Number(r.bytes);
  if (bytes <= EXACT_COUNT_BYTES || r.reltuples < 0 || r.relpages <= 0) {
    return { bytes, exact: true, estimate: 0 };
  }
  const rows = (r.reltuples / r.relpages) * (bytes / 8192);
  const i = r.vals?.indexOf(storeId) ?? -1;
  const share = i >= 0
    ? Number(r.freqs![i])
    : r.n_distinct && r.n_distinct > 0
    ? 1 / r.n_distinct
    : 1;
  return { bytes, exact: false, estimate: Math.round(rows * share) };
}

/** Yields to the event loop, so requests waiting on PGlite's session run. */
const yieldNow = () => sleep(0);

/**
 * Drops cached copies of buyer personal data whose row is gone (this run's
 * deletions, and any a crashed run left behind).
 */
async function sweepPiiCache(db: Database, kv: Deno.Kv, storeId: string) {
  let keys: Deno.KvKey[] = [];
  const flush = async () => {
    if (keys.length === 0) return;
    const ids = keys.map((k) => String(k[2]));
    const kept = new Set(
      rowsOf<{ id: string }>(
        await db.asJob(
          storeId,
          (tx) =>
            tx.execute(sql`select amazon_order_id as id from buyer_pii
            where store_id = ${storeId}::uuid
              and amazon_order_id = any(${textArray(ids)}::text[])`),
        ),
      ).map((r) => r.id),
    );
    for (const k of keys) {
      if (!kept.has(String(k[2]))) await kv.delete(k);
    }
    keys = [];
  };
  for await (
    const e of kv.list({ prefix: buyerPiiCacheKey(storeId, "").slice(0, 2) })
  ) {
    keys.push(e.key);
    if (keys.length === 500) await flush();
  }
  await flush();
}

/**
 * Purges one store: every table in PURGE_TARGETS (or, for a deletion
 * request, every row in its scope), under the store's lease. Returns
 * "busy" when another instance holds it.
 *
 * Per table: one transaction opens the record (the rule; the held rows,
 * counted only when a hold names the store and category), then each batch
 * is one statement in its own short transaction that deletes the batch and
 * adds it to the record. A table with an index on when its rows fall due
 * (`parts`) goes in that order, by ranges of the indexed time (a bitmap
 * scan of just those rows); the others by a limited scan of due rows. The
 * lease is renewed every third of its length, not every batch. A dry run
 * counts everything and deletes nothing.
 */
export async function purgeStore(
  deps: PurgeDeps,
  storeId: string,
  options: RunOptions = {},
): Promise<StorePurge> {
  const now = deps.now ?? (() => new Date());
  const holder = deps.holder ?? `purge-${crypto.randomUUID()}`;
  const fixedBatch = deps.batchSize;
  const batchMs = deps.batchMs ?? BATCH_MS[deps.db.engine];
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const dryRun = options.dryRun ?? false;
  const scope = options.scope ?? null;
  const { db } = deps;
  if (!(await takeLease(db, storeId, holder, now(), leaseMs))) {
    return { storeId, status: "busy" };
  }
  let renewedAt = performance.now();
  let size = fixedBatch ?? FIRST_BATCH;
  let pages = FIRST_PAGES;
  try {
    // One transaction for what every table needs: a run that died holding
    // an older lease left its records "running"; the rules; the categories
    // an active hold could cover here; the tables' sizes.
    const pre = await db.asJob(storeId, async (tx) => {
      await tx.execute(sql`update purge_records set status = 'interrupted'
        where store_id = ${storeId}::uuid and status = 'running'`);
      const rules = new Map(
        rowsOf<
          { category: string; days: number; fallback_days: number | null }
        >(
          await tx.execute(sql`select category, days, fallback_days
            from retention_rules`),
        ).map((r) => [r.category, r]),
      );
      const holds = rowsOf<{ category: string | null }>(
        await tx.execute(sql`select distinct category from legal_holds h
          where h.released_at is null
            and (h.store_id is null or h.store_id = ${storeId}::uuid)`),
      ).map((h) => h.category);
      const sizes = new Map<string, Awaited<ReturnType<typeof sizeOf>>>();
      if (!dryRun) {
        for (const table of PURGE_TABLES) {
          sizes.set(table, await sizeOf(tx, table, storeId));
        }
      }
      return { rules, holds, sizes };
    });
    const counts: PurgeCount[] = [];
    for (const table of PURGE_TABLES) {
      const target: PurgeTarget = PURGE_TARGETS[table];
      const category = target.category;
      const at = now();
      const inScope = scope ? scopeSql(target, scope) : null;
      if (scope && !inScope) continue;
      const t = sql.raw(target.table);
      const T0 = performance.now();
      const rule = pre.rules.get(category);
      if (!rule) throw new Error(`no retention rule for ${category}`);
      const dueSql = inScope ?? target.due(at, rule.days, rule.fallback_days);
      const insertRecord = (id: string, due: number, held: number) =>
        sql`insert into purge_records
          (id, store_id, category, table_name, rule_days, dry_run, rows_due,
           rows_held, status, started_at, finished_at, deletion_request_id)
          values (${id}::uuid, ${storeId}::uuid, ${category}, ${table},
            ${rule.days}, ${dryRun}, ${due}, ${held},
            ${dryRun ? "done" : "running"}, ${iso(at)}::timestamptz,
            ${dryRun ? iso(at) : null}::timestamptz,
            ${scope?.requestId ?? null}::uuid)`;
      if (dryRun) {
        const { due, held } = await db.asJob(storeId, async (tx) => {
          const [c] = rowsOf<{ due: number; held: number }>(
            await tx.execute(sql`select count(*)::int as due,
              count(*) filter (where ${heldSql(target)})::int as held
              from ${t} t
              where t.store_id = ${storeId}::uuid and ${dueSql}`),
          );
          await tx.execute(insertRecord(crypto.randomUUID(), c.due, c.held));
          return c;
        });
        counts.push({
          category,
          table,
          ruleDays: rule.days,
          due,
          held,
          deleted: 0,
        });
        continue;
      }
      const recordId = crypto.randomUUID();
      const rows = pre.sizes.get(table)!;
      const mayHold = pre.holds.some((c) => c === null || c === category);
      let held = 0;
      let opened = false;
      // The record, in the first batch's transaction: held rows are counted
      // only when a hold could cover some.
      const open = async (tx: Tx) => {
        if (mayHold) {
          const [c] = rowsOf<{ held: number }>(
            await tx.execute(sql`select count(*)::int as held
              from ${t} t where t.store_id = ${storeId}::uuid
                and ${dueSql} and ${heldSql(target)}`),
          );
          held = c.held;
        }
        await tx.execute(insertRecord(recordId, held, held));
      };
      // The record's end, in the last batch's transaction.
      const finish = (tx: Tx) =>
        tx.execute(sql`update purge_records
          set status = 'done', finished_at = ${iso(now())}::timestamptz,
            rows_due = rows_held + rows_deleted,
            rows_remaining = ${
          rows.exact
            ? sql`(select count(*) from ${t} t
                where t.store_id = ${storeId}::uuid)`
            : sql`greatest(0, ${rows.estimate}::bigint - rows_deleted)`
        }
          where id = ${recordId}::uuid`);
      const parts: { where: ReturnType<typeof sql>; order: string | null }[] =
        inScope
          ? [{ where: inScope, order: null }]
          : target.parts?.(at, rule.days, rule.fallback_days) ??
            [{ where: dueSql, order: null }];
      const notHeld = notHeldSql(target, storeId);
      // Pages of a big table (0: batches of rows); a deletion request's
      // scope is usually narrow and goes by rows.
      const blocks = !inScope &&
          rows.bytes > (deps.blockScanBytes ?? BLOCK_SCAN_BYTES)
        ? Math.ceil(rows.bytes / PAGE_BYTES)
        : 0;
      const counted = (n: ReturnType<typeof sql>) =>
        sql`update purge_records
          set rows_deleted = rows_deleted + ${n}, rows_due = rows_due + ${n}
          where id = ${recordId}::uuid`;
      type Batch = { m: string | null; c: number; n: number };
      let finished = false;
      // One batch: its own short transaction (renewing the lease when a
      // third of it has passed; opening the record in the first, closing
      // it in the last); returns the batch's figures and how long it took.
      const runBatch = async (
        q: ReturnType<typeof sql>,
        isLast: (r: Batch) => boolean,
      ) => {
        const renew = performance.now() - renewedAt > leaseMs / 3;
        const t0 = performance.now();
        const r = await db.asJob(storeId, async (tx): Promise<Batch> => {
          if (renew && !(await leaseIn(tx, storeId, holder, now(), leaseMs))) {
            throw new Error(`purge lease on store ${storeId} was lost`);
          }
          if (!opened) await open(tx);
          // A batch is a few hundred milliseconds of work: compiling it
          // (PostgreSQL's JIT, triggered by the estimates of a big table)
          // would cost more than running it.
          if (db.engine === "postgres" && !rows.exact) {
            await tx.execute(sql`select set_config('jit', 'off', true)`);
          }
          const r = rowsOf<Batch>(await tx.execute(q))[0];
          if (isLast(r)) await finish(tx);
          return r;
        });
        opened = true;
        if (isLast(r)) finished = true;
        if (renew) renewedAt = t0;
        if (TRACE) {
          console.error(
            `  batch ${table} n=${r.n} ${
              (performance.now() - t0).toFixed(0)
            }ms pages=${pages} size=${size}`,
          );
        }
        if (r.n > 0) await deps.afterBatch?.(storeId, category);
        return { ...r, ms: performance.now() - t0 };
      };
      const adapt = (ms: number, grow: number, min: number, max: number) =>
        ms > batchMs
          ? Math.max(min, Math.floor(grow / 2))
          : ms < batchMs / 2
          ? Math.min(max, grow * 2)
          : grow;
      let deleted = 0;
      if (blocks) {
        // A big table goes in physical order, a range of pages per batch:
        // each page is read once, as one DELETE's sequential scan would.
        for (let p = 0; p < blocks;) {
          const q = p + pages;
          const r = await runBatch(
            sql`with d as (
              delete from ${t} t
              where t.ctid >= ${`(${p},0)`}::tid and t.ctid < ${`(${q},0)`}::tid
                and t.store_id = ${storeId}::uuid and ${dueSql} and ${notHeld}
              returning 1),
            u as (${counted(sql`(select count(*) from d)`)})
            select null::text as m, 0 as c, (select count(*) from d)::int as n`,
            () => q >= blocks,
          );
          deleted += r.n;
          p = q;
          pages = adapt(r.ms, pages, MIN_PAGES, MAX_PAGES);
          await yieldNow();
        }
      }
      const rowParts = blocks ? [] : parts;
      for (const [i, part] of rowParts.entries()) {
        const lastPart = i === rowParts.length - 1;
        // The last indexed time a batch covered (ordered parts).
        let last = null as string | null;
        for (;;) {
          const limit = size;
          const after: ReturnType<typeof sql> = part.order && last !== null
            ? sql`and ${sql.raw(part.order)} > ${last}::timestamptz`
            : sql``;
          // Ordered: the window is the next `limit` due rows by the indexed
          // time, widened to every row sharing its last time; the batch is
          // every unheld row in it. Otherwise: `limit` due unheld rows,
          // skipping any another transaction has locked.
          const r = await runBatch(
            part.order
              ? sql`with b as (
                select max(k) as m, count(*)::int as c from (
                  select ${sql.raw(part.order)} as k from ${t} t
                  where t.store_id = ${storeId}::uuid and ${part.where} ${after}
                  order by ${sql.raw(part.order)} limit ${limit}) x),
              d as (
                delete from ${t} t
                where t.store_id = ${storeId}::uuid and ${part.where}
                  and ${notHeld} ${after}
                  and ${sql.raw(part.order)} <= (select m from b)
                returning 1),
              u as (${counted(sql`(select count(*) from d)`)})
              select (select m from b)::text as m, (select c from b) as c,
                (select count(*) from d)::int as n`
              : sql`with d as (
                delete from ${t} d
                where d.ctid = any(array(
                  select t.ctid from ${t} t
                  where t.store_id = ${storeId}::uuid and ${part.where}
                    and ${notHeld}
                  limit ${limit}
                  for update skip locked))
                returning 1),
              u as (${counted(sql`(select count(*) from d)`)})
              select null::text as m, (select count(*) from d)::int as c,
                (select count(*) from d)::int as n`,
            (r) => lastPart && r.c < limit,
          );
          deleted += r.n;
          if (r.c < limit) break;
          last = r.m;
          if (fixedBatch === undefined) {
            size = adapt(r.ms, size, MIN_BATCH, MAX_BATCH);
          }
          await yieldNow();
        }
      }
      if (!finished) {
        await db.asJob(storeId, async (tx) => {
          if (!opened) await open(tx);
          await finish(tx);
        });
      }
      if (table === "buyer_pii" && deps.kv) {
        await sweepPiiCache(db, deps.kv, storeId);
      }
      if (TRACE) {
        console.error(
          `table ${table} ${
            (performance.now() - T0).toFixed(0)
          }ms deleted=${deleted} blocks=${blocks}`,
        );
      }
      counts.push({
        category,
        table,
        ruleDays: rule.days,
        due: held + deleted,
        held,
        deleted,
      });
      await yieldNow();
    }
    return { storeId, status: "done", dryRun, counts };
  } finally {
    await dropLease(db, storeId, holder).catch(() => {});
  }
}

/** A session as lib/security/sessions.ts keeps it (only what the purge reads). */
interface StoredSession {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  absoluteExpiresAt: number;
}

/**
 * Purges what belongs to no store, under the global lease: the audit
 * trail's oldest events (a prefix of the chain, never past a held row; the
 * anchor keeps audit_verify whole) and the sessions that have ended or
 * outlived their rule. Records have no store.
 */
export async function purgeGlobal(
  deps: PurgeDeps,
  options: { dryRun?: boolean } = {},
): Promise<StorePurge> {
  const now = deps.now ?? (() => new Date());
  const holder = deps.holder ?? `purge-${crypto.randomUUID()}`;
  const batch = deps.batchSize ?? DEFAULT_BATCH;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const dryRun = options.dryRun ?? false;
  const { db } = deps;
  if (!(await takeLease(db, null, holder, now(), leaseMs))) {
    return { storeId: null, status: "busy" };
  }
  const record = (
    category: string,
    table: string,
    days: number,
    due: number,
    held: number,
    at: Date,
  ) =>
    db.asUser(SYSTEM, async (tx) =>
      rowsOf<{ id: string }>(
        await tx.execute(sql`insert into purge_records
          (store_id, category, table_name, rule_days, dry_run, rows_due,
           rows_held, status, started_at, finished_at)
          values (null, ${category}, ${table}, ${days}, ${dryRun}, ${due},
            ${held}, ${dryRun ? "done" : "running"}, ${iso(at)}::timestamptz,
            ${dryRun ? iso(at) : null}::timestamptz)
          returning id::text as id`),
      )[0].id);
  const finish = (id: string, remaining: number) =>
    db.asUser(SYSTEM, (tx) =>
      tx.execute(sql`update purge_records
        set status = 'done', finished_at = ${iso(now())}::timestamptz,
          rows_remaining = ${remaining}
        where id = ${id}::uuid`));
  try {
    await db.asUser(
      SYSTEM,
      (tx) =>
        tx.execute(sql`update purge_records set status = 'interrupted'
        where store_id is null and status = 'running'`),
    );
    const counts: PurgeCount[] = [];

    // The audit trail: audit_purge deletes a prefix per call, in its own
    // short transaction (appends wait for one batch at most).
    {
      const at = now();
      const rule = await db.asUser(SYSTEM, (tx) => ruleOf(tx, "audit_events"));
      const [first] = await db.asUser(
        SYSTEM,
        async (tx) =>
          rowsOf<{ due: string; held: string; deleted: string }>(
            await tx.execute(sql`select due::text, held::text, deleted::text
            from audit_purge(${iso(at)}::timestamptz, 0)`),
          ),
      );
      const due = Number(first.due);
      const held = Number(first.held);
      const id = await record(
        "audit_events",
        "audit_events",
        rule.days,
        due,
        held,
        at,
      );
      let deleted = 0;
      if (!dryRun && due > held) {
        for (;;) {
          const n = await db.asUser(SYSTEM, async (tx) => {
            const [r] = rowsOf<{ deleted: string }>(
              await tx.execute(sql`select deleted::text
                from audit_purge(${iso(at)}::timestamptz, ${batch})`),
            );
            const n = Number(r.deleted);
            if (n > 0) {
              await tx.execute(sql`update purge_records
                set rows_deleted = rows_deleted + ${n} where id = ${id}::uuid`);
            }
            return n;
          });
          deleted += n;
          if (n > 0) await deps.afterBatch?.(null, "audit_events");
          if (n < batch) break;
          if (!(await takeLease(db, null, holder, now(), leaseMs))) {
            throw new Error("global purge lease was lost");
          }
        }
      }
      if (!dryRun) {
        const [left] = await db.asUser(
          { ...SYSTEM, auditAll: true },
          async (tx) =>
            rowsOf<{ total: string }>(
              await tx.execute(sql`select total::text
                from audit_state(null, ${iso(at)}::timestamptz)`),
            ),
        );
        await finish(id, Number(left.total));
      }
      counts.push({
        category: "audit_events",
        table: "audit_events",
        ruleDays: rule.days,
        due,
        held,
        deleted,
      });
    }

    // Sessions in KV: ended (idle or past their absolute lifetime) or older
    // than the rule. A hold on sessions (all stores) keeps them all; one
    // naming user ids keeps those users' sessions.
    if (deps.kv) {
      const kv = deps.kv;
      const at = now();
      const rule = await db.asUser(SYSTEM, (tx) => ruleOf(tx, "sessions"));
      const holds = await db.asUser(SYSTEM, async (tx) =>
        rowsOf<
          {
            from_at: string | null;
            to_at: string | null;
            record_ids: string[] | null;
          }
        >(
          await tx.execute(sql`select from_at, to_at, record_ids
            from legal_holds where released_at is null and store_id is null
              and (category is null or category = 'sessions')`),
        ));
      const idle = deps.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
      const limit = at.getTime() - rule.days * 86_400_000;
      const due: { key: Deno.KvKey; userId: string }[] = [];
      let held = 0;
      for await (const e of kv.list<StoredSession>({ prefix: ["session"] })) {
        const s = e.value;
        const ended = at.getTime() >= s.absoluteExpiresAt ||
          at.getTime() - s.lastSeenAt >= idle || s.createdAt < limit;
        if (!ended) continue;
        const isHeld = holds.some((h) =>
          (h.record_ids === null || h.record_ids.includes(s.userId)) &&
          (h.from_at === null || s.createdAt >= Date.parse(h.from_at)) &&
          (h.to_at === null || s.createdAt <= Date.parse(h.to_at))
        );
        if (isHeld) held++;
        else due.push({ key: e.key, userId: s.userId });
      }
      const id = await record(
        "sessions",
        "kv:session",
        rule.days,
        due.length + held,
        held,
        at,
      );
      let deleted = 0;
      if (!dryRun) {
        for (let i = 0; i < due.length; i += batch) {
          const part = due.slice(i, i + batch);
          for (const d of part) {
            await kv.atomic().delete(d.key).delete([
              "user_session",
              d.userId,
              d.key[1] as string,
            ]).commit();
          }
          deleted += part.length;
          await db.asUser(SYSTEM, (tx) =>
            tx.execute(sql`update purge_records
              set rows_deleted = rows_deleted + ${part.length}
              where id = ${id}::uuid`));
          await deps.afterBatch?.(null, "sessions");
        }
        let left = 0;
        for await (const _ of kv.list({ prefix: ["session"] })) left++;
        await finish(id, left);
      }
      counts.push({
        category: "sessions",
        table: "kv:session",
        ruleDays: rule.days,
        due: due.length + held,
        held,
        deleted,
      });
    }
    // Closed data requests past the rule (personal data of requesters).
    {
      const at = now();
      const rule = await db.asUser(SYSTEM, (tx) => ruleOf(tx, "data_requests"));
      const dry = await purgeClosedRequests(db, {
        now: at,
        days: rule.days,
        dryRun: true,
      });
      const id = await record(
        "data_requests",
        "data_requests",
        rule.days,
        dry.due,
        dry.held,
        at,
      );
      let deleted = 0;
      if (!dryRun) {
        deleted = (await purgeClosedRequests(db, {
          now: at,
          days: rule.days,
          dryRun: false,
          batch,
        })).deleted;
        await db.asUser(SYSTEM, (tx) =>
          tx.execute(sql`update purge_records
            set rows_deleted = ${deleted} where id = ${id}::uuid`));
        await deps.afterBatch?.(null, "data_requests");
        await finish(id, dry.due - deleted);
      }
      counts.push({
        category: "data_requests",
        table: "data_requests",
        ruleDays: rule.days,
        due: dry.due,
        held: dry.held,
        deleted,
      });
    }
    return { storeId: null, status: "done", dryRun, counts };
  } finally {
    await dropLease(db, null, holder).catch(() => {});
  }
}

/** Purges every store, one at a time, then the storeless categories. */
export async function purgeAll(
  deps: PurgeDeps,
  options: { dryRun?: boolean } = {},
): Promise<StorePurge[]> {
  const out: StorePurge[] = [];
  for (const storeId of await listAllStoreIds(deps.db)) {
    out.push(await purgeStore(deps, storeId, options));
  }
  out.push(await purgeGlobal(deps, options));
  return out;
}

/**
 * The daily firing: the first instance to claim the day's slot purges every
 * store; the others do nothing (and the per-store lease would stop them
 * anyway).
 */
export async function runDailyPurge(
  deps: PurgeDeps & { worker: string },
): Promise<StorePurge[] | null> {
  const now = (deps.now ?? (() => new Date()))();
  const slot = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()),
  );
  if (!(await claimJobSlot(deps.db, PURGE_JOB, slot, deps.worker))) return null;
  return await purgeAll(deps);
}
