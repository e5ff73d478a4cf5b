// Data Policy §9: the retention rules (one per data category, as data; the
// floors and ceilings are the database's own CHECKs, 0016_retention.sql),
// legal holds, and the read model of /retention. Every change is audited.
import { Cron } from "croner";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Database, type Principal, rowsOf } from "../../db/client.ts";
import type { Enqueue } from "../queue.ts";
import { calendarDate } from "../validation.ts";
import {
  recordAudit,
  recordAuditInTx,
  type RequestMeta,
} from "../security/audit.ts";
import {
  heldSql,
  INERT_CATEGORIES,
  PURGE_CATEGORIES,
  PURGE_MESSAGE,
  PURGE_SCHEDULE,
  PURGE_TABLES,
  PURGE_TARGETS,
  type PurgeTarget,
} from "./purge.ts";

export interface RetentionRule {
  category: string;
  days: number;
  fallbackDays: number | null;
  reason: string;
  updatedAt: Date;
  /** Whether the purge deletes this category today. */
  purged: boolean;
  /** Why not, when it does not (e.g. "no table yet"). */
  inert: string | null;
}

export interface LegalHold {
  id: string;
  storeId: string | null;
  category: string | null;
  fromAt: Date | null;
  toAt: Date | null;
  recordIds: string[] | null;
  reason: string;
  owner: string;
  reviewOn: string;
  releasedAt: Date | null;
}

export interface PurgeRecord {
  storeId: string | null;
  category: string;
  table: string | null;
  ruleDays: number;
  dryRun: boolean;
  rowsDue: number;
  rowsDeleted: number;
  rowsHeld: number;
  status: string;
  startedAt: Date;
}

export interface CategoryState {
  category: string;
  /** The rule's days. */
  days: number;
  /** The time of the oldest remaining row (null: none, or not known). */
  oldest: Date | null;
  /** Rows older than this are past the rule (its days before now). */
  limit: Date;
  /** Rows past their limit and not held (over the limit when > 0). */
  overdue: number;
}

/** Rows per category at the end of each day's purge, for the chart. */
export interface RowsHistory {
  days: string[];
  series: { category: string; rows: (number | null)[] }[];
}

/** A rule's change as the form sends it; the database has the last word. */
export const ruleChange = z.object({
  category: z.string().min(1).max(40),
  days: z.coerce.number().int().min(1).max(36500),
  fallbackDays: z.union([
    z.literal("").transform(() => null),
    z.coerce.number().int().min(1).max(36500),
  ]).optional().default(null),
  reason: z.string().trim().min(3).max(500),
});

export const holdInput = z.object({
  storeId: z.union([z.literal("").transform(() => null), z.uuid()]),
  category: z.union([z.literal("").transform(() => null), z.string().max(40)]),
  fromAt: z.union([z.literal("").transform(() => null), calendarDate()]),
  toAt: z.union([z.literal("").transform(() => null), calendarDate()]),
  recordIds: z.string().max(5000).transform((v) => {
    const ids = v.split(/[\s,]+/).filter((x) => x.length > 0);
    return ids.length > 0 ? ids : null;
  }),
  reason: z.string().trim().min(3).max(500),
  owner: z.string().trim().min(1).max(200),
  reviewOn: calendarDate(),
});

/** The fields of a refused hold, each with what was wrong with it. */
export type HoldFieldErrors = Record<string, "date" | "range" | "invalid">;

const HOLD_DATES = new Set(["fromAt", "toAt", "reviewOn"]);

/** A refused rule change or hold (codes for the views). */
export class RetentionError extends Error {
  constructor(
    readonly code: "limit" | "unknown" | "invalid",
    /** For a refused hold: each wrong field (a date, the range, other). */
    readonly fields: HoldFieldErrors = {},
  ) {
    super(`retention change refused: ${code}`);
  }
}

const isCheckViolation = (err: unknown): boolean => {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if ((e as { code?: string }).code === "23514") return true;
  }
  return false;
};

