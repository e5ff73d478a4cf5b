// The finance read models called as other modules call them: the settled
// lines of given orders (for profit at settlement time), and the
// reconciliation of every settlement of the sandbox's own world, whose
// settlements, orders and events are consistent by construction — so each
// must tie out with no discrepancy, whatever store, currency or period.
import assert from "node:assert/strict";
import { seedDatabase } from "../../bench/seed.ts";
import { settlements } from "../../db/schema.ts";
import { reconcileSettlementTx } from "../../lib/finance/reconciliation.ts";
import { settledLinesForOrders } from "../../lib/finance/settlements.ts";
import { openTestApp } from "../_helpers/app.ts";
import { O, seedFinance } from "../_helpers/finance_fixture.ts";
import { makeStore } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

Deno.test(`settledLinesForOrders (${testEngine}): every settled line of the orders asked for, with its settlement`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  await seedFinance(s, a);
  const lines = await s.t.db.asJob(
    a,
    (tx) => settledLinesForOrders(tx, a, [O.o1, O.o2, O.o5]),
  );
  assert.deepEqual(
    lines.map((l) =>
      `${l.settlementId} ${l.amazonOrderId} ${l.kind} ${l.amount}`
    ),
    [
      `1001 ${O.o1} orders 20.00`,
      `1001 ${O.o1} orders 5.00`,
      `1001 ${O.o1} orders 1.60`,
      `1001 ${O.o1} orders -1.60`,
      `1001 ${O.o1} orders -2.00`,
      `1001 ${O.o1} fees -3.45`,
      `1001 ${O.o1} fees -4.10`,
      `1001 ${O.o2} refunds -10.00`,
      `1001 ${O.o2} refunds 1.50`,
      `1001 ${O.o2} refunds -0.30`,
    ],
  );
  assert.equal(lines[0].depositAt?.toISOString(), "2026-03-17T09:00:00.000Z");
  // Another store's scope sees none of them.
  assert.deepEqual(
    await s.t.db.asJob(b, (tx) => settledLinesForOrders(tx, a, [O.o1])),
    [],
  );
});

Deno.test(`reconciliation (${testEngine}): every settlement of the sandbox's world ties out`, async () => {
  await using s = await openTestApp();
  const seeded = await seedDatabase(s.t.db, s.vault, {
    seed: 7,
    stores: 2,
    orders: 300,
    days: 60,
    anchor: new Date("2026-06-01T00:00:00Z"),
  });
  const all = await ownerOf(s.t.db).select().from(settlements);
  assert.ok(all.length >= 4, `${all.length} settlements`);
  assert.ok(new Set(all.map((x) => x.currency)).size >= 2, "two currencies");
  let orders = 0;
  for (const x of all) {
    const r = (await s.t.db.asJob(
      x.storeId,
      (tx) => reconcileSettlementTx(tx, x.storeId, x.settlementId),
    ))!;
    assert.deepEqual(r.discrepancies, [], `${x.settlementId} ties out`);
    assert.ok(r.ties.every((t) => t.tiesOut));
    orders += r.ordersSettled;
  }
  assert.ok(orders > 0 && seeded.stores.length === 2);
});
