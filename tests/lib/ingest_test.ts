import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { type Database, rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import {
  appendApiRequestLog,
  BUYER_PII_PURPOSE,
  formatMinor,
  IngestError,
  isDuplicateKey,
  type OrderItemRow,
  type OrderRow,
  parseMinor,
  prepareOrders,
  purgeAfterFor,
  reportRefusedRows,
  upsertAdTargets,
  upsertBuyerPii,
  upsertListings,
  upsertOrderItems,
  upsertOrders,
  upsertReturns,
  upsertSettlementLines,
  upsertSyncCursors,
  upsertSyncRuns,
  writePrepared,
} from "../../lib/ingest/mod.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase } from "../_helpers/test_db.ts";

const DAY = 86_400_000;
const T0 = new Date("2026-10-01T12:00:00Z");

async function newStore(db: Database, n: number): Promise<string> {
  return await registerStore(db, {
    sellerId: `ATESTSELLER${String(n).padStart(3, "0")}`,
    region: "NA",
    name: `Test store ${n}`,
    marketplaces: [{
      marketplaceId: "ATVPDKIKX0DER",
      countryCode: "US",
      defaultCurrency: "USD",
      domain: "amazon.com",
    }],
  });
}

function orderRows(storeId: string, n: number, status = "Shipped"): OrderRow[] {
  return Array.from({ length: n }, (_, i) => ({
    storeId,
    amazonOrderId: `111-${String(i).padStart(7, "0")}-0000001`,
    marketplaceId: "ATVPDKIKX0DER",
    status,
    fulfillmentChannel: i % 3 === 0 ? "MFN" : "AFN",
    salesChannel: "Amazon.com",
    orderTotal: formatMinor(1000 + i, "USD"),
    currency: "USD",
    purchasedAt: new Date(T0.getTime() + i * 1000),
    lastUpdatedAt: new Date(T0.getTime() + i * 1000 + 3_600_000),
    syncedAt: T0,
  }));
}

function itemRows(storeId: string, n: number): OrderItemRow[] {
  return Array.from({ length: n }, (_, i) => ({
    storeId,
    amazonOrderId: `111-${String(i).padStart(7, "0")}-0000001`,
    orderItemId: `${10_000_000_000_000 + i}`,
    asin: "B0TESTASIN",
    sku: "SKU-1",
    quantity: 1,
    itemPrice: formatMinor(1000 + i, "USD"),
    itemTax: "0.00",
    shippingPrice: "0.00",
    promotionDiscount: "0.00",
    currency: "USD",
  }));
}

async function count(db: Database, storeId: string, table: string) {
  return await db.asJob(storeId, async (tx) => {
    const [row] = rowsOf<{ n: number }>(
      await tx.execute(
        sql`select count(*)::int as n from ${sql.identifier(table)}`,
      ),
    );
    return row.n;
  });
}

Deno.test("ingest: replaying a batch (2500 rows, 3 chunks) updates instead of duplicating", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  const orders = orderRows(store, 2500);
  const items = itemRows(store, 2500);

  const first = await t.db.asJob(store, async (tx) => ({
    orders: await upsertOrders(tx, orders),
    items: await upsertOrderItems(tx, items),
  }));
  assert.deepEqual(first.orders, { inserted: 2500, updated: 0 });
  assert.deepEqual(first.items, { inserted: 2500, updated: 0 });

  const changed = orders.map((o, i) =>
    i < 10 ? { ...o, status: "Delivered" } : o
  );
  const second = await t.db.asJob(store, async (tx) => ({
    orders: await upsertOrders(tx, changed),
    items: await upsertOrderItems(tx, items),
  }));
  assert.deepEqual(second.orders, { inserted: 0, updated: 2500 });
  assert.deepEqual(second.items, { inserted: 0, updated: 2500 });
  assert.equal(await count(t.db, store, "orders"), 2500);
  assert.equal(await count(t.db, store, "order_items"), 2500);

  const statuses = await t.db.asJob(
    store,
    async (tx) =>
      rowsOf<{ status: string; n: number }>(
        await tx.execute(
          sql`select status, count(*)::int as n from orders group by status order by status`,
        ),
      ),
  );
  assert.deepEqual(statuses.map((r) => [r.status, r.n]), [["Delivered", 10], [
    "Shipped",
    2490,
  ]]);

  // A mixed batch: new rows are counted as inserted, known ones as updated.
  const mixed = await t.db.asJob(
    store,
    (tx) => upsertOrders(tx, [...orderRows(store, 2501)].slice(2495)),
  );
  assert.deepEqual(mixed, { inserted: 1, updated: 5 });
});

