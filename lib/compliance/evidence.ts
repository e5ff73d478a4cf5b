// Issue #18: the live evidence of the Data Policy's promises, one small
// function per line, each reading the data itself and deciding green, amber
// or red by the rule written beside it. Read as an owner or auditor
// (audit.read: every store, the whole audit trail); values never leave the
// vault here — only counts, dates and key ids.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { SECRET_LIFETIME_DAYS, WARN_DAYS } from "../amazon/credentials.ts";
import { heldSql, PURGE_TARGETS } from "../policy/purge.ts";
import { auditChainIntact, verifyAuditChain } from "../security/audit.ts";
import {
  checkAgainstCheckpoint,
  lastCheckpoint,
} from "../security/audit_checkpoint.ts";
import { can } from "../security/permissions.ts";
import { SEALED_COLUMNS } from "../security/vault_rotation.ts";
import type {
  EvidenceContext,
  EvidenceFigure,
  EvidenceLine,
  EvidenceProvider,
  EvidenceStatus,
  PolicySection,
} from "./registry.ts";

const DAY_MS = 86_400_000;
/** §9: buyer personal data no longer than 30 days after delivery. */
export const BUYER_DATA_DAYS = 30;
/** §9: API and audit logs kept at least 90 days. */
export const LOG_FLOOR_DAYS = 90;
/** How far back the reveals and exports line looks. */
export const ACTIVITY_WINDOW_DAYS = 90;
/** A purge that has not finished for this long is not running. */
export const PURGE_STALE_HOURS = 48;
/** §5: an access review may run this many days past its due date. */
export const REVIEW_GRACE_DAYS = 14;

const iso = (d: Date) => d.toISOString();
const date = (v: unknown): Date | null =>
  v === null || v === undefined ? null : new Date(v as string);

/** A provider from its id, section and rule. */
function line(
  id: string,
  section: PolicySection,
  rule: (ctx: EvidenceContext) => Promise<{
    status: EvidenceStatus;
    reason: string;
    figures: EvidenceFigure[];
    link: string | null;
  }>,
): EvidenceProvider {
  return {
    id,
    section,
    async evaluate(ctx): Promise<EvidenceLine> {
      return { id, section, ...(await rule(ctx)) };
    },
  };
}

/**
 * §9: the oldest buyer personal data against its 30 days. Red when a row is
 * past its limit — purge_after, or 30 days after its order's delivery, or
 * the fallback after collection — with no legal basis running and no legal
 * hold; amber when rows are kept but the purge has not finished lately.
 */
export const buyerDataLine = line(
  "retention.buyer_data",
  "9",
  async ({ db, principal, now }) => {
    const target = PURGE_TARGETS.buyer_pii;
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<Record<string, unknown>>(
          await tx.execute(sql`
        with rule as (select coalesce(
            (select coalesce(fallback_days, days) from retention_rules
              where category = 'buyer_pii'), ${BUYER_DATA_DAYS}) as fallback),
        rows as (
          select t.collected_at, o.delivered_at,
            least(
              t.purge_after,
              o.delivered_at + make_interval(days => ${BUYER_DATA_DAYS}::int),
              case when t.purge_after is null and o.delivered_at is null
                then t.collected_at
                  + make_interval(days => (select fallback from rule)) end
            ) as limit_at,
            exists (select 1 from buyer_pii_extensions e
              where e.store_id = t.store_id
                and e.amazon_order_id = t.amazon_order_id
                and e.until > ${iso(now)}::timestamptz) as extended,
            ${heldSql(target)} as held
          from buyer_pii t
          left join orders o on o.store_id = t.store_id
            and o.amazon_order_id = t.amazon_order_id)
        select count(*)::int as rows,
          min(coalesce(delivered_at, collected_at)) as oldest,
          min(limit_at) filter (where not extended and not held) as next_limit,
          count(*) filter (where limit_at <= ${iso(now)}::timestamptz
            and not extended and not held)::int as overdue,
          count(*) filter (where extended or held)::int as kept,
          (select max(finished_at) from purge_records
            where category = 'buyer_pii' and not dry_run
              and status = 'done') as last_purge
        from rows`),
        ),
    );
    const rows = Number(r.rows);
    const overdue = Number(r.overdue);
    const oldest = date(r.oldest);
    const lastPurge = date(r.last_purge);
    const stale = rows > 0 && (!lastPurge ||
      now.getTime() - lastPurge.getTime() > PURGE_STALE_HOURS * 3_600_000);
    return {
      status: overdue > 0 ? "red" : stale ? "amber" : "green",
      reason: overdue > 0
        ? "buyer_data_overdue"
        : stale
        ? "purge_not_running"
        : "buyer_data_within_limit",
      figures: [
        { label: "rows_kept", value: rows },
        { label: "rows_overdue", value: overdue },
        { label: "rows_extended_or_held", value: Number(r.kept) },
        { label: "oldest_clock_start", value: oldest },
        {
          label: "oldest_age_days",
          value: oldest
            ? Math.floor((now.getTime() - oldest.getTime()) / DAY_MS)
            : null,
        },
        { label: "next_limit", value: date(r.next_limit) },
        { label: "last_purge", value: lastPurge },
      ],
      link: "/retention",
    };
  },
);

