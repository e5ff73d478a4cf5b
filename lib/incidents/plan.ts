// Amazon's Data Protection Policy: an incident-response plan, reviewed at
// least every 6 months. The plan is a versioned document (each publication
// is a new version, never an edit) and each review is recorded against the
// version it read; the dashboard warns when the next review is due.
import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Database, Principal } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { plainText } from "../validation.ts";
import { fieldErrors, IncidentError } from "./model.ts";

/** Months between reviews (Amazon: at least every 6 months). */
export const PLAN_REVIEW_MONTHS = 6;

/** The sections a plan covers; the first version starts from them. */
export const PLAN_SECTIONS = [
  "roles",
  "kinds",
  "procedures",
  "escalation",
  "contacts",
] as const;

export interface PlanVersion {
  version: number;
  body: string;
  note: string | null;
  publishedByName: string;
  publishedAt: Date;
}

export interface PlanReview {
  version: number;
  reviewedAt: Date;
  reviewedByName: string;
  note: string;
}

export interface PlanState {
  current: PlanVersion | null;
  versions: Omit<PlanVersion, "body">[];
  reviews: PlanReview[];
  /** The last review (or, before any, the first publication). */
  lastReviewedAt: Date | null;
  /** When the next review is due; null when there is no plan. */
  dueAt: Date | null;
  overdue: boolean;
}

export const publishInput = z.object({
  body: plainText({ multiline: true }).trim().min(20).max(50000),
  note: plainText().trim().max(500).default(""),
});

export const reviewInput = z.object({
  note: plainText({ multiline: true }).trim().min(3).max(2000),
});

const addMonths = (d: Date, months: number) => {
  const r = new Date(d);
  r.setUTCMonth(r.getUTCMonth() + months);
  return r;
};

/** The plan, its versions and reviews, and when the next review is due. */
export async function planState(
  db: Database,
  principal: Principal,
  now = new Date(),
  version?: number,
): Promise<PlanState> {
  return await db.asUser(principal, async (tx) => {
    const versions = rowsOf(
      await tx.execute(sql`select version, note, published_by_name,
        published_at from response_plan_versions order by version desc`),
    ).map((r) => ({
      version: Number(r.version),
      note: (r.note as string | null) ?? null,
      publishedByName: r.published_by_name as string,
      publishedAt: new Date(r.published_at as string),
    }));
    const want = version ?? versions[0]?.version;
    const [body] = want === undefined ? [] : rowsOf<{ body: string }>(
      await tx.execute(sql`select body from response_plan_versions
        where version = ${want}`),
    );
    const meta = versions.find((v) => v.version === want);
    const reviews = rowsOf(
      await tx.execute(sql`select version, reviewed_at, reviewed_by_name, note
        from response_plan_reviews order by reviewed_at desc, id limit 50`),
    ).map((r) => ({
      version: Number(r.version),
      reviewedAt: new Date(r.reviewed_at as string),
      reviewedByName: r.reviewed_by_name as string,
      note: r.note as string,
    }));
    const first = versions.at(-1)?.publishedAt ?? null;
    const lastReviewedAt = reviews[0]?.reviewedAt ?? first;
    const dueAt = lastReviewedAt
      ? addMonths(lastReviewedAt, PLAN_REVIEW_MONTHS)
      : null;
    return {
      current: meta && body ? { ...meta, body: body.body } : null,
      versions,
      reviews,
      lastReviewedAt,
      dueAt,
      overdue: dueAt === null || dueAt.getTime() <= now.getTime(),
    };
  });
}

/** Publishes a new version of the plan; audited. Returns its number. */
export async function publishPlan(
  db: Database,
  principal: StaffPrincipal,
  input: { body?: string; note?: string },
  meta: RequestMeta,
  now = new Date(),
): Promise<number> {
  if (!principal.permissions.has("incidents.manage")) {
    throw new IncidentError("forbidden");
  }
  const parsed = publishInput.safeParse(input);
  if (!parsed.success) {
    throw new IncidentError("invalid", fieldErrors(parsed.error));
  }
  return await db.asUser(principal, async (tx) => {
    // One publisher at a time: the next number is read and taken together.
    await tx.execute(sql`select pg_advisory_xact_lock(7240917034)`);
    const [row] = rowsOf<{ version: number }>(
      await tx.execute(sql`insert into response_plan_versions (version, body,
          note, published_by, published_by_name, published_at)
        select coalesce(max(version), 0) + 1, ${parsed.data.body},
          ${parsed.data.note || null}, ${principal.userId}::uuid,
          ${principal.displayName}, ${now.toISOString()}::timestamptz
        from response_plan_versions
        returning version`),
    );
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "incident.plan.publish",
      target: `v${row.version}`,
      outcome: "success",
      ...meta,
    });
    return Number(row.version);
  });
}

/** Records a review of the current version; audited. */
export async function recordPlanReview(
  db: Database,
  principal: StaffPrincipal,
  input: { note?: string },
  meta: RequestMeta,
  now = new Date(),
): Promise<void> {
  if (!principal.permissions.has("incidents.manage")) {
    throw new IncidentError("forbidden");
  }
  const parsed = reviewInput.safeParse(input);
  if (!parsed.success) {
    throw new IncidentError("invalid", fieldErrors(parsed.error));
  }
  await db.asUser(principal, async (tx) => {
    const [v] = rowsOf<{ version: number | null }>(
      await tx.execute(sql`select max(version) as version
        from response_plan_versions`),
    );
    if (v?.version === null || v?.version === undefined) {
      throw new IncidentError("no_plan");
    }
    await tx.execute(sql`insert into response_plan_reviews (version,
        reviewed_at, reviewed_by, reviewed_by_name, note)
      values (${v.version}, ${now.toISOString()}::timestamptz,
        ${principal.userId}::uuid, ${principal.displayName},
        ${parsed.data.note})`);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "incident.plan.review",
      target: `v${v.version}`,
      outcome: "success",
      ...meta,
    });
  });
}
