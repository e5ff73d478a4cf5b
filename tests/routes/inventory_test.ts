// /inventory, /inventory.csv and the restock settings (issue #15) on seeded
// data: every figure equal to an independent computation from the sandbox's
// truth (tests/_helpers/truth.ts), the restock suggestion at its boundaries,
// per-store settings that move the alerts on /inventory and the dashboard,
// settings validation and audit, the access matrix per persona, and the
// export (rows equal the page, formula cells neutralised, audited, rate
// limited).
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { seedDatabase } from "../../bench/seed.ts";
import { storeIdOf } from "../../bench/seed_rows.ts";
import {
  auditEvents,
  dailyProductSales,
  inventorySnapshots,
  listings,
  stores,
} from "../../db/schema.ts";
import { exportLimitKey } from "../../lib/security/export_limit.ts";
import { can, type RoleName, ROLES } from "../../lib/security/permissions.ts";
import { planStores, SandboxSeller } from "../../sandbox/testing.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { expectedRows } from "../_helpers/truth.ts";

const ORIGIN = "http://127.0.0.1:8000";
const HOUR = 3_600_000;

function get(s: TestApp, path: string, who: TestStaff | null) {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: {
      ...(who ? { cookie: who.cookie } : {}),
      "accept-language": "en",
    },
    redirect: "manual",
  });
}

function post(
  s: TestApp,
  path: string,
  who: TestStaff | null,
  form: Record<string, string>,
) {
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      ...(who ? { cookie: who.cookie } : {}),
      origin: ORIGIN,
      "accept-language": "en",
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(form).toString(),
    redirect: "manual",
  });
}

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

/** The marketplace time zones, as Amazon documents them (docs/amazon-facts.md). */
const ZONES: Record<string, string> = {
  ATVPDKIKX0DER: "America/Los_Angeles",
  A2EUQ1WTGCTBG2: "America/Los_Angeles",
  A1AM78C64UM0Y8: "America/Mexico_City",
  A2Q3Y263D00KWC: "America/Sao_Paulo",
  A1F83G8C2ARO7P: "Europe/London",
  A1PA6795UKMFR9: "Europe/Berlin",
  A13V1IB3VIYZZH: "Europe/Paris",
  APJ6JRA9NG5V4: "Europe/Rome",
  A1RKKUPIHCS9HS: "Europe/Madrid",
  A1805IZSGTT6HS: "Europe/Amsterdam",
  A2NODRKZP88ZB9: "Europe/Stockholm",
  A1C3SOZRARQ6R3: "Europe/Warsaw",
  AMEN7PMS3EDWL: "Europe/Brussels",
  A33AVAJ2PDY3EV: "Europe/Istanbul",
  A1VC38T7YXB528: "Asia/Tokyo",
  A39IBJ37TRP1C6: "Australia/Sydney",
  A19VAU5U5O7RUS: "Asia/Singapore",
};

