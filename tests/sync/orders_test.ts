// Orders against the sandbox: the first run backfills by the all-orders
// report and then reads the same range with searchOrders, ending exactly
// with the ground truth (orders, items, and buyer data only for the orders
// that need it); later runs are incremental from the high-water mark; a
// missing restricted role costs the buyer data, not the run; a crash in the
// middle of the backfill is completed by the next run.
import assert from "node:assert/strict";
import { and, eq, inArray } from "drizzle-orm";
import {
  apiRequestLog,
  buyerPii,
  orderItems,
  orders,
  syncCursors,
  syncRuns,
} from "../../db/schema.ts";
import type { OrderRow } from "../../lib/ingest/orders.ts";
import {
  type OrdersCursor,
  ordersDataset,
} from "../../lib/sync/datasets/orders.ts";
import { needsBuyerData } from "../../lib/sync/datasets/orders_pii.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  scaledPlans,
  type SyncWorld,
  type SyncWorldOptions,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";

const SANDBOX = {
  stores: 2,
  orders: 300,
  days: 90,
  restrictedRole: true,
  // The sandbox then announces the scaled rates in x-amzn-RateLimit-Limit,
  // which the client adopts (else getOrder would pace at the real 0.5/s).
  usagePlans: scaledPlans(2000),
};
/** A little more than the sandbox's history: four report windows. */
// Ship countries are looked up on every run (orders_country.ts).
const SETTINGS = { backfillDays: 100, shipCountryEveryMinutes: 0 };

function open(extra: Partial<SyncWorldOptions> = {}) {
  return openSyncWorld({
    datasets: [ordersDataset],
    sandbox: SANDBOX,
    settings: SETTINGS,
    ...extra,
  });
}

async function stored(w: SyncWorld, i: number) {
  const storeId = w.storeIds[i];
  return await w.db.asJob(storeId, async (tx) => ({
    orders: await tx.select().from(orders).where(eq(orders.storeId, storeId)),
    items: await tx.select().from(orderItems).where(
      eq(orderItems.storeId, storeId),
    ),
    pii: await tx.select().from(buyerPii).where(eq(buyerPii.storeId, storeId)),
  }));
}

async function runRow(w: SyncWorld, i: number, runId: string) {
  const [run] = await w.db.asJob(
    w.storeIds[i],
    (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
  );
  return run;
}

/** Calls per SP-API operation logged for store `i`. */
async function callsOf(w: SyncWorld, i: number): Promise<Map<string, number>> {
  const rows = await w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select({ op: apiRequestLog.operation }).from(apiRequestLog).where(
        and(
          eq(apiRequestLog.storeId, w.storeIds[i]),
          eq(apiRequestLog.api, "sp-api"),
        ),
      ),
  );
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.op, (out.get(r.op) ?? 0) + 1);
  return out;
}

async function cursorOf(w: SyncWorld, i: number): Promise<OrdersCursor> {
  const [row] = await w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select().from(syncCursors).where(and(
        eq(syncCursors.storeId, w.storeIds[i]),
        eq(syncCursors.dataset, "orders"),
      )),
  );
  return row.cursor as OrdersCursor;
}

// syncedAt is when we stored the row (database default), not Amazon data.
const orderKeys = (truth: OrderRow[]) => truthKeys(truth, ["syncedAt"]);

/** Orders and items equal the truth, row for row. */
async function assertEqualsTruth(w: SyncWorld, i: number) {
  const truth = truthRows(w.sb.sandbox.sellers[i]);
  const got = await stored(w, i);
  const ok = orderKeys(truth.orders);
  assert.equal(got.orders.length, truth.orders.length);
  assert.deepEqual(
    canonicalRows(got.orders, ok),
    canonicalRows(truth.orders, ok),
  );
  const ik = truthKeys(truth.orderItems);
  assert.deepEqual(
    canonicalRows(got.items, ik),
    canonicalRows(truth.orderItems, ik),
  );
  return { truth, got };
}

