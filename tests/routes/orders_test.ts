// The order screens (issue #15) on seeded data, against the sandbox's ground
// truth (tests/_helpers/truth.ts): keyset pages that yield every order once
// in every sort, filters, exact per-currency totals, the order page (another
// store's order is a 404), the buyer-data reveal (permission, reason,
// freeze, audit, no-store, expiry, the purge message) and the streamed CSV
// export (rows equal truth, formula cells neutralised, buyer columns only
// with pii.export and a reason, audited with its row count, rate limited).
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { seedDatabase } from "../../bench/seed.ts";
import { storeIdOf } from "../../bench/seed_rows.ts";
import { auditEvents, buyerPii } from "../../db/schema.ts";
import { upsertBuyerPii } from "../../lib/ingest/buyer_pii.ts";
import { upsertOrderItems, upsertOrders } from "../../lib/ingest/orders.ts";
import { upsertProducts } from "../../lib/ingest/catalog.ts";
import { orderTotals } from "../../lib/orders/list.ts";
import { purgeStore } from "../../lib/policy/purge.ts";
import { loadPrincipal } from "../../lib/security/principal.ts";
import { planStores, SandboxSeller } from "../../sandbox/testing.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { expectedRows } from "../_helpers/truth.ts";

const ORIGIN = "http://127.0.0.1:8000";
const ANCHOR = new Date(Date.UTC(2026, 5, 15, 12));
const GEN = { seed: 15, stores: 2, orders: 160, days: 60, anchor: ANCHOR };

type TruthOrder = ReturnType<typeof expectedRows>["orders"][number];

interface World {
  s: TestApp;
  storeIds: string[];
  truth: ReturnType<typeof expectedRows>[];
  orders: TruthOrder[];
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
    orders: truth.flatMap((t) => t.orders),
  };
}

/** Buyer data for an order of store `index`, written the way the sync does. */
async function addBuyerData(w: World, index = 0) {
  const order = w.truth[index].orders.find((o) => o.status !== "Canceled")!;
  const payload = {
    name: "Jane Q. Buyer",
    email: "jane.buyer@example.test",
    addressLine1: "=1 Formula Street",
    city: "Springfield",
    postalCode: "12345",
    countryCode: "US",
  };
  const now = new Date();
  await w.s.t.db.asJob(
    w.storeIds[index],
    (tx) =>
      upsertBuyerPii(tx, w.s.vault, [{
        storeId: w.storeIds[index],
        amazonOrderId: order.amazonOrderId,
        collectedAt: now,
        deliveredAt: now,
        payload,
      }]),
  );
  return { amazonOrderId: order.amazonOrderId, payload };
}

function get(s: TestApp, path: string, who: TestStaff, hx = false) {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: {
      cookie: who.cookie,
      "accept-language": "en",
      ...(hx ? { "hx-request": "true" } : {}),
    },
  });
}

function post(
  s: TestApp,
  path: string,
  who: TestStaff,
  form: Record<string, string>,
  hx = false,
) {
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      cookie: who.cookie,
      origin: ORIGIN,
      "accept-language": "en",
      "content-type": "application/x-www-form-urlencoded",
      ...(hx ? { "hx-request": "true" } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
}

const ORDER_LINK = /href="\/orders\/([0-9a-f-]{36})\/([^"?]+)"/g;

/** The orders a page lists, in order, and its pager links. */
function parseList(html: string) {
  const ids = [...html.matchAll(ORDER_LINK)].map((m) =>
    `${m[1]}/${decodeURIComponent(m[2])}`
  );
  const link = (rel: string) => {
    const m = new RegExp(`<a href="([^"]+)" rel="${rel}"`).exec(html);
    return m ? m[1].replaceAll("&amp;", "&") : null;
  };
  return { ids, next: link("next"), prev: link("prev") };
}