function localDay(at: Date, marketplaceId: string): string {
  const zone = ZONES[marketplaceId];
  if (!zone) throw new Error(`no time zone for ${marketplaceId} in the test`);
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: zone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

const age = (today: string, day: string) =>
  Math.round((Date.parse(today) - Date.parse(day)) / 86_400_000);

/** One SKU as the test computes it from the truth, in CSV text. */
interface Expected {
  key: string;
  title: string;
  fulfillable: number;
  inbound: number;
  reserved: number;
  unfulfillable: number;
  units30: number;
  cover: string;
  suggestion: number;
  alerts: string;
}

/**
 * The inventory screen's figures, computed here from the sandbox's truth:
 * the latest snapshot per SKU, the ASIN's non-cancelled units of the last
 * 30 local days of its marketplace, and the documented formulas.
 */
function expectedStock(
  truth: ReturnType<typeof expectedRows>,
  storeId: string,
  now: Date,
  settings = { lead: 30, cover: 60, alert: 14 },
): Expected[] {
  const orders = new Map(truth.orders.map((o) => [o.amazonOrderId, o]));
  const units = new Map<string, number>();
  for (const it of truth.orderItems) {
    const o = orders.get(it.amazonOrderId)!;
    if (o.status === "Canceled") continue;
    const m = o.marketplaceId;
    const d = age(localDay(now, m), localDay(o.purchasedAt as Date, m));
    if (d < 0 || d >= 30) continue;
    const k = `${m}|${it.asin}`;
    units.set(k, (units.get(k) ?? 0) + it.quantity);
  }
  return truth.inventory.map((inv) => {
    const listing = truth.listings.find((l) =>
      l.marketplaceId === inv.marketplaceId && l.sku === inv.sku
    );
    const product = truth.products.find((p) => p.sku === inv.sku);
    const u = units.get(`${inv.marketplaceId}|${inv.asin}`) ?? 0;
    const inbound = inv.inboundWorking + inv.inboundShipped +
      inv.inboundReceiving;
    const need = Math.ceil(u * (settings.lead + settings.cover) / 30);
    const alerts: string[] = [];
    if (u > 0 && inv.fulfillable * 30 < settings.alert * u) {
      alerts.push("low_cover");
    }
    if (inv.unfulfillable > 0) alerts.push("unfulfillable");
    if (inv.fulfillable > 0 && !listing?.status.includes("BUYABLE")) {
      alerts.push("stranded");
    }
    return {
      key: `${storeId}|${inv.marketplaceId}|${inv.sku}`,
      title: listing?.itemName ?? product?.title ?? "",
      fulfillable: inv.fulfillable,
      inbound,
      reserved: inv.reserved,
      unfulfillable: inv.unfulfillable,
      units30: u,
      cover: u > 0
        ? String(Math.round(inv.fulfillable * 30 / u * 10) / 10)
        : "",
      suggestion: Math.max(0, need - (inv.fulfillable + inbound)),
      alerts: alerts.join(" "),
    };
  });
}

const GEN = { seed: 27, stores: 2, orders: 400, days: 45 };

async function openWorld() {
  const anchor = new Date(Math.floor(Date.now() / HOUR) * HOUR);
  const s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const gen = { ...GEN, anchor };
  await seedDatabase(s.t.db, s.vault, gen);
  const plans = planStores({ ...gen, ordersPerBatch: 2000 });
  const truth = plans.map((plan) => {
    const seller = new SandboxSeller({
      index: plan.index,
      plan,
      gen: { ...gen, ordersPerBatch: 2000 },
      refreshToken: "",
      restrictedRole: true,
      settlementDateStyle: "auto",
    });
    return expectedRows(seller.truth(), storeIdOf(plan));
  });
  return { s, storeIds: plans.map(storeIdOf), truth };
}

const unescape = (v: string) =>
  v.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&#39;", "'").replaceAll("&amp;", "&");

/** The rows of an /inventory page, as keys and shown figures. */
function parsePage(html: string) {
  const rows = [
    ...html.matchAll(
      /<tr data-sku="([^"]*)" data-store="([^"]*)" data-marketplace="([^"]*)">(.*?)<\/tr>/gs,
    ),
  ].map((m) => {
    const cell = (col: string) =>
      new RegExp(`data-col="${col}"[^>]*>(.*?)</td>`, "s").exec(m[4])![1];
    const num = (col: string) => cell(col).replace(/<br\/?>.*$/s, "").trim();
    return {
      key: `${m[2]}|${m[3]}|${unescape(m[1])}`,
      fulfillable: num("fulfillable"),
      inbound: num("inbound"),
      reserved: num("reserved"),
      unfulfillable: num("unfulfillable"),
      cover: num("cover"),
      suggestion: num("suggestion"),
      alerts: [...cell("alerts").matchAll(/data-state="(\w+)"/g)].map((a) =>
        a[1]
      ).join(" "),
    };
  });
  const next = /<a href="([^"]+)" rel="next"/.exec(html)?.[1];
  return { rows, next: next ? unescape(next) : null };
}

/** Every row of /inventory from `path` on, page by page. */
async function walkPages(s: TestApp, who: TestStaff, path: string) {
  const all: ReturnType<typeof parsePage>["rows"] = [];
  let next: string | null = path;
  let pages = 0;
  while (next) {
    const res = await get(s, next, who);
    assert.equal(res.status, 200, next);
    const page = parsePage(await res.text());
    all.push(...page.rows);
    next = page.next;
    pages++;
  }
  return { rows: all, pages };
}

const en = (n: number) => new Intl.NumberFormat("en").format(n);

