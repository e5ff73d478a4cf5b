// The dashboard `/` and the app shell on seeded data: per-currency figures
// equal to the sandbox's truth, `?store=` bounded by the grants (a store not
// granted is a 404), the access matrix per role, and a navigation that
// shows each role only what it may open.
import assert from "node:assert/strict";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { openSyncWorld, scaledPlans } from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";
import { ordersDataset } from "../../lib/sync/datasets/orders.ts";
import { inventoryDataset } from "../../lib/sync/datasets/inventory.ts";
import { catalogDataset } from "../../lib/sync/datasets/catalog.ts";
import { AMAZON_MARKETPLACES } from "../../lib/amazon/marketplaces.ts";
import { can, type RoleName, ROLES } from "../../lib/security/permissions.ts";
import { formatMoney, formatNumber } from "../../views/format.ts";

const ORIGIN = "http://127.0.0.1:8000";

async function get(s: TestApp, cookie: string | null, path: string) {
  return await s.app.request(`${ORIGIN}${path}`, {
    headers: cookie ? { cookie } : {},
    redirect: "manual",
  });
}

const TZ = new Map(AMAZON_MARKETPLACES.map((m) => [m.id, m.timeZone]));

function localDay(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(a) - Date.parse(b)) / 86_400_000);
}

/** Ten-thousandths, exact. */
function units4(amount: string): bigint {
  const [w, f = ""] = amount.replace("-", "").split(".");
  const v = BigInt(w) * 10_000n + BigInt(f.padEnd(4, "0"));
  return amount.startsWith("-") ? -v : v;
}

/** Per currency, the last `n` local days: orders, units and sales. */
function truthFigures(
  rows: ReturnType<typeof truthRows>[],
  now: Date,
  n: number,
) {
  const out = new Map<
    string,
    { orders: number; units: number; sales: bigint }
  >();
  for (const truth of rows) {
    const units = new Map<string, number>();
    for (const it of truth.orderItems) {
      units.set(
        it.amazonOrderId,
        (units.get(it.amazonOrderId) ?? 0) + it.quantity,
      );
    }
    for (const o of truth.orders) {
      if (o.status === "Canceled") continue;
      const tz = TZ.get(o.marketplaceId) ?? "UTC";
      const age = daysBetween(
        localDay(now, tz),
        localDay(o.purchasedAt as Date, tz),
      );
      if (age < 0 || age >= n) continue;
      const c = o.currency!;
      const f = out.get(c) ?? { orders: 0, units: 0, sales: 0n };
      f.orders++;
      f.units += units.get(o.amazonOrderId) ?? 0;
      f.sales += o.orderTotal ? units4(o.orderTotal) : 0n;
      out.set(c, f);
    }
  }
  return out;
}

Deno.test(`dashboard (${testEngine}): per-currency figures equal the sandbox truth; ?store= narrows, a store not granted is 404`, async () => {
  await using s = await openTestApp();
  await using w = await openSyncWorld({
    db: s.t.db,
    kv: s.kv,
    datasets: [ordersDataset, inventoryDataset, catalogDataset],
    sandbox: {
      stores: 2,
      orders: 200,
      days: 70,
      usagePlans: scaledPlans(2000),
    },
    settings: { backfillDays: 75, shipCountryEveryMinutes: 0 },
  });
  for (const i of [0, 1]) {
    await w.runOk(i, "orders");
    await w.runOk(i, "inventory");
    await w.runOk(i, "catalog");
  }
  const other = await makeStore(s, "Not granted");
  const owner = await makeStaff(s, "owner");
  const viewer = await makeStaff(s, "viewer", { storeIds: [w.storeIds[0]] });
  const truths = w.sb.sandbox.sellers.map((seller) => truthRows(seller));

  const check = (html: string, which: number[]) => {
    const now = new Date();
    for (const n of [7, 30]) {
      const expected = truthFigures(which.map((i) => truths[i]), now, n);
      assert.ok(expected.size > 0, "the sandbox sold something");
      for (const [currency, f] of expected) {
        const row = html.match(
          new RegExp(
            `<tr data-period="${n}" data-currency="${currency}">.*?</tr>`,
            "s",
          ),
        )?.[0];
        assert.ok(row, `a ${n}-day row for ${currency}`);
        const sales = Number(f.sales) / 10_000;
        const figures = [...row.matchAll(/<span class="figure">(.*?)<\/span>/g)]
          .map((m) => m[1]);
        assert.deepEqual(figures.slice(0, 3), [
          formatMoney("en", sales, currency),
          formatNumber("en", f.units),
          formatNumber("en", f.orders),
        ], `${n} days, ${currency}`);
      }
      // Never one total across currencies: a row per currency, no more.
      const rows = [
        ...html.matchAll(
          new RegExp(`data-period="${n}" data-currency="(\\w+)"`, "g"),
        ),
      ].map((m) => m[1]);
      assert.deepEqual(rows.sort(), [...expected.keys()].sort());
    }
  };

  let res = await get(s, owner.cookie, "/");
  assert.equal(res.status, 200);
  let html = await res.text();
  check(html, [0, 1]);
  // The chart: an SVG image with its description, and the table beside it.
  assert.match(
    html,
    /<svg class="sales-chart" viewBox="0 0 720 240" role="img"/,
  );
  assert.match(html, /<desc id="trend-\w+-desc">Bar chart of daily sales/);
  assert.match(html, /<rect [^>]*><title>\d{4}-\d{2}-\d{2}: /);
  // The time zones are named.
  assert.match(
    html,
    /Days are the marketplace&#39;s own \(.*America\/|Days are the marketplace&#39;s own \(.*Europe\//,
  );
  assert.match(html, /id="top-products"/);
  assert.match(html, /id="sync-health"/);

  res = await get(s, owner.cookie, `/?store=${w.storeIds[1]}`);
  assert.equal(res.status, 200);
  html = await res.text();
  check(html, [1]);
  assert.match(html, /Store: Own store 2/);
  assert.match(
    html,
    new RegExp(`<option value="${w.storeIds[1]}" selected>Own store 2`),
  );

  // A viewer of store 0: its figures only; store 1 does not exist for it.
  html = await (await get(s, viewer.cookie, "/")).text();
  check(html, [0]);
  assert.doesNotMatch(html, /id="sync-health"/, "no sync.read");
  assert.doesNotMatch(html, /id="inventory-alerts"|Inventory alerts/);
  for (const id of [w.storeIds[1], other, "not-a-uuid"]) {
    res = await get(s, viewer.cookie, `/?store=${id}`);
    assert.equal(res.status, 404, id);
    await res.body?.cancel();
  }

  // Chinese: the same page in the other language.
  res = await s.app.request(`${ORIGIN}/`, {
    headers: { cookie: owner.cookie, "accept-language": "zh-CN" },
  });
  html = await res.text();
  assert.match(html, /<h1>仪表盘<\/h1>/);
  assert.match(html, /最近 30 天/);
});

