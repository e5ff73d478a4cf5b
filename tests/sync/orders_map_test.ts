// Every order Amazon's orders model (2026-01-01) allows is accepted: only
// orderId, createdTime, lastUpdatedTime, salesChannel.channelName and
// orderItems are required; NON_AMAZON orders name no marketplace.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { upsertOrders } from "../../lib/ingest/mod.ts";
import {
  flatFileLine,
  orderFromFlatFile,
  rowsFromV2026,
  v2026Order,
} from "../../lib/sync/datasets/orders_map.ts";
import { openTestDatabase, testEngine } from "../_helpers/test_db.ts";

Deno.test(`orders map (${testEngine}): NON_AMAZON orders without marketplace or fulfillment are kept; an absent marketplaceName keeps the stored one`, async () => {
  const minimal = v2026Order.parse({
    orderId: "902-0000000-0000001",
    createdTime: "2026-11-01T10:00:00Z",
    lastUpdatedTime: "2026-11-01T11:00:00Z",
    salesChannel: { channelName: "NON_AMAZON" },
    orderItems: [],
  });
  await using t = await openTestDatabase();
  const storeId = await registerStore(t.db, {
    sellerId: "AORDERSMAP",
    region: "NA",
    name: "US",
    marketplaces: [],
  });
  const { order } = rowsFromV2026(storeId, minimal);
  assert.equal(order.marketplaceId, "");
  assert.equal(order.fulfillmentChannel, "MFN");
  assert.equal(order.status, "Pending");
  const named = v2026Order.parse({
    orderId: "111-0000000-0000002",
    createdTime: "2026-11-01T10:00:00Z",
    lastUpdatedTime: "2026-11-01T11:00:00Z",
    salesChannel: {
      channelName: "AMAZON",
      marketplaceId: "ATVPDKIKX0DER",
      marketplaceName: "Amazon.com",
    },
    fulfillment: { fulfillmentStatus: "SHIPPED", fulfilledBy: "AMAZON" },
    orderItems: [],
  });
  await t.db.asJob(
    storeId,
    (tx) => upsertOrders(tx, [order, rowsFromV2026(storeId, named).order]),
  );
  // A later answer without marketplaceName.
  const unnamed = v2026Order.parse({
    ...named,
    lastUpdatedTime: "2026-11-02T11:00:00Z",
    salesChannel: { channelName: "AMAZON", marketplaceId: "ATVPDKIKX0DER" },
  });
  await t.db.asJob(
    storeId,
    (tx) => upsertOrders(tx, [rowsFromV2026(storeId, unnamed).order]),
  );
  const got = await t.db.asJob(storeId, async (tx) =>
    rowsOf(
      await tx.execute(
        sql`select amazon_order_id, marketplace_id, sales_channel, fulfillment_channel, status from orders order by 1`,
      ),
    ));
  assert.deepEqual(got, [
    {
      amazon_order_id: "111-0000000-0000002",
      marketplace_id: "ATVPDKIKX0DER",
      sales_channel: "Amazon.com",
      fulfillment_channel: "AFN",
      status: "Shipped",
    },
    {
      amazon_order_id: "902-0000000-0000001",
      marketplace_id: "",
      sales_channel: null,
      fulfillment_channel: "MFN",
      status: "Pending",
    },
  ]);
});

Deno.test("orders map: a promotion discount gives the same total through the report (either sign) and searchOrders", () => {
  const line = (discount: string) =>
    flatFileLine.parse({
      "amazon-order-id": "111-0000000-0000003",
      "purchase-date": "2026-11-01T10:00:00+00:00",
      "last-updated-date": "2026-11-01T11:00:00+00:00",
      "order-status": "Shipped",
      "fulfillment-channel": "Amazon",
      "sales-channel": "Amazon.com",
      "currency": "USD",
      "item-price": "20.00",
      "item-tax": "1.60",
      "shipping-price": "0.00",
      "shipping-tax": "0.00",
      "item-promotion-discount": discount,
      "ship-promotion-discount": "0.00",
      "ship-country": "US",
      "is-business-order": "false",
    });
  const positive = orderFromFlatFile("s", "ATVPDKIKX0DER", [line("2.50")]);
  const negative = orderFromFlatFile("s", "ATVPDKIKX0DER", [line("-2.50")]);
  assert.equal(positive.orderTotal, "19.10");
  assert.equal(negative.orderTotal, "19.10");
  for (const sign of ["-", ""]) {
    const { order, items } = rowsFromV2026(
      "s",
      v2026Order.parse({
        orderId: "111-0000000-0000003",
        createdTime: "2026-11-01T10:00:00Z",
        lastUpdatedTime: "2026-11-01T11:00:00Z",
        salesChannel: {
          channelName: "AMAZON",
          marketplaceId: "ATVPDKIKX0DER",
        },
        proceeds: { grandTotal: { amount: "19.10", currencyCode: "USD" } },
        fulfillment: { fulfillmentStatus: "SHIPPED", fulfilledBy: "AMAZON" },
        orderItems: [{
          orderItemId: "1",
          quantityOrdered: 1,
          product: { asin: "B0X" },
          proceeds: {
            breakdowns: [
              {
                type: "ITEM",
                subtotal: { amount: "20.00", currencyCode: "USD" },
              },
              {
                type: "TAX",
                subtotal: { amount: "1.60", currencyCode: "USD" },
              },
              {
                type: "DISCOUNT",
                subtotal: { amount: `${sign}2.50`, currencyCode: "USD" },
              },
            ],
          },
        }],
      }),
    );
    assert.equal(order.orderTotal, positive.orderTotal);
    assert.equal(items[0].promotionDiscount, "2.50");
  }
});
