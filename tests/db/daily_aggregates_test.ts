// Issue #15: the dashboard's daily aggregates (0024_daily_aggregates.sql)
// equal a direct GROUP BY over the orders, after a sync, after an order is
// updated (status, amount and day changed) and after the backfill reads its
// report again, and are readable only for the stores granted.
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { orderItems, orders, syncCursors } from "../../db/schema.ts";
import { AMAZON_MARKETPLACES } from "../../lib/amazon/marketplaces.ts";
import { ordersDataset } from "../../lib/sync/datasets/orders.ts";
import { openSyncWorld, scaledPlans } from "../_helpers/sync.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

type Row = Record<string, unknown>;

/** daily_sales as stored, in a stable order. */
async function aggregates(tx: Tx): Promise<Row[]> {
  return rowsOf<Row>(
    await tx.execute(sql`select store_id::text, marketplace_id,
        day::text, currency, orders, priced_orders, units, sales::text
      from daily_sales order by 1, 2, 3, 4`),
  );
}

/** The same figures straight from the orders, the way a report would. */
async function direct(tx: Tx): Promise<Row[]> {
  return rowsOf<Row>(
    await tx.execute(sql`select o.store_id::text, o.marketplace_id,
        (o.purchased_at at time zone app_marketplace_time_zone(o.marketplace_id))::date::text as day,
        coalesce(o.currency, 'XXX') as currency,
        count(*)::int as orders, count(o.order_total)::int as priced_orders,
        coalesce(sum((select sum(i.quantity) from order_items i
          where i.store_id = o.store_id
            and i.amazon_order_id = o.amazon_order_id)), 0)::int as units,
        coalesce(sum(o.order_total), 0)::numeric(18, 4)::text as sales
      from orders o where o.status <> 'Canceled'
      group by 1, 2, 3, 4 order by 1, 2, 3, 4`),
  );
}

async function productAggregates(tx: Tx): Promise<Row[]> {
  return rowsOf<Row>(
    await tx.execute(sql`select store_id::text, marketplace_id, day::text,
        asin, currency, orders, units, sales::text
      from daily_product_sales order by 1, 2, 3, 4, 5`),
  );
}

async function productDirect(tx: Tx): Promise<Row[]> {
  return rowsOf<Row>(
    await tx.execute(sql`select o.store_id::text, o.marketplace_id,
        (o.purchased_at at time zone app_marketplace_time_zone(o.marketplace_id))::date::text as day,
        i.asin, coalesce(o.currency, 'XXX') as currency,
        count(distinct o.amazon_order_id)::int as orders,
        sum(i.quantity)::int as units,
        coalesce(sum(i.item_price), 0)::numeric(18, 4)::text as sales
      from orders o join order_items i on i.store_id = o.store_id
        and i.amazon_order_id = o.amazon_order_id
      where o.status <> 'Canceled'
      group by 1, 2, 3, 4, 5 order by 1, 2, 3, 4, 5`),
  );
}

async function assertConsistent(
  db: Parameters<typeof ownerOf>[0],
  what: string,
) {
  const owner = ownerOf(db) as unknown as Tx;
  const stored = await aggregates(owner);
  assert.ok(stored.length > 0, `${what}: aggregates exist`);
  assert.deepEqual(stored, await direct(owner), `${what}: daily_sales`);
  assert.deepEqual(
    await productAggregates(owner),
    await productDirect(owner),
    `${what}: daily_product_sales`,
  );
}

Deno.test(`daily aggregates (${testEngine}): the database's time zones are lib/amazon/marketplaces.ts's`, async () => {
  await using w = await openSyncWorld({ datasets: [] });
  const owner = ownerOf(w.db);
  for (const m of AMAZON_MARKETPLACES) {
    const [r] = rowsOf<{ tz: string }>(
      await owner.execute(
        sql`select app_marketplace_time_zone(${m.id}) as tz`,
      ),
    );
    assert.equal(r.tz, m.timeZone, m.id);
  }
});

Deno.test(`daily aggregates (${testEngine}): equal a GROUP BY over orders after a sync, an update and a backfill re-read`, async () => {
  await using w = await openSyncWorld({
    datasets: [ordersDataset],
    sandbox: {
      stores: 2,
      orders: 150,
      days: 40,
      usagePlans: scaledPlans(2000),
    },
    settings: { backfillDays: 45, shipCountryEveryMinutes: 0 },
  });
  await w.runOk(0, "orders");
  await w.runOk(1, "orders");
  await assertConsistent(w.db, "after the first sync");

  // An order changes: cancelled, another re-priced and moved a day later,
  // an item's quantity changed and one item deleted — all as the runtime
  // role of the store, as a sync would.
  const storeId = w.storeIds[0];
  await w.db.asJob(storeId, async (tx) => {
    const some = await tx.select().from(orders).where(
      eq(orders.storeId, storeId),
    ).orderBy(orders.amazonOrderId).limit(3);
    assert.equal(some.length, 3);
    await tx.update(orders).set({ status: "Canceled" }).where(
      sql`${orders.storeId} = ${storeId} and ${orders.amazonOrderId} = ${
        some[0].amazonOrderId
      }`,
    );
    await tx.update(orders).set({
      orderTotal: "12345.6700",
      purchasedAt: new Date(some[1].purchasedAt.getTime() + 86_400_000),
    }).where(
      sql`${orders.storeId} = ${storeId} and ${orders.amazonOrderId} = ${
        some[1].amazonOrderId
      }`,
    );
    await tx.update(orderItems).set({ quantity: 7 }).where(
      sql`${orderItems.storeId} = ${storeId} and ${orderItems.amazonOrderId} = ${
        some[2].amazonOrderId
      }`,
    );
  });
  await assertConsistent(w.db, "after updates");

  await w.db.asJob(storeId, async (tx) => {
    const [one] = await tx.select().from(orders).where(
      eq(orders.storeId, storeId),
    ).orderBy(orders.amazonOrderId).limit(1).offset(5);
    await tx.delete(orderItems).where(
      sql`${orderItems.storeId} = ${storeId} and ${orderItems.amazonOrderId} = ${one.amazonOrderId}`,
    );
    await tx.delete(orders).where(
      sql`${orders.storeId} = ${storeId} and ${orders.amazonOrderId} = ${one.amazonOrderId}`,
    );
  });
  await assertConsistent(w.db, "after a delete");

  // The backfill again from scratch: the report rewrites every order.
  await ownerOf(w.db).delete(syncCursors).where(
    eq(syncCursors.storeId, storeId),
  );
  await w.runOk(0, "orders");
  await assertConsistent(w.db, "after a backfill re-read");

  // Store isolation: store 1's job sees only its own aggregates.
  const seen = await w.db.asJob(
    w.storeIds[1],
    (tx) =>
      tx.execute(sql`select distinct store_id::text as s from daily_sales`),
  );
  assert.deepEqual(rowsOf<{ s: string }>(seen).map((r) => r.s), [
    w.storeIds[1],
  ]);
});