/** The CSV's rows as objects by column. */
function csvObjects(text: string): Record<string, string>[] {
  const rows = parseCsv(text);
  const header = rows.shift()!;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

Deno.test(`inventory (${testEngine}): every figure equals the truth; CSV rows equal the pages; filters and sorts`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const owner = await makeStaff(w.s, "owner");
  // The second store plans far ahead and alerts early: its own settings.
  const ahead = { lead: 200, cover: 165, alert: 90 };
  const saved = await post(w.s, `/stores/${w.storeIds[1]}/restock`, owner, {
    leadTimeDays: String(ahead.lead),
    coverDays: String(ahead.cover),
    alertDays: String(ahead.alert),
  });
  assert.equal(saved.status, 303);
  const now = new Date();
  const expected = w.truth.flatMap((t, i) =>
    expectedStock(t, w.storeIds[i], now, i === 1 ? ahead : undefined)
  );
  assert.ok(expected.length > 20, "the sandbox holds FBA inventory");
  assert.ok(expected.some((e) => e.units30 > 0), "something sold");
  assert.ok(expected.some((e) => e.alerts.includes("low_cover")));
  assert.ok(expected.some((e) => e.suggestion > 0));

  // The CSV: one line per SKU and marketplace, equal to the truth.
  const res = await get(w.s, "/inventory.csv", owner);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.match(
    res.headers.get("content-disposition")!,
    /^attachment; filename="inventory-\d{4}-\d{2}-\d{2}\.csv"$/,
  );
  assert.equal(res.headers.get("cache-control"), "no-store");
  const csv = csvObjects(await res.text());
  assert.equal(csv.length, expected.length);
  const byKey = new Map(expected.map((e) => [e.key, e]));
  for (const r of csv) {
    const key = `${r.store_id}|${r.marketplace_id}|${r.sku}`;
    const e = byKey.get(key);
    assert.ok(e, key);
    assert.deepEqual({
      fulfillable: Number(r.fulfillable),
      inbound: Number(r.inbound),
      reserved: Number(r.reserved),
      unfulfillable: Number(r.unfulfillable),
      units30: Number(r.units_30d),
      cover: r.days_of_cover,
      suggestion: Number(r.restock_suggestion),
      alerts: r.alerts,
    }, {
      fulfillable: e.fulfillable,
      inbound: e.inbound,
      reserved: e.reserved,
      unfulfillable: e.unfulfillable,
      units30: e.units30,
      cover: e.cover,
      suggestion: e.suggestion,
      alerts: e.alerts,
    }, key);
    assert.equal(
      r.inbound,
      String(
        Number(r.inbound_working) + Number(r.inbound_shipped) +
          Number(r.inbound_receiving),
      ),
    );
    assert.equal(
      Number(r.velocity_per_day),
      Math.round(e.units30 / 30 * 100) / 100,
    );
  }
  // Many exports follow: each starts with a fresh export window (the limit
  // has its own test).
  const csvOf = async (path: string) => {
    await w.s.kv.delete(exportLimitKey(owner.id));
    const r = await get(w.s, path, owner);
    assert.equal(r.status, 200, path);
    return csvObjects(await r.text());
  };
  // Sorted by days of cover, least first, nothing-sold last.
  const covers = csv.map((r) =>
    r.days_of_cover === "" ? Infinity : Number(r.days_of_cover)
  );
  assert.deepEqual(covers, [...covers].sort((a, b) => a - b));

  // The pages (50 a page) yield the CSV's rows, in its order, each once.
  const walked = await walkPages(w.s, owner, "/inventory");
  assert.equal(walked.pages, Math.ceil(csv.length / 50));
  assert.deepEqual(
    walked.rows.map((r) => r.key),
    csv.map((r) => `${r.store_id}|${r.marketplace_id}|${r.sku}`),
  );
  for (const [i, r] of walked.rows.entries()) {
    const c = csv[i];
    assert.deepEqual(r, {
      key: r.key,
      fulfillable: en(Number(c.fulfillable)),
      inbound: en(Number(c.inbound)),
      reserved: en(Number(c.reserved)),
      unfulfillable: en(Number(c.unfulfillable)),
      cover: c.days_of_cover === "" ? "No sales" : en(Number(c.days_of_cover)),
      suggestion: en(Number(c.restock_suggestion)),
      alerts: c.alerts,
    });
  }

  // Each sort, both ways, at 100 a page: every SKU once, in order.
  for (
    const [sort, col] of [
      ["suggestion", "restock_suggestion"],
      ["fulfillable", "fulfillable"],
      ["velocity", "units_30d"],
    ] as const
  ) {
    for (const dir of ["asc", "desc"] as const) {
      const rows = await csvOf(`/inventory.csv?sort=${sort}&dir=${dir}`);
      const values = rows.map((r) => Number(r[col]));
      assert.deepEqual(
        values,
        [...values].sort((a, b) => dir === "asc" ? a - b : b - a),
        `${sort} ${dir}`,
      );
      if (sort === "fulfillable") continue;
      const paged = await walkPages(
        w.s,
        owner,
        `/inventory?sort=${sort}&dir=${dir}&size=100`,
      );
      assert.deepEqual(
        paged.rows.map((r) => r.key),
        rows.map((r) => `${r.store_id}|${r.marketplace_id}|${r.sku}`),
        `${sort} ${dir} pages`,
      );
    }
  }

  // Filters: store, marketplace, alert kinds, search.
  const [a, b] = w.storeIds;
  const only = async (query: string) =>
    (await csvOf(`/inventory.csv?${query}`))
      .map((r) => `${r.store_id}|${r.marketplace_id}|${r.sku}`).sort();
  const keys = (f: (e: Expected) => boolean) =>
    expected.filter(f).map((e) => e.key).sort();
  assert.deepEqual(await only(`store=${b}`), keys((e) => e.key.startsWith(b)));
  const market = expected[0].key.split("|")[1];
  assert.deepEqual(
    await only(`store=${a}&marketplace=${market}`),
    keys((e) => e.key.startsWith(`${a}|${market}|`)),
  );
  for (const kind of ["low_cover", "unfulfillable", "stranded"]) {
    assert.deepEqual(
      await only(`alert=${kind}`),
      keys((e) => e.alerts.split(" ").includes(kind)),
      kind,
    );
  }
  assert.deepEqual(await only("alert=none"), keys((e) => e.alerts === ""));
  const one = expected.find((e) => e.units30 > 0)!;
  const sku = one.key.split("|")[2];
  assert.deepEqual(
    await only(`q=${encodeURIComponent(sku)}`),
    keys((e) => e.key.endsWith(`|${sku}`)),
  );
  const words = one.title.split(" ").filter((x) => x.length > 3);
  const word = words[words.length - 1] ?? one.title;
  assert.deepEqual(
    await only(`q=${encodeURIComponent(word.toLowerCase())}`),
    keys((e) => e.title.toLowerCase().includes(word.toLowerCase())),
  );

  // Page sizes; a bad filter is a 400 that says so; an empty filter says
  // what to do.
  const big = await walkPages(w.s, owner, "/inventory?size=500");
  assert.equal(big.pages, Math.ceil(csv.length / 500));
  let html = await (await get(w.s, "/inventory?sort=nope", owner)).text();
  assert.match(html, /These filters are not valid/);
  assert.equal((await get(w.s, "/inventory?sort=nope", owner)).status, 400);
  html = await (await get(w.s, "/inventory?q=NO-SUCH-SKU", owner)).text();
  assert.match(html, /No SKU matches these filters/);
  // Chinese.
  html = await (await w.s.app.request(`${ORIGIN}/inventory`, {
    headers: { cookie: owner.cookie, "accept-language": "zh-CN" },
  })).text();
  assert.match(html, /<h1>库存<\/h1>/);

  // A viewer of one store with inventory.read (operations): that store only;
  // another store is a 404.
  const ops = await makeStaff(w.s, "operations", { storeIds: [a] });
  const opsCsv = csvObjects(
    await (await get(w.s, "/inventory.csv", ops)).text(),
  );
  assert.deepEqual(
    opsCsv.map((r) => `${r.store_id}|${r.marketplace_id}|${r.sku}`).sort(),
    keys((e) => e.key.startsWith(`${a}|`)),
  );
  for (const path of [`/inventory?store=${b}`, `/inventory.csv?store=${b}`]) {
    const r = await get(w.s, path, ops);
    assert.equal(r.status, 404, path);
    await r.body?.cancel();
  }
});

