// The product screens (issue #15) on seeded data, against the sandbox's
// ground truth (tests/_helpers/truth.ts), computed here on its own: units
// and sales per marketplace-local day and currency from the orders and
// their items, sessions and page views from sales and traffic, returns by
// their order's marketplace. Keyset pages yield every row once in every
// sort; filters narrow to exactly the truth; the product page (another
// store's product is a 404); the access matrix per persona; the streamed
// CSV (rows equal truth, formula cells neutralised, audited with its row
// count, rate limited); markup in titles and SKUs renders as text.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { seedDatabase } from "../../bench/seed.ts";
import { storeIdOf } from "../../bench/seed_rows.ts";
import { auditEvents } from "../../db/schema.ts";
import { AMAZON_MARKETPLACES } from "../../lib/amazon/marketplaces.ts";
import { upsertListings, upsertProducts } from "../../lib/ingest/catalog.ts";
import { planStores, SandboxSeller } from "../../sandbox/testing.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { expectedRows } from "../_helpers/truth.ts";

const ORIGIN = "http://127.0.0.1:8000";
const ANCHOR = new Date(Date.UTC(2026, 5, 15, 12));
const GEN = { seed: 15, stores: 2, orders: 160, days: 60, anchor: ANCHOR };
const FROM = "2026-05-10";
const TO = "2026-06-12";
const PERIOD = `from=${FROM}&to=${TO}`;

type Truth = ReturnType<typeof expectedRows>;

interface Expected {
  key: string;
  storeId: string;
  marketplaceId: string;
  asin: string;
  units: number;
  /** Ten-thousandths per currency. */
  sales: Map<string, bigint>;
  sessions: number | null;
  pageViews: number | null;
  returns: number;
  listed: boolean;
}

interface World {
  s: TestApp;
  storeIds: string[];
  truth: Truth[];
  expected: Map<string, Expected>;
}

const ZONE = new Map(AMAZON_MARKETPLACES.map((m) => [m.id, m.timeZone]));

function localDay(at: Date, marketplaceId: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: ZONE.get(marketplaceId) ?? "UTC",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

/** A decimal string as ten-thousandths (exact). */
function units(amount: string): bigint {
  const [whole, frac = ""] = amount.replace("-", "").split(".");
  const v = BigInt(whole) * 10000n + BigInt((frac + "0000").slice(0, 4));
  return amount.startsWith("-") ? -v : v;
}

/** The rows /products must show for [from, to], from the truth alone. */
function expectedFor(truth: Truth[], from: string, to: string) {
  const out = new Map<string, Expected>();
  const row = (storeId: string, marketplaceId: string, asin: string) => {
    const key = `${storeId}/${marketplaceId}/${asin}`;
    let r = out.get(key);
    if (!r) {
      r = {
        key,
        storeId,
        marketplaceId,
        asin,
        units: 0,
        sales: new Map(),
        sessions: null,
        pageViews: null,
        returns: 0,
        listed: false,
      };
      out.set(key, r);
    }
    return r;
  };
  const inPeriod = (day: string) => day >= from && day <= to;
  for (const t of truth) {
    for (const l of t.listings) {
      row(l.storeId, l.marketplaceId, l.asin).listed = true;
    }
    const orders = new Map(t.orders.map((o) => [o.amazonOrderId, o]));
    for (const it of t.orderItems) {
      const o = orders.get(it.amazonOrderId)!;
      if (o.status === "Canceled") continue;
      if (!inPeriod(localDay(o.purchasedAt as Date, o.marketplaceId))) {
        continue;
      }
      const r = row(o.storeId, o.marketplaceId, it.asin);
      r.units += it.quantity;
      const c = o.currency ?? "XXX";
      r.sales.set(
        c,
        (r.sales.get(c) ?? 0n) +
          (it.itemPrice ? units(String(it.itemPrice)) : 0n),
      );
    }
    for (const x of t.salesTraffic) {
      if (!inPeriod(String(x.day))) continue;
      const r = row(x.storeId, x.marketplaceId, x.childAsin);
      r.sessions = (r.sessions ?? 0) + x.sessions;
      r.pageViews = (r.pageViews ?? 0) + x.pageViews;
    }
    const asinOfSku = new Map(t.products.map((p) => [p.sku, p.asin]));
    for (const x of t.returns) {
      const o = orders.get(x.amazonOrderId)!;
      if (!inPeriod(localDay(x.returnedAt as Date, o.marketplaceId))) continue;
      const asin = x.asin ?? asinOfSku.get(x.sku)!;
      row(x.storeId, o.marketplaceId, asin).returns += x.quantity;
    }
  }
  return out;
}

async function openWorld(): Promise<World> {
  const s = await openTestApp({ PUBLIC_URL: ORIGIN });
  await seedDatabase(s.t.db, s.vault, GEN);
  const plans = planStores({ ...GEN, ordersPerBatch: 2000 });
  const truth = plans.map((plan) => {
    const seller = new SandboxSeller({
      index: plan.index,
      plan,
      gen: { ...GEN, ordersPerBatch: 2000 },
      refreshToken: "",
      restrictedRole: true,
      settlementDateStyle: "auto",
    });
    return expectedRows(seller.truth(), storeIdOf(plan));
  });
  return {
    s,
    storeIds: plans.map(storeIdOf),
    truth,
    expected: expectedFor(truth, FROM, TO),
  };
}

function get(s: TestApp, path: string, who: TestStaff) {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: { cookie: who.cookie, "accept-language": "en" },
  });
}