/** Walks every page forward from `path`; the ids and the page count. */
async function walk(s: TestApp, who: TestStaff, path: string) {
  const all: string[] = [];
  const pages: string[] = [];
  let next: string | null = path;
  while (next) {
    const res = await get(s, next, who);
    assert.equal(res.status, 200, next);
    const page = parseList(await res.text());
    pages.push(next);
    all.push(...page.ids);
    next = page.next;
    assert.ok(pages.length < 100, "the pager ends");
  }
  return { all, pages };
}

const key = (o: TruthOrder) => `${o.storeId}/${o.amazonOrderId}`;
const time = (v: unknown) => new Date(v as string | Date).getTime();

Deno.test(`orders (${testEngine}): keyset pages yield every order exactly once, in each sort, both ways`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const owner = await makeStaff(w.s, "owner");
  const expected = w.orders.map(key).sort();
  assert.ok(expected.length > 100, `${expected.length} orders seeded`);

  // Newest first: exactly the truth, in purchase order.
  const byDate = await walk(w.s, owner, "/orders");
  assert.deepEqual([...byDate.all].sort(), expected);
  assert.equal(new Set(byDate.all).size, byDate.all.length);
  const at = new Map(w.orders.map((o) => [key(o), time(o.purchasedAt)]));
  for (let i = 1; i < byDate.all.length; i++) {
    assert.ok(at.get(byDate.all[i - 1])! >= at.get(byDate.all[i])!);
  }
  assert.equal(byDate.pages.length, Math.ceil(expected.length / 50));

  // Every sort and direction, other page sizes.
  for (
    const q of [
      "sort=total&dir=asc",
      "sort=total",
      "sort=status",
      "sort=status&dir=asc&size=100",
      "dir=asc",
    ]
  ) {
    const { all } = await walk(w.s, owner, `/orders?${q}`);
    assert.deepEqual([...all].sort(), expected, q);
    assert.equal(new Set(all).size, all.length, q);
  }
  const totalOf = new Map(
    w.orders.map((
      o,
    ) => [
      key(o),
      o.orderTotal === null || o.orderTotal === undefined
        ? -1
        : Number(o.orderTotal),
    ]),
  );
  const asc = (await walk(w.s, owner, "/orders?sort=total&dir=asc")).all;
  for (let i = 1; i < asc.length; i++) {
    assert.ok(totalOf.get(asc[i - 1])! <= totalOf.get(asc[i])!);
  }

  // Back again: from the last page, "Newer" leads to the first.
  let html = await (await get(w.s, byDate.pages.at(-1)!, owner)).text();
  const back: string[][] = [parseList(html).ids];
  let prev = parseList(html).prev;
  while (prev) {
    html = await (await get(w.s, prev, owner)).text();
    back.unshift(parseList(html).ids);
    prev = parseList(html).prev;
  }
  assert.deepEqual(back.flat(), byDate.all);

  // The URL holds the state: a cursor that is not ours is the first page.
  const bogus = await get(w.s, "/orders?after=not-a-cursor", owner);
  assert.equal(parseList(await bogus.text()).ids[0], byDate.all[0]);
});