export async function listRules(
  db: Database,
  principal: Principal,
): Promise<RetentionRule[]> {
  return await db.asUser(principal, async (tx) =>
    rowsOf<
      {
        category: string;
        days: number;
        fallback_days: number | null;
        reason: string;
        updated_at: string | Date;
      }
    >(
      await tx.execute(sql`select category, days, fallback_days, reason,
        updated_at from retention_rules order by category`),
    ).map((r) => ({
      category: r.category,
      days: r.days,
      fallbackDays: r.fallback_days,
      reason: r.reason,
      updatedAt: new Date(r.updated_at),
      purged: PURGE_CATEGORIES.includes(r.category),
      inert: INERT_CATEGORIES[r.category] ?? null,
    })));
}

/** Changes one rule with a reason; audited; limits are the database's. */
export async function updateRule(
  db: Database,
  principal: Principal,
  input: z.input<typeof ruleChange>,
  meta: RequestMeta = {},
): Promise<void> {
  const parsed = ruleChange.safeParse(input);
  if (!parsed.success) throw new RetentionError("invalid");
  const change = parsed.data;
  try {
    await db.asUser(principal, async (tx) => {
      const before = rowsOf<{ days: number; fallback_days: number | null }>(
        await tx.execute(sql`update retention_rules
          set days = ${change.days}, fallback_days = ${change.fallbackDays},
            reason = ${change.reason}, updated_by = ${principal.userId}::uuid,
            updated_at = now()
          where category = ${change.category}
          returning days, fallback_days`),
      );
      if (before.length === 0) throw new RetentionError("unknown");
      await recordAuditInTx(tx, {
        actorType: "staff",
        actorId: principal.userId,
        action: "retention.rule.update",
        target: change.category,
        outcome: "success",
        ...meta,
        details: {
          days: change.days,
          fallbackDays: change.fallbackDays,
          reason: change.reason,
        },
      });
    });
  } catch (err) {
    if (isCheckViolation(err)) throw new RetentionError("limit");
    throw err;
  }
}

