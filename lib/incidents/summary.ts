// What the dashboard's "needs attention" says about incidents (§12): the
// open incidents, the notices due (Amazon's 24 hours first), and whether
// the response plan's 6-monthly review is due. Only for incident managers.
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { rowsOf } from "../../db/client.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { planState } from "./plan.ts";

export interface NoticeDue {
  incidentId: string;
  ref: number;
  party: string;
  dueAt: Date;
  overdue: boolean;
}

export interface IncidentSummary {
  open: number;
  /** Open incidents rated high or critical. */
  severe: number;
  noticesDue: NoticeDue[];
  plan: { dueAt: Date | null; overdue: boolean; none: boolean };
}

/** The summary, or null for someone who does not manage incidents. */
export async function incidentSummary(
  db: Database,
  principal: StaffPrincipal,
  now = new Date(),
): Promise<IncidentSummary | null> {
  if (!principal.permissions.has("incidents.manage")) return null;
  const { counts, notices } = await db.asUser(principal, async (tx) => ({
    counts: rowsOf<{ open: number; severe: number }>(
      await tx.execute(sql`select count(*)::int as open,
        count(*) filter (where severity in ('high', 'critical'))::int as severe
        from incidents where state <> 'closed'`),
    )[0],
    notices: rowsOf(
      await tx.execute(sql`select i.id::text as id, i.ref::int as ref,
          n.party, n.due_at
        from incident_notices n join incidents i on i.id = n.incident_id
        where n.sent_at is null and i.state <> 'closed'
        order by n.due_at limit 10`),
    ),
  }));
  const plan = await planState(db, principal, now);
  return {
    open: Number(counts?.open ?? 0),
    severe: Number(counts?.severe ?? 0),
    noticesDue: notices.map((n) => {
      const dueAt = new Date(n.due_at as string);
      return {
        incidentId: n.id as string,
        ref: Number(n.ref),
        party: n.party as string,
        dueAt,
        overdue: dueAt.getTime() <= now.getTime(),
      };
    }),
    plan: {
      dueAt: plan.dueAt,
      overdue: plan.overdue,
      none: plan.current === null,
    },
  };
}
