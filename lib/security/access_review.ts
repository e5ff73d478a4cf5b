// Data Policy §5: "periodically review permissions that are no longer
// needed". Amazon's Data Protection Policy asks for an access review at least
// quarterly (ACCESS_REVIEW_INTERVAL_DAYS, 90 by default, at most 92). A
// review lists every user's role and each store grant with its last use;
// grants unused for 90 days are flagged; a reviewer confirms or revokes each
// line, and the completed review is recorded. Every step is audited.
import {
  and,
  asc,
  count,
  desc,
  eq,
  inArray,
  isNotNull,
  isNull,
  ne,
  sql,
} from "drizzle-orm";
import type { Database, Tx } from "../../db/client.ts";
import {
  accessReviewItems,
  accessReviews,
  staffUsers,
  storeGrants,
  stores,
} from "../../db/schema.ts";
import { recordAudit, recordAuditInTx } from "./audit.ts";
import type { StaffPrincipal } from "./principal.ts";
import {
  type ChangeOptions,
  disableUserInTx,
  revokeStoreInTx,
  staffEvent,
  UserAdminError,
} from "./users.ts";

/** A grant (or an account) not used for this long is flagged for the reviewer. */
export const UNUSED_AFTER_DAYS = 90;
/** How long a started review has to be completed. */
export const COMPLETE_WITHIN_DAYS = 14;
/** How long before its due date the dashboard starts reminding. */
export const REMIND_BEFORE_DAYS = 14;

const DAY_MS = 86_400_000;
/** Serialises starting and completing reviews. */
const REVIEW_LOCK = 7_240_917_005;

/** Why a review step was refused: codes, which the views put into words. */
export const ACCESS_REVIEW_ERROR_CODES = [
  "forbidden",
  "already_open",
  "no_open_review",
  "not_found",
  "already_decided",
  "undecided_lines",
] as const;

export type AccessReviewErrorCode = typeof ACCESS_REVIEW_ERROR_CODES[number];

/** A refused review step. Nothing was changed. */
export class AccessReviewError extends Error {
  constructor(
    readonly code: AccessReviewErrorCode,
    /** Values for the code's message (undecided_lines: the `count`). */
    readonly params: Readonly<Record<string, number>> = {},
  ) {
    super(`access review step refused: ${code}`);
    this.name = "AccessReviewError";
  }
}

export interface OpenReview {
  id: string;
  startedAt: Date;
  startedBy: string;
  /** When the open review should be completed by. */
  dueAt: Date;
  total: number;
  decided: number;
  flagged: number;
}

export interface ReviewStatus {
  lastCompletedAt: Date | null;
  openReview: OpenReview | null;
  /** When the next review is due: the last completion plus the interval. */
  dueAt: Date;
  /** A review is due now (started or not, it is not completed). */
  due: boolean;
  /** The due date is near or past: the dashboard shows the reminder. */
  remind: boolean;
}

/** One line of a review, as the review page shows it. */
export interface ReviewLine {
  id: number;
  userId: string;
  email: string;
  displayName: string;
  userStatus: "invited" | "active" | "disabled";
  role: string;
  /** Null for the line about the user's role. */
  storeId: string | null;
  storeName: string | null;
  lastUsedAt: Date | null;
  flaggedUnused: boolean;
  decision: "confirm" | "revoke" | null;
  decidedAt: Date | null;
}

export interface CompletedReview {
  id: string;
  startedAt: Date;
  completedAt: Date;
  completedBy: string | null;
  total: number;
  revoked: number;
  flagged: number;
}

/**
 * Where the review cycle stands. With no completed review yet, the cycle
 * starts when the first staff account was created.
 *
 * @example
 * const s = await reviewStatus(db, admin, new Date(), config.ACCESS_REVIEW_INTERVAL_DAYS);
 * if (s.remind) show(ReviewReminder({ lang, dueAt: s.dueAt, overdue: s.due }));
 */
