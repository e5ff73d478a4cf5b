// /finance on a small fixed data set (tests/_helpers/finance_fixture.ts)
// with hand-computed expectations (issue #16): the settlements list and its
// totals per currency (never summed across), a settlement's lines by kind,
// a reconciliation that ties out and one with each kind of discrepancy,
// the financial events browse, the exports (audited, finance.read too),
// store isolation (another store's settlement is a 404) and roles.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { auditEvents, settlements } from "../../db/schema.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { MARKUP, O, seedFinance } from "../_helpers/finance_fixture.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const get = (s: TestApp, who: TestStaff, path: string, lang = "en") =>
  s.app.request(`${ORIGIN}${path}`, {
    headers: { cookie: who.cookie, "accept-language": lang },
  });

async function setup() {
  const s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  await seedFinance(s, a);
  // Store B has a settlement of its own, with the same id as one of A's.
  await s.t.db.asJob(b, (tx) =>
    tx.insert(settlements).values({
      storeId: b,
      settlementId: "9009",
      startsAt: new Date("2026-03-01T00:00:00Z"),
      endsAt: new Date("2026-03-15T00:00:00Z"),
      totalAmount: "777.77",
      currency: "USD",
    }));
  const finance = await makeStaff(s, "finance", { storeIds: [a] });
  return { s, a, b, finance };
}

/** The rows of a table body as arrays of cell texts (tags stripped). */
function cells(html: string, tableId: string): string[][] {
  const table = html.match(
    new RegExp(`<table[^>]*id="${tableId}"[^>]*>([\\s\\S]*?)</table>`),
  )?.[1] ?? "";
  const body = table.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...r[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) =>
      c[1].replace(/<[^>]+>/g, "").trim()
    )
  );
}

Deno.test(`finance (${testEngine}): the settlements list, one line per currency in its totals, never summed across`, async () => {
  const { s, a, b, finance } = await setup();
  await using _ = s;
  const res = await get(s, finance, "/finance");
  assert.equal(res.status, 200);
  const html = await res.text();
  const rows = cells(html, "settlements");
  // Newest period end first; B's settlement is not visible.
  assert.deepEqual(
    rows.map((r) => r[0]),
    ["1002", "1003", "1001"].sort((x, y) =>
      x === "1002" ? -1 : y === "1002" ? 1 : y.localeCompare(x)
    ),
  );
  assert.doesNotMatch(html, /9009|777\.77/);
  assert.match(html, /Not deposited yet/);
  // Hand-computed: USD -26.34 + 11.75 = -14.59 over 2; CAD 100.00 over 1.
  assert.match(
    html,
    /<tr data-currency="USD"><th scope="row">USD<\/th><td class="num">2<\/td><td class="num" data-total="-14\.59">/,
  );
  assert.match(
    html,
    /<tr data-currency="CAD"><th scope="row">CAD<\/th><td class="num">1<\/td><td class="num" data-total="100\.00">/,
  );
  assert.doesNotMatch(html, /85\.41/, "no sum across USD and CAD");

  // Filters in the URL: a currency, a period.
  let only = cells(
    await (await get(s, finance, "/finance?currency=CAD")).text(),
    "settlements",
  );
  assert.deepEqual(only.map((r) => r[0]), ["1003"]);
  only = cells(
    await (await get(s, finance, "/finance?from=2026-03-20&to=2026-03-31"))
      .text(),
    "settlements",
  );
  assert.deepEqual(only.map((r) => r[0]), ["1002"]);
  // A bad date is marked beside its field and changes nothing.
  const bad = await get(s, finance, "/finance?from=2026-02-31");
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /id="from-error"/);
  // The store switcher's choice: another store is a 404.
  assert.equal((await get(s, finance, `/finance?store=${b}`)).status, 404);
  assert.equal((await get(s, finance, `/finance?store=${a}`)).status, 200);
});