/** A store with hand-made snapshots and sales (no sandbox). */
async function handMade(s: TestApp) {
  const storeId = await makeStore(s, "Hand made");
  const m = "ATVPDKIKX0DER";
  const today = localDay(new Date(), m);
  const owner = ownerOf(s.t.db);
  const snap = (
    sku: string,
    fulfillable: number,
    inbound: [number, number, number],
    unfulfillable = 0,
  ) => ({
    storeId,
    marketplaceId: m,
    sku,
    snapshotDate: today,
    asin: `B0${sku.padEnd(8, "0")}`.slice(0, 10),
    fulfillable,
    inboundWorking: inbound[0],
    inboundShipped: inbound[1],
    inboundReceiving: inbound[2],
    reserved: 0,
    researching: 0,
    unfulfillable,
    total: fulfillable + inbound[0] + inbound[1] + inbound[2] + unfulfillable,
  });
  // SKU: fulfillable, inbound, unfulfillable; units sold in 30 days.
  const cases = {
    ZERO: { snap: snap("ZERO", 40, [0, 0, 0]), units: 0 },
    EXACT: { snap: snap("EXACT", 50, [20, 10, 10]), units: 30 },
    SHORT: { snap: snap("SHORT", 50, [20, 10, 9]), units: 30 },
    EMPTY: { snap: snap("EMPTY", 0, [0, 0, 0]), units: 31 },
    OVER: { snap: snap("OVER", 10, [500, 0, 0]), units: 60 },
    EDGE: { snap: snap("EDGE", 14, [0, 0, 0]), units: 30 },
    UNDER: { snap: snap("UNDER", 13, [0, 0, 0], 2), units: 30 },
  };
  await owner.insert(inventorySnapshots).values([
    ...Object.values(cases).map((c) => c.snap),
    // An older snapshot of a SKU: the latest one counts.
    { ...cases.EXACT.snap, snapshotDate: "2020-01-01", fulfillable: 999 },
  ]);
  await owner.insert(listings).values(
    Object.values(cases).map((c) => ({
      storeId,
      marketplaceId: m,
      sku: c.snap.sku,
      asin: c.snap.asin,
      status: c.snap.sku === "ZERO" ? ["DISCOVERABLE"] : ["BUYABLE"],
    })),
  );
  // Sales over the window: some today, the rest 29 days ago (the window's
  // first day), and some 30 days ago (outside it).
  const day29 = new Date(Date.parse(today) - 29 * 86_400_000).toISOString()
    .slice(0, 10);
  const day30 = new Date(Date.parse(today) - 30 * 86_400_000).toISOString()
    .slice(0, 10);
  const sales = Object.values(cases).filter((c) => c.units > 0).flatMap((
    c,
  ) => [
    {
      storeId,
      marketplaceId: m,
      day: today,
      asin: c.snap.asin,
      currency: "USD",
      orders: 1,
      units: c.units - 1,
      sales: "1.0000",
    },
    {
      storeId,
      marketplaceId: m,
      day: day29,
      asin: c.snap.asin,
      currency: "USD",
      orders: 1,
      units: 1,
      sales: "1.0000",
    },
    {
      storeId,
      marketplaceId: m,
      day: day30,
      asin: c.snap.asin,
      currency: "USD",
      orders: 1,
      units: 1000,
      sales: "1.0000",
    },
  ]);
  await owner.insert(dailyProductSales).values(sales);
  return { storeId };
}