export async function reviewStatus(
  db: Database,
  actor: StaffPrincipal,
  now: Date,
  intervalDays: number,
): Promise<ReviewStatus> {
  requireReview(actor);
  return await db.asUser(actor, async (tx) => {
    const [last] = await tx.select({ at: accessReviews.completedAt }).from(
      accessReviews,
    ).where(isNotNull(accessReviews.completedAt))
      .orderBy(desc(accessReviews.completedAt)).limit(1);
    const lastCompletedAt = last?.at ?? null;
    let since = lastCompletedAt;
    if (!since) {
      const [first] = await tx.select({ at: staffUsers.createdAt }).from(
        staffUsers,
      ).orderBy(asc(staffUsers.createdAt)).limit(1);
      since = first?.at ?? now;
    }
    const dueAt = new Date(since.getTime() + intervalDays * DAY_MS);
    const open = await openReviewOf(tx);
    return {
      lastCompletedAt,
      openReview: open ? await describeOpen(tx, open) : null,
      dueAt,
      due: now >= dueAt,
      remind: now.getTime() >= dueAt.getTime() - REMIND_BEFORE_DAYS * DAY_MS,
    };
  });
}

/**
 * Starts a review: one line per user's role and one per store grant (of
 * every user not disabled), each with its last use, flagged when unused for
 * 90 days (never used and granted more than 90 days ago counts as unused).
 */
