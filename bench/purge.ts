// The retention purge (issue #14): N due buyer-data rows among M others.
// Reports, per engine, the batched purge's time as a ratio of one unbatched
// DELETE of the same rows (measured first, in the same process, and rolled
// back so the purge finds the same rows), and the p95 of order-list reads
// run concurrently with the purge as a ratio of their p95 without it.
// Targets: purge ≤ 2× the DELETE; reads ≤ 2× their baseline.
//
//   deno run -A bench/purge.ts                      # 1,000,000 among 5,000,000
//   deno run -A bench/purge.ts --due=20000 --others=100000 --engine=pglite
//
// PostgreSQL: BENCH_DATABASE_URL / DATABASE_URL / localhost (skipped when
// unreachable).
import { sql } from "drizzle-orm";
import { OWNER, rowsOf } from "../db/client.ts";
import { registerStore } from "../db/maintenance.ts";
import { purgeStore } from "../lib/policy/purge.ts";
import { openBenchDb, postgresAvailable } from "./_db.ts";

const flag = (name: string, fallback: string) =>
  Deno.args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ??
    fallback;
const DUE = Number(flag("due", "1000000"));
const OTHERS = Number(flag("others", "5000000"));
// Rows per batch; by default the purge adapts it (as in production).
const BATCH = flag("batch", "") === "" ? undefined : Number(flag("batch", ""));
const ORDERS = Number(flag("orders", "50000"));
const ENGINES = flag("engine", "both") === "both"
  ? ["pglite", "postgres"] as const
  : [flag("engine", "pglite") as "pglite" | "postgres"];
const READ_MS = Number(flag("read-ms", "3000"));
const NOW = new Date();

const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.95))] ?? NaN;
};

console.log(
  `purge bench: ${DUE.toLocaleString("en")} due buyer-data rows among ${
    OTHERS.toLocaleString("en")
  } others, batches of ${BATCH ?? "adaptive size"}`,
);

for (const engine of ENGINES) {
  if (engine === "postgres" && !(await postgresAvailable())) {
    console.log("\npostgres: not reachable, skipped");
    continue;
  }
  await using b = await openBenchDb(engine);
  const owner = b.db[OWNER];
  const storeId = await registerStore(b.db, {
    sellerId: "ABENCHPURGE",
    region: "NA",
    name: "Purge bench",
    marketplaces: [],
  });
  const t0 = performance.now();
  // Due rows first (delivered long ago), then the others (not yet due), in
  // chunks so PGlite's memory stays flat.
  const CHUNK = 250_000;
  for (const [from, n, days] of [[0, DUE, -40], [DUE, OTHERS, 10]] as const) {
    for (let i = 0; i < n; i += CHUNK) {
      const m = Math.min(CHUNK, n - i);
      await owner.execute(sql`insert into buyer_pii (store_id, amazon_order_id,
          payload_jwe, purpose, collected_at, purge_after)
        select ${storeId}::uuid, 'P' || (${from + i}::bigint + g),
          'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..bench', 'fulfillment',
          ${NOW.toISOString()}::timestamptz - interval '60 days',
          ${NOW.toISOString()}::timestamptz + make_interval(days => ${days}::int)
            + (g % 1000) * interval '1 second'
        from generate_series(1, ${m}) g`);
    }
  }
  // The orders screen's rows. The dashboard's statement trigger is off for
  // this one insert: it would recompute 700 days of aggregates for a table
  // the purge does not touch, which takes minutes and measures nothing here.
  await owner.execute(
    sql`alter table orders disable trigger orders_daily_insert`,
  );
  await owner.execute(sql`insert into orders (store_id, amazon_order_id,
      marketplace_id, status, fulfillment_channel, order_total, currency,
      purchased_at, last_updated_at)
    select ${storeId}::uuid, 'O' || g, 'ATVPDKIKX0DER', 'Shipped', 'AFN',
      (g % 9000) / 100.0 + 5, 'USD',
      timestamptz '2025-01-01' + (g % 700) * interval '1 day',
      timestamptz '2025-01-01' + (g % 700) * interval '1 day'
    from generate_series(1, ${ORDERS}) g`);
  await owner.execute(
    sql`alter table orders enable trigger orders_daily_insert`,
  );
  await owner.execute(sql`analyze`);
  console.log(
    `\n${engine}: seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // The order list as the orders screen reads it: one page, newest first.
  const principal = { userId: "", storeIds: [storeId] };
  const readOnce = async () => {
    const s = performance.now();
    await b.db.asUser(
      principal,
      (tx) =>
        tx.execute(sql`select amazon_order_id, status, order_total, currency,
          purchased_at from orders where store_id = ${storeId}::uuid
        order by purchased_at desc limit 50 offset ${
          Math.floor(Math.random() * 20) * 50
        }`),
    );
    return performance.now() - s;
  };
  const readFor = async (until: () => boolean) => {
    const xs: number[] = [];
    while (!until()) xs.push(await readOnce());
    return xs;
  };
  for (let i = 0; i < 20; i++) await readOnce(); // warm up
  const startBase = performance.now();
  const base = await readFor(() => performance.now() - startBase > READ_MS);

  // One unbatched DELETE of the same rows, rolled back.
  const rollback = new Error("rollback");
  const d0 = performance.now();
  let deletedOnce = 0;
  await owner.transaction(async (tx) => {
    const r = await tx.execute(sql`delete from buyer_pii
      where store_id = ${storeId}::uuid
        and coalesce(purge_after, collected_at + interval '30 days')
          <= ${NOW.toISOString()}::timestamptz`);
    const res = r as { rowCount?: number; count?: number };
    deletedOnce = Number(res.rowCount ?? res.count ?? 0);
    throw rollback;
  }).catch((e) => {
    if (e !== rollback) throw e;
  });
  const deleteMs = performance.now() - d0;
  if (engine === "postgres") await owner.execute(sql`vacuum buyer_pii`);

  // The purge, with order-list reads running beside it.
  let done = false;
  const p0 = performance.now();
  const reads = readFor(() => done);
  const out = await purgeStore(
    { db: b.db, now: () => NOW, batchSize: BATCH },
    storeId,
  );
  const purgeMs = performance.now() - p0;
  done = true;
  const during = await reads;
  const purged = out.status === "done"
    ? out.counts.find((c) => c.table === "buyer_pii")!.deleted
    : 0;
  const [left] = rowsOf<{ n: number }>(
    await owner.execute(sql`select count(*)::int as n from buyer_pii`),
  );

  const ratio = purgeMs / deleteMs;
  const readRatio = p95(during) / p95(base);
  console.log(
    [
      `  DELETE (one statement): ${(deleteMs / 1000).toFixed(2)} s for ${
        deletedOnce.toLocaleString("en")
      } rows`,
      `  purge (batched):        ${(purgeMs / 1000).toFixed(2)} s for ${
        purged.toLocaleString("en")
      } rows (${left.n.toLocaleString("en")} left)`,
      `  purge / DELETE:         ${ratio.toFixed(2)}× (target ≤ 2×) ${
        ratio <= 2 ? "ok" : "OVER"
      }`,
      `  order-list p95 alone:   ${
        p95(base).toFixed(2)
      } ms (${base.length} reads)`,
      `  order-list p95 during:  ${
        p95(during).toFixed(2)
      } ms (${during.length} reads)`,
      `  reads during / alone:   ${readRatio.toFixed(2)}× (target ≤ 2×) ${
        readRatio <= 2 ? "ok" : "OVER"
      }`,
    ].join("\n"),
  );
}