Deno.test("ingest: duplicate keys in one batch keep the last row", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  const [a] = orderRows(store, 1);
  const result = await t.db.asJob(
    store,
    (tx) =>
      upsertOrders(tx, [a, { ...a, status: "Canceled", orderTotal: null }]),
  );
  assert.deepEqual(result, { inserted: 1, updated: 0 });
  const rows = await t.db.asJob(
    store,
    async (tx) =>
      rowsOf<{ status: string; order_total: string | null }>(
        await tx.execute(sql`select status, order_total from orders`),
      ),
  );
  assert.deepEqual(rows, [{ status: "Canceled", order_total: null }]);
});

Deno.test("ingest: arrays, jsonb, numerics and column defaults round-trip", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  await t.db.asJob(store, async (tx) => {
    await upsertListings(tx, [{
      storeId: store,
      marketplaceId: "ATVPDKIKX0DER",
      sku: "SKU-1",
      asin: "B0TESTASIN",
      status: ["BUYABLE", "DISCOVERABLE"],
      itemName: 'Bamboo "Cutting" Board, 3 pièces',
      price: "19.99",
      currency: "USD",
      fulfillmentChannel: "AFN",
      updatedAt: T0,
    }]);
    await upsertAdTargets(tx, [{
      storeId: store,
      targetId: "t1",
      adGroupId: "g1",
      campaignId: "c1",
      expressionType: "MANUAL",
      expression: [{ type: "ASIN_SAME_AS", value: "B0TESTASIN" }],
      state: "ENABLED",
      bid: "0.75",
      currency: "USD",
      updatedAt: T0,
    }]);
    // marketplaceId and licensePlateNumber fall back to their "" defaults.
    await upsertSyncCursors(tx, [{
      storeId: store,
      dataset: "catalog",
      cursor: { lastSyncAt: T0.toISOString(), nested: [1, "two", null] },
      updatedAt: T0,
    }]);
    await upsertReturns(tx, [{
      storeId: store,
      amazonOrderId: "111-0000000-0000001",
      sku: "SKU-1",
      returnedAt: T0,
      quantity: 1,
    }]);
    // The database assigns the id and started_at when they are missing.
    await upsertSyncRuns(tx, [
      {
        storeId: store,
        dataset: "orders",
        trigger: "manual",
        status: "queued",
      },
      {
        storeId: store,
        dataset: "orders",
        trigger: "manual",
        status: "queued",
      },
    ]);
  });
  const got = await t.db.asJob(store, async (tx) => ({
    listing: rowsOf(
      await tx.execute(sql`select status, item_name, price from listings`),
    )[0],
    target: rowsOf(
      await tx.execute(sql`select expression, bid from ad_targets`),
    )[0],
    cursor: rowsOf(
      await tx.execute(sql`select marketplace_id, cursor from sync_cursors`),
    )[0],
    lpn: rowsOf(
      await tx.execute(sql`select license_plate_number from returns`),
    )[0],
    runs: rowsOf<{ n: number; ids: number }>(
      await tx.execute(
        sql`select count(*)::int as n, count(distinct id)::int as ids from sync_runs where started_at is not null`,
      ),
    )[0],
  }));
  assert.deepEqual(got.listing, {
    status: ["BUYABLE", "DISCOVERABLE"],
    item_name: 'Bamboo "Cutting" Board, 3 pièces',
    price: "19.9900",
  });
  assert.deepEqual(got.target, {
    expression: [{ type: "ASIN_SAME_AS", value: "B0TESTASIN" }],
    bid: "0.7500",
  });
  assert.deepEqual(got.cursor, {
    marketplace_id: "",
    cursor: { lastSyncAt: T0.toISOString(), nested: [1, "two", null] },
  });
  assert.deepEqual(got.lpn, { license_plate_number: "" });
  assert.deepEqual(got.runs, { n: 2, ids: 2 });
});