Deno.test(`orders sync (${testEngine}): report backfill then searchOrders equals the truth for two stores, buyer data only where needed, replay adds nothing`, async () => {
  const logs: string[] = [];
  await using w = await open({ logSink: (l) => logs.push(l) });
  for (const i of w.storeIds.keys()) {
    const runId = await w.runOk(i, "orders");
    const { truth, got } = await assertEqualsTruth(w, i);

    // Buyer data: exactly the orders our rule says need it, and the truth
    // served data for exactly those; payloads decrypt to what was served.
    const run = await runRow(w, i, runId);
    const now = new Date();
    const needed = truth.orders.filter((o) => needsBuyerData(o, now))
      .map((o) => o.amazonOrderId).sort();
    assert.ok(needed.length > 0, "the sandbox has orders that need buyer data");
    const served = truth.buyerPii.filter((p) =>
      !p.deliveredAt ||
      new Date(p.deliveredAt).getTime() + 30 * 86_400_000 > now.getTime()
    );
    assert.deepEqual(served.map((p) => p.amazonOrderId).sort(), needed);
    assert.deepEqual(got.pii.map((p) => p.amazonOrderId).sort(), needed);
    const byId = new Map(served.map((p) => [p.amazonOrderId, p]));
    for (const row of got.pii) {
      const payload = JSON.parse(
        await w.vault.open(row.payloadJwe, "buyer_pii"),
      );
      assert.deepEqual(payload, byId.get(row.amazonOrderId)!.payload);
      assert.equal(row.purpose, "fulfillment");
      assert.ok(row.purgeAfter!.getTime() > now.getTime());
    }
    assert.equal(
      run.rowsInserted,
      truth.orders.length + truth.orderItems.length + needed.length,
    );
    assert.equal(run.status, "succeeded");

    // Replay: nothing new, and no buyer data asked for again.
    const before = await callsOf(w, i);
    const again = await w.runOk(i, "orders");
    const second = await runRow(w, i, again);
    assert.equal(second.rowsInserted, 0);
    const after = await callsOf(w, i);
    assert.equal(after.get("getOrder"), before.get("getOrder"));
    assert.equal(after.get("createReport"), before.get("createReport"));
    // At most the one window since the first run (none within the same second).
    assert.ok(
      (after.get("searchOrders") ?? 0) - (before.get("searchOrders") ?? 0) <=
        1,
    );
    await assertEqualsTruth(w, i);

    // No buyer value anywhere but the sealed buyer_pii rows: not in logs,
    // runs (progress, bad rows, errors) or the orders tables.
    const runs = await w.db.asJob(
      w.storeIds[i],
      (tx) => tx.select().from(syncRuns),
    );
    const visible = [logs.join("\n"), JSON.stringify(runs)].join("\n") +
      JSON.stringify([got.orders, got.items]);
    for (const p of served) {
      for (
        const v of [p.payload.email, p.payload.addressLine1, p.payload.phone]
      ) {
        assert.ok(v && !visible.includes(v), "a buyer value leaked");
      }
    }
  }
});

/**
 * A fetch that records SP-API URLs (refusals and network failures are the
 * sandbox's accessDenied and connectionReset faults).
 */
function recordingFetch() {
  const urls: URL[] = [];
  const recording: typeof fetch = (input, init) => {
    urls.push(new URL(input instanceof Request ? input.url : String(input)));
    return fetch(input, init);
  };
  return {
    fetch: recording,
    urls,
    /** searchOrders requests since index `from`. */
    searches: (from = 0) =>
      urls.slice(from).filter((u) =>
        u.pathname === "/orders/2026-01-01/orders"
      ),
  };
}

/** Sleeps cut short: the report download retries need no real waiting. */
const quickSleep = (ms: number) =>
  new Promise<void>((r) => setTimeout(r, Math.min(ms, 10)));

