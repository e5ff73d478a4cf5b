// Data Policy §5: a principal never reads, updates, deletes or inserts rows of
// a store outside its grants, whatever the stores, grants and rows are.
import assert from "node:assert/strict";
import fc from "fast-check";
import { eq, inArray, sql } from "drizzle-orm";
import { type Database, dbErrorMessage, rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { adMetricsDaily, orders, stores } from "../../db/schema.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const USER = "00000000-0000-4000-8000-000000000001";
const STORE_COUNT = 4;

async function makeStores(db: Database): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < STORE_COUNT; i++) {
    ids.push(
      await registerStore(db, {
        sellerId: `AFAKESELLER${i}`,
        region: "NA",
        name: `Store ${i}`,
        marketplaces: [],
      }),
    );
  }
  return ids;
}

function orderRow(storeId: string, n: number) {
  const at = new Date(Date.UTC(2026, 0, 1 + (n % 28)));
  return {
    storeId,
    amazonOrderId: `111-${String(n).padStart(7, "0")}-0000001`,
    marketplaceId: "ATVPDKIKX0DER",
    status: "Shipped",
    fulfillmentChannel: "AFN" as const,
    orderTotal: "10.00",
    currency: "USD",
    purchasedAt: at,
    lastUpdatedAt: at,
  };
}

const scenario = fc.record({
  rows: fc.array(fc.nat({ max: STORE_COUNT - 1 }), { maxLength: 24 }),
  granted: fc.subarray([0, 1, 2, 3]),
  target: fc.nat({ max: STORE_COUNT - 1 }),
});

Deno.test(`isolation (${testEngine}): a principal only ever touches its granted stores`, async () => {
  await using t = await openTestDatabase();
  const db = t.db;
  const owner = ownerOf(db);
  const ids = await makeStores(db);

  await fc.assert(
    fc.asyncProperty(scenario, async ({ rows, granted, target }) => {
      await owner.delete(orders);
      if (rows.length > 0) {
        await owner.insert(orders).values(
          rows.map((s, n) => orderRow(ids[s], n)),
        );
      }
      const grantedIds = granted.map((i) => ids[i]);
      const principal = { userId: USER, storeIds: grantedIds };
      const expected = rows.filter((s) => granted.includes(s)).length;

      // Read: exactly the granted stores' rows, and only granted stores.
      const seen = await db.asUser(principal, (tx) => tx.select().from(orders));
      assert.equal(seen.length, expected);
      assert.ok(seen.every((r) => grantedIds.includes(r.storeId)));
      const visibleStores = await db.asUser(
        principal,
        (tx) => tx.select({ id: stores.id }).from(stores),
      );
      assert.deepEqual(
        visibleStores.map((s) => s.id).sort(),
        [...grantedIds].sort(),
      );

      // Update and delete without a filter reach only granted rows.
      const updated = await db.asUser(
        principal,
        (tx) =>
          tx.update(orders).set({ status: "Touched" }).returning({
            s: orders.storeId,
          }),
      );
      assert.equal(updated.length, expected);
      const targetId = ids[target];
      const deleted = await db.asUser(
        principal,
        (tx) =>
          tx.delete(orders).where(eq(orders.storeId, targetId)).returning({
            s: orders.storeId,
          }),
      );
      const targetRows = rows.filter((s) => s === target).length;
      assert.equal(
        deleted.length,
        granted.includes(target) ? targetRows : 0,
      );
      const untouched = await owner.select().from(orders).where(
        inArray(orders.storeId, ids.filter((_, i) => !granted.includes(i))),
      );
      assert.ok(untouched.every((r) => r.status === "Shipped"));
      assert.equal(
        untouched.length,
        rows.filter((s) => !granted.includes(s)).length,
      );

      // Insert: allowed into a granted store, refused into any other.
      const insert = db.asUser(
        principal,
        (tx) => tx.insert(orders).values(orderRow(targetId, 9_999_999)),
      );
      if (granted.includes(target)) {
        await insert;
      } else {
        await assert.rejects(
          insert,
          (err) => /row-level security/.test(dbErrorMessage(err)),
        );
        const [{ n }] = rowsOf<{ n: number }>(
          await owner.execute(
            sql`select count(*)::int as n from orders where amazon_order_id = '111-9999999-0000001'`,
          ),
        );
        assert.equal(n, 0);
      }
    }),
    { numRuns: testEngine === "pglite" ? 40 : 80, seed: 20261129 },
  );
});

