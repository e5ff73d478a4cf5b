// RLS overhead: the same store-filtered query as the owner (RLS bypassed)
// and through db.asUser (RLS applied), on both engines, with the plans.
import { sql } from "drizzle-orm";
import { OWNER, rowsOf } from "../db/client.ts";
import { registerStore } from "../db/maintenance.ts";
import { openBenchDb, postgresAvailable } from "./_db.ts";
import { measure, report } from "./_measure.ts";

const ORDERS_PER_STORE = 50_000;
const USER = "00000000-0000-4000-8000-0000000000b1";

for (const engine of ["pglite", "postgres"] as const) {
  if (engine === "postgres" && !(await postgresAvailable())) {
    console.log("\npostgres: not reachable, skipped");
    continue;
  }
  await using b = await openBenchDb(engine);
  const owner = b.db[OWNER];
  const stores: string[] = [];
  for (let s = 0; s < 3; s++) {
    stores.push(
      await registerStore(b.db, {
        sellerId: `ABENCHSELLER${s}`,
        region: "NA",
        name: `Bench ${s}`,
        marketplaces: [],
      }),
    );
  }
  for (const id of stores) {
    await owner.execute(sql`
      insert into orders (store_id, amazon_order_id, marketplace_id, status,
        fulfillment_channel, order_total, currency, purchased_at, last_updated_at)
      select ${id}::uuid, 'B' || g, 'ATVPDKIKX0DER', 'Shipped',
        case when g % 3 = 0 then 'MFN' else 'AFN' end, (g % 9000) / 100.0 + 5, 'USD',
        timestamptz '2025-01-01' + (g % 700) * interval '1 day',
        timestamptz '2025-01-01' + (g % 700) * interval '1 day'
      from generate_series(1, ${ORDERS_PER_STORE}) g`);
  }
  await owner.execute(sql`analyze orders`);
  const store = stores[1];
  const query =
    sql`select count(*)::int as n, sum(order_total) as total from orders
    where store_id = ${store}::uuid and purchased_at >= '2026-06-01'`;
  const explain =
    sql`explain (costs off) select count(*)::int as n, sum(order_total) as total from orders
    where store_id = ${store}::uuid and purchased_at >= '2026-06-01'`;

  const asOwner = () => owner.execute(query);
  const asOwnerTx = () =>
    owner.transaction(async (tx) => {
      await tx.execute(
        sql`select set_config('app.user_id', ${USER}, true), set_config('app.store_ids', ${store}, true)`,
      );
      return await tx.execute(query);
    });
  const asUser = () =>
    b.db.asUser({ userId: USER, storeIds: [store] }, (tx) => tx.execute(query));
  const asUserAll = () =>
    b.db.asUser({ userId: USER, storeIds: stores }, (tx) => tx.execute(query));

  const [o] = rowsOf<{ n: number }>(await asOwner());
  const [u] = rowsOf<{ n: number }>(await asUser());
  if (o.n !== u.n) throw new Error("RLS changed the answer");

  report(
    `${engine}: store-filtered aggregate over ${
      ORDERS_PER_STORE * 3
    } orders (${o.n} match)`,
    [
      await measure("owner, no RLS, no transaction", asOwner),
      await measure("owner transaction with set_config, no RLS", asOwnerTx),
      await measure("asUser (set role + RLS), 1 store granted", asUser),
      await measure("asUser (set role + RLS), 3 stores granted", asUserAll),
    ],
    "owner transaction with set_config, no RLS",
  );
  // The plan's node shape, without the conditions that RLS adds.
  const shape = (rows: unknown) =>
    rowsOf<{ "QUERY PLAN": string }>(rows).map((r) => r["QUERY PLAN"].trim())
      .filter((l) => !/Cond:|Filter:/.test(l)).join(" → ");
  const plain = shape(await owner.execute(explain));
  const scoped = shape(
    await b.db.asUser(
      { userId: USER, storeIds: [store] },
      (tx) => tx.execute(explain),
    ),
  );
  console.log(`plan without RLS: ${plain}`);
  console.log(`plan with RLS:    ${scoped}`);
  console.log(`same plan: ${plain === scoped ? "yes" : "NO"}`);
}