Deno.test(`orders sync (${testEngine}): incremental from the high-water mark with overlap, 7-day windows, nothing duplicated`, async () => {
  const net = recordingFetch();
  await using w = await open({
    sandbox: { ...SANDBOX, stores: 1, orders: 200 },
    runner: { fetch: net.fetch },
  });
  await w.runOk(0, "orders");
  const storeId = w.storeIds[0];
  const truth = truthRows(w.sb.sandbox.sellers[0]);

  // The sandbox world does not change over time, so "new" orders are made
  // by forgetting those updated after T and moving the cursor back to T.
  const times = truth.orders.map((o) => new Date(o.lastUpdatedAt).getTime())
    .sort((a, b) => a - b);
  const t = times[Math.floor(times.length * 0.8)];
  const recent = new Set(
    truth.orders.filter((o) => new Date(o.lastUpdatedAt).getTime() > t)
      .map((o) => o.amazonOrderId),
  );
  assert.ok(recent.size > 5);
  const owner = ownerOf(w.db);
  const forget = (table: typeof orders | typeof orderItems | typeof buyerPii) =>
    owner.delete(table).where(and(
      eq(table.storeId, storeId),
      inArray(table.amazonOrderId, [...recent]),
    )).returning();
  const items = (await forget(orderItems)).length;
  const pii = (await forget(buyerPii)).length;
  assert.equal((await forget(orders)).length, recent.size);
  const cursor = await cursorOf(w, 0);
  assert.equal(cursor.backfill, undefined);
  assert.equal(cursor.plan?.length, 0);
  const at = new Date(t).toISOString();
  await owner.update(syncCursors).set({
    cursor: { ...cursor, hwm: at, countries: { through: at, at } },
  }).where(and(
    eq(syncCursors.storeId, storeId),
    eq(syncCursors.dataset, "orders"),
  ));

  const mark = net.urls.length;
  const startedAt = Date.now();
  const calls = await callsOf(w, 0);
  const runId = await w.runOk(0, "orders");
  const run = await runRow(w, 0, runId);
  assert.equal(run.rowsInserted, recent.size + items + pii);
  await assertEqualsTruth(w, 0);
  const after = await callsOf(w, 0);
  // One all-orders report: the ship countries of the new orders, which the
  // windows did not ask for (RECIPIENT would bring their addresses).
  assert.equal(after.get("createReport"), calls.get("createReport")! + 1);
  assert.equal(
    (after.get("getOrder") ?? 0) - (calls.get("getOrder") ?? 0),
    pii,
  );

  // Windows: from T less the overlap, at most 7 days each, contiguous with
  // the overlap, the last ending a few minutes before the run started.
  const windows = net.searches(mark).map((u) => ({
    after: Date.parse(u.searchParams.get("lastUpdatedAfter")!),
    before: Date.parse(u.searchParams.get("lastUpdatedBefore")!),
    included: u.searchParams.get("includedData")!.split(","),
  }));
  const overlap = 10 * 60_000;
  assert.equal(windows[0].after, t - overlap);
  for (const [k, win] of windows.entries()) {
    assert.ok(win.before - win.after <= 7 * 86_400_000 + overlap);
    assert.ok(!win.included.includes("RECIPIENT"));
    if (k > 0) assert.equal(win.after, windows[k - 1].before - overlap);
  }
  const last = windows[windows.length - 1].before;
  assert.ok(last <= startedAt - 2 * 60_000 && last > startedAt - 5 * 60_000);
  assert.equal(
    windows.length,
    Math.ceil((last - t) / (7 * 86_400_000)),
    "one call per window: each holds fewer than 100 orders",
  );
  assert.equal(Date.parse((await cursorOf(w, 0)).hwm), last);
});

