import assert from "node:assert/strict";
import { getTableColumns, type SQL, sql } from "drizzle-orm";
import { getTableConfig, type PgTable } from "drizzle-orm/pg-core";
import { type Database, rowsOf } from "../../db/client.ts";
import {
  accessReviewItems,
  apiRequestLog,
  auditEvents,
  buyerPii,
  buyerPiiExtensions,
  canaryRecords,
  legalHolds,
  purgeLeases,
  purgeRecords,
  skuCosts,
  storeCredentials,
  storeDisconnections,
  storeGrants,
  stores,
  storeScopedTables,
} from "../../db/schema.ts";
import { BUYER_PII_PURPOSE } from "../../lib/ingest/buyer_pii.ts";
import {
  generateStore,
  MARKETPLACES,
  planStores,
  Rng,
} from "../../sandbox/testing.ts";
import { seedDatabase, type SeedSummary } from "../../bench/seed.ts";
import { storeIdOf } from "../../bench/seed_rows.ts";
import { parseSeedFlags } from "../../bench/seed_task.ts";
import {
  createVault,
  generateVaultKey,
  type Vault,
} from "../../lib/security/vault.ts";
import { openTestDatabase } from "../_helpers/test_db.ts";

const ANCHOR = new Date("2026-11-01T00:00:00Z");
const SMALL = { stores: 2, orders: 300, days: 60, anchor: ANCHOR };
const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Store-scoped tables that hold staff and security records, or Amazon
 * credentials, rather than seller data; the generator leaves them empty.
 */
const NOT_SEEDED: readonly PgTable[] = [
  storeGrants,
  auditEvents,
  accessReviewItems,
  storeCredentials,
  storeDisconnections,
  // Retention records what happens to a store's data; seeding makes none.
  legalHolds,
  purgeRecords,
  purgeLeases,
  buyerPiiExtensions,
  // Entered by people, never synced: finance's costs of goods (the profit
  // screen flags every SKU without one) and owners' canary records.
  skuCosts,
  canaryRecords,
];

/** All tables a seeded store has rows in, plus the stores table itself. */
const HASHED: PgTable[] = [stores, ...storeScopedTables];

function orderBy(table: PgTable): SQL {
  const config = getTableConfig(table);
  const pk = config.primaryKeys[0]?.columns ??
    Object.values(getTableColumns(table)).filter((c) => c.primary);
  return sql.join(pk.map((c) => sql.identifier(c.name)), sql`, `);
}

