// The dashboard's "needs attention" for advertising (Data Policy §4: budget
// control): enabled campaigns that spent their whole daily budget on some of
// the last 7 days read, so they may have stopped showing for part of those
// days. Same figures as /ads (budget in effect at each day's end).
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { addDays } from "../products/list.ts";
import { campaignsWith } from "./campaigns.ts";

export interface CappedCampaign {
  storeId: string;
  campaignId: string;
  name: string;
  /** Days of the 7 that reached the budget. */
  capped: number;
  days: number;
}

/** Up to 5 capped campaigns of `storeIds`, most capped first, and how many. */
export async function cappedCampaigns(
  tx: Tx,
  storeIds: readonly string[],
  now: Date,
): Promise<
  { campaigns: CappedCampaign[]; total: number; from: string; to: string }
> {
  const to = addDays(now.toISOString().slice(0, 10), -1);
  const from = addDays(to, -6);
  if (storeIds.length === 0) return { campaigns: [], total: 0, from, to };
  const rows = rowsOf<{
    store_id: string;
    campaign_id: string;
    name: string;
    capped: number;
    days: number;
    total: number;
  }>(
    await tx.execute(sql`${
      campaignsWith({
        storeIds,
        state: "ENABLED",
        period: { from, to },
        sort: "name",
        dir: "asc",
      })
    }
      select p.store_id::text as store_id, p.campaign_id, p.name, p.capped,
        p.days, count(*) over ()::int as total
      from p where p.capped > 0
      order by p.capped desc, p.spend desc, p.store_id, p.campaign_id
      limit 5`),
  );
  return {
    campaigns: rows.map((r) => ({
      storeId: r.store_id,
      campaignId: r.campaign_id,
      name: r.name,
      capped: Number(r.capped),
      days: Number(r.days),
    })),
    total: Number(rows[0]?.total ?? 0),
    from,
    to,
  };
}