Deno.test(`orders sync (${testEngine}): without the restricted role no buyer data is stored and the run succeeds`, async () => {
  const net = recordingFetch();
  await using w = await open({
    sandbox: { ...SANDBOX, restrictedRole: false },
    runner: { fetch: net.fetch },
  });
  for (const i of w.storeIds.keys()) {
    // Store 0: answers without buyer data (the sandbox, like Amazon);
    // store 1: getOrder refused with 403.
    if (i === 1) {
      w.sb.sandbox.faults.inject({
        kind: "accessDenied",
        operation: "getOrder",
        sellerId: w.sb.sandbox.sellers[1].sellerId,
        count: Infinity,
      });
    }
    const runId = await w.runOk(i, "orders");
    await assertEqualsTruth(w, i);
    const got = await stored(w, i);
    assert.equal(got.pii.length, 0);
    const run = await runRow(w, i, runId);
    assert.equal(run.status, "succeeded");
    assert.match(JSON.stringify(run.progress), /restricted role missing/);
    const cursor = await cursorOf(w, i);
    assert.ok(cursor.piiRoleMissingAt, "the missing role is remembered");
    const probes = (await callsOf(w, i)).get("getOrder") ?? 0;
    // A 403 ends the asking at once; answers without buyer data after three.
    assert.equal(probes, i === 0 ? 3 : 1);
    // The next run does not ask again within a day. Its window asks for
    // RECIPIENT, which without the role carries the ship country and no
    // personal part, so no report is needed for countries.
    // (An hour of orders to read again, so that there is a window.)
    await ownerOf(w.db).update(syncCursors).set({
      cursor: {
        ...cursor,
        hwm: new Date(Date.parse(cursor.hwm) - 3_600_000).toISOString(),
      },
    }).where(and(
      eq(syncCursors.storeId, w.storeIds[i]),
      eq(syncCursors.dataset, "orders"),
    ));
    const mark = net.urls.length;
    const reports = (await callsOf(w, i)).get("createReport");
    const again = await w.runOk(i, "orders");
    assert.equal((await callsOf(w, i)).get("getOrder") ?? 0, probes);
    const windows = net.searches(mark);
    assert.ok(windows.length > 0);
    for (const u of windows) {
      assert.ok(u.searchParams.get("includedData")!.includes("RECIPIENT"));
    }
    assert.equal((await callsOf(w, i)).get("createReport"), reports);
    const second = await runRow(w, i, again);
    assert.match(
      JSON.stringify(second.progress),
      /buyer data skipped: restricted role missing/,
    );
  }
});

/** Successful calls per SP-API operation logged for store `i`. */
async function okCallsOf(w: SyncWorld, i: number, op: string): Promise<number> {
  const rows = await w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select({ status: apiRequestLog.httpStatus }).from(apiRequestLog)
        .where(and(
          eq(apiRequestLog.storeId, w.storeIds[i]),
          eq(apiRequestLog.operation, op),
        )),
  );
  return rows.filter((r) => r.status !== null && r.status < 300).length;
}

Deno.test(`orders sync (${testEngine}): the backfill reads the all-orders report, then one searchOrders call per 100 orders`, async () => {
  const net = recordingFetch();
  // Two stores: a US one (prices without tax) and an EU one (with VAT).
  await using w = await open({
    sandbox: { ...SANDBOX, orders: 200 },
    runner: { fetch: net.fetch },
  });
  const windows = Math.ceil(SETTINGS.backfillDays / 30);
  for (const i of w.storeIds.keys()) {
    const truth = truthRows(w.sb.sandbox.sellers[i]);

    // searchOrders unreachable: the run fails after the report backfill,
    // which has written every order from the flat file alone.
    w.sb.sandbox.faults.inject({
      kind: "connectionReset",
      operation: "searchOrders",
      count: Infinity,
    });
    const failed = await w.run(i, "orders");
    assert.equal(failed.status, "failed");
    assert.equal(await okCallsOf(w, i, "createReport"), windows);
    assert.equal(await okCallsOf(w, i, "searchOrders"), 0);
    const fromReport = await stored(w, i);
    assert.equal(fromReport.items.length, 0, "the flat file has no item ids");
    // What the flat file states, exactly; it writes Delivered as Shipped and
    // has no Prime flag, ship or delivery times (the searchOrders pass's job).
    const flatKeys = orderKeys(truth.orders).filter((k) =>
      !["status", "isPrime", "shippedAt", "deliveredAt"].includes(k)
    );
    assert.deepEqual(
      canonicalRows(fromReport.orders, flatKeys),
      canonicalRows(truth.orders, flatKeys),
    );
    const flatStatus = (s: string) => s === "Delivered" ? "Shipped" : s;
    assert.deepEqual(
      fromReport.orders.map((o) => `${o.amazonOrderId} ${o.status}`).sort(),
      truth.orders.map((o) => `${o.amazonOrderId} ${flatStatus(o.status)}`)
        .sort(),
    );
    const cursor = await cursorOf(w, i);
    assert.equal(cursor.backfill, undefined);
    assert.equal(cursor.plan?.length, 1, "under 2000 orders: one range");

    w.sb.sandbox.faults.clear();
    const mark = net.urls.length;
    await w.runOk(i, "orders");
    await assertEqualsTruth(w, i);
    assert.equal(await okCallsOf(w, i, "createReport"), windows);
    // The backfill range: one call per 100 orders; then the few seconds
    // since the failed run's start, as any incremental window (if any).
    // None asks for RECIPIENT: with the restricted role granted it would
    // bring every order's address (the ship country came from the file).
    const calls = net.searches(mark);
    assert.ok(
      calls.every((u) =>
        !u.searchParams.get("includedData")!.includes("RECIPIENT")
      ),
    );
    const planned = Math.ceil(truth.orders.length / 100);
    assert.ok(calls.length - planned === 0 || calls.length - planned === 1);
    assert.equal(await okCallsOf(w, i, "searchOrders"), calls.length);
  }
});