Deno.test(`finance (${testEngine}): keyset pages go forward and back through every settlement once`, async () => {
  const { s, a, finance } = await setup();
  await using _ = s;
  await s.t.db.asJob(a, (tx) =>
    tx.insert(settlements).values(
      Array.from({ length: 120 }, (_, i) => ({
        storeId: a,
        settlementId: `P${String(i).padStart(3, "0")}`,
        startsAt: new Date(Date.UTC(2025, 0, 1 + i)),
        endsAt: new Date(Date.UTC(2025, 0, 2 + i)),
        totalAmount: "1.00",
        currency: "USD",
      })),
    ));
  const seen: string[] = [];
  let path: string | null = "/finance";
  const pages: string[] = [];
  while (path) {
    const html = await (await get(s, finance, path)).text();
    pages.push(path);
    seen.push(...cells(html, "settlements").map((r) => r[0]));
    const next = html.match(/<a href="(\/finance\?[^"]*)" rel="next">/);
    path = next ? next[1].replaceAll("&amp;", "&") : null;
  }
  assert.equal(pages.length, 3);
  assert.equal(seen.length, 123);
  assert.equal(new Set(seen).size, 123);
  // Back from the last page gives the second page again.
  const last = await (await get(s, finance, pages[2])).text();
  const prev = last.match(/<a href="(\/finance\?[^"]*)" rel="prev">/)![1]
    .replaceAll("&amp;", "&");
  const second = await (await get(s, finance, prev)).text();
  assert.deepEqual(
    cells(second, "settlements").map((r) => r[0]),
    seen.slice(50, 100),
  );
});

Deno.test(`finance (${testEngine}): a settlement's lines by kind with hand-computed totals; markup stays text; another store's is a 404`, async () => {
  const { s, a, b, finance } = await setup();
  await using _ = s;
  const res = await get(s, finance, `/finance/settlements/${a}/1001`);
  assert.equal(res.status, 200);
  const html = await res.text();
  const kindTotal = (kind: string) =>
    html.match(
      new RegExp(`id="kind-${kind}"[\\s\\S]*?data-kind-total="([^"]+)"`),
    )?.[1];
  // orders: 20 + 5 + 1.60 − 1.60 − 2 = 23.00; refunds −10 + 1.50 − 0.30;
  // fees −3.45 − 4.10 − 39.99; reimbursement 12; reserve −5.
  assert.equal(kindTotal("orders"), "23.00");
  assert.equal(kindTotal("refunds"), "-8.80");
  assert.equal(kindTotal("fees"), "-47.54");
  assert.equal(kindTotal("reimbursements"), "12.00");
  assert.equal(kindTotal("adjustments"), "0.00");
  assert.equal(kindTotal("reserves"), "-5.00");
  assert.match(html, /<dd data-total="-26\.34">/);
  assert.match(
    html,
    /<dd data-total="-26\.34">[^<]*<\/dd>\s*<dt>Sum of the lines<\/dt>\s*<dd data-total="-26\.34">/,
  );
  assert.ok(
    html.includes("Current Reserve Amount &lt;img src=x onerror=alert(1)&gt;"),
  );
  assert.ok(!html.includes(MARKUP), "stored markup is never markup");
  assert.match(
    html,
    /href="\/finance\/settlements\/[^"]+\/1001\/reconciliation"/,
  );
  // In Chinese too.
  const zh =
    await (await get(s, finance, `/finance/settlements/${a}/1001`, "zh-CN"))
      .text();
  assert.match(zh, /按类型分组的明细/);
  // Another store's settlement, through either store id, is a 404.
  assert.equal(
    (await get(s, finance, `/finance/settlements/${b}/9009`)).status,
    404,
  );
  assert.equal(
    (await get(s, finance, `/finance/settlements/${a}/9009`)).status,
    404,
  );
  assert.equal(
    (await get(s, finance, `/finance/settlements/${b}/9009/reconciliation`))
      .status,
    404,
  );
  assert.equal(
    (await get(s, finance, `/finance/settlements/not-a-uuid/1001`)).status,
    404,
  );
});