Deno.test(`orders (${testEngine}): filters narrow to exactly the truth; totals are per currency and exact`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const owner = await makeStaff(w.s, "owner");
  const principal = (await loadPrincipal(
    w.s.t.db,
    owner.id,
    owner.sessionId,
  ))!;
  const items = w.truth.flatMap((t) => t.orderItems);
  const sample = w.orders[7];
  const item = items.find((i) =>
    i.amazonOrderId === sample.amazonOrderId && i.sku
  )!;
  const zoneDay = (o: TruthOrder) => {
    const zones: Record<string, string> = {};
    const z = zones[o.marketplaceId] ??
      new Intl.DateTimeFormat("en-CA", {
        timeZone: marketplaceZone(o.marketplaceId),
      }).format(new Date(o.purchasedAt as Date));
    return z;
  };
  const days = w.orders.map(zoneDay).sort();
  const from = days[Math.floor(days.length / 3)];
  const to = days[Math.floor((2 * days.length) / 3)];
  const cases: [string, (o: TruthOrder) => boolean][] = [
    [`store=${w.storeIds[1]}`, (o) => o.storeId === w.storeIds[1]],
    ["status=Shipped", (o) => o.status === "Shipped"],
    ["channel=MFN", (o) => o.fulfillmentChannel === "MFN"],
    [
      `marketplace=${sample.marketplaceId}`,
      (o) => o.marketplaceId === sample.marketplaceId,
    ],
    [`from=${from}&to=${to}`, (o) => zoneDay(o) >= from && zoneDay(o) <= to],
    [
      `q=${encodeURIComponent(sample.amazonOrderId)}`,
      (o) => o.amazonOrderId === sample.amazonOrderId,
    ],
    [
      `q=${encodeURIComponent(item.sku!)}`,
      (o) =>
        items.some((i) =>
          i.storeId === o.storeId && i.amazonOrderId === o.amazonOrderId &&
          (i.sku === item.sku || i.asin === item.sku!.toUpperCase())
        ),
    ],
    [
      `q=${item.asin}`,
      (o) =>
        items.some((i) =>
          i.storeId === o.storeId && i.amazonOrderId === o.amazonOrderId &&
          (i.sku === item.asin || i.asin === item.asin)
        ),
    ],
    [
      `status=Shipped&channel=AFN&store=${w.storeIds[0]}`,
      (o) =>
        o.status === "Shipped" && o.fulfillmentChannel === "AFN" &&
        o.storeId === w.storeIds[0],
    ],
  ];
  for (const [q, keep] of cases) {
    const want = w.orders.filter(keep);
    assert.ok(want.length > 0, `${q} matches something`);
    const { all } = await walk(w.s, owner, `/orders?${q}`);
    assert.deepEqual(all.sort(), want.map(key).sort(), q);

    // Totals per currency, exact (ten-thousandths), never across currencies.
    const params = new URLSearchParams(q);
    const store = params.get("store");
    const totals = await orderTotals(w.s.t.db, principal, {
      storeIds: store ? [store] : w.storeIds,
      status: params.get("status") ?? undefined,
      channel: (params.get("channel") ?? undefined) as "AFN" | undefined,
      marketplace: params.get("marketplace") ?? undefined,
      from: params.get("from") ?? undefined,
      to: params.get("to") ?? undefined,
      q: params.get("q") ?? undefined,
      sort: "date",
      dir: "desc",
    });
    const exact = new Map<string | null, { n: number; sum: bigint | null }>();
    for (const o of want) {
      const c = o.currency ?? null;
      const e = exact.get(c) ?? { n: 0, sum: null };
      e.n++;
      if (o.orderTotal !== null && o.orderTotal !== undefined) {
        e.sum = (e.sum ?? 0n) + units(String(o.orderTotal));
      }
      exact.set(c, e);
    }
    assert.deepEqual(
      totals.map((t) => [t.currency, t.orders, t.total && units(t.total)]),
      [...exact].sort((a, b) =>
        a[0] === null ? 1 : b[0] === null ? -1 : a[0] < b[0] ? -1 : 1
      ).map(([c, e]) => [c, e.n, e.sum]),
      q,
    );
  }
  // The totals fragment shows each currency on its own line.
  const frag = await (await get(w.s, "/orders/totals", owner, true)).text();
  const currencies = new Set(w.orders.map((o) => o.currency).filter(Boolean));
  for (const c of currencies) {
    assert.match(frag, new RegExp(`data-currency="${c}"`));
  }
  assert.doesNotMatch(frag, /<html/);

  // A bad filter is refused (400) and said; the empty state says what next.
  const bad = await get(w.s, "/orders?status=%3Cb%3E&from=2026-02-31", owner);
  assert.equal(bad.status, 400);
  const empty = await (await get(w.s, "/orders?q=NO-SUCH-ORDER", owner))
    .text();
  assert.match(empty, /No order matches these filters/);
});