Deno.test("ingest: money must be a decimal string PostgreSQL will not round", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  for (const bad of ["12.34567", "1e3", "12,34", "", "0.1 "]) {
    const [row] = orderRows(store, 1);
    await assert.rejects(
      t.db.asJob(
        store,
        (tx) => upsertOrders(tx, [{ ...row, orderTotal: bad }]),
      ),
      (err: unknown) =>
        err instanceof IngestError && /orders\.order_total/.test(err.message),
      bad,
    );
  }
  await assert.rejects(
    t.db.asJob(store, (tx) =>
      upsertSettlementLines(tx, [{
        storeId: store,
        settlementId: "1",
        lineNo: 1,
        transactionType: "Order",
        amountType: "ItemPrice",
        amountDescription: "Principal",
        amount: 0.1 + 0.2 as unknown as string,
        currency: "USD",
      }])),
    IngestError,
  );
  assert.equal(await count(t.db, store, "orders"), 0);

  assert.equal(formatMinor(-1234, "USD"), "-12.34");
  assert.equal(formatMinor(5, "EUR"), "0.05");
  assert.equal(formatMinor(1980, "JPY"), "1980");
  assert.equal(parseMinor("12.3400", "USD"), 1234);
  assert.equal(parseMinor("-0.05", "USD"), -5);
  assert.equal(parseMinor("1980.0000", "JPY"), 1980);
  assert.throws(() => parseMinor("12.345", "USD"), RangeError);
  assert.throws(() => formatMinor(0.5, "USD"), RangeError);
});

Deno.test("ingest: buyer data is sealed, purged 30 days after delivery, and expired rows are not stored", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const delivered = new Date(T0.getTime() + 3 * DAY);
  const payload = {
    name: "Alex Example",
    email: "buyer-1@example.invalid",
    addressLine1: "12 Example Street",
    city: "Springfield",
    stateOrRegion: "IL",
    postalCode: "62701",
    countryCode: "US",
    phone: "+1 555-0100",
  };
  const now = new Date(T0.getTime() + 10 * DAY);
  const input = {
    storeId: store,
    amazonOrderId: "111-0000001-0000001",
    collectedAt: T0,
    deliveredAt: delivered,
    payload,
  };
  const expired = {
    ...input,
    amazonOrderId: "111-0000002-0000001",
    deliveredAt: new Date(now.getTime() - 31 * DAY),
  };
  const first = await t.db.asJob(
    store,
    (tx) => upsertBuyerPii(tx, vault, [input, expired], { now }),
  );
  assert.deepEqual(first, { inserted: 1, updated: 0, skipped: 1 });
  const again = await t.db.asJob(
    store,
    (tx) => upsertBuyerPii(tx, vault, [input], { now }),
  );
  assert.deepEqual(again, { inserted: 0, updated: 1, skipped: 0 });

  const rows = await t.db.asJob(
    store,
    async (tx) =>
      rowsOf<{ payload_jwe: string; purpose: string; purge_after: unknown }>(
        await tx.execute(
          sql`select payload_jwe, purpose, purge_after from buyer_pii`,
        ),
      ),
  );
  assert.equal(rows.length, 1);
  assert.ok(!rows[0].payload_jwe.includes("Example"));
  assert.equal(rows[0].purpose, "fulfillment");
  assert.equal(
    new Date(rows[0].purge_after as string).getTime(),
    delivered.getTime() + 30 * DAY,
  );
  assert.deepEqual(
    JSON.parse(await vault.open(rows[0].payload_jwe, BUYER_PII_PURPOSE)),
    payload,
  );

  // Before delivery the clock runs from the promised date, then collection.
  const latest = new Date(T0.getTime() + 7 * DAY);
  assert.equal(
    purgeAfterFor({
      collectedAt: T0,
      deliveredAt: null,
      latestDeliveryAt: latest,
    })
      .getTime(),
    latest.getTime() + 30 * DAY,
  );
  assert.equal(
    purgeAfterFor({ collectedAt: T0 }).getTime(),
    T0.getTime() + 30 * DAY,
  );

  // Fields outside the allowed set are refused, naming the field, never a value.
  await assert.rejects(
    t.db.asJob(store, (tx) =>
      upsertBuyerPii(tx, vault, [{
        ...input,
        payload: { ...payload, dateOfBirth: "1990-01-01" } as typeof payload,
      }], { now })),
    (err: unknown) =>
      err instanceof TypeError && !/1990|Alex/.test(err.message) &&
      /payload|dateOfBirth/.test(err.message),
  );
});