Deno.test(`finance (${testEngine}): settlement 1001 ties out, every total equal`, async () => {
  const { s, a, finance } = await setup();
  await using _ = s;
  const res = await get(
    s,
    finance,
    `/finance/settlements/${a}/1001/reconciliation`,
  );
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(
    html,
    /data-ties-out="true"[^>]*>Everything ties out: no discrepancy\./,
  );
  assert.doesNotMatch(html, /id="discrepancies"/);
  const tie = (key: string) =>
    html.match(
      new RegExp(
        `<tr data-tie="${key}" data-ties-out="(\\w+)">[\\s\\S]*?data-amount="([^"]*)"[\\s\\S]*?data-amount="([^"]*)"[\\s\\S]*?data-amount="([^"]*)"`,
      ),
    )!.slice(1);
  assert.deepEqual(tie("lines_total"), ["true", "-26.34", "-26.34", "0.00"]);
  assert.deepEqual(tie("order_sales"), ["true", "23.00", "23.00", "0.00"]);
  assert.deepEqual(tie("order_fees"), ["true", "-7.55", "-7.55", "0.00"]);
  assert.deepEqual(tie("refunds"), ["true", "-8.80", "-8.80", "0.00"]);
  assert.deepEqual(tie("other"), ["true", "-27.99", "-27.99", "0.00"]);
  assert.deepEqual(tie("reserves"), ["true", "-5.00", "", ""]);
  assert.match(
    html,
    /2 orders have lines in this settlement; 1 orders shipped in its period\./,
  );
  assert.match(html, /event group/);
});

Deno.test(`finance (${testEngine}): settlement 1002 lists each kind of discrepancy with its likely cause`, async () => {
  const { s, a, finance } = await setup();
  await using _ = s;
  const html = await (await get(
    s,
    finance,
    `/finance/settlements/${a}/1002/reconciliation`,
  )).text();
  assert.match(
    html,
    /data-ties-out="false"[^>]*>11 discrepancies to look at\./,
  );
  const found = [
    ...html.matchAll(
      /<tr data-kind="(\w+)" data-cause="(\w+)" data-order="([^"]*)">[\s\S]*?data-amount="([^"]*)"/g,
    ),
  ].map((m) => m.slice(1).join(" "));
  assert.deepEqual(found, [
    "total_mismatch lines_missing  -1.00",
    `shipped_not_settled near_end ${O.o3} `,
    `shipped_not_settled event_later ${O.o4} `,
    `shipped_not_settled no_event ${O.o5} `,
    `shipped_not_settled not_paid ${O.o6} `,
    `settled_unknown not_synced ${O.o7} `,
    `amount_differs changed ${O.o9} -5.00`,
    `fee_differs fee_changed ${O.o10} -0.50`,
    `refund_differs refund_changed ${O.o11} -1.25`,
    `refund_differs refund_not_settled ${O.o12} 9.00`,
    "other_differs period_shift  -5.00",
  ]);
  const rows = cells(html, "discrepancies");
  assert.match(rows[1][5], /Shipped close to the end of the period/);
  assert.match(rows[6][5], /The order changed after Amazon settled it/);
  assert.match(rows[7][5], /Amazon charged a different fee/);
  const tie = (key: string) =>
    html.match(
      new RegExp(
        `<tr data-tie="${key}" data-ties-out="(\\w+)">[\\s\\S]*?data-amount="([^"]*)"[\\s\\S]*?data-amount="([^"]*)"[\\s\\S]*?data-amount="([^"]*)"`,
      ),
    )!.slice(1);
  // Hand-computed: sales 30 + 45 + 40 against 50 + 40 (O7 unknown); fees
  // −4.50 − 7.50 − 11.00 against −7.50 − 10.50; refunds −21.25 against
  // −20.00 − 9.00; advertising −60 against −55.
  assert.deepEqual(tie("lines_total"), ["false", "10.75", "11.75", "-1.00"]);
  assert.deepEqual(tie("order_sales"), ["false", "115.00", "90.00", "25.00"]);
  assert.deepEqual(tie("order_fees"), ["false", "-23.00", "-18.00", "-5.00"]);
  assert.deepEqual(tie("refunds"), ["false", "-21.25", "-29.00", "7.75"]);
  assert.deepEqual(tie("other"), ["false", "-60.00", "-55.00", "-5.00"]);
  // The causes in Chinese.
  const zh = await (await get(
    s,
    finance,
    `/finance/settlements/${a}/1002/reconciliation`,
    "zh-CN",
  )).text();
  assert.match(zh, /在周期快结束时发货/);
  assert.match(zh, /费用不符/);
});