function units(amount: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,4}))?$/.exec(amount)!;
  const v = BigInt(m[2]) * 10_000n + BigInt((m[3] ?? "").padEnd(4, "0"));
  return m[1] ? -v : v;
}

/** The marketplace time zones, as Amazon documents them (docs/amazon-facts.md). */
function marketplaceZone(id: string): string {
  const zones: Record<string, string> = {
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
    A21TJRUUN4KGV: "Asia/Kolkata",
    A2VIGQ35RCS4UG: "Asia/Dubai",
    A17E79C6D8DWNP: "Asia/Riyadh",
    ARBP9OOSHTCHU: "Africa/Cairo",
  };
  const z = zones[id];
  if (!z) throw new Error(`no time zone for ${id} in the test`);
  return z;
}

Deno.test(`order page (${testEngine}): items, finance, returns and timeline; another store's order is a 404`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a, b] = w.storeIds;
  const ofA = await makeStaff(w.s, "support", { storeIds: [a] });
  const t0 = w.truth[0];
  const withEvent = t0.orders.find((o) =>
    t0.financialEvents.some((e) => e.amazonOrderId === o.amazonOrderId) &&
    t0.orderItems.some((i) => i.amazonOrderId === o.amazonOrderId)
  )!;
  const res = await get(w.s, `/orders/${a}/${withEvent.amazonOrderId}`, ofA);
  assert.equal(res.status, 200);
  const html = await res.text();
  for (
    const i of t0.orderItems.filter((i) =>
      i.amazonOrderId === withEvent.amazonOrderId
    )
  ) {
    assert.ok(html.includes(i.asin), "item ASIN shown");
  }
  for (
    const e of t0.financialEvents.filter((e) =>
      e.amazonOrderId === withEvent.amazonOrderId
    )
  ) {
    assert.ok(html.includes(String(e.eventType)), "financial event shown");
  }
  assert.match(html, /Timeline/);
  assert.match(html, new RegExp(marketplaceZone(withEvent.marketplaceId)));

  // Store B's order, asked by someone of store A: not found, never forbidden.
  const orderB = w.truth[1].orders[0];
  for (
    const path of [
      `/orders/${b}/${orderB.amazonOrderId}`,
      `/orders/${a}/${orderB.amazonOrderId}`,
      `/orders/${b}/${orderB.amazonOrderId}/buyer`,
      `/orders/${crypto.randomUUID()}/${orderB.amazonOrderId}`,
      `/orders/not-a-uuid/${orderB.amazonOrderId}`,
    ]
  ) {
    const r = await get(w.s, path, ofA, true);
    assert.equal(r.status, 404, path);
    await r.body?.cancel();
  }
  const r = await post(
    w.s,
    `/orders/${b}/${orderB.amazonOrderId}/reveal`,
    ofA,
    {
      reason: "Customer asked about the delivery address",
    },
  );
  assert.equal(r.status, 404);
  await r.body?.cancel();
  // The list never shows store B to them, and ?store=B is a 404.
  const list = await get(w.s, "/orders", ofA);
  assert.ok(parseList(await list.text()).ids.every((id) => id.startsWith(a)));
  const other = await get(w.s, `/orders?store=${b}`, ofA);
  assert.equal(other.status, 404);
  await other.body?.cancel();
});

