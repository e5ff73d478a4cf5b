// The retention rule "data_requests" (data-request records after closure,
// Data Policy §9): a closed request, its timeline, approvals, tokens and
// e-mails go once the rule's days have run from closed_at; a legal hold on
// the category (all stores) keeps them (record ids: public references).
// Called by the global purge (lib/policy/purge.ts purgeGlobal).
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { asRequestsSystem } from "./scope.ts";

export interface RequestPurgeCount {
  due: number;
  held: number;
  deleted: number;
}

const heldSql = sql`exists (select 1 from legal_holds h
  where h.released_at is null and h.store_id is null
    and (h.category is null or h.category = 'data_requests')
    and (h.record_ids is null or d.public_id = any(h.record_ids))
    and (h.from_at is null or d.received_at >= h.from_at)
    and (h.to_at is null or d.received_at <= h.to_at))`;

/** Counts, and unless `dryRun` deletes, the closed requests past the rule. */
export async function purgeClosedRequests(
  db: Database,
  opts: { now: Date; days: number; dryRun: boolean; batch?: number },
): Promise<RequestPurgeCount> {
  const before = new Date(opts.now.getTime() - opts.days * 86_400_000)
    .toISOString();
  const [c] = await asRequestsSystem(
    db,
    async (tx) =>
      rowsOf<{ due: number; held: number }>(
        await tx.execute(sql`select count(*)::int as due,
          count(*) filter (where ${heldSql})::int as held
        from data_requests d
        where d.closed_at is not null and d.closed_at < ${before}::timestamptz`),
      ),
  );
  let deleted = 0;
  if (!opts.dryRun && c.due > c.held) {
    for (;;) {
      const n = await asRequestsSystem(db, async (tx) =>
        rowsOf(
          await tx.execute(sql`delete from data_requests where id in (
            select d.id from data_requests d
            where d.closed_at is not null
              and d.closed_at < ${before}::timestamptz and not ${heldSql}
            limit ${opts.batch ?? 500})
            returning 1`),
        ).length);
      deleted += n;
      if (n < (opts.batch ?? 500)) break;
    }
  }
  return { due: c.due, held: c.held, deleted };
}