/**
 * §9: API and audit logs kept at least 90 days. Red when a rule is below
 * the floor or, in the last 90 days, a purge deleted API log rows under a
 * rule below it; amber when a log has no rule (nothing says how long).
 */
export const logRetentionLine = line(
  "retention.logs",
  "9",
  async ({ db, principal, now }) => {
    const since = new Date(now.getTime() - LOG_FLOOR_DAYS * DAY_MS);
    const r = await db.asUser(principal, async (tx) => {
      const rules = rowsOf<{ category: string; days: number }>(
        await tx.execute(sql`select category, days from retention_rules
          where category in ('api_request_log', 'audit_events')`),
      );
      const [x] = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select
          (select min(at) from api_request_log) as oldest_api,
          (select min(at) from audit_events) as oldest_audit,
          (select count(*)::int from purge_records
            where category in ('api_request_log', 'audit_events')
              and not dry_run and rows_deleted > 0
              and rule_days < ${LOG_FLOOR_DAYS}
              and started_at >= ${iso(since)}::timestamptz) as premature`),
      );
      return { rules, x };
    });
    const days = (c: string) =>
      r.rules.find((x) => x.category === c)?.days ?? null;
    const api = days("api_request_log");
    const audit = days("audit_events");
    const premature = Number(r.x.premature);
    const below = [api, audit].some((d) => d !== null && d < LOG_FLOOR_DAYS);
    const missing = api === null || audit === null;
    return {
      status: below || premature > 0 ? "red" : missing ? "amber" : "green",
      reason: below
        ? "log_rule_below_floor"
        : premature > 0
        ? "logs_purged_early"
        : missing
        ? "log_rule_missing"
        : "logs_kept",
      figures: [
        { label: "api_log_rule_days", value: api },
        { label: "audit_rule_days", value: audit },
        { label: "oldest_api_log", value: date(r.x.oldest_api) },
        { label: "oldest_audit_event", value: date(r.x.oldest_audit) },
        { label: "early_purges_90_days", value: premature },
      ],
      link: "/retention",
    };
  },
);

/**
 * §2: stores connected only through Amazon's official authorization. Each
 * stored credential must come with its audited authorization (website
 * consent, verified self-authorization or the Ads grant): one without is a
 * hand-entered token (red), as is a store marked connected without one.
 * Credentials older than the kept audit trail cannot be proven (amber).
 */
export const officialAuthorizationLine = line(
  "authorization.official",
  "2",
  async ({ db, principal }) => {
    const rows = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<Record<string, unknown>>(
          await tx.execute(sql`select c.api, c.method,
          -- The trail reaches back to the start unless the purge cut it.
          exists (select 1 from audit_anchors) and c.issued_at
            < (select min(at) from audit_events) - interval '1 hour'
            as before_trail,
          exists (select 1 from audit_events e
            where e.store_id = c.store_id and e.outcome = 'success'
              and e.action = case when c.api = 'ads' then 'store.connect.ads'
                else 'store.connect.' || c.method end
              and e.at >= c.issued_at - interval '1 hour') as audited
          from store_credentials c`),
        ),
    );
    const [s] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ connected: number; without: number }>(
          await tx.execute(sql`select count(*)::int as connected,
          count(*) filter (where not exists (select 1 from store_credentials c
            where c.store_id = s.id and c.api = 'sp-api'))::int as without
          from stores s where s.status = 'connected'`),
        ),
    );
    const count = (f: (r: Record<string, unknown>) => boolean) =>
      rows.filter(f).length;
    const unaudited = count((r) => !r.audited && !r.before_trail);
    const unproven = count((r) => !r.audited && Boolean(r.before_trail));
    const red = unaudited > 0 || Number(s.without) > 0;
    return {
      status: red ? "red" : unproven > 0 ? "amber" : "green",
      reason: red
        ? "unofficial_credentials"
        : unproven > 0
        ? "authorization_before_trail"
        : "official_only",
      figures: [
        { label: "stores_connected", value: Number(s.connected) },
        {
          label: "website_consent",
          value: count((r) => r.api === "sp-api" && r.method === "website"),
        },
        {
          label: "self_authorization",
          value: count((r) => r.api === "sp-api" && r.method === "self"),
        },
        { label: "ads_grants", value: count((r) => r.api === "ads") },
        { label: "credentials_without_authorization", value: unaudited },
        {
          label: "connected_without_credentials",
          value: Number(s.without),
        },
      ],
      link: "/stores",
    };
  },
);

/** The protected header of a compact JWE's first segment, or null. */
function jweHeader(
  segment: string,
): { alg?: string; enc?: string; kid?: string } | null {
  try {
    const b64 = segment.replaceAll("-", "+").replaceAll("_", "/");
    const json = JSON.parse(atob(b64 + "=".repeat((4 - b64.length % 4) % 4)));
    return typeof json === "object" && json !== null ? json : null;
  } catch {
    return null;
  }
}

const JWE_SHAPE =
  "^[A-Za-z0-9_-]+\\.\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$";

/**
 * §7: every credential and buyer record sealed — each value of every sealed
 * column a vault JWE (dir + A256GCM) under a key of the ring. Red for a
 * plain value or an unknown key; amber for values under a retired key
 * (rotation pending).
 */
export const sealedCredentialsLine = line(
  "credentials.sealed",
  "7",
  async ({ db, principal, vault }) => {
    const counts = await db.asUser(principal, async (tx) => {
      const out: { header: string; shaped: boolean; n: number }[] = [];
      for (const c of SEALED_COLUMNS) {
        out.push(
          ...rowsOf<{ header: string; shaped: boolean; n: number }>(
            await tx.execute(sql`select split_part(${sql.raw(c.column)}, '.', 1)
                as header,
              ${sql.raw(c.column)} ~ ${JWE_SHAPE} as shaped, count(*)::int as n
              from ${sql.raw(c.table)} where ${sql.raw(c.column)} is not null
              group by 1, 2`),
          ),
        );
      }
      return out;
    });
    const byKid = new Map<string, number>();
    let plain = 0;
    for (const c of counts) {
      const h = c.shaped ? jweHeader(c.header) : null;
      if (!h || h.alg !== "dir" || h.enc !== "A256GCM" || !h.kid) {
        plain += Number(c.n);
      } else byKid.set(h.kid, (byKid.get(h.kid) ?? 0) + Number(c.n));
    }
    const unknown = [...byKid].filter(([k]) => !vault.kids.includes(k))
      .reduce((n, [, v]) => n + v, 0);
    const retired = [...byKid].filter(([k]) =>
      k !== vault.activeKid && vault.kids.includes(k)
    ).reduce((n, [, v]) => n + v, 0);
    const red = plain > 0 || unknown > 0;
    return {
      status: red ? "red" : retired > 0 ? "amber" : "green",
      reason: plain > 0
        ? "plain_values"
        : unknown > 0
        ? "unknown_key"
        : retired > 0
        ? "rotation_pending"
        : "all_sealed",
      figures: [
        { label: "active_key", value: vault.activeKid },
        {
          label: "values_per_key",
          value: [...byKid].map(([k, n]) => `${k}: ${n}`).join(", ") || 0,
        },
        { label: "plain_values", value: plain },
        { label: "values_under_unknown_key", value: unknown },
        { label: "values_under_retired_key", value: retired },
      ],
      link: "/admin/amazon-apps",
    };
  },
);

/**
 * §7 and Amazon's 180 days: LWA client secrets rotated in time. Red when
 * one is past its 180 days, amber within the last 30 of them.
 */
export const secretRotationLine = line(
  "credentials.rotation",
  "7",
  async ({ db, principal, now }) => {
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<Record<string, unknown>>(
          await tx.execute(sql`select count(*)::int as apps,
          min(secret_issued_at) as oldest_secret,
          max(secret_issued_at) as last_rotation,
          (select max(last_rotated_at) from store_credentials) as last_token
          from amazon_apps`),
        ),
    );
    const oldest = date(r.oldest_secret);
    const dueAt = oldest
      ? new Date(oldest.getTime() + SECRET_LIFETIME_DAYS * DAY_MS)
      : null;
    const overdue = dueAt !== null && dueAt <= now;
    const near = dueAt !== null &&
      dueAt.getTime() - now.getTime() <= WARN_DAYS * DAY_MS;
    return {
      status: overdue ? "red" : near ? "amber" : "green",
      reason: overdue
        ? "secret_overdue"
        : near
        ? "secret_due_soon"
        : Number(r.apps) === 0
        ? "no_secrets"
        : "secrets_current",
      figures: [
        { label: "apps", value: Number(r.apps) },
        { label: "next_secret_due", value: dueAt },
        { label: "last_secret_rotation", value: date(r.last_rotation) },
        { label: "last_token_rotation", value: date(r.last_token) },
      ],
      link: "/admin/amazon-apps",
    };
  },
);

/**
 * §5: roles and grants, with the last completed access review. Red when the
 * review is more than 14 days past due (the interval after the last one, or
 * after the first account), amber when it is due.
 */
export const accessReviewLine = line(
  "access.review",
  "5",
  async ({ db, principal, now, config }) => {
    const r = await db.asUser(principal, async (tx) => {
      const roles = rowsOf<{ role: string; n: number }>(
        await tx.execute(sql`select role, count(*)::int as n from staff_users
          where status = 'active' and disabled_at is null
          group by role order by role`),
      );
      const [x] = rowsOf<Record<string, unknown>>(
        await tx.execute(sql`select
          (select max(completed_at) from access_reviews) as last_review,
          (select min(created_at) from staff_users) as first_account,
          (select count(*)::int from store_grants) as grants,
          (select count(*)::int from store_grants
            where coalesce(last_used_at, created_at)
              < ${iso(now)}::timestamptz - interval '90 days') as unused`),
      );
      return { roles, x };
    });
    const last = date(r.x.last_review);
    const since = last ?? date(r.x.first_account) ?? now;
    const dueAt = new Date(
      since.getTime() + config.ACCESS_REVIEW_INTERVAL_DAYS * DAY_MS,
    );
    const late = now.getTime() > dueAt.getTime() + REVIEW_GRACE_DAYS * DAY_MS;
    const due = now >= dueAt;
    return {
      status: late ? "red" : due ? "amber" : "green",
      reason: late ? "review_overdue" : due ? "review_due" : "review_current",
      figures: [
        {
          label: "active_users_by_role",
          value: r.roles.map((x) => `${x.role}: ${x.n}`).join(", ") || 0,
        },
        { label: "store_grants", value: Number(r.x.grants) },
        { label: "grants_unused_90_days", value: Number(r.x.unused) },
        { label: "last_access_review", value: last },
        { label: "next_review_due", value: dueAt },
      ],
      link: "/access-review",
    };
  },
);

/**
 * §8 (additional restrictions on buyer data) and §4 (purpose): exports and
 * personal-data reveals of the last 90 days. Red when a reveal or a
 * personal-data export succeeded without a reason, or by someone whose role
 * does not allow it.
 */
export const revealsExportsLine = line(
  "activity.reveals_exports",
  "8",
  async ({ db, principal, now }) => {
    const since = new Date(now.getTime() - ACTIVITY_WINDOW_DAYS * DAY_MS);
    const rows = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<Record<string, unknown>>(
          await tx.execute(sql`select e.action, e.outcome, e.actor_id,
          (e.action = 'pii.reveal' or (e.details->>'pii') = 'true') as pii,
          coalesce(btrim(e.details->>'reason'), '') <> '' as has_reason,
          u.role
          from audit_events e
          left join staff_users u on e.actor_type = 'staff'
            and u.id::text = e.actor_id
          where e.at >= ${iso(since)}::timestamptz
            and e.action in ('pii.reveal', 'export.csv', 'archive.download',
              'compliance.download')`),
        ),
    );
    const ok = rows.filter((r) => r.outcome === "success");
    const personal = ok.filter((r) => r.pii);
    const unjustified = personal.filter((r) => !r.has_reason).length;
    const unallowed = personal.filter((r) =>
      typeof r.role !== "string" ||
      !can(r.role, r.action === "pii.reveal" ? "pii.reveal" : "pii.export")
    ).length;
    const red = unjustified > 0 || unallowed > 0;
    return {
      status: red ? "red" : "green",
      reason: unjustified > 0
        ? "reveal_without_reason"
        : unallowed > 0
        ? "reveal_without_permission"
        : "reveals_justified",
      figures: [
        {
          label: "reveals",
          value: ok.filter((r) => r.action === "pii.reveal").length,
        },
        {
          label: "exports",
          value: ok.filter((r) => r.action !== "pii.reveal").length,
        },
        {
          label: "personal_data_exports",
          value: personal.filter((r) => r.action !== "pii.reveal").length,
        },
        {
          label: "people",
          value: new Set(ok.map((r) => r.actor_id)).size,
        },
        {
          label: "refused",
          value: rows.filter((r) => r.outcome !== "success").length,
        },
        { label: "without_reason", value: unjustified },
        { label: "without_permission", value: unallowed },
      ],
      link: "/audit?action=pii.",
    };
  },
);

/** A full verification older than this no longer vouches for the trail. */
export const FULL_VERIFY_MAX_AGE_DAYS = 7;

/**
 * §8 and §12 (preserve logs): the audit chain. The whole trail is walked by
 * an auditor's full verification (/audit, recorded as `audit.verify`); the
 * page checks, each time, the rows since the last checkpoint kept outside
 * the database and the trail against that checkpoint (a walk of every row
 * per page view would grow with the trail). Red when any of them fails;
 * amber without a checkpoint, or without a full verification in the last
 * 7 days; green otherwise.
 */
export const auditChainLine = line(
  "audit.chain",
  "8",
  async ({ db, principal, kv, vault, now }) => {
    const checkpoint = await lastCheckpoint(kv);
    const report = checkpoint
      ? {
        ...(await db.asUser(principal, async (tx) => {
          const [r] = rowsOf<
            { checked: string; first_broken_id: string | null }
          >(
            await tx.execute(sql`select checked::text, first_broken_id::text
              from audit_verify_since(${checkpoint.headId}::bigint)`),
          );
          return {
            checked: Number(r.checked),
            firstBrokenId: r.first_broken_id === null
              ? null
              : Number(r.first_broken_id),
            reason: null,
          };
        })),
        checkpoint: await checkAgainstCheckpoint(
          { db, kv, vault, now },
          principal,
        ),
      }
      // No checkpoint yet: a young trail, walked whole.
      : await verifyAuditChain(db, principal);
    const [full] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ at: string; outcome: string }>(
          await tx.execute(sql`select at, outcome from audit_events
          where action = 'audit.verify' order by id desc limit 1`),
        ),
    );
    const fullAt = date(full?.at);
    const fullFailed = full?.outcome === "failure";
    const fullStale = !fullAt ||
      now.getTime() - fullAt.getTime() > FULL_VERIFY_MAX_AGE_DAYS * DAY_MS;
    const broken = !auditChainIntact(report) || fullFailed;
    return {
      status: broken ? "red" : !checkpoint || fullStale ? "amber" : "green",
      reason: broken
        ? "chain_broken"
        : !checkpoint
        ? "no_checkpoint"
        : fullStale
        ? "full_verification_due"
        : "chain_intact",
      figures: [
        { label: "events_checked", value: report.checked },
        { label: "first_broken_event", value: report.firstBrokenId },
        { label: "last_checkpoint", value: date(checkpoint?.at) },
        { label: "checkpoint_head", value: checkpoint?.headId ?? null },
        { label: "last_full_verification", value: fullAt },
        {
          label: "last_full_verification_intact",
          value: full ? !fullFailed : null,
        },
      ],
      link: "/audit",
    };
  },
);

/**
 * §10: a revoked or disconnected store keeps no token. Red when one does;
 * amber while a disconnection is still running.
 */
export const disconnectedCredentialsLine = line(
  "disconnection.tokens",
  "10",
  async ({ db, principal }) => {
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<Record<string, number>>(
          await tx.execute(sql`select
          count(*) filter (where s.status in ('revoked', 'disconnected'))::int
            as stopped,
          count(*) filter (where s.status = 'disconnecting')::int as running,
          count(*) filter (where s.status in ('revoked', 'disconnected')
            and exists (select 1 from store_credentials c
              where c.store_id = s.id))::int as holding
          from stores s`),
        ),
    );
    const holding = Number(r.holding);
    const running = Number(r.running);
    return {
      status: holding > 0 ? "red" : running > 0 ? "amber" : "green",
      reason: holding > 0
        ? "tokens_kept"
        : running > 0
        ? "disconnection_running"
        : "tokens_removed",
      figures: [
        { label: "stores_stopped", value: Number(r.stopped) },
        { label: "disconnections_running", value: running },
        { label: "stopped_stores_with_tokens", value: holding },
      ],
      link: "/stores",
    };
  },
);
