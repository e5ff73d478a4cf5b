// /profit, its export, the cost of goods and the currency rates (issue #16)
// through the real app on the fixed data set of
// tests/_helpers/profit_fixture.ts (figures worked out by hand there and in
// tests/lib/profit_test.ts): both ways side by side, currencies apart, the
// SKU without a cost flagged, conversion at one day's rates, imports that
// save nothing unless every line is valid, audits that count and never
// copy, and who may see or change what.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import {
  auditEvents,
  currencyRates,
  orderItems,
  orders,
  skuCosts,
} from "../../db/schema.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { RANGE, seedProfitFixture } from "../_helpers/profit_fixture.ts";
import { makeStaff, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const RANGE_QUERY = `from=${RANGE.from}&to=${RANGE.to}`;

function get(s: TestApp, path: string, who: TestStaff) {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: { cookie: who.cookie, "accept-language": "en" },
  });
}

function post(
  s: TestApp,
  path: string,
  who: TestStaff,
  form: Record<string, string>,
) {
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      cookie: who.cookie,
      origin: ORIGIN,
      "accept-language": "en",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form).toString(),
  });
}

function upload(
  s: TestApp,
  path: string,
  who: TestStaff,
  fields: Record<string, string>,
  csv: string,
) {
  const body = new FormData();
  for (const [k, v] of Object.entries(fields)) body.set(k, v);
  body.set("file", new File([csv], "costs.csv", { type: "text/csv" }));
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: { cookie: who.cookie, origin: ORIGIN, "accept-language": "en" },
    body,
  });
}

/** The text of the element with `attr`="value" (first), tags removed. */
function cellText(html: string, selector: RegExp): string {
  const m = selector.exec(html);
  assert.ok(m, `no match for ${selector}`);
  return m[1].replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}

async function world() {
  const s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const f = await seedProfitFixture(s.t.db);
  const finance = await makeStaff(s, "finance", {
    storeIds: [f.storeA, f.storeB],
  });
  return { s, f, finance };
}