Deno.test(`orders sync (${testEngine}): crashes mid-backfill (in a report, between windows, between pages) are completed by the next run`, async () => {
  const net = recordingFetch();
  await using w = await open({
    sandbox: { ...SANDBOX, stores: 1, orders: 150 },
    settings: { ...SETTINGS, batchRows: 5 },
    runner: { fetch: net.fetch, sleep: quickSleep },
  });
  const truth = truthRows(w.sb.sandbox.sellers[0]);

  // 1. Every download of the first report is cut off: the batches that
  // came through are written, the cursor stays at the window's start.
  w.sb.sandbox.faults.inject({
    kind: "truncatedGzip",
    operation: "downloadDocument",
    count: 4,
  });
  assert.equal((await w.run(0, "orders")).status, "failed");
  const first = await cursorOf(w, 0);
  assert.equal(first.backfill!.next, first.backfill!.start);
  const partial = (await stored(w, 0)).orders.length;
  assert.ok(partial > 0, "batches are written as they come");
  assert.deepEqual(w.sb.sandbox.faults.pending(), []);

  // 2. The third window's report cannot be requested: two windows are done.
  // The first window's report, whose reading failed, is requested again
  // (issue #12: a report that failed processing is not reused).
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "createReport",
    after: 2,
    count: Infinity,
  });
  assert.equal((await w.run(0, "orders")).status, "failed");
  const second = await cursorOf(w, 0);
  assert.equal(
    Date.parse(second.backfill!.next),
    Date.parse(second.backfill!.start) + 60 * 86_400_000,
  );
  // The first window's report was requested anew, then the second's.
  assert.equal(await okCallsOf(w, 0, "createReport"), 3);

  // 3. The second searchOrders page fails: the first page and its token stay.
  w.sb.sandbox.faults.clear();
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "searchOrders",
    withParam: "paginationToken",
    count: Infinity,
  });
  assert.equal((await w.run(0, "orders")).status, "failed");
  const third = await cursorOf(w, 0);
  assert.equal(third.backfill, undefined);
  assert.ok(third.page?.token, "the next page's token is saved");
  assert.ok((await stored(w, 0)).items.length > 0);

  // 4. The rerun resumes at that page and ends with the truth.
  w.sb.sandbox.faults.clear();
  const mark = net.urls.length;
  await w.runOk(0, "orders");
  assert.ok(net.searches(mark)[0].searchParams.has("paginationToken"));
  await assertEqualsTruth(w, 0);
  // One report per window, plus the first window's again (its reading failed).
  assert.equal(
    await okCallsOf(w, 0, "createReport"),
    Math.ceil(SETTINGS.backfillDays / 30) + 1,
  );
  const final = await cursorOf(w, 0);
  assert.equal(final.page, undefined);
  assert.equal(final.plan?.length, 0);
  assert.equal(truth.orders.length, (await stored(w, 0)).orders.length);
});