Deno.test("ingest: the API log is append-only", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  const row = {
    storeId: store,
    at: T0,
    api: "sp-api" as const,
    operation: "searchOrders",
    httpStatus: 200,
    latencyMs: 321,
    rateLimit: "0.0167",
  };
  for (let i = 1; i <= 2; i++) {
    const r = await t.db.asJob(
      store,
      (tx) => appendApiRequestLog(tx, [row, row]),
    );
    assert.deepEqual(r, { inserted: 2, updated: 0 });
    assert.equal(await count(t.db, store, "api_request_log"), 2 * i);
  }
});

Deno.test("ingest: row-level security refuses another store's rows and nothing is written", async () => {
  await using t = await openTestDatabase();
  const storeA = await newStore(t.db, 1);
  const storeB = await newStore(t.db, 2);
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);

  await assert.rejects(
    t.db.asJob(storeA, (tx) => upsertOrders(tx, orderRows(storeB, 5))),
    (err: unknown) =>
      err instanceof IngestError && /row-level security/.test(err.message),
  );
  // One foreign row in a batch of good ones rolls the whole transaction back.
  await assert.rejects(
    t.db.asJob(storeA, async (tx) => {
      await upsertOrders(tx, orderRows(storeA, 5));
      await upsertOrderItems(tx, [
        ...itemRows(storeA, 4),
        ...itemRows(storeB, 1).map((r) => ({ ...r, orderItemId: "x" })),
      ]);
    }),
    /row-level security/,
  );
  await assert.rejects(
    t.db.asJob(storeA, (tx) =>
      upsertBuyerPii(tx, vault, [{
        storeId: storeB,
        amazonOrderId: "111-0000001-0000001",
        collectedAt: T0,
        deliveredAt: T0,
        payload: {
          name: "Sam Sample",
          addressLine1: "1 Test Avenue",
          city: "Austin",
          countryCode: "US",
        },
      }], { now: T0 })),
    /row-level security/,
  );
  for (const store of [storeA, storeB]) {
    for (const table of ["orders", "order_items", "buyer_pii"]) {
      assert.equal(await count(t.db, store, table), 0, `${table} of ${store}`);
    }
  }

  // An update cannot reach another store's existing row either.
  await t.db.asJob(storeB, (tx) => upsertOrders(tx, orderRows(storeB, 1)));
  await assert.rejects(
    t.db.asJob(
      storeA,
      (tx) =>
        upsertOrders(
          tx,
          orderRows(storeB, 1).map((o) => ({ ...o, status: "Canceled" })),
        ),
    ),
    /row-level security|violates/,
  );
  const [still] = await t.db.asJob(
    storeB,
    async (tx) =>
      rowsOf<{ status: string }>(
        await tx.execute(sql`select status from orders`),
      ),
  );
  assert.equal(still.status, "Shipped");
});

Deno.test("ingest: prepared orders write as plain inserts until a key exists, then as upserts", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  const first = prepareOrders(orderRows(store, 30).slice(0, 20));
  assert.equal(first.chunks.length, 1, "one statement per batch");
  assert.deepEqual(
    await t.db.asJob(
      store,
      (tx) => writePrepared(tx, first, { insertOnly: true }),
    ),
    { inserted: 20, updated: 0 },
  );
  // Rows 10-29: ten exist, so the plain insert fails as a whole.
  const overlapping = prepareOrders(orderRows(store, 30, "Canceled").slice(10));
  const err = await t.db.asJob(
    store,
    (tx) => writePrepared(tx, overlapping, { insertOnly: true }),
  ).then(() => null, (e) => e);
  assert.ok(err instanceof IngestError, String(err));
  assert.ok(isDuplicateKey(err), "the database's duplicate-key error is kept");
  assert.equal(await count(t.db, store, "orders"), 20);
  // The same prepared rows as an upsert: ten new, ten rewritten.
  assert.deepEqual(
    await t.db.asJob(store, (tx) => writePrepared(tx, overlapping)),
    { inserted: 10, updated: 10 },
  );
  assert.equal(await count(t.db, store, "orders"), 30);
  assert.equal(isDuplicateKey(new Error("other")), false);
});