Deno.test(`finance (${testEngine}): financial events browse with filters, keyset order and totals per currency`, async () => {
  const { s, finance } = await setup();
  await using _ = s;
  let html = await (await get(s, finance, "/finance/events")).text();
  let rows = cells(html, "financial-events");
  assert.equal(rows.length, 13 - 1, "12 events of store A");
  // USD: 15.45 − 8.80 − 39.99 + 12 + 18 + 20 + 42.50 + 29.50 − 20 − 9 − 55.
  assert.match(
    html,
    /<tr data-currency="USD"><th scope="row">USD<\/th><td class="num">11<\/td><td class="num" data-total="4\.66">/,
  );
  assert.match(
    html,
    /<tr data-currency="CAD"><th scope="row">CAD<\/th><td class="num">1<\/td><td class="num" data-total="-15\.00">/,
  );
  // Newest first: the advertising charge of 2026-03-30 is O4's shipment.
  assert.match(rows[0][3], new RegExp(O.o4));
  html = await (await get(s, finance, "/finance/events?type=RefundEvent"))
    .text();
  rows = cells(html, "financial-events");
  assert.deepEqual(rows.map((r) => r[3]).sort(), [O.o11, O.o12, O.o2].sort());
  assert.match(html, /data-total="-37\.80"/);
  html = await (await get(s, finance, `/finance/events?order=${O.o1}`)).text();
  assert.equal(cells(html, "financial-events").length, 1);
  html = await (await get(
    s,
    finance,
    "/finance/events?from=2026-03-01&to=2026-03-09&currency=USD&dir=asc",
  )).text();
  rows = cells(html, "financial-events");
  assert.deepEqual(rows.map((r) => r[1]), [
    "ServiceFeeEvent",
    "ShipmentEvent",
    "RefundEvent",
    "AdjustmentEvent",
  ]);
  const bad = await get(s, finance, "/finance/events?type=<script>");
  assert.equal(bad.status, 400);
});

Deno.test(`finance (${testEngine}): exports of lines and events stream, are audited and need finance.read too`, async () => {
  const { s, a, finance } = await setup();
  await using _ = s;
  let res = await get(s, finance, `/finance.csv?store=${a}&settlement=1001`);
  assert.equal(res.status, 200);
  assert.match(
    res.headers.get("content-disposition")!,
    /settlement-lines-\d{4}-\d{2}-\d{2}\.csv/,
  );
  let lines = (await res.text()).trimEnd().split("\r\n");
  assert.ok(lines[0].startsWith("store_id,settlement_id,line_no,kind,"));
  assert.equal(lines.length, 1 + 13);
  assert.ok(lines.slice(1).every((l) => l.startsWith(`${a},1001,`)));
  res = await get(s, finance, "/finance.csv");
  lines = (await res.text()).trimEnd().split("\r\n");
  assert.equal(lines.length, 1 + 13 + 10 + 1);
  res = await get(s, finance, "/finance/events.csv?type=RefundEvent");
  lines = (await res.text()).trimEnd().split("\r\n");
  assert.equal(lines.length, 1 + 3);
  const audits = await ownerOf(s.t.db).select().from(auditEvents).where(
    and(
      eq(auditEvents.action, "export.csv"),
      eq(auditEvents.outcome, "success"),
    ),
  );
  assert.deepEqual(
    audits.map((x) => x.target).sort(),
    ["financial_events", "settlement_lines", "settlement_lines"],
  );
  // Operations may export, but not read finance: refused and audited.
  const ops = await makeStaff(s, "operations", { storeIds: [a] });
  res = await get(s, ops, "/finance.csv");
  assert.equal(res.status, 403);
  await res.body?.cancel();
  const denied = await ownerOf(s.t.db).select().from(auditEvents).where(
    and(
      eq(auditEvents.action, "export.csv"),
      eq(auditEvents.outcome, "denied"),
    ),
  );
  assert.equal(denied.length, 1);
});

Deno.test(`finance (${testEngine}): the finance role sees finance, advertising does not; the nav says so`, async () => {
  const { s, a, finance } = await setup();
  await using _ = s;
  const ads = await makeStaff(s, "advertising", { storeIds: [a] });
  for (
    const path of [
      "/finance",
      "/finance/events",
      `/finance/settlements/${a}/1001`,
      `/finance/settlements/${a}/1001/reconciliation`,
    ]
  ) {
    const res = await get(s, ads, path);
    assert.equal(res.status, 403, path);
    await res.body?.cancel();
  }
  const nav = await (await get(s, finance, "/")).text();
  assert.match(nav, /href="\/finance"[^>]*>Settlements</);
  assert.match(nav, /href="\/finance\/events"[^>]*>Financial events</);
  const adsNav = await (await get(s, ads, "/")).text();
  assert.doesNotMatch(adsNav, /href="\/finance/);
});