Deno.test(`/profit (${testEngine}): both ways side by side, each currency on its own, the SKU without a cost flagged`, async () => {
  const { s, f, finance } = await world();
  await using _ = s;
  const res = await get(s, `/profit?${RANGE_QUERY}`, finance);
  assert.equal(res.status, 200);
  const html = await res.text();
  // Totals per currency: USD 19.00 at order time (6.00 + 13.00), −4.50 at
  // settlement; GBP 25.00 both ways; never one total of both.
  const usd = cellText(
    html,
    /<tr data-currency="USD">([\s\S]*?)<\/tr>/,
  );
  assert.match(usd, /\$100\.00/); // sales 50 + 30 + 20
  assert.match(usd, /\$19\.00/);
  assert.match(usd, /-\$4\.50/);
  assert.match(usd, /1 lines without a cost of goods left out/);
  const gbp = cellText(html, /<tr data-currency="GBP">([\s\S]*?)<\/tr>/);
  assert.match(gbp, /£40\.00/);
  assert.match(gbp, /£25\.00 £25\.00/);
  // The gap by component: refunds −22.00, reimbursements +11.50 (USD).
  assert.match(
    cellText(html, /<tr data-component="refunds">([\s\S]*?)<\/tr>/),
    /-\$22\.00/,
  );
  assert.match(
    cellText(html, /<tr data-component="reimbursements">([\s\S]*?)<\/tr>/),
    /\$11\.50/,
  );
  assert.match(
    cellText(html, /<tr data-component="profit">([\s\S]*?)<\/tr>/),
    /£0\.00 -\$10\.50/,
  );
  // SKU-C has no cost: listed, its row says so, and no profit is shown.
  assert.match(
    cellText(
      html,
      /<section[^>]*id="profit-no-cost"[^>]*>([\s\S]*?)<\/section>/,
    ),
    /SKU-C \(USD, Profit A/,
  );
  const skuC = cellText(
    html,
    /<tr data-key="SKU-C" data-currency="USD">([\s\S]*?)<\/tr>/,
  );
  assert.match(skuC, /no cost/);
  assert.match(skuC, /\$20\.00 — — \(no cost\)/);
  // SKU-B's fees are an estimate, and say so.
  assert.match(
    cellText(html, /<tr data-key="SKU-B" data-currency="USD">([\s\S]*?)<\/tr>/),
    /estimate.*-\$4\.50.*\$13\.00.*not settled/,
  );
  // The ads left on a day without sales.
  assert.match(
    cellText(html, /<p id="profit-unallocated">([\s\S]*?)<\/p>/),
    /\$5\.00/,
  );
  // The allocation rule is said on the page.
  assert.match(html, /in proportion to their sales/);
  // Per order: O1 links to its order page.
  const byOrder = await (await get(
    s,
    `/profit?${RANGE_QUERY}&by=order&store=${f.storeA}`,
    finance,
  )).text();
  assert.match(
    byOrder,
    new RegExp(`href="/orders/${f.storeA}/111-0000000-0000001"`),
  );
  assert.doesNotMatch(byOrder, /202-0000000-0000004/, "store B filtered out");
});

Deno.test(`/profit (${testEngine}): totals converted at one day's rates, and a missing rate named, not guessed`, async () => {
  const { s, finance } = await world();
  await using _ = s;
  const html = await (await get(
    s,
    `/profit?${RANGE_QUERY}&in=USD`,
    finance,
  )).text();
  const converted = cellText(
    html,
    /<section[^>]*id="profit-converted"[^>]*>([\s\S]*?)<\/section>/,
  );
  // 19.00 + 25.00 × 1.25 = 50.25, at the rates of 2026-06-30.
  assert.match(converted, /Converted into USD/);
  assert.match(converted, /rates of 2026-06-30/);
  assert.match(
    converted,
    /Sum of the currencies with a rate \$150\.00 \$50\.25/,
  );
  const eur = cellText(
    await (await get(s, `/profit?${RANGE_QUERY}&in=EUR`, finance)).text(),
    /<section[^>]*id="profit-converted"[^>]*>([\s\S]*?)<\/section>/,
  );
  assert.match(eur, /No EUR rate for 2026-06-30: GBP, USD not converted/);
  assert.match(eur, /rate missing/);
});

Deno.test(`/profit (${testEngine}): bad filters are a 400 that shows nothing; another store is a 404; without finance.read a 403`, async () => {
  const { s, f } = await world();
  await using _ = s;
  const financeB = await makeStaff(s, "finance", { storeIds: [f.storeB] });
  const bad = await get(s, "/profit?from=2026-02-31", financeB);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Not a real date/);
  const long = await get(s, "/profit?from=2024-01-01&to=2026-01-01", financeB);
  assert.equal(long.status, 400);
  await long.body?.cancel();
  const other = await get(s, `/profit?store=${f.storeA}`, financeB);
  assert.equal(other.status, 404);
  await other.body?.cancel();
  const mine = await (await get(s, `/profit?${RANGE_QUERY}`, financeB)).text();
  assert.doesNotMatch(mine, /SKU-B|SKU-C/);
  for (const role of ["advertising", "support", "operations"] as const) {
    const who = await makeStaff(s, role, { storeIds: [f.storeA] });
    const res = await get(s, "/profit", who);
    assert.equal(res.status, 403, role);
    await res.body?.cancel();
  }
});

Deno.test(`/profit.csv (${testEngine}): profit per SKU both ways, one row per currency, audited with its count`, async () => {
  const { s, f, finance } = await world();
  await using _ = s;
  const res = await get(s, `/profit.csv?${RANGE_QUERY}`, finance);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /text\/csv/);
  const lines = (await res.text()).trim().split("\r\n");
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) =>
    Object.fromEntries(l.split(",").map((v, i) => [header[i], v]))
  );
  assert.equal(rows.length, 4);
  const a = rows.find((r) => r.sku === "SKU-A" && r.currency === "USD")!;
  assert.equal(a.store_id, f.storeA);
  assert.equal(a.sales, "50.00");
  assert.equal(a.cost_of_goods, "23.00");
  assert.equal(a.ad_spend, "7.50");
  assert.equal(a.fees_order_time, "-13.50");
  assert.equal(a.profit_order_time, "6.00");
  assert.equal(a.refunds, "-22.00");
  assert.equal(a.reimbursements, "11.50");
  assert.equal(a.profit_settlement_time, "-4.50");
  assert.equal(a.gap_profit, "-10.50");
  const c = rows.find((r) => r.sku === "SKU-C")!;
  assert.equal(c.lines_without_cost, "1");
  assert.equal(c.profit_order_time, "");
  assert.equal(c.cost_of_goods, "");
  const gbp = rows.find((r) => r.currency === "GBP")!;
  assert.equal(gbp.profit_order_time, "25.00");
  const [audit] = await ownerOf(s.t.db).select().from(auditEvents).where(
    and(eq(auditEvents.action, "export.csv"), eq(auditEvents.target, "profit")),
  );
  assert.equal(audit.outcome, "success");
  assert.equal((audit.details as { rows: number }).rows, 4);
  // Finance of a role without export.csv: none. Support cannot at all.
  const support = await makeStaff(s, "support", { storeIds: [f.storeA] });
  const refused = await get(s, "/profit.csv", support);
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
});