Deno.test(`restock (${testEngine}): the suggestion at its boundaries; per-store settings move the alerts on /inventory and the dashboard`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const { storeId } = await handMade(s);
  const owner = await makeStaff(s, "owner");
  const read = async () => {
    const rows = csvObjects(
      await (await get(s, `/inventory.csv?store=${storeId}`, owner)).text(),
    );
    return Object.fromEntries(rows.map((r) => [r.sku, r]));
  };
  let rows = await read();
  const fig = (sku: string) => ({
    cover: rows[sku].days_of_cover,
    suggestion: Number(rows[sku].restock_suggestion),
    alerts: rows[sku].alerts,
  });
  // Defaults: lead 30 + cover 60 = 90 days; alert under 14 days.
  // Zero velocity: no cover figure, nothing to send, no low-cover alert
  // (stranded: no buyable listing).
  assert.deepEqual(fig("ZERO"), {
    cover: "",
    suggestion: 0,
    alerts: "stranded",
  });
  // 1 a day: needs 90; 50 on hand + 40 inbound cover it exactly.
  assert.deepEqual(fig("EXACT"), { cover: "50", suggestion: 0, alerts: "" });
  assert.equal(rows.EXACT.fulfillable, "50", "the latest snapshot counts");
  // One unit short of it.
  assert.deepEqual(fig("SHORT"), { cover: "50", suggestion: 1, alerts: "" });
  // 31 in 30 days: ⌈31 × 90 / 30⌉ = 93, nothing on hand.
  assert.deepEqual(fig("EMPTY"), {
    cover: "0",
    suggestion: 93,
    alerts: "low_cover",
  });
  // Inbound far beyond the need: never negative.
  assert.deepEqual(fig("OVER"), {
    cover: "5",
    suggestion: 0,
    alerts: "low_cover",
  });
  // Exactly at the threshold is not under it; one unit less is.
  assert.deepEqual(fig("EDGE"), { cover: "14", suggestion: 76, alerts: "" });
  assert.deepEqual(fig("UNDER"), {
    cover: "13",
    suggestion: 77,
    alerts: "low_cover unfulfillable",
  });

  // The dashboard shows the same alerts.
  const dashAlerts = async () => {
    const html = await (await get(s, `/?store=${storeId}`, owner)).text();
    const table =
      /<table class="index-table" id="inventory-alerts">.*?<\/table>/s
        .exec(html)?.[0] ?? "";
    return {
      html,
      skus: [...table.matchAll(/<th scope="row"><code>(\w+)<\/code>/g)].map((
        m,
      ) => m[1]).sort(),
    };
  };
  let dash = await dashAlerts();
  assert.deepEqual(dash.skus, ["EMPTY", "OVER", "UNDER", "ZERO"]);
  assert.match(dash.html, /threshold of days of cover \(14 days/);

  // The store's own settings: lead 10, cover 20 (30 days), alert under 15.
  const saved = await post(s, `/stores/${storeId}/restock`, owner, {
    leadTimeDays: "10",
    coverDays: "20",
    alertDays: "15",
  });
  assert.equal(saved.status, 303);
  assert.equal(
    saved.headers.get("location"),
    `/inventory?store=${storeId}#restock-settings`,
  );
  rows = await read();
  // 1 a day × 30 = 30 needed: 50 on hand covers it.
  assert.deepEqual(fig("SHORT"), { cover: "50", suggestion: 0, alerts: "" });
  assert.deepEqual(fig("EMPTY"), {
    cover: "0",
    suggestion: 31,
    alerts: "low_cover",
  });
  // 14 days of cover is now under the threshold.
  assert.deepEqual(fig("EDGE"), {
    cover: "14",
    suggestion: 16,
    alerts: "low_cover",
  });
  assert.equal(rows.EDGE.lead_time_days, "10");
  assert.equal(rows.EDGE.cover_target_days, "20");
  assert.equal(rows.EDGE.cover_alert_days, "15");
  // /inventory's low-cover filter and the dashboard agree.
  const page = await (await get(
    s,
    `/inventory?store=${storeId}&alert=low_cover`,
    owner,
  )).text();
  assert.deepEqual(
    [...page.matchAll(/<tr data-sku="(\w+)"/g)].map((m) => m[1]).sort(),
    ["EDGE", "EMPTY", "OVER", "UNDER"],
  );
  assert.match(
    page,
    /<tr data-store="[^"]+"><th scope="row">Hand made<\/th><td class="num">10<\/td><td class="num">20<\/td><td class="num">15<\/td>/,
  );
  dash = await dashAlerts();
  assert.deepEqual(dash.skus, ["EDGE", "EMPTY", "OVER", "UNDER", "ZERO"]);
  assert.match(dash.html, /threshold of days of cover \(15 days/);
});

