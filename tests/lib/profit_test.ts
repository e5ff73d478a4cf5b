// Profit two ways (issue #16) on the small fixed data set of
// tests/_helpers/profit_fixture.ts, every expected figure worked out by hand
// (in minor units) in the comments, on the real database of both engines.
import assert from "node:assert/strict";
import { allocate, summarise } from "../../lib/profit/compute.ts";
import { parseImport } from "../../lib/profit/csv_import.ts";
import { COST_COLUMNS, costRow } from "../../lib/profit/costs.ts";
import { convertMinor } from "../../lib/profit/rates.ts";
import { loadProfit } from "../../lib/profit/read.ts";
import { profitScreen } from "../../lib/profit/screen.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import { openTestApp } from "../_helpers/app.ts";
import { RANGE, seedProfitFixture } from "../_helpers/profit_fixture.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";

async function world() {
  const s = await openTestApp();
  const f = await seedProfitFixture(s.t.db);
  const who = await makeStaff(s, "finance", { storeIds: [f.storeA, f.storeB] });
  const principal = (await loadPrincipal(s.t.db, who.id, who.sessionId))!;
  return { s, f, principal };
}

Deno.test("allocate: proportional whole units that add up exactly", () => {
  assert.deepEqual(allocate(1200, [5000, 3000]), [750, 450]);
  assert.deepEqual(allocate(100, [1, 1, 1]), [34, 33, 33]);
  assert.deepEqual(allocate(500, [0, 0]), [0, 0]);
});

Deno.test("convertMinor: a rate converts, a missing one stays missing", () => {
  assert.equal(convertMinor(2500, "GBP", "USD", "1.25"), 3125);
  assert.equal(convertMinor(2500, "GBP", "GBP", null), 2500);
  assert.equal(convertMinor(2500, "GBP", "EUR", null), null);
  assert.equal(convertMinor(1000, "USD", "JPY", "150.5"), 1505);
});

Deno.test(`profit (${testEngine}): an order with a refund and a reimbursement, both ways, and the gap by component`, async () => {
  const { s, f, principal } = await world();
  await using _ = s;
  const { lines } = await loadProfit(s.t.db, principal, {
    storeIds: [f.storeA, f.storeB],
    ...RANGE,
  });
  const o1 = lines.find((l) => l.amazonOrderId === "111-0000000-0000001")!;
  // Sales 50.00; cost 2 × 11.50 = 23.00; ads 12.00 × 50/80 = 7.50;
  // posted fees −7.50 − 6.00 = −13.50.
  assert.equal(o1.sales, 5000);
  assert.equal(o1.cogs, 2300);
  assert.equal(o1.ads, 750);
  assert.equal(o1.feeSource, "events");
  assert.equal(o1.fees, -1350);
  // Order time: 5000 − 1350 − 2300 − 750 = 600.
  assert.equal(o1.orderProfit, 600);
  // Settled: sales 5000, fees −1350, refund −2500 + 375 − 75 = −2200,
  // reimbursement +1150; 5000 − 1350 − 2200 + 1150 − 2300 − 750 = −450.
  assert.deepEqual(o1.settled, {
    sales: 5000,
    fees: -1350,
    refunds: -2200,
    reimbursements: 1150,
    other: 0,
  });
  assert.equal(o1.settlementProfit, -450);
  const [row] = summarise([o1], "order");
  // Gap −1050 = sales 0 + fees 0 + refunds −2200 + reimbursements +1150.
  assert.deepEqual(row.gap, {
    sales: 0,
    fees: 0,
    refunds: -2200,
    reimbursements: 1150,
    other: 0,
    profit: -1050,
  });
});

Deno.test(`profit (${testEngine}): before its events exist, an order's fees are the SKU's recent rate, an estimate`, async () => {
  const { s, f, principal } = await world();
  await using _ = s;
  const { lines } = await loadProfit(s.t.db, principal, {
    storeIds: [f.storeA],
    ...RANGE,
  });
  const o2 = lines.find((l) => l.amazonOrderId === "111-0000000-0000002")!;
  // O0: fees 6.00 on sales 40.00 = 15 %; 15 % of 30.00 = 4.50.
  assert.equal(o2.feeSource, "estimate");
  assert.equal(o2.fees, -450);
  assert.equal(o2.ads, 450);
  // 3000 − 450 − 800 − 450 = 1300; not settled.
  assert.equal(o2.orderProfit, 1300);
  assert.equal(o2.settled, null);
  assert.equal(o2.settlementProfit, null);
  // O0 (2026-05-20) is outside the report: it only made the rate.
  assert.ok(!lines.some((l) => l.amazonOrderId === "111-0000000-0000000"));
});

Deno.test(`profit (${testEngine}): a SKU without a cost is flagged and left out of the totals; two currencies are never summed`, async () => {
  const { s, f, principal } = await world();
  await using _ = s;
  const screen = await profitScreen(s.t.db, principal, [f.storeA, f.storeB], {
    ...RANGE,
    by: "sku",
    size: 50,
  });
  assert.deepEqual(screen.skusWithoutCost, [
    { storeId: f.storeA, sku: "SKU-C", currency: "USD" },
  ]);
  const c = screen.rows.find((r) => r.key === "SKU-C")!;
  assert.equal(c.missingCost, 1);
  assert.equal(c.orderProfit, null);
  assert.equal(c.settlementProfit, null);
  // One row per SKU and currency: SKU-A in USD (store A) and GBP (store B).
  assert.deepEqual(
    screen.rows.map((r) => `${r.key} ${r.currency}`).sort(),
    ["SKU-A GBP", "SKU-A USD", "SKU-B USD", "SKU-C USD"],
  );
  const byCurrency = new Map(screen.totals.map((t) => [t.currency, t]));
  assert.deepEqual([...byCurrency.keys()], ["GBP", "USD"]);
  const usd = byCurrency.get("USD")!;
  // Sales 5000 + 3000 + 2000; profit 600 + 1300 (SKU-C left out, counted).
  assert.equal(usd.sales, 10000);
  assert.equal(usd.orderProfit, 1900);
  assert.equal(usd.settlementProfit, -450);
  assert.equal(usd.missingCost, 1);
  assert.equal(usd.estimated, 1);
  const gbp = byCurrency.get("GBP")!;
  // 4000 − 600 − 900 = 2500 both ways.
  assert.equal(gbp.sales, 4000);
  assert.equal(gbp.orderProfit, 2500);
  assert.equal(gbp.settlementProfit, 2500);
  // 5.00 of ads on a day without sales is not hidden in a SKU.
  assert.deepEqual(screen.unallocatedAds, [{ currency: "USD", amount: 500 }]);
  assert.equal(screen.conversion, null);
});

