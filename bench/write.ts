// 100k orders through the write path (lib/ingest, the path sync uses) against
// a raw `insert … select` of the same rows in the same run, on both engines.
import { sql } from "drizzle-orm";
import { OWNER } from "../db/client.ts";
import { registerStore } from "../db/maintenance.ts";
import { type OrderRow, upsertOrders } from "../lib/ingest/orders.ts";
import { openBenchDb, postgresAvailable } from "./_db.ts";
import { measure, report } from "./_measure.ts";

const ROWS = 100_000;
const PER_TRANSACTION = 10_000;

function orderRows(storeId: string): OrderRow[] {
  return Array.from({ length: ROWS }, (_, g) => {
    const at = new Date(Date.UTC(2025, 0, 1) + (g % 700) * 86_400_000);
    return {
      storeId,
      amazonOrderId: `B${g}`,
      marketplaceId: "ATVPDKIKX0DER",
      status: "Shipped",
      fulfillmentChannel: g % 3 === 0 ? "MFN" : "AFN",
      orderTotal: ((g % 9000) / 100 + 5).toFixed(2),
      currency: "USD",
      purchasedAt: at,
      lastUpdatedAt: at,
      syncedAt: at,
    };
  });
}

for (const engine of ["pglite", "postgres"] as const) {
  if (engine === "postgres" && !(await postgresAvailable())) {
    console.log("\npostgres: not reachable, skipped");
    continue;
  }
  await using b = await openBenchDb(engine);
  const owner = b.db[OWNER];
  const storeId = await registerStore(b.db, {
    sellerId: "ABENCHWRITE01",
    region: "NA",
    name: "Bench",
    marketplaces: [],
  });
  const rows = orderRows(storeId);
  const truncate = () => owner.execute(sql`truncate orders`);

  const raw = await measure("raw insert … select (owner, no RLS)", async () => {
    await truncate();
    await owner.execute(sql`
      insert into orders (store_id, amazon_order_id, marketplace_id, status,
        fulfillment_channel, order_total, currency, purchased_at, last_updated_at, synced_at)
      select ${storeId}::uuid, 'B' || g, 'ATVPDKIKX0DER', 'Shipped',
        case when g % 3 = 0 then 'MFN' else 'AFN' end, round((g % 9000) / 100.0 + 5, 2), 'USD',
        timestamptz '2025-01-01' + (g % 700) * interval '1 day',
        timestamptz '2025-01-01' + (g % 700) * interval '1 day',
        timestamptz '2025-01-01' + (g % 700) * interval '1 day'
      from generate_series(0, ${ROWS - 1}) g`);
  }, { runs: 3, warmup: 1, rows: ROWS });

  const writeAll = async () => {
    for (let i = 0; i < ROWS; i += PER_TRANSACTION) {
      await b.db.asJob(
        storeId,
        (tx) => upsertOrders(tx, rows.slice(i, i + PER_TRANSACTION)),
      );
    }
  };
  const fresh = await measure(
    "write path, new rows (asJob + RLS)",
    async () => {
      await truncate();
      await writeAll();
    },
    { runs: 3, warmup: 1, rows: ROWS },
  );
  const replay = await measure(
    "write path, replay (all rows updated)",
    writeAll,
    {
      runs: 3,
      warmup: 1,
      rows: ROWS,
    },
  );
  report(`${engine}: ${ROWS} orders`, [raw, fresh, replay], raw.name);
}