export async function startReview(
  db: Database,
  actor: StaffPrincipal,
  now: Date,
  intervalDays: number,
  opts: ChangeOptions = {},
): Promise<{ reviewId: string; lines: number; flagged: number; dueAt: Date }> {
  return await step(db, actor, "access_review.start", opts, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REVIEW_LOCK})`);
    if (await openReviewOf(tx)) throw new AccessReviewError("already_open");
    const dueAt = new Date(
      now.getTime() + Math.min(COMPLETE_WITHIN_DAYS, intervalDays) * DAY_MS,
    );
    const [review] = await tx.insert(accessReviews).values({
      startedAt: now,
      startedBy: actor.userId,
      dueAt,
    }).returning();
    const cutoff = now.getTime() - UNUSED_AFTER_DAYS * DAY_MS;
    const unused = (last: Date | null, since: Date) =>
      (last ?? since).getTime() <= cutoff;

    const users = await tx.select().from(staffUsers).where(
      ne(staffUsers.status, "disabled"),
    ).orderBy(asc(staffUsers.email));
    const roleOf = new Map(users.map((u) => [u.id, u.role]));
    const lines: (typeof accessReviewItems.$inferInsert)[] = users.map((u) => {
      const last = u.lastSeenAt ?? u.lastSignInAt;
      return {
        reviewId: review.id,
        userId: u.id,
        role: u.role,
        storeId: null,
        lastUsedAt: last,
        flaggedUnused: unused(last, u.createdAt),
      };
    });
    // Row-level security shows the grants of the reviewer's stores.
    const grants = users.length === 0 ? [] : await tx.select().from(storeGrants)
      .where(inArray(storeGrants.userId, users.map((u) => u.id)));
    for (const g of grants) {
      lines.push({
        reviewId: review.id,
        userId: g.userId,
        role: roleOf.get(g.userId)!,
        storeId: g.storeId,
        lastUsedAt: g.lastUsedAt,
        flaggedUnused: unused(g.lastUsedAt, g.grantedAt),
      });
    }
    if (lines.length > 0) await tx.insert(accessReviewItems).values(lines);
    const flagged = lines.filter((l) => l.flaggedUnused).length;
    await recordAuditInTx(
      tx,
      staffEvent(actor, opts, "access_review.start", review.id, {
        details: {
          lines: lines.length,
          roleLines: users.length,
          grantLines: grants.length,
          flagged,
          dueAt: dueAt.toISOString(),
        },
      }),
    );
    return { reviewId: review.id, lines: lines.length, flagged, dueAt };
  });
}

/**
 * Decides one line of the open review. Revoking a grant line revokes that
 * grant; revoking a role line disables the user (signed out at once). The
 * decision and its effect commit together.
 */
export async function decideItem(
  db: Database,
  kv: Deno.Kv,
  actor: StaffPrincipal,
  itemId: number,
  decision: "confirm" | "revoke",
  opts: ChangeOptions = {},
): Promise<{ line: ReviewLine; decision: "confirm" | "revoke" }> {
  if (!Number.isSafeInteger(itemId) || itemId < 1) {
    requireReview(actor);
    throw new AccessReviewError("not_found");
  }
  if (decision !== "confirm" && decision !== "revoke") {
    throw new TypeError("decision must be confirm or revoke");
  }
  const result = await step(
    db,
    actor,
    "access_review.decide",
    opts,
    async (tx) => {
      const open = await openReviewOf(tx);
      if (!open) throw new AccessReviewError("no_open_review");
      const [item] = await tx.select().from(accessReviewItems).where(and(
        eq(accessReviewItems.id, itemId),
        eq(accessReviewItems.reviewId, open.id),
      )).for("update");
      if (!item) throw new AccessReviewError("not_found");
      if (item.decision !== null) {
        throw new AccessReviewError("already_decided");
      }
      if (decision === "revoke") {
        if (item.storeId) {
          await revokeStoreInTx(tx, actor, item.userId, item.storeId, {
            ...opts,
            missingOk: true,
          });
        } else {
          await disableUserInTx(tx, kv, actor, item.userId, {
            ...opts,
            alreadyOk: true,
          });
        }
      }
      const now = opts.now ?? new Date();
      await tx.update(accessReviewItems).set({
        decision,
        decidedBy: actor.userId,
        decidedAt: now,
      }).where(eq(accessReviewItems.id, item.id));
      const [line] = await linesOf(tx, open.id, item.id);
      await recordAuditInTx(
        tx,
        staffEvent(actor, opts, "access_review.decide", line.email, {
          storeId: line.storeId ?? undefined,
          details: {
            reviewId: open.id,
            itemId: item.id,
            line: item.storeId ? "grant" : "role",
            role: item.role,
            decision,
            flaggedUnused: item.flaggedUnused,
          },
        }),
      );
      return { line, decision };
    },
  );
  return result;
}

/** Completes the open review once every line is decided. */
export async function completeReview(
  db: Database,
  actor: StaffPrincipal,
  opts: ChangeOptions = {},
): Promise<{ reviewId: string; confirmed: number; revoked: number }> {
  return await step(db, actor, "access_review.complete", opts, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${REVIEW_LOCK})`);
    const open = await openReviewOf(tx);
    if (!open) throw new AccessReviewError("no_open_review");
    const counts = await tx.select({
      decision: accessReviewItems.decision,
      n: count(),
    }).from(accessReviewItems).where(eq(accessReviewItems.reviewId, open.id))
      .groupBy(accessReviewItems.decision);
    const of = (d: string | null) =>
      counts.find((c) => c.decision === d)?.n ?? 0;
    const undecided = of(null);
    if (undecided > 0) {
      throw new AccessReviewError("undecided_lines", { count: undecided });
    }
    const now = opts.now ?? new Date();
    await tx.update(accessReviews).set({
      completedAt: now,
      completedBy: actor.userId,
    }).where(eq(accessReviews.id, open.id));
    const confirmed = of("confirm");
    const revoked = of("revoke");
    await recordAuditInTx(
      tx,
      staffEvent(actor, opts, "access_review.complete", open.id, {
        details: {
          confirmed,
          revoked,
          startedAt: open.startedAt.toISOString(),
        },
      }),
    );
    return { reviewId: open.id, confirmed, revoked };
  });
}