Deno.test(`profit (${testEngine}): totals converted at one day's rates; a missing rate is missing, not guessed`, async () => {
  const { s, f, principal } = await world();
  await using _ = s;
  const q = { ...RANGE, by: "store" as const, size: 50 };
  const usd = await profitScreen(s.t.db, principal, [f.storeA, f.storeB], {
    ...q,
    in: "USD",
  });
  // Rates of 2026-06-30: GBP 2500 × 1.25 = 3125; USD 1900 as it is.
  assert.equal(usd.conversion!.day, "2026-06-30");
  assert.deepEqual(usd.conversion!.missing, []);
  assert.equal(usd.conversion!.orderProfit, 1900 + 3125);
  assert.equal(usd.conversion!.sales, 10000 + 5000);
  // EUR: the GBP rate is of 2026-06-29 and there is no USD rate at all.
  const eur = await profitScreen(s.t.db, principal, [f.storeA, f.storeB], {
    ...q,
    in: "EUR",
  });
  assert.deepEqual(eur.conversion!.missing, ["GBP", "USD"]);
  assert.equal(eur.conversion!.orderProfit, 0);
  const eur29 = await profitScreen(s.t.db, principal, [f.storeA, f.storeB], {
    ...q,
    in: "EUR",
    rateDay: "2026-06-29",
  });
  assert.deepEqual(eur29.conversion!.missing, ["USD"]);
  // 2500 × 1.15 = 2875.
  assert.equal(eur29.conversion!.orderProfit, 2875);
});

Deno.test(`profit (${testEngine}): another store's lines are not read`, async () => {
  const { s, f } = await world();
  await using _ = s;
  const who = await makeStaff(s, "finance", { storeIds: [f.storeB] });
  const principal = (await loadPrincipal(s.t.db, who.id, who.sessionId))!;
  // Asking for store A anyway: row-level security returns nothing of it.
  const { lines } = await loadProfit(s.t.db, principal, {
    storeIds: [f.storeA, f.storeB],
    ...RANGE,
  });
  assert.deepEqual(lines.map((l) => l.amazonOrderId), ["202-0000000-0000004"]);
});

Deno.test("cost CSV: per-line problems, nothing accepted unless every line is valid", () => {
  const bad = parseImport(
    [
      COST_COLUMNS.join(","),
      "SKU-1,USD,2026-01-01,4.20,,",
      "SKU-2,usd,2026-02-31,4.20,0,0",
      "SKU-3,JPY,2026-01-01,420.5,0,0",
      "SKU-1,USD,2026-01-01,5.00,0,0",
      ",USD,2026-01-01,-1,0,0",
    ].join("\n"),
    COST_COLUMNS,
    costRow,
    (r) => `${r.sku}|${r.currency}|${r.effective_from}`,
  );
  assert.equal(bad.ok, false);
  assert.deepEqual(!bad.ok && bad.problems, [
    { line: 3, field: "effective_from", code: "date" },
    { line: 4, field: "unit_cost", code: "precision" },
    { line: 5, field: null, code: "duplicate" },
    { line: 6, field: "sku", code: "required" },
    { line: 6, field: "unit_cost", code: "amount" },
  ]);
  const good = parseImport(
    `${COST_COLUMNS.join(",")}\r\nSKU-1,usd,2026-01-01,4.20,,\r\n`,
    COST_COLUMNS,
    costRow,
    (r) => r.sku,
  );
  assert.deepEqual(good, {
    ok: true,
    rows: [{
      sku: "SKU-1",
      currency: "USD",
      effective_from: "2026-01-01",
      unit_cost: "4.20",
      inbound_shipping: "0",
      duty: "0",
    }],
  });
  const columns = parseImport(
    "sku,price\nA,1\n",
    COST_COLUMNS,
    costRow,
    (r) => r.sku,
  );
  assert.equal(columns.ok, false);
  assert.ok(
    !columns.ok && columns.problems.some((p) => p.code === "missing_column"),
  );
});

Deno.test(`profit (${testEngine}): keyset pages yield every row once, in order`, async () => {
  const { s, f, principal } = await world();
  await using _ = s;
  const seen: string[] = [];
  let after: string | undefined;
  for (let i = 0; i < 10; i++) {
    const page = await profitScreen(
      s.t.db,
      principal,
      [f.storeA, f.storeB],
      { ...RANGE, by: "sku", size: 1, after },
    );
    seen.push(...page.rows.map((r) => `${r.key} ${r.currency}`));
    if (!page.next) break;
    after = page.next;
  }
  const all = await profitScreen(s.t.db, principal, [f.storeA, f.storeB], {
    ...RANGE,
    by: "sku",
    size: 50,
  });
  assert.deepEqual(seen, all.rows.map((r) => `${r.key} ${r.currency}`));
  assert.equal(seen.length, 4);
});