Deno.test("ingest: NUL and lone surrogates are cleaned from every text column and json value", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  await t.db.asJob(store, async (tx) => {
    await upsertListings(tx, [{
      storeId: store,
      marketplaceId: "ATVPDKIKX0DER",
      sku: "SKU-\u00001",
      asin: "B0TESTASIN",
      status: ["BUY\u0000ABLE"],
      itemName: "Cutting\u0000 Board \uD800 😀",
      price: "19.99",
      currency: "USD",
      fulfillmentChannel: "AFN",
      updatedAt: T0,
    }]);
    await upsertAdTargets(tx, [{
      storeId: store,
      targetId: "t1",
      adGroupId: "g1",
      campaignId: "c1",
      expressionType: "MANUAL",
      expression: [{ type: "ASIN\u0000", value: "B0\uDC00X" }],
      state: "ENABLED",
      bid: "0.75",
      currency: "USD",
      updatedAt: T0,
    }]);
  });
  const got = await t.db.asJob(store, async (tx) => ({
    listing: rowsOf(
      await tx.execute(sql`select sku, status, item_name from listings`),
    ),
    target: rowsOf(await tx.execute(sql`select expression from ad_targets`)),
  }));
  assert.deepEqual(got.listing, [{
    sku: "SKU-1",
    status: ["BUYABLE"],
    item_name: "Cutting Board \uFFFD 😀",
  }]);
  assert.deepEqual(got.target, [{
    expression: [{ type: "ASIN", value: "B0\uFFFDX" }],
  }]);
});

Deno.test("ingest: with refused rows reported, one row the database refuses is recorded and the rest written", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  const bad: { table: string; row: number; reason: string }[] = [];
  const rows = orderRows(store, 5);
  // A value the database refuses: status is NOT NULL.
  (rows[2] as { status?: string }).status = undefined;
  const r = await t.db.asJob(store, async (tx) => {
    reportRefusedRows(tx, (b) => bad.push(b));
    return await upsertOrders(tx, rows);
  });
  assert.equal(r.inserted, 4);
  assert.equal(bad.length, 1);
  assert.equal(bad[0].table, "orders");
  assert.equal(bad[0].row, 2);
  assert.match(bad[0].reason, /status/);
  assert.equal(await count(t.db, store, "orders"), 4);
  // Without a handler the write fails as before, and nothing is written.
  const store2 = await newStore(t.db, 2);
  await assert.rejects(
    t.db.asJob(
      store2,
      (tx) =>
        upsertOrders(
          tx,
          orderRows(store2, 3).map((o, i) =>
            i === 1 ? { ...o, status: undefined as unknown as string } : o
          ),
        ),
    ),
    IngestError,
  );
  assert.equal(await count(t.db, store2, "orders"), 0);
});

Deno.test("ingest: absent is not null: an upsert leaves out what the row does not carry, null still clears", async () => {
  await using t = await openTestDatabase();
  const store = await newStore(t.db, 1);
  await t.db.asJob(store, (tx) => upsertOrders(tx, orderRows(store, 3)));
  const again = orderRows(store, 3, "Delivered").map((o, i) =>
    i === 0
      ? { ...o, salesChannel: undefined } // answer without marketplaceName
      : i === 1
      ? { ...o, salesChannel: null } // answer that says there is none
      : o
  );
  const r = await t.db.asJob(store, (tx) => upsertOrders(tx, again));
  assert.deepEqual(r, { inserted: 0, updated: 3 });
  const got = await t.db.asJob(
    store,
    async (tx) =>
      rowsOf<{ status: string; sales_channel: string | null }>(
        await tx.execute(
          sql`select status, sales_channel from orders order by amazon_order_id`,
        ),
      ),
  );
  assert.deepEqual(got, [
    { status: "Delivered", sales_channel: "Amazon.com" },
    { status: "Delivered", sales_channel: null },
    { status: "Delivered", sales_channel: "Amazon.com" },
  ]);
});