/** The lines of one review (the stores the actor can see), by user. */
export async function listReviewLines(
  db: Database,
  actor: StaffPrincipal,
  reviewId: string,
): Promise<ReviewLine[]> {
  requireReview(actor);
  if (!/^[0-9a-f-]{36}$/i.test(reviewId)) return [];
  return await db.asUser(actor, (tx) => linesOf(tx, reviewId));
}

/** Completed reviews, newest first, with their counts. */
export async function listCompletedReviews(
  db: Database,
  actor: StaffPrincipal,
  limit = 20,
): Promise<CompletedReview[]> {
  requireReview(actor);
  return await db.asUser(actor, async (tx) => {
    const reviews = await tx.select({
      id: accessReviews.id,
      startedAt: accessReviews.startedAt,
      completedAt: accessReviews.completedAt,
      completedBy: staffUsers.email,
    }).from(accessReviews).leftJoin(
      staffUsers,
      eq(staffUsers.id, accessReviews.completedBy),
    ).where(isNotNull(accessReviews.completedAt))
      .orderBy(desc(accessReviews.completedAt))
      .limit(Math.max(1, Math.min(100, Math.trunc(limit))));
    if (reviews.length === 0) return [];
    const counts = await tx.select({
      reviewId: accessReviewItems.reviewId,
      total: count(),
      revoked: sql<
        number
      >`count(*) filter (where ${accessReviewItems.decision} = 'revoke')`
        .mapWith(Number),
      flagged: sql<
        number
      >`count(*) filter (where ${accessReviewItems.flaggedUnused})`
        .mapWith(Number),
    }).from(accessReviewItems).where(
      inArray(accessReviewItems.reviewId, reviews.map((r) => r.id)),
    ).groupBy(accessReviewItems.reviewId);
    return reviews.map((r) => {
      const c = counts.find((x) => x.reviewId === r.id);
      return {
        id: r.id,
        startedAt: r.startedAt,
        completedAt: r.completedAt!,
        completedBy: r.completedBy,
        total: c?.total ?? 0,
        revoked: c?.revoked ?? 0,
        flagged: c?.flagged ?? 0,
      };
    });
  });
}

const touchKey = (userId: string) => ["grant_use_touch", userId] as const;

/**
 * Records that `principal` used their access today: stamps last_used_at on
 * each of their store grants and last_seen_at on their account, at most
 * once per user per UTC day and set of stores (a KV key throttles it), so
 * that the review's "unused for 90 days" reflects real use. A grant made
 * after today's first request changes the set, so its first use is
 * recorded too (not "Never" until tomorrow). The pages show these as a
 * day. Returns whether it wrote.
 *
 * @example
 * app.use(async (c, next) => {
 *   const p = c.get("principal");
 *   if (p) await touchGrantUse(db, kv, p, new Date());
 *   await next();
 * });
 */
export async function touchGrantUse(
  db: Database,
  kv: Deno.Kv,
  principal: StaffPrincipal,
  now: Date,
): Promise<boolean> {
  const day = `${now.toISOString().slice(0, 10)}|${
    storeSetHash(principal.storeIds)
  }`;
  const key = touchKey(principal.userId);
  const seen = await kv.get<string>(key);
  if (seen.value === day) return false;
  await db.asUser(principal, async (tx) => {
    // Row-level security limits this to grants of the principal's stores.
    await tx.update(storeGrants).set({ lastUsedAt: now }).where(
      eq(storeGrants.userId, principal.userId),
    );
    await tx.update(staffUsers).set({ lastSeenAt: now }).where(
      eq(staffUsers.id, principal.userId),
    );
  });
  // A concurrent request may have written the same day: either is fine.
  await kv.atomic().check(seen).set(key, day, { expireIn: 2 * DAY_MS })
    .commit();
  return true;
}

// ── Internals ───────────────────────────────────────────────────────────────