Deno.test(`restock settings (${testEngine}): per-field errors, nothing changed; audited; stores.manage only`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const owner = await makeStaff(s, "owner");
  const audits = () =>
    ownerOf(s.t.db).select().from(auditEvents).where(
      eq(auditEvents.action, "store.restock_settings"),
    );
  const settingsOf = async (id: string) =>
    (await ownerOf(s.t.db).select({
      lead: stores.restockLeadTimeDays,
      cover: stores.restockCoverDays,
      alert: stores.coverAlertDays,
    }).from(stores).where(eq(stores.id, id)))[0];
  assert.deepEqual(await settingsOf(a), { lead: 30, cover: 60, alert: 14 });

  const form = await get(s, `/stores/${a}/restock`, owner);
  assert.equal(form.status, 200);
  const formHtml = await form.text();
  assert.match(formHtml, /name="leadTimeDays" value="30"/);
  assert.match(formHtml, /name="alertDays" value="14"/);

  const refused: [Record<string, string>, Record<string, RegExp>][] = [
    [{ leadTimeDays: "-1", coverDays: "60", alertDays: "14" }, {
      leadTimeDays: /from 0 to 365/,
    }],
    [{ leadTimeDays: "30", coverDays: "366", alertDays: "2.5" }, {
      coverDays: /from 0 to 365/,
      alertDays: /whole number/,
    }],
    [{ leadTimeDays: "", coverDays: "abc", alertDays: "1e3" }, {
      leadTimeDays: /Enter a number of days/,
      coverDays: /whole number/,
      alertDays: /whole number/,
    }],
  ];
  for (const [values, errors] of refused) {
    const res = await post(s, `/stores/${a}/restock`, owner, values);
    assert.equal(res.status, 400, JSON.stringify(values));
    const html = await res.text();
    assert.match(html, /Nothing was saved/);
    for (const field of ["leadTimeDays", "coverDays", "alertDays"]) {
      const input = new RegExp(`<input[^>]*name="${field}"[^>]*>`).exec(html)![
        0
      ];
      const error = new RegExp(
        `<small id="${field}-error" class="field-error">(.*?)</small>`,
      ).exec(html)?.[1];
      if (errors[field]) {
        assert.match(input, /aria-invalid="true"/, field);
        assert.match(error ?? "", errors[field], field);
      } else {
        assert.doesNotMatch(input, /aria-invalid/, field);
        assert.equal(error, undefined, field);
      }
      // What was typed is shown again.
      assert.match(
        input,
        new RegExp(`value="${values[field].replace(".", "\\.")}"`),
      );
    }
    assert.deepEqual(await settingsOf(a), { lead: 30, cover: 60, alert: 14 });
  }
  assert.equal((await audits()).length, 0);

  // Saved: audited with the values before and after; the other store keeps
  // its own; saving the same values again records nothing new.
  const ok = await post(s, `/stores/${a}/restock`, owner, {
    leadTimeDays: " 45 ",
    coverDays: "0",
    alertDays: "365",
  });
  assert.equal(ok.status, 303);
  assert.deepEqual(await settingsOf(a), { lead: 45, cover: 0, alert: 365 });
  assert.deepEqual(await settingsOf(b), { lead: 30, cover: 60, alert: 14 });
  let events = await audits();
  assert.equal(events.length, 1);
  assert.equal(events[0].storeId, a);
  assert.equal(events[0].actorId, owner.id);
  assert.equal(events[0].outcome, "success");
  assert.deepEqual(events[0].details, {
    from: { leadTimeDays: 30, coverDays: 60, alertDays: 14 },
    to: { leadTimeDays: 45, coverDays: 0, alertDays: 365 },
  });
  await post(s, `/stores/${a}/restock`, owner, {
    leadTimeDays: "45",
    coverDays: "0",
    alertDays: "365",
  });
  events = await audits();
  assert.equal(events.length, 1);

  // Without stores.manage: 403, nothing changed. A store not granted, or
  // not a store: 404.
  const admin = await makeStaff(s, "admin");
  const ops = await makeStaff(s, "operations", { storeIds: [a] });
  let res = await post(s, `/stores/${a}/restock`, ops, {
    leadTimeDays: "1",
    coverDays: "1",
    alertDays: "1",
  });
  assert.equal(res.status, 403);
  await res.body?.cancel();
  assert.deepEqual(await settingsOf(a), { lead: 45, cover: 0, alert: 365 });
  for (const id of [crypto.randomUUID(), "not-a-store"]) {
    res = await post(s, `/stores/${id}/restock`, admin, {
      leadTimeDays: "1",
      coverDays: "1",
      alertDays: "1",
    });
    assert.equal(res.status, 404, id);
    await res.body?.cancel();
    res = await get(s, `/stores/${id}/restock`, admin);
    assert.equal(res.status, 404, id);
    await res.body?.cancel();
  }
  // The edit links appear only for stores.manage.
  const opsPage = await (await get(s, "/inventory", ops)).text();
  assert.match(opsPage, /id="restock-settings"/);
  assert.doesNotMatch(opsPage, /\/restock"/);
  const ownerPage = await (await get(s, "/inventory", owner)).text();
  assert.match(ownerPage, new RegExp(`href="/stores/${a}/restock"`));
  // The store page links them too, for stores.manage only.
  const storePage = await (await get(s, `/stores/${a}`, owner)).text();
  assert.match(
    storePage,
    new RegExp(`<a href="/stores/${a}/restock">Restock settings</a>`),
  );
  const opsStore = await (await get(s, `/stores/${a}`, ops)).text();
  assert.doesNotMatch(opsStore, /\/restock"/);
});

Deno.test(`inventory access (${testEngine}): every new route for every persona`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const a = await makeStore(s, "Store A");
  const routes: [string, string, Record<string, string> | null, string][] = [
    ["GET", "/inventory", null, "inventory.read"],
    ["GET", "/inventory.csv", null, "export.csv"],
    ["GET", `/stores/${a}/restock`, null, "stores.manage"],
    ["POST", `/stores/${a}/restock`, {
      leadTimeDays: "30",
      coverDays: "60",
      alertDays: "14",
    }, "stores.manage"],
  ];
  const failures: string[] = [];
  for (const role of ROLES.map((r) => r.name as RoleName)) {
    const who = await makeStaff(s, role, { storeIds: [a] });
    for (const [method, path, form, permission] of routes) {
      const res = method === "GET"
        ? await get(s, path, who)
        : await post(s, path, who, form!);
      await res.body?.cancel();
      // The export is a copy of the page: it needs the page's permission too.
      const allowed = can(role, permission as never) &&
        (path !== "/inventory.csv" || can(role, "inventory.read"));
      const expected = allowed ? (method === "POST" ? 303 : 200) : 403;
      if (res.status !== expected) {
        failures.push(`${method} ${path} as ${role}: ${res.status}`);
      }
    }
  }
  for (const [method, path, form] of routes) {
    const res = method === "GET"
      ? await get(s, path, null)
      : await post(s, path, null, form!);
    await res.body?.cancel();
    const expected = method === "GET" ? 303 : 401;
    if (res.status !== expected) {
      failures.push(`${method} ${path} signed out: ${res.status}`);
    }
  }
  assert.deepEqual(failures, []);
  // The navigation offers Inventory exactly to inventory.read.
  for (const role of ROLES.map((r) => r.name as RoleName)) {
    if (!can(role, "dashboard.view")) continue;
    const who = await makeStaff(s, role, { storeIds: [a] });
    const html = await (await get(s, "/", who)).text();
    const nav = /<nav class="sidenav".*?<\/nav>/s.exec(html)?.[0] ?? "";
    assert.equal(
      /href="\/inventory(\?|")/.test(nav),
      can(role, "inventory.read"),
      role,
    );
  }
});