export async function listHolds(
  db: Database,
  principal: Principal,
): Promise<LegalHold[]> {
  return await db.asUser(
    principal,
    async (tx) =>
      rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select id::text, store_id::text, category, from_at,
        to_at, record_ids, reason, owner, review_on::text, released_at
        from legal_holds order by released_at nulls first, created_at desc
        limit 200`),
      ).map((r) => ({
        id: r.id as string,
        storeId: r.store_id as string | null,
        category: r.category as string | null,
        fromAt: r.from_at ? new Date(r.from_at as string) : null,
        toAt: r.to_at ? new Date(r.to_at as string) : null,
        recordIds: r.record_ids as string[] | null,
        reason: r.reason as string,
        owner: r.owner as string,
        reviewOn: r.review_on as string,
        releasedAt: r.released_at ? new Date(r.released_at as string) : null,
      })),
  );
}

/** Places a legal hold; audited. Returns its id. */
export async function createHold(
  db: Database,
  principal: Principal,
  input: z.input<typeof holdInput>,
  meta: RequestMeta = {},
): Promise<string> {
  const parsed = holdInput.safeParse(input);
  if (!parsed.success) {
    const fields: HoldFieldErrors = {};
    for (const issue of parsed.error.issues) {
      const k = String(issue.path[0] ?? "");
      fields[k] = HOLD_DATES.has(k) ? "date" : "invalid";
    }
    throw new RetentionError("invalid", fields);
  }
  const h = parsed.data;
  if (h.fromAt && h.toAt && h.fromAt > h.toAt) {
    throw new RetentionError("invalid", { toAt: "range" });
  }
  return await db.asUser(principal, async (tx) => {
    const [row] = rowsOf<{ id: string }>(
      await tx.execute(sql`insert into legal_holds (store_id, category,
          from_at, to_at, record_ids, reason, owner, review_on, created_by)
        values (${h.storeId}::uuid, ${h.category},
          ${h.fromAt}::timestamptz, ${h.toAt}::timestamptz,
          ${h.recordIds ? sql`${`{${h.recordIds.join(",")}}`}::text[]` : null},
          ${h.reason}, ${h.owner}, ${h.reviewOn}::date,
          ${principal.userId}::uuid)
        returning id::text as id`),
    );
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "retention.hold.create",
      target: row.id,
      storeId: h.storeId,
      outcome: "success",
      ...meta,
      details: { category: h.category, reason: h.reason, owner: h.owner },
    });
    return row.id;
  });
}

/** Releases a hold with a reason; audited. False when none was active. */
export async function releaseHold(
  db: Database,
  principal: Principal,
  holdId: string,
  reason: string,
  meta: RequestMeta = {},
): Promise<boolean> {
  const why = z.string().trim().min(3).max(500).safeParse(reason);
  if (!why.success || !z.uuid().safeParse(holdId).success) {
    throw new RetentionError("invalid");
  }
  return await db.asUser(principal, async (tx) => {
    const rows = rowsOf<{ store_id: string | null }>(
      await tx.execute(sql`update legal_holds set released_at = now(),
          released_by = ${principal.userId}::uuid, release_reason = ${why.data}
        where id = ${holdId}::uuid and released_at is null
        returning store_id::text`),
    );
    if (rows.length === 0) return false;
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "retention.hold.release",
      target: holdId,
      storeId: rows[0].store_id,
      outcome: "success",
      ...meta,
      details: { reason: why.data },
    });
    return true;
  });
}

/** One page of purge records, newest first, and how many there are. */
export async function listPurgeRecords(
  db: Database,
  principal: Principal,
  page: { limit?: number; offset?: number } = {},
): Promise<{ records: PurgeRecord[]; total: number }> {
  const limit = Math.max(1, Math.min(200, page.limit ?? 50));
  const offset = Math.max(0, page.offset ?? 0);
  return await db.asUser(principal, async (tx) => {
    const [n] = rowsOf<{ n: number }>(
      await tx.execute(sql`select count(*)::int as n from purge_records`),
    );
    const records = rowsOf<Record<string, unknown>>(
      await tx.execute(
        sql`select store_id::text, category, table_name, rule_days, dry_run,
        rows_due, rows_deleted, rows_held, status, started_at
        from purge_records order by started_at desc, id
        limit ${limit} offset ${offset}`,
      ),
    ).map((r) => ({
      storeId: r.store_id as string | null,
      category: r.category as string,
      table: r.table_name as string | null,
      ruleDays: Number(r.rule_days),
      dryRun: Boolean(r.dry_run),
      rowsDue: Number(r.rows_due),
      rowsDeleted: Number(r.rows_deleted),
      rowsHeld: Number(r.rows_held),
      status: r.status as string,
      startedAt: new Date(r.started_at as string),
    }));
    return { records, total: Number(n.n) };
  });
}

const DAY_MS = 86_400_000;

/**
 * The oldest remaining row of each purged category (over the stores the
 * principal holds, and the audit events it may read) against its rule, and
 * how many rows are past it and not held. Sessions live in KV: not shown.
 */
export async function categoryStates(
  db: Database,
  principal: Principal,
  now: Date = new Date(),
): Promise<CategoryState[]> {
  return await db.asUser(principal, async (tx) => {
    const rules = new Map(
      rowsOf<{ category: string; days: number; fallback_days: number | null }>(
        await tx.execute(
          sql`select category, days, fallback_days from retention_rules`,
        ),
      ).map((r) => [r.category, r]),
    );
    const byCategory = new Map<string, CategoryState>();
    for (const table of PURGE_TABLES) {
      const target: PurgeTarget = PURGE_TARGETS[table];
      const rule = rules.get(target.category);
      if (!rule) continue;
      const [r] = rowsOf<{ oldest: string | null; overdue: number }>(
        await tx.execute(sql`select min(${sql.raw(target.at)}) as oldest,
          count(*) filter (where ${
          target.due(now, rule.days, rule.fallback_days)
        } and not ${heldSql(target)})::int as overdue
          from ${sql.raw(target.table)} t`),
      );
      const state = byCategory.get(target.category) ?? {
        category: target.category,
        days: rule.days,
        oldest: null,
        limit: new Date(now.getTime() - rule.days * DAY_MS),
        overdue: 0,
      };
      const oldest = r.oldest ? new Date(r.oldest) : null;
      if (oldest && (!state.oldest || oldest < state.oldest)) {
        state.oldest = oldest;
      }
      state.overdue += Number(r.overdue);
      byCategory.set(target.category, state);
    }
    const audit = rules.get("audit_events");
    if (audit) {
      const limit = new Date(now.getTime() - audit.days * DAY_MS);
      const [r] = rowsOf<{ oldest: string | null; overdue: number }>(
        await tx.execute(sql`select min(at) as oldest,
          count(*) filter (where at < ${limit.toISOString()}::timestamptz)::int
            as overdue
          from audit_events`),
      );
      byCategory.set("audit_events", {
        category: "audit_events",
        days: audit.days,
        oldest: r.oldest ? new Date(r.oldest) : null,
        limit,
        overdue: Number(r.overdue),
      });
    }
    return [...byCategory.values()].sort((a, b) =>
      a.category < b.category ? -1 : a.category > b.category ? 1 : 0
    );
  });
}

/** The categories with rows past their limit (the dashboard's warning). */
export async function categoriesOverLimit(
  db: Database,
  principal: Principal,
  now: Date = new Date(),
): Promise<{ category: string; overdue: number }[]> {
  return (await categoryStates(db, principal, now))
    .filter((s) => s.overdue > 0)
    .map((s) => ({ category: s.category, overdue: s.overdue }));
}

/**
 * Rows per category at the end of each purge day (the last `days` days):
 * per store and table, the last finished run's rows_remaining that day,
 * summed over the category. A day without a run is null.
 */
export async function rowsHistory(
  db: Database,
  principal: Principal,
  now: Date = new Date(),
  days = 30,
): Promise<RowsHistory> {
  const since = new Date(now.getTime() - days * DAY_MS);
  const rows = await db.asUser(
    principal,
    async (tx) =>
      rowsOf<{ day: string; category: string; rows: string }>(
        await tx.execute(
          sql`select day, category, sum(rows_remaining)::text as rows
        from (
          select distinct on (store_id, table_name, day)
            to_char(started_at at time zone 'UTC', 'YYYY-MM-DD') as day,
            store_id, table_name, category, rows_remaining
          from purge_records
          where not dry_run and status = 'done' and rows_remaining is not null
            and deletion_request_id is null
            and started_at >= ${since.toISOString()}::timestamptz
          order by store_id, table_name, day, started_at desc) x
        group by day, category order by day`,
        ),
      ),
  );
  const dayList = [...new Set(rows.map((r) => r.day))].sort();
  const categories = [...new Set(rows.map((r) => r.category))].sort();
  return {
    days: dayList,
    series: categories.map((category) => ({
      category,
      rows: dayList.map((d) => {
        const hit = rows.find((r) => r.day === d && r.category === category);
        return hit ? Number(hit.rows) : null;
      }),
    })),
  };
}

/** When the daily purge fires next (UTC). */
export function nextPurgeAt(now: Date = new Date()): Date | null {
  return new Cron(PURGE_SCHEDULE, { timezone: "UTC", paused: true }).nextRun(
    now,
  );
}

/** "Run now": queues a purge of every store (or a dry run); audited. */
export async function requestPurge(
  deps: { db: Database; enqueue: Enqueue },
  principal: Principal,
  dryRun: boolean,
  meta: RequestMeta = {},
): Promise<void> {
  await recordAudit(deps.db, principal, {
    actorType: "staff",
    actorId: principal.userId,
    action: "retention.purge.request",
    target: dryRun ? "dry-run" : "purge",
    outcome: "success",
    ...meta,
  });
  await deps.enqueue({
    type: PURGE_MESSAGE,
    dryRun,
    requestedBy: principal.userId,
  });
}