/** A short fingerprint of a set of store ids (FNV-1a over the sorted ids). */
function storeSetHash(storeIds: readonly string[]): string {
  let h = 0x811c9dc5;
  for (const ch of [...storeIds].sort().join(",")) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${storeIds.length}.${h.toString(36)}`;
}

function requireReview(actor: StaffPrincipal) {
  if (!actor.permissions.has("access.review")) {
    throw new AccessReviewError("forbidden");
  }
}

type ReviewRow = typeof accessReviews.$inferSelect;

async function openReviewOf(tx: Tx): Promise<ReviewRow | null> {
  const [open] = await tx.select().from(accessReviews).where(
    isNull(accessReviews.completedAt),
  ).orderBy(desc(accessReviews.startedAt)).limit(1);
  return open ?? null;
}

async function describeOpen(tx: Tx, r: ReviewRow): Promise<OpenReview> {
  const [c] = await tx.select({
    total: count(),
    decided: sql<number>`count(${accessReviewItems.decision})`.mapWith(Number),
    flagged: sql<
      number
    >`count(*) filter (where ${accessReviewItems.flaggedUnused})`
      .mapWith(Number),
  }).from(accessReviewItems).where(eq(accessReviewItems.reviewId, r.id));
  return {
    id: r.id,
    startedAt: r.startedAt,
    startedBy: r.startedBy,
    dueAt: r.dueAt,
    total: c?.total ?? 0,
    decided: c?.decided ?? 0,
    flagged: c?.flagged ?? 0,
  };
}

async function linesOf(
  tx: Tx,
  reviewId: string,
  itemId?: number,
): Promise<ReviewLine[]> {
  const rows = await tx.select({
    id: accessReviewItems.id,
    userId: accessReviewItems.userId,
    email: staffUsers.email,
    displayName: staffUsers.displayName,
    userStatus: staffUsers.status,
    role: accessReviewItems.role,
    storeId: accessReviewItems.storeId,
    storeName: stores.name,
    lastUsedAt: accessReviewItems.lastUsedAt,
    flaggedUnused: accessReviewItems.flaggedUnused,
    decision: accessReviewItems.decision,
    decidedAt: accessReviewItems.decidedAt,
  }).from(accessReviewItems)
    .innerJoin(staffUsers, eq(staffUsers.id, accessReviewItems.userId))
    .leftJoin(stores, eq(stores.id, accessReviewItems.storeId))
    .where(and(
      eq(accessReviewItems.reviewId, reviewId),
      itemId === undefined ? undefined : eq(accessReviewItems.id, itemId),
    ))
    .orderBy(
      asc(staffUsers.email),
      sql`${accessReviewItems.storeId} is not null`,
      asc(stores.name),
    );
  return rows;
}

/** Marker that rolls a dry run back while carrying its result out. */
class Rollback {
  constructor(readonly value: unknown) {}
}

/**
 * One audited review step in the actor's scoped transaction. Refusals by
 * the user rules (last owner, oneself) are audited as denials.
 */
async function step<T>(
  db: Database,
  actor: StaffPrincipal,
  action: string,
  opts: ChangeOptions,
  fn: (tx: Tx) => Promise<T>,
): Promise<T> {
  try {
    requireReview(actor);
    return await db.asUser(actor, async (tx) => {
      const value = await fn(tx);
      if (opts.dryRun) throw new Rollback(value);
      return value;
    });
  } catch (err) {
    if (err instanceof Rollback) return err.value as T;
    const denied = (err instanceof AccessReviewError &&
      err.code === "forbidden") ||
      (err instanceof UserAdminError &&
        ["forbidden", "owner_protected", "self", "last_owner"].includes(
          err.code,
        ));
    if (denied) {
      await recordAudit(
        db,
        actor,
        staffEvent(actor, opts, action, null, {
          outcome: "denied",
          details: { reason: (err as { code: string }).code },
        }),
      );
    }
    throw err;
  }
}