Deno.test(`order access (${testEngine}): every new route for every persona`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a] = w.storeIds;
  const order = await addBuyerData(w);
  const path = `/orders/${a}/${order.amazonOrderId}`;
  const routes: [string, string, Record<string, string> | null][] = [
    ["GET", "/orders", null],
    ["GET", "/orders/totals", null],
    ["GET", "/orders.csv", null],
    ["POST", "/orders.csv", { reason: "Quarterly tax audit sample" }],
    ["GET", path, null],
    ["GET", `${path}/buyer`, null],
    ["POST", `${path}/reveal`, { reason: "Customer asked about delivery" }],
  ];
  const need: Record<string, string> = {
    "GET /orders": "orders.read",
    "GET /orders/totals": "orders.read",
    "GET /orders.csv": "export.csv",
    "POST /orders.csv": "pii.export",
    [`GET ${path}`]: "orders.read",
    [`GET ${path}/buyer`]: "orders.read",
    [`POST ${path}/reveal`]: "pii.reveal",
  };
  const { can } = await import("../../lib/security/permissions.ts");
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
    for (const [method, p, form] of routes) {
      const res = method === "GET"
        ? await get(w.s, p, who, p.endsWith("/buyer"))
        : await post(w.s, p, who, form!);
      await res.body?.cancel();
      // An export also needs the list's own permission.
      const allowed = can(role, need[`${method} ${p}`] as never) &&
        (!p.startsWith("/orders.csv") || can(role, "orders.read"));
      const ok = allowed ? res.status === 200 : res.status === 403;
      if (!ok) failures.push(`${method} ${p} as ${role}: ${res.status}`);
    }
  }
  // Signed out: pages go to sign-in, posts are 401.
  for (const [method, p] of routes) {
    const res = await w.s.app.request(`${ORIGIN}${p}`, {
      method,
      headers: {
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: method === "POST" ? "" : undefined,
    });
    await res.body?.cancel();
    const ok = method === "GET" ? res.status === 303 : res.status === 401;
    if (!ok) failures.push(`${method} ${p} signed out: ${res.status}`);
  }
  assert.deepEqual(failures, []);
});

Deno.test(`buyer data (${testEngine}): reveal needs pii.reveal, a reason, no freeze; audited with the reason; no-store; expires`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a] = w.storeIds;
  const pii = await addBuyerData(w);
  const path = `/orders/${a}/${pii.amazonOrderId}`;
  const support = await makeStaff(w.s, "support", { storeIds: [a] });
  const finance = await makeStaff(w.s, "finance", { storeIds: [a] });
  const owner = await makeStaff(w.s, "owner");

  // Masked by default: the page carries no buyer value.
  const masked = await (await get(w.s, path, support)).text();
  assert.doesNotMatch(masked, new RegExp(escape(pii.payload.name)));
  assert.match(masked, /data-buyer="masked"/);

  // Without the permission.
  const denied = await post(w.s, `${path}/reveal`, finance, {
    reason: "I would like to see it please",
  });
  assert.equal(denied.status, 403);
  assert.doesNotMatch(
    await denied.text(),
    new RegExp(escape(pii.payload.name)),
  );

  // A short reason.
  const short = await post(w.s, `${path}/reveal`, support, { reason: "why" });
  assert.equal(short.status, 400);
  assert.doesNotMatch(await short.text(), new RegExp(escape(pii.payload.name)));
  const shortHx = await post(w.s, `${path}/reveal`, support, {
    reason: "short",
  }, true);
  assert.equal(shortHx.headers.get("x-refused"), "400");
  assert.match(await shortHx.text(), /at least 10 characters/);

  // The reveal, through htmx.
  const reason = "Customer called: parcel went to a wrong address";
  const res = await post(w.s, `${path}/reveal`, support, { reason }, true);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  const html = await res.text();
  assert.doesNotMatch(html, /<html/);
  assert.ok(html.includes(escapeHtml(pii.payload.name)), "the name is shown");
  assert.ok(html.includes(escapeHtml(pii.payload.city)), "the city is shown");
  // It hides itself after 5 minutes, by swapping the masked section in.
  assert.match(html, /data-hx-trigger="load delay:300s"/);
  assert.ok(html.includes(`data-hx-get="${path}/buyer"`));
  assert.match(html, /<time datetime="[^"]+Z"/);
  const hide = await get(w.s, `${path}/buyer`, support, true);
  const hidden = await hide.text();
  assert.match(hidden, /data-buyer="masked"/);
  assert.doesNotMatch(hidden, new RegExp(escape(pii.payload.name)));

  // Audited with the reason.
  const events = await ownerOf(w.s.t.db).select().from(auditEvents).where(
    and(
      eq(auditEvents.action, "pii.reveal"),
      eq(auditEvents.outcome, "success"),
    ),
  );
  assert.equal(events.length, 1);
  assert.equal(events[0].target, pii.amazonOrderId);
  assert.equal(events[0].storeId, a);
  assert.equal((events[0].details as { reason: string }).reason, reason);

  // Frozen: refused, and audited as denied. Only an owner freezes.
  const notOwner = await post(w.s, "/orders/freeze", support, { frozen: "1" });
  assert.equal(notOwner.status, 403);
  await notOwner.body?.cancel();
  const freeze = await post(w.s, "/orders/freeze", owner, { frozen: "1" });
  assert.equal(freeze.status, 303);
  const frozen = await post(w.s, `${path}/reveal`, support, { reason });
  assert.equal(frozen.status, 423);
  assert.doesNotMatch(
    await frozen.text(),
    new RegExp(escape(pii.payload.name)),
  );
  const csv = await get(w.s, "/orders.csv", owner);
  assert.equal(csv.status, 423);
  await csv.body?.cancel();
  const refusals = await ownerOf(w.s.t.db).select().from(auditEvents).where(
    and(
      eq(auditEvents.action, "pii.reveal"),
      eq(auditEvents.outcome, "denied"),
    ),
  );
  assert.ok(
    refusals.some((e) =>
      (e.details as { refused: string }).refused === "frozen"
    ),
  );
  const thaw = await post(w.s, "/orders/freeze", owner, { frozen: "0" });
  assert.equal(thaw.status, 303);
  const again = await post(w.s, `${path}/reveal`, support, { reason });
  assert.equal(again.status, 200);
  await again.body?.cancel();
});