Deno.test(`isolation (${testEngine}): with no grant a principal sees nothing in any store table`, async () => {
  await using t = await openTestDatabase();
  const [a] = await makeStores(t.db);
  await ownerOf(t.db).insert(orders).values(orderRow(a, 1));
  await ownerOf(t.db).insert(adMetricsDaily).values({
    storeId: a,
    profileId: "1",
    day: "2026-01-01",
    entityType: "campaign",
    entityId: "c1",
    campaignId: "c1",
    impressions: 10,
    clicks: 1,
    spend: "1.00",
    orders: 0,
    sales: "0",
    currency: "USD",
  });
  const counts = await t.db.asUser(
    { userId: USER, storeIds: [] },
    async (tx) =>
      rowsOf<{ o: number; m: number; v: number; s: number }>(
        await tx.execute(sql`select
        (select count(*)::int from orders) as o,
        (select count(*)::int from ad_metrics_daily) as m,
        (select count(*)::int from ad_metrics_derived) as v,
        (select count(*)::int from stores) as s`),
      ),
  );
  assert.deepEqual(counts, [{ o: 0, m: 0, v: 0, s: 0 }]);
});

Deno.test(`isolation (${testEngine}): asJob sees exactly one store`, async () => {
  await using t = await openTestDatabase();
  const [a, b] = await makeStores(t.db);
  await ownerOf(t.db).insert(orders).values([orderRow(a, 1), orderRow(b, 2)]);
  const seen = await t.db.asJob(b, (tx) => tx.select().from(orders));
  assert.deepEqual(seen.map((r) => r.storeId), [b]);
  await assert.rejects(
    t.db.asJob(b, (tx) => tx.insert(orders).values(orderRow(a, 3))),
    (err) => /row-level security/.test(dbErrorMessage(err)),
  );
});

Deno.test(`isolation (${testEngine}): settings never leak to the next transaction on a pooled connection`, async () => {
  await using t = await openTestDatabase();
  const ids = await makeStores(t.db);
  await ownerOf(t.db).insert(orders).values(ids.map((s, n) => orderRow(s, n)));
  const role = await t.db.runtimeRole();

  // 200 interleaved transactions, each with its own grants, on a small pool.
  const results = await Promise.all(
    Array.from({ length: 200 }, (_, i) => {
      const grant = ids.filter((_, k) => (i >> k) & 1);
      return t.db.asUser({ userId: USER, storeIds: grant }, async (tx) => {
        const [row] = rowsOf<{ n: number; setting: string; role: string }>(
          await tx.execute(sql`select count(*)::int as n,
            current_setting('app.store_ids', true) as setting,
            current_user as role from orders`),
        );
        return { expected: grant.length, ...row, grant: grant.join(",") };
      });
    }),
  );
  for (const r of results) {
    assert.equal(r.n, r.expected);
    assert.equal(r.setting, r.grant);
    assert.equal(r.role, role);
  }

  // Afterwards, every connection is back to the owner with no stores set.
  const after = await Promise.all(
    Array.from(
      { length: 20 },
      async () =>
        rowsOf<{ setting: string | null; role: string }>(
          await ownerOf(t.db).execute(sql`select
          nullif(current_setting('app.store_ids', true), '') as setting,
          current_user as role`),
        )[0],
    ),
  );
  for (const row of after) {
    assert.equal(row.setting, null);
    assert.notEqual(row.role, role);
  }
  // An error inside a scoped transaction rolls the settings back too.
  await assert.rejects(
    t.db.asUser({ userId: USER, storeIds: ids }, async (tx) => {
      await tx.execute(sql`select 1`);
      throw new Error("boom");
    }),
    /boom/,
  );
  const [row] = rowsOf<{ setting: string | null }>(
    await ownerOf(t.db).execute(
      sql`select nullif(current_setting('app.store_ids', true), '') as setting`,
    ),
  );
  assert.equal(row.setting, null);
});

Deno.test(`isolation (${testEngine}): store ids that are not UUIDs are refused before SQL`, async () => {
  await using t = await openTestDatabase();
  await assert.rejects(
    t.db.asUser({ userId: USER, storeIds: ["1,2"] }, () => Promise.resolve()),
    /UUID/,
  );
  await assert.rejects(
    t.db.asUser({ userId: "x' or 1=1", storeIds: [] }, () => Promise.resolve()),
    /UUID/,
  );
});
