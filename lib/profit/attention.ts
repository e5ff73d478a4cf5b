// The dashboard's "needs attention" for finance (issue #16): how many SKUs
// sold in the last 30 days have no cost of goods, so their profit is left
// out of /profit until someone enters one.
import { sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";

const DAYS = 30;

/** Distinct store, SKU and currency sold since `now` − 30 days without a cost. */
export async function skusWithoutCostTx(
  tx: Tx,
  storeIds: readonly string[],
  now: Date,
): Promise<number> {
  if (storeIds.length === 0) return 0;
  const since = new Date(now.getTime() - DAYS * 86_400_000);
  const [row] = rowsOf<{ n: number }>(
    await tx.execute(sql`select count(*)::int as n from (
      select distinct i.store_id, coalesce(i.sku, i.asin) as sku, i.currency
      from orders o
      join order_items i on i.store_id = o.store_id
        and i.amazon_order_id = o.amazon_order_id
      where o.store_id in (${
      sql.join(storeIds.map((id) => sql`${id}::uuid`), sql`, `)
    })
        and o.status <> 'Canceled' and i.item_price is not null
        and i.currency is not null
        and o.purchased_at >= ${since.toISOString()}::timestamptz
        and not exists (select 1 from sku_costs k
          where k.store_id = i.store_id and k.sku = coalesce(i.sku, i.asin)
            and k.currency = i.currency
            and k.effective_from <= (o.purchased_at at time zone
              app_marketplace_time_zone(o.marketplace_id))::date)
    ) s`),
  );
  return Number(row?.n ?? 0);
}