Deno.test(`buyer data (${testEngine}): after the retention purge the page says it was deleted under the rule, and when`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a] = w.storeIds;
  const pii = await addBuyerData(w);
  const support = await makeStaff(w.s, "support", { storeIds: [a] });
  // The purge runs once the row's clock (30 days after delivery) ran out.
  const [row] = await ownerOf(w.s.t.db).select().from(buyerPii).where(
    and(eq(buyerPii.storeId, a), eq(buyerPii.amazonOrderId, pii.amazonOrderId)),
  );
  const purgeAt = new Date(row.purgeAfter!.getTime() + 86_400_000);
  await purgeStore({ db: w.s.t.db, kv: w.s.kv, now: () => purgeAt }, a);
  const gone = await ownerOf(w.s.t.db).select().from(buyerPii).where(
    and(eq(buyerPii.storeId, a), eq(buyerPii.amazonOrderId, pii.amazonOrderId)),
  );
  assert.equal(gone.length, 0);
  const html =
    await (await get(w.s, `/orders/${a}/${pii.amazonOrderId}`, support)).text();
  assert.match(html, /data-buyer="purged"/);
  assert.match(
    html,
    /deleted under the retention rule \(30 days after delivery\)/,
  );
  assert.ok(html.includes(purgeAt.toISOString().slice(0, 10)), "and when");
  const r = await post(
    w.s,
    `/orders/${a}/${pii.amazonOrderId}/reveal`,
    support,
    {
      reason: "Customer asked about delivery",
    },
  );
  assert.equal(r.status, 404);
  await r.body?.cancel();
});

/** Parses CSV (RFC 4180) into rows of cells. */
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

