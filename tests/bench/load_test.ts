// bench/load.ts keeps working: a tiny run end to end on PostgreSQL (seed,
// the real app on a loopback port, the separate load process, the raw SQL
// replay, the dashboard with and without aggregates). Figures are printed by
// the bench, never asserted here: only that every part ran and agreed.
import assert from "node:assert/strict";
import { testEngine } from "../_helpers/test_db.ts";
import { formatReport, parseLoadFlags, runLoad } from "../../bench/load.ts";
import { quantile } from "../../bench/load_client.ts";

Deno.test("load bench: flags and percentiles", () => {
  const o = parseLoadFlags(["--orders", "2000", "--depth", "7"]);
  assert.equal(o.orders, 2000);
  assert.equal(o.depth, 7);
  assert.equal(o.connections, 20);
  assert.equal(o.stores, 5);
  assert.throws(() => parseLoadFlags(["--orders", "0"]), /--orders/);
  assert.throws(
    () => parseLoadFlags(["--database", "x; drop"]),
    /--database/,
  );
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2);
  assert.equal(quantile([1, 2, 3, 4], 0.95), 4);
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

Deno.test({
  name: "load bench: a tiny run drives every page and replays its SQL",
  // The bench is PostgreSQL's (its targets are): it runs in the PostgreSQL
  // suite, once, not again beside PGlite.
  ignore: testEngine !== "postgres",
  async fn() {
    const report = await runLoad({
      orders: 600,
      stores: 2,
      days: 30,
      seed: "load-test",
      connections: 4,
      seconds: 1,
      depth: 3,
      status: "Shipped",
      poolSize: 4,
      adRows: 3000,
    });
    assert.equal(report.orders, 600);
    assert.equal(report.stores, 2);
    assert.ok(report.cursorChecked);
    assert.deepEqual(report.pages.map((p) => p.name), [
      "orders list, page 1",
      "orders list, page 3",
      "order page",
      "ads campaigns, 30 days",
      "ads keywords, 30 days",
      "dashboard",
    ]);
    assert.ok(report.adRows >= 3000);
    for (const p of report.pages) {
      assert.ok(p.http.requests > 0, p.name);
      assert.deepEqual(p.http.failures, {}, p.name);
      assert.ok(p.raw.runs > 0 && p.rawSerial.runs > 0, p.name);
      assert.ok(p.statements > 0 && p.transactions > 0, p.name);
      assert.ok(p.slowest.length > 0, p.name);
    }
    // The GROUP BY over the orders gives the aggregates' very figures.
    assert.ok(report.dashboard.sameFigures);
    assert.ok(report.dashboard.withAggregates.runs > 0);
    assert.ok(report.dashboard.withoutAggregates.runs > 0);
    assert.match(formatReport(report), /dashboard/);
  },
});