function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value).sort().map((
        k,
      ) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * SHA-256 per table over rows in primary-key order, read through row-level
 * security as a principal holding every seeded store. The API log's identity
 * column is left out, and buyer data is compared decrypted (its JWE nonce is
 * random).
 */
async function tableHashes(
  db: Database,
  vault: Vault,
  storeIds: string[],
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  await db.asUser({ userId: "", storeIds }, async (tx) => {
    for (const table of HASHED) {
      const name = getTableConfig(table).name;
      const rows = rowsOf<Record<string, unknown>>(
        await tx.execute(
          sql`select * from ${table} order by ${orderBy(table)}`,
        ),
      );
      const lines: string[] = [];
      for (const row of rows) {
        if (table === apiRequestLog) delete row.id;
        if (table === buyerPii) {
          row.payload_jwe = JSON.parse(
            await vault.open(row.payload_jwe as string, BUYER_PII_PURPOSE),
          );
        }
        lines.push(JSON.stringify(canonical(row)));
      }
      const digest = await crypto.subtle.digest(
        "SHA-256",
        new TextEncoder().encode(`${rows.length}\n${lines.join("\n")}`),
      );
      out[name] = Array.from(
        new Uint8Array(digest),
        (b) => b.toString(16).padStart(2, "0"),
      ).join("");
    }
  });
  return out;
}

async function query<T = Record<string, unknown>>(
  db: Database,
  storeIds: string[],
  q: SQL,
): Promise<T[]> {
  return await db.asUser(
    { userId: "", storeIds },
    async (tx) => rowsOf<T>(await tx.execute(q)),
  );
}

Deno.test("seed: the generator is pure, well-formed and streams orders in batches", () => {
  const opts = { seed: "gen", ...SMALL, stores: 4, orders: 5000, days: 400 };
  const a = planStores(opts);
  const b = planStores(opts);
  assert.equal(JSON.stringify(a), JSON.stringify(b));
  assert.equal(a.reduce((n, s) => n + s.orders, 0), 5000);
  for (const s of a) {
    assert.match(storeIdOf(s), UUID_V4);
    assert.match(s.sellerId, /^A[A-Z0-9]{13}$/);
    assert.ok(s.marketplaces.length >= 1 && s.marketplaces.length <= 3);
    for (const m of s.marketplaces) assert.equal(m.region, s.region);
    for (const p of s.products) assert.match(p.asin, /^B0[A-Z0-9]{8}$/);
    assert.equal(new Set(s.products.map((p) => p.sku)).size, s.products.length);
  }
  assert.deepEqual(a.slice(0, 3).map((s) => s.region), ["NA", "EU", "FE"]);
  assert.ok(a[0].brand);
  assert.notEqual(
    JSON.stringify(planStores({ ...opts, seed: "other" })),
    JSON.stringify(a),
  );

  let orders = 0;
  const ids = new Set<string>();
  for (const batch of generateStore(a[0], { ...opts, ordersPerBatch: 500 })) {
    assert.ok(batch.orders <= 500);
    orders += batch.orders;
    for (const o of batch.records.orders ?? []) {
      assert.match(o.AmazonOrderId, /^\d{3}-\d{7}-\d{7}$/);
      ids.add(o.AmazonOrderId);
      assert.ok(Date.parse(o.PurchaseDate) < ANCHOR.getTime());
      assert.ok(Date.parse(o.LastUpdateDate) <= ANCHOR.getTime());
    }
  }
  assert.equal(orders, a[0].orders);
  assert.equal(ids.size, a[0].orders);

  const r1 = new Rng(42), r2 = new Rng("42");
  for (let i = 0; i < 100; i++) assert.equal(r1.uint32(), r2.uint32());
  assert.match(new Rng(7).uuid(), UUID_V4);
});

Deno.test("seed: no clock and no Math.random in the generator", async () => {
  for (
    const file of [
      "sandbox/world/random.ts",
      "sandbox/world/generate.ts",
      "sandbox/world/reference.ts",
      "bench/seed.ts",
      "bench/seed_rows.ts",
    ]
  ) {
    const src = await Deno.readTextFile(
      new URL(`../../${file}`, import.meta.url),
    );
    assert.ok(!/Math\.random\(/.test(src), `${file} uses Math.random`);
    assert.ok(!/Date\.now|new Date\(\)/.test(src), `${file} reads the clock`);
  }
});

Deno.test("seed: flags are validated with clear messages", () => {
  assert.deepEqual(
    parseSeedFlags([
      "--stores",
      "3",
      "--orders",
      "100000",
      "--days",
      "730",
      "--seed",
      "42",
      "--anchor",
      "2026-11-01",
    ]),
    {
      stores: 3,
      orders: 100000,
      days: 730,
      seed: "42",
      anchor: new Date("2026-11-01T00:00:00Z"),
    },
  );
  assert.equal(parseSeedFlags(["--help"]), "help");
  assert.throws(
    () => parseSeedFlags(["--stores", "0"]),
    /--stores must be at least 1/,
  );
  assert.throws(
    () => parseSeedFlags(["--orders", "ten"]),
    /--orders must be a whole number/,
  );
  assert.throws(
    () => parseSeedFlags(["--anchor", "2026-02-30"]),
    /--anchor is not a real date/,
  );
  assert.throws(() => parseSeedFlags(["--nope"]), /nope/);
});

Deno.test("seed: deterministic, complete and consistent data", async (t) => {
  const vault = createVault([{ kid: "test", key: generateVaultKey() }]);
  await using one = await openTestDatabase();
  await using two = await openTestDatabase();
  await using three = await openTestDatabase();
  const first = await seedDatabase(one.db, vault, { seed: 42, ...SMALL });
  const second = await seedDatabase(two.db, vault, { seed: "42", ...SMALL });
  const other = await seedDatabase(three.db, vault, { seed: 43, ...SMALL });
  const ids = first.stores.map((s) => s.id);
  const hashes = await tableHashes(one.db, vault, ids);

  await t.step("the same seed and anchor give identical content", async () => {
    assert.deepEqual(second.stores.map((s) => s.id), ids);
    assert.deepEqual(await tableHashes(two.db, vault, ids), hashes);
    assert.deepEqual(second.tables, first.tables);
  });

  await t.step("a different seed gives different content", async () => {
    const otherIds = other.stores.map((s) => s.id);
    assert.notDeepEqual(otherIds, ids);
    const otherHashes = await tableHashes(three.db, vault, otherIds);
    for (const name of ["orders", "order_items", "products", "settlements"]) {
      assert.notEqual(otherHashes[name], hashes[name], name);
    }
  });

  await t.step("every store-scoped category has rows", async () => {
    for (const table of storeScopedTables) {
      if (NOT_SEEDED.includes(table)) continue;
      const name = getTableConfig(table).name;
      const [{ n }] = await query<{ n: number }>(
        one.db,
        ids,
        sql`select count(*)::int as n from ${table}`,
      );
      assert.ok(n > 0, `${name} is empty`);
    }
    const [{ n }] = await query<{ n: number }>(
      one.db,
      ids,
      sql`select count(*)::int as n from orders`,
    );
    assert.equal(n, SMALL.orders);
  });

  await t.step("order totals equal the sum of their items", async () => {
    const inclusive = MARKETPLACES.filter((m) => m.taxInclusive).map((m) =>
      sql`${m.id}`
    );
    const bad = await query(
      one.db,
      ids,
      sql`
      select o.amazon_order_id, o.order_total, x.total, x.items
      from orders o
      join lateral (
        select count(*) as items,
               bool_and(i.item_price is null) as unpriced,
               sum(i.item_price + i.shipping_price - i.promotion_discount +
                   case when o.marketplace_id in (${
        sql.join(inclusive, sql`, `)
      })
                        then 0 else i.item_tax end) as total
        from order_items i
        where i.store_id = o.store_id and i.amazon_order_id = o.amazon_order_id
      ) x on true
      where x.items not between 1 and 4
         or (o.order_total is null and not x.unpriced)
         or (o.order_total is not null and o.order_total <> x.total)
         or (o.status = 'Canceled') <> (o.order_total is null)`,
    );
    assert.deepEqual(bad, []);
    const timeline = await query(
      one.db,
      ids,
      sql`
      select amazon_order_id from orders
      where shipped_at < purchased_at or delivered_at <= shipped_at
         or last_updated_at > ${ANCHOR.toISOString()}::timestamptz
         or (status in ('Shipped', 'Delivered')) <> (shipped_at is not null)
         or (status = 'Delivered') <> (delivered_at is not null)`,
    );
    assert.deepEqual(timeline, []);
    const statuses = await query<{ status: string }>(
      one.db,
      ids,
      sql`select distinct status from orders order by status`,
    );
    assert.ok(statuses.length >= 3, JSON.stringify(statuses));
  });

  await t.step("settlement lines sum to the settlement total", async () => {
    const rows = await query<{ bad: number; n: number }>(
      one.db,
      ids,
      sql`
      select count(*) filter (where s.total_amount <> coalesce(l.total, 0))::int as bad,
             count(*)::int as n
      from settlements s
      left join (select store_id, settlement_id, sum(amount) as total
                 from settlement_lines group by 1, 2) l
        using (store_id, settlement_id)`,
    );
    assert.equal(rows[0].bad, 0);
    assert.ok(rows[0].n > 0);
    const fees = await query(
      one.db,
      ids,
      sql`
      select e.event_id from financial_events e
      where e.event_type in ('ShipmentEvent', 'RefundEvent', 'ServiceFeeEvent')
        and not exists (select 1 from fees f
                        where f.store_id = e.store_id and f.event_id = e.event_id)`,
    );
    assert.deepEqual(fees, []); // shipments, refunds and service fees have fee lines
  });

  await t.step(
    "ad metrics: clicks ≤ impressions, orders ≤ clicks, campaigns sum their targets",
    async () => {
      const bad = await query(
        one.db,
        ids,
        sql`select entity_id, day from ad_metrics_daily
          where clicks > impressions or orders > clicks or spend < 0 or sales < 0`,
      );
      assert.deepEqual(bad, []);
      const sums = await query(
        one.db,
        ids,
        sql`
      select c.entity_id, c.day from ad_metrics_daily c
      join (select store_id, campaign_id, day, sum(impressions) as imp,
                   sum(clicks) as clk, sum(spend) as spend
            from ad_metrics_daily where entity_type <> 'campaign'
            group by 1, 2, 3) k
        on k.store_id = c.store_id and k.campaign_id = c.entity_id and k.day = c.day
      where c.entity_type = 'campaign'
        and (c.impressions <> k.imp or c.clicks <> k.clk or c.spend <> k.spend)`,
      );
      assert.deepEqual(sums, []);
    },
  );

  await t.step(
    "buyer data: MFN orders only, within 30 days of delivery",
    async () => {
      const bad = await query(
        one.db,
        ids,
        sql`
      select p.amazon_order_id from buyer_pii p
      join orders o using (store_id, amazon_order_id)
      where o.fulfillment_channel <> 'MFN'
         or p.purge_after <= ${ANCHOR.toISOString()}::timestamptz
         or (o.delivered_at is not null
             and p.purge_after <> o.delivered_at + interval '30 days')`,
      );
      assert.deepEqual(bad, []);
      const [row] = await query<{ payload_jwe: string }>(
        one.db,
        ids,
        sql`select payload_jwe from buyer_pii limit 1`,
      );
      const payload = JSON.parse(
        await vault.open(row.payload_jwe, BUYER_PII_PURPOSE),
      );
      assert.match(payload.email, /@example\.invalid$/);
    },
  );

  await t.step(
    "seeding again rewrites the same rows and adds none",
    async () => {
      const again: SeedSummary = await seedDatabase(one.db, vault, {
        seed: 42,
        ...SMALL,
      });
      assert.ok(again.stores.every((s) => !s.registered));
      for (const [table, r] of Object.entries(again.tables)) {
        assert.equal(r.inserted, 0, table);
        const before = first.tables[table];
        const expected = table === "api_request_log"
          ? 0
          : before.inserted + before.updated;
        assert.equal(r.updated, expected, table);
      }
      assert.deepEqual(await tableHashes(one.db, vault, ids), hashes);
    },
  );
});