Deno.test(`orders CSV (${testEngine}): streamed, equal to truth, bounded by stores, formula-safe, buyer columns only with pii.export, audited, rate limited`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a, b] = w.storeIds;
  const owner = await makeStaff(w.s, "owner");
  const finance = await makeStaff(w.s, "finance", { storeIds: [a] });
  const buyer = await addBuyerData(w);

  const res = await get(w.s, "/orders.csv", finance);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.match(
    res.headers.get("content-disposition")!,
    /^attachment; filename="orders-/,
  );
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.ok(res.body instanceof ReadableStream);
  const rows = parseCsv(await res.text());
  const header = rows.shift()!;
  assert.equal(header[1], "amazon_order_id");
  assert.ok(!header.some((h) => h.startsWith("buyer_")));
  // Only store A's orders, each once, with the truth's values.
  const col = (name: string) => header.indexOf(name);
  const truthA = new Map(w.truth[0].orders.map((o) => [o.amazonOrderId, o]));
  assert.equal(rows.length, truthA.size);
  for (const r of rows) {
    assert.equal(r[col("store_id")], a);
    const o = truthA.get(r[col("amazon_order_id")])!;
    assert.ok(o, "a store A order");
    assert.equal(r[col("status")], o.status);
    assert.equal(r[col("currency")], o.currency ?? "");
    assert.equal(
      r[col("order_total")] === "" ? null : units(r[col("order_total")]),
      o.orderTotal === null || o.orderTotal === undefined
        ? null
        : units(String(o.orderTotal)),
    );
    assert.equal(time(r[col("purchased_at_utc")]), time(o.purchasedAt));
  }
  // Audited after the stream, with its filters and row count.
  const audits = async (action: string) =>
    (await ownerOf(w.s.t.db).select().from(auditEvents).where(
      eq(auditEvents.action, action),
    )).map((e) => ({ ...e, details: e.details as Record<string, unknown> }));
  const done = (await audits("export.csv")).filter((e) =>
    e.outcome === "success"
  );
  assert.equal(done.length, 1);
  assert.equal(done[0].details.rows, truthA.size);
  assert.equal(done[0].details.complete, true);

  // Filters apply to the export as to the page.
  const shipped = parseCsv(
    await (await get(w.s, `/orders.csv?store=${a}&status=Shipped`, owner))
      .text(),
  );
  assert.equal(
    shipped.length - 1,
    w.truth[0].orders.filter((o) => o.status === "Shipped").length,
  );
  const filtered = (await audits("export.csv")).filter((e) =>
    e.outcome === "success"
  ).at(-1)!;
  assert.deepEqual(filtered.details.filter, { store: a, status: "Shipped" });

  // Buyer columns: only with pii.export, and a reason.
  const noPerm = await post(w.s, "/orders.csv", finance, {
    reason: "Quarterly VAT return check",
  });
  assert.equal(noPerm.status, 403);
  await noPerm.body?.cancel();
  const noReason = await post(w.s, `/orders.csv?store=${a}`, owner, {
    reason: "tax",
  });
  assert.equal(noReason.status, 400);
  await noReason.body?.cancel();
  const reason = "Quarterly VAT return check";
  const withPii = await post(w.s, `/orders.csv?store=${a}`, owner, { reason });
  assert.equal(withPii.status, 200);
  const piiRows = parseCsv(await withPii.text());
  const piiHeader = piiRows.shift()!;
  assert.ok(piiHeader.includes("buyer_name"));
  const byId = new Map(
    piiRows.map((r) => [r[piiHeader.indexOf("amazon_order_id")], r]),
  );
  for (const p of [buyer]) {
    const r = byId.get(p.amazonOrderId)!;
    assert.equal(r[piiHeader.indexOf("buyer_name")], neutral(p.payload.name));
    assert.equal(
      r[piiHeader.indexOf("buyer_address_line1")],
      neutral(p.payload.addressLine1),
    );
  }
  const piiAudit = (await audits("export.csv")).at(-1)!;
  assert.equal(piiAudit.details.pii, true);
  assert.equal(piiAudit.details.reason, reason);
  assert.equal(piiAudit.details.rows, w.truth[0].orders.length);

  // Formula cells are neutralised; markup stays text.
  await w.s.t.db.asJob(b, async (tx) => {
    await upsertOrders(tx, [{
      storeId: b,
      amazonOrderId: '=HYPERLINK("http://evil")',
      marketplaceId: "ATVPDKIKX0DER",
      status: "Shipped",
      fulfillmentChannel: "AFN",
      orderTotal: "12.0000",
      currency: "USD",
      purchasedAt: ANCHOR,
      lastUpdatedAt: ANCHOR,
    }]);
    await upsertOrderItems(tx, [{
      storeId: b,
      amazonOrderId: '=HYPERLINK("http://evil")',
      orderItemId: "1",
      asin: "B0EVIL0001",
      sku: "+cmd|' /C calc'!A0",
      title: "<script>alert(1)</script>",
      quantity: 1,
      currency: "USD",
    }]);
  });
  const evil = parseCsv(
    await (await get(w.s, `/orders.csv?store=${b}&q=B0EVIL0001`, owner)).text(),
  );
  assert.equal(evil.length, 2);
  assert.equal(evil[1][1], '\'=HYPERLINK("http://evil")');
  assert.equal(evil[1][header.indexOf("skus")], "'+cmd|' /C calc'!A0");

  // The rate limit: ten exports an hour per person, then 429.
  const limited = await makeStaff(w.s, "finance", { storeIds: [a] });
  for (let i = 0; i < 10; i++) {
    const r = await get(w.s, "/orders.csv?status=Canceled", limited);
    assert.equal(r.status, 200);
    await r.text();
  }
  const over = await get(w.s, "/orders.csv", limited);
  assert.equal(over.status, 429);
  assert.ok(Number(over.headers.get("retry-after")) > 0);
  await over.body?.cancel();
});