const ROW_KEY = /<tr data-key="([^"]+)">/g;

/** The rows a page lists, in order, and its pager links. */
function parseList(html: string) {
  const keys = [...html.matchAll(ROW_KEY)].map((m) => m[1]);
  const link = (rel: string) => {
    const m = new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html);
    return m ? m[1].replaceAll("&amp;", "&") : null;
  };
  return { keys, next: link("next"), prev: link("prev") };
}

/** Walks every page forward from `path`: the keys and the pages. */
async function walk(s: TestApp, who: TestStaff, path: string) {
  const all: string[] = [];
  const pages: string[] = [];
  let next: string | null = path;
  while (next) {
    const res = await get(s, next, who);
    assert.equal(res.status, 200, next);
    const page = parseList(await res.text());
    pages.push(next);
    all.push(...page.keys);
    next = page.next;
    assert.ok(pages.length < 100, "the pager ends");
  }
  return { all, pages };
}

/** RFC 4180 rows (quoted cells, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
      i++;
    } else cell += ch;
  }
  return rows;
}

const audits = async (s: TestApp) =>
  (await ownerOf(s.t.db).select().from(auditEvents).where(
    eq(auditEvents.action, "export.csv"),
  )).filter((e) => e.target === "products").map((e) => ({
    ...e,
    details: e.details as Record<string, unknown>,
  }));

Deno.test(`products (${testEngine}): pages yield every row once in each sort; filters narrow to exactly the truth`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const owner = await makeStaff(w.s, "owner");
  const expected = [...w.expected.keys()].sort();
  assert.ok(expected.length > 60, `${expected.length} rows expected`);

  const byUnits = await walk(w.s, owner, `/products?${PERIOD}`);
  assert.deepEqual([...byUnits.all].sort(), expected);
  assert.equal(new Set(byUnits.all).size, byUnits.all.length);
  for (let i = 1; i < byUnits.all.length; i++) {
    assert.ok(
      w.expected.get(byUnits.all[i - 1])!.units >=
        w.expected.get(byUnits.all[i])!.units,
    );
  }
  assert.equal(byUnits.pages.length, Math.ceil(expected.length / 50));

  for (
    const q of [
      "sort=sales",
      "sort=sessions&dir=asc",
      "sort=pageViews",
      "sort=unitSession",
      "sort=buyBox&size=100",
      "sort=returns",
      "sort=returnRate&dir=asc",
      "sort=price",
      "sort=asin",
      "sort=asin&dir=desc&size=500",
    ]
  ) {
    const { all } = await walk(w.s, owner, `/products?${PERIOD}&${q}`);
    assert.deepEqual([...all].sort(), expected, q);
    assert.equal(new Set(all).size, all.length, q);
  }
  const sessions = (await walk(w.s, owner, `/products?${PERIOD}&sort=sessions`))
    .all.map((k) => w.expected.get(k)!.sessions ?? -1);
  assert.deepEqual(sessions, [...sessions].sort((a, b) => b - a));
  const asins = (await walk(w.s, owner, `/products?${PERIOD}&sort=asin`)).all
    .map((k) => k.split("/")[2]);
  assert.deepEqual(asins, [...asins].sort());

  // Back again: page 2's "Previous" is page 1.
  const first = parseList(
    await (await get(w.s, `/products?${PERIOD}`, owner)).text(),
  );
  const second = parseList(await (await get(w.s, first.next!, owner)).text());
  const back = parseList(await (await get(w.s, second.prev!, owner)).text());
  assert.deepEqual(back.keys, first.keys);

  // Filters: store, marketplace, listing state, search.
  const [a] = w.storeIds;
  const rows = [...w.expected.values()];
  const check = async (q: string, want: (e: Expected) => boolean) => {
    const { all } = await walk(w.s, owner, `/products?${PERIOD}&${q}`);
    assert.deepEqual(
      [...all].sort(),
      rows.filter(want).map((e) => e.key).sort(),
      q,
    );
  };
  await check(`store=${a}`, (e) => e.storeId === a);
  await check(
    "marketplace=ATVPDKIKX0DER",
    (e) => e.marketplaceId === "ATVPDKIKX0DER",
  );
  await check("status=unlisted", (e) => !e.listed);
  const listed = new Map<string, boolean>();
  for (const t of w.truth) {
    for (const l of t.listings) {
      const k = `${l.storeId}/${l.marketplaceId}/${l.asin}`;
      listed.set(k, (listed.get(k) ?? false) || l.status.includes("BUYABLE"));
    }
  }
  await check("status=buyable", (e) => listed.get(e.key) === true);
  await check("status=notBuyable", (e) => listed.get(e.key) === false);
  const product = w.truth[0].products[3];
  await check(
    `q=${product.asin.slice(2, 8).toLowerCase()}`,
    (e) => e.asin.includes(product.asin.slice(2, 8)),
  );
  await check(
    `q=${encodeURIComponent(product.sku)}`,
    (e) =>
      w.truth.some((t) =>
        t.products.some((p) =>
          p.storeId === e.storeId && p.asin === e.asin &&
          p.sku.toLowerCase().includes(product.sku.toLowerCase())
        ) ||
        t.listings.some((l) =>
          l.storeId === e.storeId && l.marketplaceId === e.marketplaceId &&
          l.asin === e.asin &&
          l.sku.toLowerCase().includes(product.sku.toLowerCase())
        )
      ),
  );
  const word = product.title.split(" ")[1];
  await check(
    `q=${encodeURIComponent(word)}`,
    (e) =>
      w.truth.some((t) =>
        t.products.some((p) =>
          p.storeId === e.storeId && p.asin === e.asin &&
          (p.title.toLowerCase().includes(word.toLowerCase()) ||
            p.sku.toLowerCase().includes(word.toLowerCase()))
        ) || e.asin.toLowerCase().includes(word.toLowerCase())
      ),
  );

  // The period presets and a bad period.
  const week = await get(w.s, "/products?days=7", owner);
  assert.equal(week.status, 200);
  await week.body?.cancel();
  const bad = await get(w.s, "/products?from=2026-06-10&to=2026-06-01", owner);
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /not valid/);
  const none = await (await get(w.s, "/products?q=NO-SUCH-THING", owner))
    .text();
  assert.match(none, /No product matches these filters/);
});

Deno.test(`products CSV (${testEngine}): streamed, equal to truth, bounded by stores, formula-safe, audited, rate limited`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a, b] = w.storeIds;
  const owner = await makeStaff(w.s, "owner");

  const res = await get(w.s, `/products.csv?${PERIOD}`, owner);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.match(
    res.headers.get("content-disposition")!,
    /^attachment; filename="products-/,
  );
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.ok(res.body instanceof ReadableStream);
  const rows = parseCsv(await res.text());
  const header = rows.shift()!;
  const col = (name: string) => {
    const i = header.indexOf(name);
    assert.ok(i >= 0, name);
    return i;
  };
  assert.equal(rows.length, w.expected.size);
  for (const r of rows) {
    const key = `${r[col("store_id")]}/${r[col("marketplace_id")]}/${
      r[col("asin")]
    }`;
    const e = w.expected.get(key);
    assert.ok(e, key);
    assert.equal(Number(r[col("units")]), e.units, `${key} units`);
    assert.equal(Number(r[col("returns")]), e.returns, `${key} returns`);
    assert.equal(
      r[col("sessions")] === "" ? null : Number(r[col("sessions")]),
      e.sessions,
      `${key} sessions`,
    );
    assert.equal(
      r[col("page_views")] === "" ? null : Number(r[col("page_views")]),
      e.pageViews,
    );
    // Sales per currency, exact.
    const got = new Map<string, bigint>();
    if (r[col("sales_currency")]) {
      got.set(r[col("sales_currency")], units(r[col("sales")]));
    }
    for (const x of r[col("other_sales")].split("; ").filter(Boolean)) {
      const [c, amount] = x.split(" ");
      got.set(c, units(amount));
    }
    assert.deepEqual(got, e.sales, `${key} sales`);
    assert.equal(r[col("listing_status")] !== "unlisted", e.listed);
  }
  const done = (await audits(w.s)).filter((e) => e.outcome === "success");
  assert.equal(done.length, 1);
  assert.equal(done[0].details.rows, w.expected.size);
  assert.equal(done[0].details.complete, true);
  assert.deepEqual(done[0].details.filter, { from: FROM, to: TO });

  // Bounded by the person's stores; filters apply as on the page.
  const ops = await makeStaff(w.s, "operations", { storeIds: [a] });
  const mine = parseCsv(
    await (await get(w.s, `/products.csv?${PERIOD}`, ops)).text(),
  );
  mine.shift();
  assert.equal(
    mine.length,
    [...w.expected.values()].filter((e) => e.storeId === a).length,
  );
  assert.ok(mine.every((r) => r[0] === a));
  const other = await get(w.s, `/products.csv?store=${b}`, ops);
  assert.equal(other.status, 404);
  await other.body?.cancel();
  const us = parseCsv(
    await (await get(
      w.s,
      `/products.csv?${PERIOD}&marketplace=ATVPDKIKX0DER`,
      owner,
    )).text(),
  );
  us.shift();
  assert.equal(
    us.length,
    [...w.expected.values()].filter((e) => e.marketplaceId === "ATVPDKIKX0DER")
      .length,
  );
  const last = (await audits(w.s)).at(-1)!;
  assert.equal(last.details.rows, us.length);
  assert.equal(
    (last.details.filter as Record<string, string>).marketplace,
    "ATVPDKIKX0DER",
  );

  // Formula cells are neutralised.
  await w.s.t.db.asJob(b, async (tx) => {
    await upsertProducts(tx, [{
      storeId: b,
      sku: "+cmd|' /C calc'!A0",
      asin: "B0EVIL0001",
      title: '=HYPERLINK("http://evil")',
    }]);
    await upsertListings(tx, [{
      storeId: b,
      marketplaceId: "A1F83G8C2ARO7P",
      sku: "+cmd|' /C calc'!A0",
      asin: "B0EVIL0001",
      status: ["DISCOVERABLE"],
      itemName: "@SUM(1+1)",
      price: "-1.0000",
      currency: "GBP",
    }]);
  });
  const evil = parseCsv(
    await (await get(w.s, `/products.csv?q=B0EVIL0001`, owner)).text(),
  );
  assert.equal(evil.length, 2);
  assert.equal(evil[1][col("title")], '\'=HYPERLINK("http://evil")');
  assert.equal(evil[1][col("skus")], "'+cmd|' /C calc'!A0");
  assert.equal(evil[1][col("price")], "'-1.0000");
  assert.equal(evil[1][col("listing_status")], "not buyable");

  // Roles without export.csv (or the catalog) are refused, and audited.
  for (const role of ["support", "finance"] as const) {
    const who = await makeStaff(w.s, role, { storeIds: [a] });
    const r = await get(w.s, "/products.csv", who);
    assert.equal(r.status, 403, role);
    await r.body?.cancel();
  }
  assert.ok(
    (await audits(w.s)).some((e) =>
      e.outcome === "denied" && e.details.refused === "forbidden"
    ),
  );

  // The rate limit: ten exports an hour per person, then 429.
  const limited = await makeStaff(w.s, "operations", { storeIds: [a] });
  for (let i = 0; i < 10; i++) {
    const r = await get(w.s, "/products.csv?status=unlisted", limited);
    assert.equal(r.status, 200);
    await r.text();
  }
  const over = await get(w.s, "/products.csv", limited);
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers.get("retry-after")) > 0);
  assert.match(await over.text(), /Too many exports/);
});

Deno.test(`product page (${testEngine}): figures equal the truth, charts with tables, listings per marketplace; another store's product is a 404`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a, b] = w.storeIds;
  const ofA = await makeStaff(w.s, "operations", { storeIds: [a] });
  const best = [...w.expected.values()].filter((e) => e.storeId === a)
    .sort((x, y) => y.units - x.units)[0];
  const sameAsin = [...w.expected.values()].filter((e) =>
    e.storeId === a && e.asin === best.asin
  );
  const path = `/products/${a}/${best.asin}`;
  const res = await get(w.s, `${path}?${PERIOD}`, ofA);
  assert.equal(res.status, 200);
  const html = await res.text();
  const units = sameAsin.reduce((s, e) => s + e.units, 0);
  assert.match(
    html,
    new RegExp(`<dt>Units</dt><dd class="num">${units.toLocaleString("en")}<`),
  );
  const sessions = sameAsin.reduce((s, e) => s + (e.sessions ?? 0), 0);
  assert.match(
    html,
    new RegExp(
      `<dt>Sessions</dt><dd class="num">${sessions.toLocaleString("en")}<`,
    ),
  );
  // The charts: role=img with a title and a description, the same
  // figures in a table, one row per day of the period.
  assert.match(
    html,
    /<svg class="sales-chart" viewBox="0 0 720 240" role="img"/,
  );
  assert.match(html, /<svg class="sales-chart sessions-chart"/);
  assert.match(html, /<desc id="product-sales-0-desc">/);
  assert.match(html, /<desc id="product-sessions-desc">/);
  const days = (Date.parse(TO) - Date.parse(FROM)) / 86_400_000 + 1;
  assert.equal(
    [...html.matchAll(/<th scope="row"><time datetime="2026-/g)].length,
    days * (new Set(sameAsin.flatMap((e) => [...e.sales.keys()])).size + 1),
  );
  // Listings per marketplace: each of its listings, with price and status.
  const listings = w.truth[0].listings.filter((l) => l.asin === best.asin);
  assert.ok(listings.length > 0);
  for (const l of listings) {
    assert.ok(
      html.includes(`<tr data-marketplace="${l.marketplaceId}">`),
      l.marketplaceId,
    );
  }
  // Operations may not read orders: no orders link; the owner's links to
  // the orders list filtered by the ASIN.
  assert.ok(!html.includes("/orders?"));
  const owner = await makeStaff(w.s, "owner");
  const ownerHtml = await (await get(w.s, path, owner)).text();
  assert.ok(ownerHtml.includes(`/orders?store=${a}&amp;q=${best.asin}`));

  // Another store's product, a store not granted, an unknown ASIN: 404.
  const ofB = w.truth[1].products[0];
  for (
    const p of [
      `/products/${a}/${ofB.asin}`,
      `/products/${b}/${ofB.asin}`,
      `/products/${a}/B000000000`,
      `/products/${a}/not-an-asin`,
      `/products/not-a-store/${best.asin}`,
    ]
  ) {
    const r = await get(w.s, p, ofA);
    assert.equal(r.status, 404, p);
    await r.body?.cancel();
  }
  const list = await get(w.s, `/products?store=${b}`, ofA);
  assert.equal(list.status, 404);
  await list.body?.cancel();
});

Deno.test(`product access (${testEngine}): every new route for every persona; figures by permission`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a] = w.storeIds;
  const asin = w.truth[0].products[0].asin;
  const routes = ["/products", "/products.csv", `/products/${a}/${asin}`];
  const { can } = await import("../../lib/security/permissions.ts");
  const need: Record<string, (role: string) => boolean> = {
    "/products": (r) => can(r, "catalog.read"),
    "/products.csv": (r) => can(r, "export.csv") && can(r, "catalog.read"),
    [`/products/${a}/${asin}`]: (r) => can(r, "catalog.read"),
  };
  const roles = [
    "owner",
    "admin",
    "operations",
    "advertising",
    "finance",
    "support",
    "auditor",
    "viewer",
  ] as const;
  const failures: string[] = [];
  for (const role of roles) {
    const who = await makeStaff(w.s, role, { storeIds: [a] });
    for (const p of routes) {
      const res = await get(w.s, p, who);
      const body = await res.text();
      const ok = need[p](role) ? res.status === 200 : res.status === 403;
      if (!ok) failures.push(`GET ${p} as ${role}: ${res.status}`);
      if (p === "/products" && res.status === 200) {
        // Sales need reports.read or orders.read; traffic reports.read.
        const sales = can(role, "reports.read") || can(role, "orders.read");
        const traffic = can(role, "reports.read");
        if (body.includes(">Units</th>") !== sales) {
          failures.push(`sales columns as ${role}`);
        }
        if (body.includes(">Sessions</th>") !== traffic) {
          failures.push(`traffic columns as ${role}`);
        }
      }
    }
  }
  for (const p of routes) {
    const res = await w.s.app.request(`${ORIGIN}${p}`);
    await res.body?.cancel();
    if (res.status !== 303) failures.push(`GET ${p} signed out: ${res.status}`);
  }
  assert.deepEqual(failures, []);
});

Deno.test(`stored XSS (${testEngine}): markup in product titles and SKUs renders as text`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a] = w.storeIds;
  const owner = await makeStaff(w.s, "owner");
  const markup = `<img src=x onerror="alert(1)">`;
  await w.s.t.db.asJob(a, async (tx) => {
    await upsertProducts(tx, [{
      storeId: a,
      sku: `<b>sku</b>`,
      asin: "B0XSS00001",
      title: markup,
    }]);
    await upsertListings(tx, [{
      storeId: a,
      marketplaceId: "ATVPDKIKX0DER",
      sku: `<b>sku</b>`,
      asin: "B0XSS00001",
      status: ["BUYABLE"],
      itemName: `<script>alert("listing")</script>`,
      price: "5.0000",
      currency: "USD",
    }]);
  });
  const list = await (await get(w.s, "/products?q=B0XSS00001", owner)).text();
  assert.ok(list.includes('data-key="'));
  assert.ok(!list.includes(markup));
  assert.ok(!list.includes("<b>sku</b>"));
  assert.match(list, /&lt;img src=x onerror=/);
  const page = await (await get(w.s, `/products/${a}/B0XSS00001`, owner))
    .text();
  assert.ok(!page.includes(markup));
  assert.ok(!page.includes("<b>sku</b>"));
  assert.ok(!page.includes(`<script>alert("listing")`));
  assert.match(page, /&lt;script&gt;/);
});