Deno.test(`/profit/costs (${testEngine}): a CSV with an error line saves nothing and says which line; a valid one saves every line, audited by count`, async () => {
  const { s, f, finance } = await world();
  await using _ = s;
  const countCosts = async () =>
    (await ownerOf(s.t.db).select().from(skuCosts).where(
      eq(skuCosts.storeId, f.storeA),
    )).length;
  const before = await countCosts();
  const bad = await upload(
    s,
    "/profit/costs/import",
    finance,
    { store: f.storeA },
    "sku,currency,effective_from,unit_cost,inbound_shipping,duty\n" +
      "SKU-C,USD,2026-01-01,3.00,,\n" +
      "<b>SKU-D</b>,USD,2026-13-01,abc,0,0\n",
  );
  assert.equal(bad.status, 400);
  const badHtml = await bad.text();
  const problems = cellText(
    badHtml,
    /<div role="alert" id="import-problems"[^>]*>([\s\S]*?)<\/div>/,
  );
  assert.match(problems, /Nothing was saved: 2 problems/);
  assert.match(problems, /Line 3, From \(day\): a real day/);
  assert.match(problems, /Line 3, Cost per unit: an amount/);
  assert.equal(await countCosts(), before, "nothing saved");
  const good = await upload(
    s,
    "/profit/costs/import",
    finance,
    { store: f.storeA },
    "sku,currency,effective_from,unit_cost,inbound_shipping,duty\r\n" +
      "SKU-C,USD,2026-01-01,3.00,,\r\n" +
      "SKU-D,usd,2026-06-01,1.25,0.10,0.05\r\n",
  );
  assert.equal(good.status, 200);
  assert.match(await good.text(), /2 costs imported/);
  assert.equal(await countCosts(), before + 2);
  const audits = await ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, "profit.costs.import"),
  );
  assert.deepEqual(
    audits.map((a) => [a.outcome, a.details]),
    [["failure", { problems: 2 }], ["success", { rows: 2 }]],
  );
  assert.ok(!JSON.stringify(audits).includes("SKU-D"), "no contents");
  // With a cost, SKU-C now has a profit: 20.00 − 3.00 − 3.00 = 14.00.
  const html = await (await get(s, `/profit?${RANGE_QUERY}`, finance)).text();
  assert.match(
    cellText(html, /<tr data-key="SKU-C" data-currency="USD">([\s\S]*?)<\/tr>/),
    /\$14\.00/,
  );
  assert.doesNotMatch(html, /id="profit-no-cost"/);
});

Deno.test(`/profit/costs (${testEngine}): the form refuses a bad field beside it; costs.manage only; another store's cost refused`, async () => {
  const { s, f, finance } = await world();
  await using _ = s;
  const bad = await post(s, "/profit/costs", finance, {
    store: f.storeA,
    sku: "SKU-Z",
    currency: "US",
    effective_from: "2026-06-01",
    unit_cost: "2.00",
  });
  assert.equal(bad.status, 400);
  const html = await bad.text();
  assert.match(html, /id="f-currency-error"[^>]*>a three-letter currency code/);
  assert.match(html, /value="SKU-Z"/);
  const saved = await post(s, "/profit/costs", finance, {
    store: f.storeA,
    sku: "SKU-Z",
    currency: "USD",
    effective_from: "2026-06-01",
    unit_cost: "2.00",
    inbound_shipping: "",
    duty: "",
  });
  assert.equal(saved.status, 200);
  assert.match(await saved.text(), /Cost of SKU-Z saved/);
  const rows = await ownerOf(s.t.db).select().from(skuCosts).where(
    eq(skuCosts.sku, "SKU-Z"),
  );
  assert.equal(rows.length, 1);
  assert.equal(Number(rows[0].unitCost), 2);
  // Another store's cost: refused, nothing saved.
  const financeB = await makeStaff(s, "finance", { storeIds: [f.storeB] });
  const other = await post(s, "/profit/costs", financeB, {
    store: f.storeA,
    sku: "SKU-Y",
    currency: "USD",
    effective_from: "2026-06-01",
    unit_cost: "2.00",
  });
  assert.equal(other.status, 400);
  assert.match(
    await other.text(),
    /id="f-store-error"[^>]*>not one of your stores/,
  );
  assert.equal(
    (await ownerOf(s.t.db).select().from(skuCosts).where(
      eq(skuCosts.sku, "SKU-Y"),
    )).length,
    0,
  );
  // An admin reads profit but does not enter costs (finance and owner do).
  const admin = await makeStaff(s, "admin");
  const refused = await post(s, "/profit/costs", admin, { store: f.storeA });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  const list = await get(s, "/profit/costs", admin);
  const listHtml = await list.text();
  assert.match(listHtml, /Entering costs needs the permission/);
  assert.match(listHtml, /SKU-Z/);
  const template = await get(s, "/profit/costs/template.csv", finance);
  assert.match(
    await template.text(),
    /^sku,currency,effective_from,unit_cost,inbound_shipping,duty\r\n/,
  );
});