Deno.test(`stored XSS (${testEngine}): markup in SKUs, titles and buyer fields renders as text`, async () => {
  const w = await openWorld();
  await using _ = w.s;
  const [a] = w.storeIds;
  const owner = await makeStaff(w.s, "owner");
  const id = "111-0000000-0000001";
  const markup = `<img src=x onerror="alert(1)">`;
  await w.s.t.db.asJob(a, async (tx) => {
    await upsertProducts(tx, [{
      storeId: a,
      sku: `<b>sku</b>`,
      asin: "B0XSS00001",
      title: markup,
    }]);
    await upsertOrders(tx, [{
      storeId: a,
      amazonOrderId: id,
      marketplaceId: "ATVPDKIKX0DER",
      status: "Shipped",
      fulfillmentChannel: "MFN",
      orderTotal: "5.0000",
      currency: "USD",
      purchasedAt: ANCHOR,
      lastUpdatedAt: ANCHOR,
      deliveredAt: ANCHOR,
    }]);
    await upsertOrderItems(tx, [{
      storeId: a,
      amazonOrderId: id,
      orderItemId: "1",
      asin: "B0XSS00001",
      sku: `<b>sku</b>`,
      title: markup,
      quantity: 1,
      currency: "USD",
    }]);
    await upsertBuyerPii(tx, w.s.vault, [{
      storeId: a,
      amazonOrderId: id,
      collectedAt: new Date(),
      deliveredAt: new Date(),
      payload: {
        name: `<script>alert("name")</script>`,
        addressLine1: markup,
        city: "<i>City</i>",
        countryCode: "US",
      },
    }]);
  });
  const page = await (await get(w.s, `/orders/${a}/${id}`, owner)).text();
  assert.ok(!page.includes(markup));
  assert.ok(page.includes(escapeHtml(markup)) || page.includes("&lt;img"));
  assert.ok(!page.includes("<b>sku</b>"));
  const list = await (await get(
    w.s,
    `/orders?q=${encodeURIComponent("<b>sku</b>")}`,
    owner,
  )).text();
  assert.ok(list.includes(id));
  assert.ok(!list.includes("<b>sku</b>"));
  const revealed = await (await post(w.s, `/orders/${a}/${id}/reveal`, owner, {
    reason: "Checking the stored markup renders as text",
  }, true)).text();
  assert.ok(!revealed.includes("<script>"));
  assert.ok(!revealed.includes(markup));
  assert.match(revealed, /&lt;script&gt;/);
});

/** What a cell holding `v` reads after formula neutralisation. */
const neutral = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(
    ">",
    "&gt;",
  ).replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}
