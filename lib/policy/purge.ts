// Data Policy §9 and §10: the cron-driven purge. One store at a time under a
// lease (purge_leases), so several instances never purge the same store at
// once; due rows go in small batches, each its own short transaction that
// also adds to the run's purge record, so a crash leaves exact counts and the
// next run simply deletes what is still due (the condition is the progress:
// nothing is deleted twice or missed). Rows under an active legal hold are
// never deleted. A dry run counts and deletes nothing.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Database, rowsOf, type Tx } from "../../db/client.ts";
import { claimJobSlot, listAllStoreIds } from "../../db/maintenance.ts";

/** The categories the purge deletes today, with where their rows live. */
interface PurgeTarget {
  table: string;
  /** The row's id column (with store_id, the key). */
  id: string;
  /** The time a legal hold's range is compared with. */
  at: string;
  /** When a row is due, given the rule's days and fallback. */
  due(now: Date, days: number, fallbackDays: number | null): ReturnType<
    typeof sql
  >;
}

const iso = (d: Date) => d.toISOString();

export const PURGE_TARGETS = {
  // Buyer personal data: purge_after is set at sync from the delivery date
  // (or Amazon's latest delivery date); without one, the fallback after
  // collection. The rule's ceiling (30 days) is the database's own CHECK;
  // a recorded legal basis (buyer_pii_extensions) keeps one order's row
  // until its end date.
  buyer_pii: {
    table: "buyer_pii",
    id: "amazon_order_id",
    at: "collected_at",
    due: (now, days, fallback) =>
      sql`coalesce(t.purge_after, t.collected_at + make_interval(days => ${
        fallback ?? days
      }::int)) <= ${iso(now)}::timestamptz
      and not exists (select 1 from buyer_pii_extensions e
        where e.store_id = t.store_id
          and e.amazon_order_id = t.amazon_order_id
          and e.until > ${iso(now)}::timestamptz)`,
  },
  // A sync run's record, once finished, for the rule's days.
  sync_runs: {
    table: "sync_runs",
    id: "id",
    at: "started_at",
    due: (now, days) =>
      sql`t.status in ('succeeded', 'failed', 'cancelled')
        and t.started_at < ${
        iso(now)
      }::timestamptz - make_interval(days => ${days}::int)`,
  },
} satisfies Record<string, PurgeTarget>;

export type PurgeCategory = keyof typeof PURGE_TARGETS;
export const PURGE_CATEGORIES = Object.keys(PURGE_TARGETS) as PurgeCategory[];

/** KV keys under which a buyer's personal data may be cached. */
export const buyerPiiCacheKey = (storeId: string, amazonOrderId: string) => [
  "buyer_pii",
  storeId,
  amazonOrderId,
];

export interface PurgeDeps {
  db: Database;
  /** Cached copies of buyer personal data are deleted here too. */
  kv?: Deno.Kv;
  /** The clock (tests inject one). */
  now?: () => Date;
  /** This instance's name in the lease. */
  holder?: string;
  /** Rows per batch (one short transaction each). */
  batchSize?: number;
  /** How long a lease lasts without renewal. */
  leaseMs?: number;
  /** Called after each committed batch (tests crash here). */
  afterBatch?: (storeId: string, category: PurgeCategory) => Promise<void>;
}

export interface PurgeCount {
  category: PurgeCategory;
  ruleDays: number;
  due: number;
  held: number;
  deleted: number;
}

export type StorePurge =
  | { storeId: string; status: "busy" }
  | { storeId: string; status: "done"; dryRun: boolean; counts: PurgeCount[] };

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

export const heldSql = (category: string, t: PurgeTarget) =>
  sql`exists (select 1 from legal_holds h
    where h.released_at is null
      and (h.store_id is null or h.store_id = t.store_id)
      and (h.category is null or h.category = ${category})
      and (h.record_ids is null or t.${sql.raw(t.id)}::text = any(h.record_ids))
      and (h.from_at is null or t.${sql.raw(t.at)} >= h.from_at)
      and (h.to_at is null or t.${sql.raw(t.at)} <= h.to_at))`;

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
  storeId: string,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const expires = new Date(now.getTime() + leaseMs);
  const rows = await db.asJob(storeId, async (tx) =>
    rowsOf(
      await tx.execute(
        sql`insert into purge_leases (store_id, holder, expires_at)
      values (${storeId}::uuid, ${holder}, ${iso(expires)}::timestamptz)
      on conflict (store_id) do update
        set holder = excluded.holder, expires_at = excluded.expires_at
        where purge_leases.expires_at < ${iso(now)}::timestamptz
           or purge_leases.holder = excluded.holder
      returning holder`,
      ),
    ));
  return rows.length === 1;
}