Deno.test(`/profit/rates (${testEngine}): a rate file with an error saves nothing; a valid one is used by the conversion`, async () => {
  const { s, finance } = await world();
  await using _ = s;
  const count = async () =>
    (await ownerOf(s.t.db).select().from(currencyRates)).length;
  const before = await count();
  const bad = await upload(
    s,
    "/profit/rates/import",
    finance,
    {},
    "day,base,quote,rate\n2026-06-30,USD,EUR,0.92\n2026-06-30,GBP,GBP,1\n",
  );
  assert.equal(bad.status, 400);
  assert.match(
    await bad.text(),
    /Line 3, Quote: a currency other than the base/,
  );
  assert.equal(await count(), before);
  const good = await upload(
    s,
    "/profit/rates/import",
    finance,
    {},
    "day,base,quote,rate\n2026-06-30,USD,EUR,0.92\n2026-06-30,GBP,EUR,1.16\n",
  );
  assert.equal(good.status, 200);
  assert.match(await good.text(), /2 rates imported/);
  const html = await (await get(
    s,
    `/profit?${RANGE_QUERY}&in=EUR`,
    finance,
  )).text();
  // 19.00 × 0.92 = 17.48; 25.00 × 1.16 = 29.00; together 46.48.
  const converted = cellText(
    html,
    /<section[^>]*id="profit-converted"[^>]*>([\s\S]*?)<\/section>/,
  );
  assert.doesNotMatch(converted, /rate missing/);
  assert.match(converted, /€46\.48/);
  const form = await post(s, "/profit/rates", finance, {
    day: "2026-07-01",
    base: "usd",
    quote: "jpy",
    rate: "150.5",
  });
  assert.equal(form.status, 200);
  const page = await form.text();
  assert.match(page, /Rate saved/);
  assert.match(
    page,
    /<th scope="row">2026-07-01<\/th><td>USD<\/td><td>JPY<\/td><td class="num">150\.5<\/td>/,
  );
});

Deno.test(`dashboard (${testEngine}): finance is told of SKUs sold in 30 days without a cost, until one is entered`, async () => {
  const { s, f, finance } = await world();
  await using _ = s;
  const at = new Date(Date.now() - 2 * 86_400_000);
  await ownerOf(s.t.db).insert(orders).values({
    storeId: f.storeA,
    amazonOrderId: "111-0000000-0000009",
    marketplaceId: "ATVPDKIKX0DER",
    status: "Shipped",
    fulfillmentChannel: "AFN",
    orderTotal: "9.00",
    currency: "USD",
    purchasedAt: at,
    lastUpdatedAt: at,
  });
  await ownerOf(s.t.db).insert(orderItems).values({
    storeId: f.storeA,
    amazonOrderId: "111-0000000-0000009",
    orderItemId: "x1",
    asin: "B0NEWNEWNE",
    sku: "SKU-NEW",
    quantity: 1,
    itemPrice: "9.00",
    currency: "USD",
  });
  const html = await (await get(s, "/", finance)).text();
  assert.match(
    cellText(
      html,
      /<article[^>]*id="costs-missing"[^>]*>([\s\S]*?)<\/article>/,
    ),
    /^1 SKUs sold in the last 30 days have no cost of goods/,
  );
  const ads = await makeStaff(s, "advertising", { storeIds: [f.storeA] });
  assert.doesNotMatch(await (await get(s, "/", ads)).text(), /costs-missing/);
  const saved = await post(s, "/profit/costs", finance, {
    store: f.storeA,
    sku: "SKU-NEW",
    currency: "USD",
    effective_from: "2026-01-01",
    unit_cost: "1.00",
  });
  assert.equal(saved.status, 200);
  await saved.body?.cancel();
  assert.doesNotMatch(
    await (await get(s, "/", finance)).text(),
    /costs-missing/,
  );
});
