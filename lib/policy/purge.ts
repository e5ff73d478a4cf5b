// Data Policy §9 and §10: the cron-driven purge. One store at a time under a
// lease (purge_leases), so several instances never purge the same store at
// once; due rows go in small batches, each its own short transaction that
// also adds to the run's purge record, so a crash leaves exact counts and the
// next run simply deletes what is still due (the condition is the progress:
// nothing is deleted twice or missed). Rows under an active legal hold are
// never deleted. A dry run counts and deletes nothing.
import { sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Database,
  type Principal,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { claimJobSlot, listAllStoreIds } from "../../db/maintenance.ts";

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
      }::int)) <= ${iso(now)}::timestamptz
      and not exists (select 1 from buyer_pii_extensions e
        where e.store_id = t.store_id
          and e.amazon_order_id = t.amazon_order_id
          and e.until > ${iso(now)}::timestamptz)`,
    // buyer_pii_purge_idx answers the first in purge_after order.
    parts: (now, days, fallback) => {
      const noBasis = sql`not exists (select 1 from buyer_pii_extensions e
        where e.store_id = t.store_id
          and e.amazon_order_id = t.amazon_order_id
          and e.until > ${iso(now)}::timestamptz)`;
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
 * chain across stores, purged from its front by audit_purge) and the staff
 * sessions kept in Deno KV.
 */
export const GLOBAL_CATEGORIES = ["audit_events", "sessions"] as const;
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
 * Categories a rule names that the purge does not act on, and why:
 * data-request records have no table yet (the data-request workflow will
 * bring it, and its purge with it); archives expire by their own manifest.
 */
export const INERT_CATEGORIES: Record<string, string> = {
  data_requests: "no table yet",
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
  /** Rows per batch (one short transaction each). */
  batchSize?: number;
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

async function takeLease(
  db: Database,
  storeId: string | null,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const expires = new Date(now.getTime() + leaseMs);
  const take = (tx: Tx) =>
    tx.execute(
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
    );
  const rows = rowsOf(
    storeId === null
      ? await db.asUser(SYSTEM, take)
      : await db.asJob(storeId, take),
  );
  return rows.length === 1;
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
 * Purges one store: every table in PURGE_TARGETS (or, for a deletion
 * request, every row in its scope), under the store's lease. Returns
 * "busy" when another instance holds it.
 */
export async function purgeStore(
  deps: PurgeDeps,
  storeId: string,
  options: RunOptions = {},
): Promise<StorePurge> {
  const now = deps.now ?? (() => new Date());
  const holder = deps.holder ?? `purge-${crypto.randomUUID()}`;
  const batch = deps.batchSize ?? DEFAULT_BATCH;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const dryRun = options.dryRun ?? false;
  const scope = options.scope ?? null;
  const { db } = deps;
  if (!(await takeLease(db, storeId, holder, now(), leaseMs))) {
    return { storeId, status: "busy" };
  }
  try {
    // A run that died holding an older lease left its record "running".
    await db.asJob(
      storeId,
      (tx) =>
        tx.execute(sql`update purge_records set status = 'interrupted'
        where store_id = ${storeId}::uuid and status = 'running'`),
    );
    const counts: PurgeCount[] = [];
    for (const table of PURGE_TABLES) {
      const target: PurgeTarget = PURGE_TARGETS[table];
      const category = target.category;
      const at = now();
      const inScope = scope ? scopeSql(target, scope) : null;
      if (scope && !inScope) continue;
      const { recordId, rule, due, held } = await db.asJob(
        storeId,
        async (tx) => {
          const rule = await ruleOf(tx, category);
          const dueSql = inScope ??
            target.due(at, rule.days, rule.fallback_days);
          const [c] = rowsOf<{ due: number; held: number }>(
            await tx.execute(sql`select count(*)::int as due,
              count(*) filter (where ${heldSql(target)})::int as held
              from ${sql.raw(target.table)} t
              where t.store_id = ${storeId}::uuid and ${dueSql}`),
          );
          const [r] = rowsOf<{ id: string }>(
            await tx.execute(sql`insert into purge_records
              (store_id, category, table_name, rule_days, dry_run, rows_due,
               rows_held, status, started_at, finished_at,
               deletion_request_id)
              values (${storeId}::uuid, ${category}, ${table}, ${rule.days},
                ${dryRun}, ${c.due}, ${c.held},
                ${dryRun ? "done" : "running"}, ${iso(at)}::timestamptz,
                ${dryRun ? iso(at) : null}::timestamptz,
                ${scope?.requestId ?? null}::uuid)
              returning id::text as id`),
          );
          return { recordId: r.id, rule, due: c.due, held: c.held };
        },
      );
      let deleted = 0;
      const parts = inScope
        ? [{ where: inScope, order: null }]
        : target.parts?.(at, rule.days, rule.fallback_days) ??
          [{
            where: target.due(at, rule.days, rule.fallback_days),
            order: null,
          }];
      const deleteBatches = async (
        where: ReturnType<typeof sql>,
        order: string | null,
      ): Promise<number> => {
        let deleted = 0;
        for (;;) {
          const ids = await db.asJob(storeId, async (tx) => {
            // One short transaction: lock a batch of due, unheld rows
            // (skipping any a reader or another purge has locked), delete
            // them by their tuple ids, and count them in the record.
            const gone = rowsOf<{ id: string }>(
              await tx.execute(sql`delete from ${sql.raw(target.table)} d
                where d.ctid = any(array(
                  select t.ctid from ${sql.raw(target.table)} t
                  where t.store_id = ${storeId}::uuid
                    and ${where}
                    and not ${heldSql(target)}
                  ${order ? sql`order by ${sql.raw(order)}` : sql``}
                  limit ${batch}
                  for update skip locked))
                returning d.${sql.raw(target.id)}::text as id`),
            );
            if (gone.length > 0) {
              await tx.execute(sql`update purge_records
                set rows_deleted = rows_deleted + ${gone.length}
                where id = ${recordId}::uuid`);
            }
            return gone.map((g) => g.id);
          });
          deleted += ids.length;
          if (table === "buyer_pii" && deps.kv) {
            for (const id of ids) {
              await deps.kv.delete(buyerPiiCacheKey(storeId, id));
            }
          }
          if (ids.length > 0) await deps.afterBatch?.(storeId, category);
          if (ids.length < batch) break;
          if (!(await takeLease(db, storeId, holder, now(), leaseMs))) {
            throw new Error(`purge lease on store ${storeId} was lost`);
          }
        }
        return deleted;
      };
      if (!dryRun && due > held) {
        for (const part of parts) {
          deleted += await deleteBatches(part.where, part.order);
        }
      }
      if (!dryRun) {
        await db.asJob(storeId, (tx) =>
          tx.execute(sql`update purge_records
            set status = 'done', finished_at = ${iso(now())}::timestamptz,
              rows_remaining = (select count(*) from ${sql.raw(target.table)} t
                where t.store_id = ${storeId}::uuid)
            where id = ${recordId}::uuid`));
      }
      counts.push({ category, table, ruleDays: rule.days, due, held, deleted });
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