Deno.test(`dashboard (${testEngine}): every role's access to / and an empty dashboard that says what to do`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  let res = await get(s, null, "/");
  assert.equal(res.status, 303, "anonymous: to sign-in");
  await res.body?.cancel();
  for (const role of ROLES.map((r) => r.name as RoleName)) {
    const person = await makeStaff(s, role, { storeIds: [a] });
    res = await get(s, person.cookie, "/");
    assert.equal(
      res.status,
      can(role, "dashboard.view") ? 200 : 403,
      role,
    );
    const html = await res.text();
    if (res.status === 200) {
      assert.match(html, /No sales yet/);
      assert.match(html, /see the store&#39;s Sync page/);
    }
  }
});

/** The hrefs of the main navigation. */
function navLinks(html: string): string[] {
  const nav = html.match(/<nav class="sidenav".*?<\/nav>/s)?.[0] ?? "";
  return [...nav.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
}

Deno.test(`app shell (${testEngine}): the navigation shows each role only what it may open, grouped by area`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const expected: Record<string, string[]> = {
    owner: [
      "/",
      "/orders",
      "/products",
      "/inventory",
      "/ads",
      "/ads/keywords",
      "/ads/search-terms",
      "/finance",
      "/finance/events",
      "/profit",
      "/stores",
      "/admin/jobs",
      "/admin/amazon-apps",
      "/users",
      "/access-review",
      "/admin/roles",
      "/audit",
      "/compliance",
      "/retention",
      "/documents",
      "/providers",
      "/requests",
      "/incidents",
    ],
    viewer: ["/", "/products", "/stores"],
    auditor: [
      "/",
      "/stores",
      "/admin/jobs",
      "/admin/roles",
      "/audit",
      "/compliance",
      "/providers",
    ],
    advertising: [
      "/",
      "/products",
      "/ads",
      "/ads/keywords",
      "/ads/search-terms",
      "/stores",
    ],
  };
  for (const [role, links] of Object.entries(expected)) {
    const person = await makeStaff(s, role as RoleName, {
      storeIds: [a, b],
    });
    const html = await (await get(s, person.cookie, "/")).text();
    assert.deepEqual(navLinks(html), links, role);
  }
  // Operations of one store: that store's sync and API log are one click.
  const ops = await makeStaff(s, "operations", { storeIds: [a] });
  let html = await (await get(s, ops.cookie, "/")).text();
  let links = navLinks(html);
  assert.ok(links.includes(`/stores/${a}/sync`), links.join(" "));
  assert.ok(links.includes(`/stores/${a}/api-log`));
  for (const link of links) {
    assert.ok(
      (await get(s, ops.cookie, link)).status < 400,
      `every entry opens: ${link}`,
    );
  }
  assert.doesNotMatch(html, /id="store-switcher"/, "one store: no switcher");
  // Two stores: the switcher is a GET form that keeps the other parameters,
  // and the dashboard link keeps the choice.
  const owner = await makeStaff(s, "owner");
  html = await (await get(s, owner.cookie, `/audit?action=x&store=${b}`))
    .text();
  const form = html.match(/<form method="get" action="\/audit".*?<\/form>/s)
    ?.[0];
  assert.ok(form, "the switcher returns to the same page");
  assert.match(form, /<input type="hidden" name="action" value="x">/);
  assert.match(form, new RegExp(`<option value="${b}" selected>Store B`));
  links = navLinks(html);
  assert.ok(links.includes(`/?store=${b}`), links.join(" "));
  assert.match(html, /<a href="\/audit" aria-current="page">/);
  // The user menu: account and a sign-out that is a POST.
  assert.match(html, /<details class="user-menu">/);
  assert.match(html, /<form method="post" action="\/auth\/signout">/);
});