async function dropLease(db: Database, storeId: string, holder: string) {
  await db.asJob(storeId, (tx) =>
    tx.execute(sql`delete from purge_leases
      where store_id = ${storeId}::uuid and holder = ${holder}`));
}

/**
 * Purges one store: every category in PURGE_TARGETS, under the store's
 * lease. Returns "busy" when another instance holds it.
 */
export async function purgeStore(
  deps: PurgeDeps,
  storeId: string,
  options: { dryRun?: boolean } = {},
): Promise<StorePurge> {
  const now = deps.now ?? (() => new Date());
  const holder = deps.holder ?? `purge-${crypto.randomUUID()}`;
  const batch = deps.batchSize ?? DEFAULT_BATCH;
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const dryRun = options.dryRun ?? false;
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
    for (const category of PURGE_CATEGORIES) {
      const target: PurgeTarget = PURGE_TARGETS[category];
      const at = now();
      const { recordId, rule, due, held } = await db.asJob(
        storeId,
        async (tx) => {
          const rule = await ruleOf(tx, category);
          const dueSql = target.due(at, rule.days, rule.fallback_days);
          const [c] = rowsOf<{ due: number; held: number }>(
            await tx.execute(sql`select count(*)::int as due,
              count(*) filter (where ${heldSql(category, target)})::int as held
              from ${sql.raw(target.table)} t
              where t.store_id = ${storeId}::uuid and ${dueSql}`),
          );
          const [r] = rowsOf<{ id: string }>(
            await tx.execute(sql`insert into purge_records
              (store_id, category, rule_days, dry_run, rows_due, rows_held,
               status, started_at, finished_at)
              values (${storeId}::uuid, ${category}, ${rule.days}, ${dryRun},
                ${c.due}, ${c.held}, ${dryRun ? "done" : "running"},
                ${iso(at)}::timestamptz,
                ${dryRun ? iso(at) : null}::timestamptz)
              returning id::text as id`),
          );
          return { recordId: r.id, rule, due: c.due, held: c.held };
        },
      );
      let deleted = 0;
      if (!dryRun && due > held) {
        for (;;) {
          const ids = await db.asJob(storeId, async (tx) => {
            const gone = rowsOf<{ id: string }>(
              await tx.execute(sql`with batch as materialized (
                    select t.${sql.raw(target.id)} as id
                    from ${sql.raw(target.table)} t
                    where t.store_id = ${storeId}::uuid
                      and ${target.due(at, rule.days, rule.fallback_days)}
                      and not ${heldSql(category, target)}
                    order by t.${sql.raw(target.id)}
                    limit ${batch}
                    for update skip locked)
                delete from ${sql.raw(target.table)} d using batch b
                where d.store_id = ${storeId}::uuid
                  and d.${sql.raw(target.id)} = b.id
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
          if (category === "buyer_pii" && deps.kv) {
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
      }
      if (!dryRun) {
        await db.asJob(storeId, (tx) =>
          tx.execute(sql`update purge_records
            set status = 'done', finished_at = ${iso(now())}::timestamptz
            where id = ${recordId}::uuid`));
      }
      counts.push({ category, ruleDays: rule.days, due, held, deleted });
    }
    return { storeId, status: "done", dryRun, counts };
  } finally {
    await dropLease(db, storeId, holder).catch(() => {});
  }
}

/** Purges every store, one at a time (the daily job and "Run now"). */
export async function purgeAll(
  deps: PurgeDeps,
  options: { dryRun?: boolean } = {},
): Promise<StorePurge[]> {
  const out: StorePurge[] = [];
  for (const storeId of await listAllStoreIds(deps.db)) {
    out.push(await purgeStore(deps, storeId, options));
  }
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