Deno.test(`orders sync (${testEngine}): with the role, new orders get their ship country from the all-orders report, at most every shipCountryEveryMinutes`, async () => {
  const net = recordingFetch();
  await using w = await open({
    sandbox: { ...SANDBOX, stores: 1, orders: 200 },
    settings: { ...SETTINGS, shipCountryEveryMinutes: 360 },
    runner: { fetch: net.fetch },
  });
  await w.runOk(0, "orders");
  const storeId = w.storeIds[0];
  const truth = truthRows(w.sb.sandbox.sellers[0]);
  const owner = ownerOf(w.db);
  // The newest tenth of the orders is forgotten, as if not read yet.
  const times = truth.orders.map((o) => new Date(o.lastUpdatedAt).getTime())
    .sort((a, b) => a - b);
  const t = times[Math.floor(times.length * 0.9)];
  const recent = truth.orders.filter((o) =>
    new Date(o.lastUpdatedAt).getTime() > t
  );
  const ids = recent.map((o) => o.amazonOrderId);
  for (const table of [orderItems, buyerPii, orders]) {
    await owner.delete(table).where(and(
      eq(table.storeId, storeId),
      inArray(table.amazonOrderId, ids),
    ));
  }
  const setCursor = async (patch: Partial<OrdersCursor>) => {
    const c = await cursorOf(w, 0);
    await owner.update(syncCursors).set({ cursor: { ...c, ...patch } })
      .where(and(
        eq(syncCursors.storeId, storeId),
        eq(syncCursors.dataset, "orders"),
      ));
  };
  const at = new Date(t).toISOString();
  // The last lookup was just now: the next run reads the orders but asks
  // for no country (a merchant-fulfilled order needing buyer data gets it
  // from that call).
  await setCursor({
    hwm: at,
    countries: { through: at, at: new Date().toISOString() },
  });
  const reports = (await callsOf(w, 0)).get("createReport")!;
  await w.runOk(0, "orders");
  assert.equal((await callsOf(w, 0)).get("createReport"), reports);
  const country = async () =>
    new Map(
      (await stored(w, 0)).orders.map((o) => [o.amazonOrderId, o.shipCountry]),
    );
  const now = new Date();
  const fromBuyerCall = recent.filter((o) => needsBuyerData(o, now));
  let got = await country();
  for (const o of recent) {
    const expected = fromBuyerCall.includes(o) ? o.shipCountry : null;
    assert.equal(got.get(o.amazonOrderId), expected, o.amazonOrderId);
  }
  assert.ok(recent.some((o) => !fromBuyerCall.includes(o) && o.shipCountry));

  // Seven hours later the lookup is due: one report fills exactly the
  // empty countries, and the truth holds.
  await setCursor({
    countries: {
      through: at,
      at: new Date(Date.now() - 7 * 3_600_000).toISOString(),
    },
  });
  await w.runOk(0, "orders");
  assert.equal((await callsOf(w, 0)).get("createReport"), reports + 1);
  await assertEqualsTruth(w, 0);
  got = await country();
  for (const o of recent) assert.equal(got.get(o.amazonOrderId), o.shipCountry);
  // The lookup moved on: the next due run finds nothing to ask about.
  const c = await cursorOf(w, 0);
  assert.ok(Date.parse(c.countries!.through) > t);
  await setCursor({ countries: { ...c.countries!, at } });
  await w.runOk(0, "orders");
  assert.equal((await callsOf(w, 0)).get("createReport"), reports + 1);
});

Deno.test(`orders sync (${testEngine}): NUL in JSON answers and a raw NUL in the report are cleaned, never block the dataset`, async () => {
  await using w = await open({
    sandbox: { ...SANDBOX, stores: 1, orders: 80 },
  });
  // Every searchOrders answer carries `\u0000` in its marketplace names and
  // every getOrderItems answer in its titles; the all-orders report has a
  // raw NUL byte in a product name.
  w.sb.sandbox.faults.inject([
    {
      kind: "nulInText",
      operation: "searchOrders",
      column: "marketplaceName",
      count: Infinity,
    },
    {
      kind: "nulInText",
      operation: "getOrderItems",
      column: "title",
      count: Infinity,
    },
    {
      kind: "corruptCell",
      operation: "downloadDocument",
      column: "product-name",
      value: "Bamboo\u0000Board",
      line: 2,
    },
  ]);
  const runId = await w.runOk(0, "orders");
  const run = await runRow(w, 0, runId);
  assert.equal(run.status, "succeeded");
  assert.equal(run.badRowCount, 0);
  const kinds = new Set(
    w.sb.sandbox.faults.fired.map((f) => `${f.kind} ${f.operation}`),
  );
  assert.ok(kinds.has("nulInText searchOrders"), [...kinds].join(", "));
  assert.ok(kinds.has("corruptCell downloadDocument"), [...kinds].join(", "));
  await assertEqualsTruth(w, 0);
  // The next run moves on from where this one stopped.
  await w.runOk(0, "orders");
  await assertEqualsTruth(w, 0);
});