Deno.test(`inventory CSV (${testEngine}): formula cells neutralised, markup as text, audited with filters and row count, rate limited`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const { storeId } = await handMade(s);
  const other = await makeStore(s, "Other");
  const owner = ownerOf(s.t.db);
  const m = "ATVPDKIKX0DER";
  await owner.insert(inventorySnapshots).values([{
    storeId,
    marketplaceId: m,
    sku: '=HYPERLINK("http://evil")',
    snapshotDate: "2026-01-01",
    asin: "B0EVIL0001",
    fulfillable: 3,
    inboundWorking: 0,
    inboundShipped: 0,
    inboundReceiving: 0,
    reserved: 0,
    researching: 0,
    unfulfillable: 0,
    total: 3,
  }, {
    storeId: other,
    marketplaceId: m,
    sku: "OTHER-STORE",
    snapshotDate: "2026-01-01",
    asin: "B0OTHER001",
    fulfillable: 1,
    inboundWorking: 0,
    inboundShipped: 0,
    inboundReceiving: 0,
    reserved: 0,
    researching: 0,
    unfulfillable: 0,
    total: 1,
  }]);
  await owner.insert(listings).values({
    storeId,
    marketplaceId: m,
    sku: '=HYPERLINK("http://evil")',
    asin: "B0EVIL0001",
    status: ["BUYABLE"],
    itemName: "@SUM(1+1) <script>alert(1)</script>",
  });
  const ops = await makeStaff(s, "operations", { storeIds: [storeId] });

  // Bounded by the person's stores; formula cells start with a quote.
  const text = await (await get(s, "/inventory.csv?q=B0EVIL0001", ops)).text();
  const rows = csvObjects(text);
  assert.equal(rows.length, 1);
  assert.equal(rows[0].sku, '\'=HYPERLINK("http://evil")');
  assert.equal(rows[0].title, "'@SUM(1+1) <script>alert(1)</script>");
  const all = csvObjects(await (await get(s, "/inventory.csv", ops)).text());
  assert.equal(all.length, 8);
  assert.ok(all.every((r) => r.store_id === storeId));
  // The page shows the markup as text.
  const html = await (await get(s, "/inventory?q=B0EVIL0001", ops)).text();
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(!html.includes("<script>alert(1)"));

  // Audited after the stream, with its filters and row count.
  const events = await ownerOf(s.t.db).select().from(auditEvents).where(
    and(
      eq(auditEvents.action, "export.csv"),
      eq(auditEvents.target, "inventory"),
    ),
  );
  assert.equal(events.length, 2);
  assert.deepEqual(events.map((e) => e.details), [
    { filter: { q: "B0EVIL0001" }, rows: 1, complete: true },
    { filter: {}, rows: 8, complete: true },
  ]);
  assert.ok(events.every((e) => e.outcome === "success"));
  assert.ok(events.every((e) => e.actorId === ops.id));

  // The per-person rate limit (ten an hour, shared with every export).
  for (let i = 0; i < 8; i++) {
    const r = await get(
      s,
      `/inventory.csv?alert=stranded&store=${storeId}`,
      ops,
    );
    assert.equal(r.status, 200);
    await r.text();
  }
  const over = await get(s, "/inventory.csv", ops);
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers.get("retry-after")) > 0);
  assert.match(await over.text(), /too many exports/);
  const denied = await ownerOf(s.t.db).select().from(auditEvents).where(
    and(
      eq(auditEvents.action, "export.csv"),
      eq(auditEvents.outcome, "denied"),
    ),
  );
  assert.equal(denied.length, 1);
  assert.deepEqual(denied[0].details, {
    filter: {},
    refused: "rate_limited",
  });
});
