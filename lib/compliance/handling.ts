// Evidence of the promises kept by people handling cases (issue #18):
// incidents and their notices and the response plan's review (§12), data
// requests against their due dates (§13), the service-provider register
// (§11) and the policy's published versions ("Policy Updates"). Requests
// and incidents are visible only to those who handle them, so their figures
// come from compliance_counts() (0035): counts and dates, never a row.
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import type {
  EvidenceContext,
  EvidenceFigure,
  EvidenceProvider,
  EvidenceStatus,
  PolicySection,
} from "./registry.ts";

const DAY_MS = 86_400_000;
/** Amazon: the incident-response plan is reviewed at least every 6 months. */
export const PLAN_REVIEW_DAYS = 183;
const PLAN_WARN_DAYS = 30;

interface Counts {
  requests_open: number;
  requests_overdue: number;
  requests_due_soon: number;
  incidents_open: number;
  incidents_severe: number;
  notices_pending: number;
  notices_overdue: number;
  plan_versions: number;
  plan_last_review: string | Date | null;
}

async function counts({ db, principal, now }: EvidenceContext) {
  return await db.asUser(principal, async (tx) =>
    rowsOf<Counts>(
      await tx.execute(
        sql`select * from compliance_counts(${now.toISOString()}::timestamptz)`,
      ),
    )[0]);
}

type Rule = (ctx: EvidenceContext) => Promise<{
  status: EvidenceStatus;
  reason: string;
  figures: EvidenceFigure[];
}>;

function line(
  id: string,
  section: PolicySection,
  link: string,
  rule: Rule,
): EvidenceProvider {
  return {
    id,
    section,
    async evaluate(ctx) {
      return { id, section, link, ...(await rule(ctx)) };
    },
  };
}

export const requestsDueLine = line(
  "requests.due",
  "13",
  "/requests",
  async (ctx) => {
    const c = await counts(ctx);
    return {
      status: c.requests_overdue > 0
        ? "red"
        : c.requests_due_soon > 0
        ? "amber"
        : "green",
      reason: c.requests_overdue > 0
        ? "requests_overdue"
        : c.requests_due_soon > 0
        ? "requests_due_soon"
        : "requests_on_time",
      figures: [
        { label: "requests_open", value: c.requests_open },
        { label: "requests_overdue", value: c.requests_overdue },
        { label: "requests_due_soon", value: c.requests_due_soon },
      ],
    };
  },
);

export const incidentsOpenLine = line(
  "incidents.open",
  "12",
  "/incidents",
  async (ctx) => {
    const c = await counts(ctx);
    return {
      status: c.incidents_open > 0 ? "amber" : "green",
      reason: c.incidents_open > 0 ? "incidents_open" : "incidents_none_open",
      figures: [
        { label: "incidents_open", value: c.incidents_open },
        { label: "incidents_severe", value: c.incidents_severe },
      ],
    };
  },
);

export const noticesDueLine = line(
  "incidents.notices_due",
  "12",
  "/incidents",
  async (ctx) => {
    const c = await counts(ctx);
    return {
      status: c.notices_overdue > 0
        ? "red"
        : c.notices_pending > 0
        ? "amber"
        : "green",
      reason: c.notices_overdue > 0
        ? "notices_overdue"
        : c.notices_pending > 0
        ? "notices_pending"
        : "notices_sent",
      figures: [
        { label: "notices_pending", value: c.notices_pending },
        { label: "notices_overdue", value: c.notices_overdue },
      ],
    };
  },
);

export const planReviewLine = line(
  "incidents.plan_review",
  "12",
  "/incidents/plan",
  async (ctx) => {
    const c = await counts(ctx);
    const last = c.plan_last_review ? new Date(c.plan_last_review) : null;
    const dueAt = last
      ? new Date(last.getTime() + PLAN_REVIEW_DAYS * DAY_MS)
      : null;
    const status: EvidenceStatus = c.plan_versions === 0 || !dueAt ||
        dueAt <= ctx.now
      ? "red"
      : dueAt.getTime() - ctx.now.getTime() <= PLAN_WARN_DAYS * DAY_MS
      ? "amber"
      : "green";
    return {
      status,
      reason: c.plan_versions === 0
        ? "plan_missing"
        : !dueAt
        ? "plan_never_reviewed"
        : status === "red"
        ? "plan_review_overdue"
        : status === "amber"
        ? "plan_review_due_soon"
        : "plan_reviewed",
      figures: [
        { label: "plan_versions", value: c.plan_versions },
        { label: "plan_last_review", value: last },
        { label: "plan_next_review", value: dueAt },
      ],
    };
  },
);

export const providersRegisterLine = line(
  "providers.register",
  "11",
  "/providers",
  async ({ db, principal, now }) => {
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ active: number; overdue: number; no_agreement: number }>(
          await tx.execute(sql`select count(*)::int as active,
          count(*) filter (where review_due_on
            < (${now.toISOString()}::timestamptz at time zone 'UTC')::date)::int
            as overdue,
          count(*) filter (where not has_agreement)::int as no_agreement
          from service_providers where retired_at is null`),
        ),
    );
    return {
      status: r.no_agreement > 0 || r.overdue > 0
        ? "red"
        : r.active === 0
        ? "amber"
        : "green",
      reason: r.no_agreement > 0
        ? "providers_without_agreement"
        : r.overdue > 0
        ? "providers_review_overdue"
        : r.active === 0
        ? "providers_none_registered"
        : "providers_bound",
      figures: [
        { label: "providers_active", value: r.active },
        { label: "providers_without_agreement", value: r.no_agreement },
        { label: "providers_review_overdue", value: r.overdue },
      ],
    };
  },
);

export const policyVersionsLine = line(
  "policy.versions",
  "updates",
  "/policy",
  async ({ db, principal, now }) => {
    const [r] = await db.asUser(
      principal,
      async (tx) =>
        rowsOf<{ versions: number; last: string | Date | null }>(
          await tx.execute(sql`select count(*)::int as versions,
          max(published_at) as last from documents
          where kind = 'policy'
            and published_at <= ${now.toISOString()}::timestamptz`),
        ),
    );
    return {
      status: r.versions > 0 ? "green" : "red",
      reason: r.versions > 0 ? "policy_published" : "policy_missing",
      figures: [
        { label: "policy_versions", value: r.versions },
        {
          label: "policy_last_updated",
          value: r.last ? new Date(r.last) : null,
        },
      ],
    };
  },
);
