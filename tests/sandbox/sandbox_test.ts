// The sandbox marketplace's SP-API surface, over HTTP on a random port:
// access tokens, request ids and the rate-limit header, validation against
// the models, token buckets, and searchOrders pagination against the
// ground truth.
import assert from "node:assert/strict";
import {
  accessToken,
  sp,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";
import { truthRows } from "../_helpers/truth.ts";

const ORDERS = "/orders/2026-01-01/orders";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

Deno.test("SP-API: without an access token the answer is 403 MissingAuthenticationToken", async () => {
  await withSandbox({ clock: testClock() }, async (sb) => {
    const r = await sp(sb, null, "/sellers/v1/marketplaceParticipations");
    assert.equal(r.status, 403);
    assert.equal(r.body.errors[0].code, "MissingAuthenticationToken");
    assert.ok(r.headers.get("x-amzn-RequestId"));
    assert.equal(r.headers.get("x-amzn-RateLimit-Limit"), null);
  });
});

Deno.test("SP-API: an unknown or expired access token is 403 Unauthorized", async () => {
  const clock = testClock();
  await withSandbox({ clock }, async (sb) => {
    const bogus = await sp(
      sb,
      "Atza|nope",
      "/sellers/v1/marketplaceParticipations",
    );
    assert.equal(bogus.status, 403);
    assert.equal(bogus.body.errors[0].code, "Unauthorized");
    assert.equal(
      bogus.body.errors[0].message,
      "Access to requested resource is denied.",
    );

    const token = await accessToken(sb);
    const ok = await sp(sb, token, "/sellers/v1/marketplaceParticipations");
    assert.equal(ok.status, 200);
    assert.equal(
      ok.body.payload[0].marketplace.id,
      sb.sandbox.sellers[0].marketplaceIds[0],
    );

    clock.advance(HOUR); // access tokens live 3600 s
    const expired = await sp(
      sb,
      token,
      "/sellers/v1/marketplaceParticipations",
    );
    assert.equal(expired.status, 403);
    assert.equal(expired.body.errors[0].code, "Unauthorized");
    assert.match(expired.body.errors[0].details, /expired/);
    assert.equal(expired.headers.get("x-amzn-RateLimit-Limit"), null);
  });
});

Deno.test("SP-API: x-amzn-RateLimit-Limit is on 200, 400 and 404 answers, never on 429", async () => {
  await withSandbox({ clock: testClock() }, async (sb) => {
    const token = await accessToken(sb);
    const id = sb.sandbox.sellers[0].sellerId;
    const ok = await sp(
      sb,
      token,
      `/listings/2021-08-01/items/${id}?marketplaceIds=${
        sb.sandbox.sellers[0].marketplaceIds[0]
      }`,
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-amzn-RateLimit-Limit"), "5");
    assert.ok(ok.headers.get("x-amzn-RequestId"));

    const bad = await sp(sb, token, `${ORDERS}?lastUpdatedAfter=yesterday`);
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].code, "InvalidInput");
    assert.match(
      bad.body.errors[0].details,
      /Invalid Date-Time field\(s\) \[lastUpdatedAfter\]/,
    );
    assert.equal(bad.headers.get("x-amzn-RateLimit-Limit"), "0.0056");

    const missing = await sp(sb, token, `${ORDERS}/111-0000000-0000000`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("x-amzn-RateLimit-Limit"), "0.5");

    sb.sandbox.faults.inject({ kind: "throttle", operation: "getOrder" });
    const throttled = await sp(sb, token, `${ORDERS}/111-0000000-0000000`);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.errors[0].code, "QuotaExceeded");
    assert.equal(throttled.headers.get("x-amzn-RateLimit-Limit"), null);
    assert.ok(throttled.headers.get("x-amzn-RequestId"));
  });
});

Deno.test("SP-API: unknown query parameters and missing required ones are 400 InvalidInput", async () => {
  await withSandbox({ clock: testClock() }, async (sb) => {
    const token = await accessToken(sb);
    const m = sb.sandbox.sellers[0].marketplaceIds[0];
    // A v0 parameter name sent to the v2026 operation.
    const v0 = await sp(
      sb,
      token,
      `${ORDERS}?LastUpdatedAfter=2026-06-01T00:00:00Z`,
    );
    assert.equal(v0.status, 400);
    assert.equal(v0.body.errors[0].code, "InvalidInput");
    assert.match(v0.body.errors[0].details, /LastUpdatedAfter/);

    const noMarket = await sp(
      sb,
      token,
      `/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=${m}`,
    );
    assert.equal(noMarket.status, 400);
    assert.match(noMarket.body.errors[0].message, /marketplaceIds/);

    const badEnum = await sp(
      sb,
      token,
      `${ORDERS}?lastUpdatedAfter=2026-06-01T00:00:00Z&fulfillmentStatuses=DELIVERED`,
    );
    assert.equal(badEnum.status, 400);

    const both = await sp(
      sb,
      token,
      `${ORDERS}?lastUpdatedAfter=2026-06-01T00:00:00Z&createdAfter=2026-06-01T00:00:00Z`,
    );
    assert.equal(both.status, 400);
  });
});

Deno.test("searchOrders: paginationToken walks every order exactly once and equals the ground truth", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 260, days: 30 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const after = new Date(clock.now() - 40 * DAY).toISOString();
    const base =
      `${ORDERS}?lastUpdatedAfter=${after}&includedData=PROCEEDS,FULFILLMENT`;
    const seen: string[] = [];
    let next: string | undefined;
    let pages = 0;
    do {
      const url = next
        ? `${base}&maxResultsPerPage=37&paginationToken=${
          encodeURIComponent(next)
        }`
        : `${base}&maxResultsPerPage=37`;
      const r = await sp(sb, token, url);
      assert.equal(r.status, 200, r.text);
      for (const o of r.body.orders) seen.push(o.orderId);
      next = r.body.pagination?.nextToken;
      assert.ok(r.body.lastUpdatedBefore);
      pages++;
    } while (next);
    const truth = truthRows(seller);
    assert.equal(new Set(seen).size, seen.length, "no order twice");
    assert.deepEqual(
      [...seen].sort(),
      truth.orders.map((o) => o.amazonOrderId).sort(),
    );
    assert.equal(pages, Math.ceil(truth.orders.length / 37));
  });
});

Deno.test("searchOrders: a token with changed parameters, tampered or older than 24 h is 400", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 150 }, async (sb) => {
    const token = await accessToken(sb);
    const after = "2026-04-01T00:00:00Z";
    const first = await sp(
      sb,
      token,
      `${ORDERS}?lastUpdatedAfter=${after}&maxResultsPerPage=10`,
    );
    const next = first.body.pagination.nextToken as string;
    assert.match(next, /[+/=]/, "tokens need URL-encoding, like Amazon's");

    const changed = await sp(
      sb,
      token,
      `${ORDERS}?lastUpdatedAfter=2026-04-02T00:00:00Z&paginationToken=${
        encodeURIComponent(next)
      }`,
    );
    assert.equal(changed.status, 400);
    assert.equal(changed.body.errors[0].code, "InvalidInput");
    assert.match(changed.body.errors[0].message, /paginationToken/);

    // maxResultsPerPage may change.
    const resized = await sp(
      sb,
      token,
      `${ORDERS}?lastUpdatedAfter=${after}&maxResultsPerPage=50&paginationToken=${
        encodeURIComponent(next)
      }`,
    );
    assert.equal(resized.status, 200);

    // Unencoded, the + turns into a space and the token breaks.
    const raw = await sp(
      sb,
      token,
      `${ORDERS}?lastUpdatedAfter=${after}&paginationToken=${next}`,
    );
    assert.equal(raw.status, 400);

    clock.advance(25 * HOUR);
    const fresh = await accessToken(sb);
    const old = await sp(
      sb,
      fresh,
      `${ORDERS}?lastUpdatedAfter=${after}&paginationToken=${
        encodeURIComponent(next)
      }`,
    );
    assert.equal(old.status, 400);
    assert.match(old.body.errors[0].message, /expired/);
  });
});

Deno.test("searchOrders: payload shapes follow the v2026 model; PII only under the restricted role", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 400, days: 20 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const truth = truthRows(seller);
    const pii = truth.buyerPii[0];
    assert.ok(pii, "the generated world has buyer data for some MFN orders");
    const token = await accessToken(sb);
    const path =
      `${ORDERS}/${pii.amazonOrderId}?includedData=BUYER,RECIPIENT,PROCEEDS,FULFILLMENT,PACKAGES`;
    const without = await sp(sb, token, path);
    assert.equal(without.status, 200);
    const o = without.body.order;
    assert.equal(o.buyer, undefined);
    assert.equal(o.recipient.deliveryAddress.name, undefined);
    assert.equal(
      o.recipient.deliveryAddress.countryCode,
      pii.payload.countryCode,
    );
    assert.equal(
      o.salesChannel.marketplaceId,
      truth.orders.find((x) => x.amazonOrderId === pii.amazonOrderId)!
        .marketplaceId,
    );
    assert.ok(Array.isArray(o.orderItems) && o.orderItems.length > 0);
    assert.ok(o.orderItems[0].product.asin);

    sb.sandbox.grantRestrictedRole(seller.sellerId);
    const withRole = await sp(sb, token, path);
    assert.equal(withRole.body.order.buyer.buyerName, pii.payload.name);
    assert.equal(
      withRole.body.order.recipient.deliveryAddress.addressLine1,
      pii.payload.addressLine1,
    );

    // Money adds up to the truth: grandTotal is orderTotal, ITEM is itemPrice.
    const shipped = truth.orders.find((x) => x.status === "Delivered")!;
    const r = await sp(
      sb,
      token,
      `${ORDERS}/${shipped.amazonOrderId}?includedData=PROCEEDS,PACKAGES,FULFILLMENT`,
    );
    assert.equal(r.body.order.proceeds.grandTotal.amount, shipped.orderTotal);
    assert.equal(r.body.order.fulfillment.fulfillmentStatus, "SHIPPED");
    assert.equal(r.body.order.packages[0].packageStatus.status, "DELIVERED");
    const items = truth.orderItems.filter((i) =>
      i.amazonOrderId === shipped.amazonOrderId
    );
    for (const it of r.body.order.orderItems) {
      const t = items.find((i) => i.orderItemId === it.orderItemId)!;
      assert.equal(
        it.proceeds.breakdowns.find((b: { type: string }) => b.type === "ITEM")
          .subtotal.amount,
        t.itemPrice,
      );
    }
  });
});

Deno.test("token buckets: searchOrders allows its burst of 20, then 429 until time-scaled refill", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 20, timeScale: 100 }, async (sb) => {
    const token = await accessToken(sb);
    const url = `${ORDERS}?lastUpdatedAfter=2026-06-01T00:00:00Z`;
    for (let i = 0; i < 20; i++) {
      const r = await sp(sb, token, url);
      assert.equal(r.status, 200, `call ${i + 1}`);
    }
    const over = await sp(sb, token, url);
    assert.equal(over.status, 429);
    assert.equal(over.body.errors[0].code, "QuotaExceeded");
    assert.equal(over.headers.get("x-amzn-RateLimit-Limit"), null);

    // 0.0056 tokens/s × 100 = one token every ~1.8 s of clock time.
    clock.advance(1000);
    assert.equal((await sp(sb, token, url)).status, 429);
    clock.advance(900);
    assert.equal((await sp(sb, token, url)).status, 200);
    assert.equal((await sp(sb, token, url)).status, 429, "that token is used");
  });
  await withSandbox(
    { clock: testClock(), stores: 2, orders: 20 },
    async (sb) => {
      const a = await accessToken(sb, 0);
      const b = await accessToken(sb, 1);
      const url = "/sellers/v1/marketplaceParticipations";
      for (let i = 0; i < 15; i++) {
        assert.equal(
          (await sp(sb, a, url)).status,
          200,
        );
      }
      assert.equal((await sp(sb, a, url)).status, 429);
      assert.equal((await sp(sb, b, url)).status, 200);
    },
  );
});

Deno.test("token buckets: refill with the clock, time-scaled", async () => {
  // 0.016/s × 100 = one token every 625 ms of the sandbox's clock.
  const clock = testClock();
  await withSandbox({ clock, orders: 10, timeScale: 100 }, async (sb) => {
    const token = await accessToken(sb);
    const url = "/sellers/v1/marketplaceParticipations"; // 0.016/s, burst 15
    for (let i = 0; i < 15; i++) {
      assert.equal((await sp(sb, token, url)).status, 200);
    }
    assert.equal((await sp(sb, token, url)).status, 429);
    clock.advance(600);
    assert.equal((await sp(sb, token, url)).status, 429, "not refilled yet");
    clock.advance(30);
    assert.equal((await sp(sb, token, url)).status, 200);
    assert.equal((await sp(sb, token, url)).status, 429, "one token only");
  });
});

Deno.test("usage plans can be overridden, and the header reports the applied rate", async () => {
  await withSandbox({
    clock: testClock(),
    orders: 10,
    usagePlans: { getMarketplaceParticipations: { rate: 0.5, burst: 2 } },
  }, async (sb) => {
    const token = await accessToken(sb);
    const url = "/sellers/v1/marketplaceParticipations";
    const r = await sp(sb, token, url);
    assert.equal(r.headers.get("x-amzn-RateLimit-Limit"), "0.5");
    await sp(sb, token, url);
    assert.equal((await sp(sb, token, url)).status, 429);
  });
});

Deno.test("unknown paths are 404 with a request id", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const r = await sp(sb, null, "/orders/v0/orders");
    assert.equal(r.status, 404);
    assert.ok(r.headers.get("x-amzn-RequestId"));
  });
});

Deno.test("Tokens API: an RDT works for the resources it names and nowhere else", async () => {
  await withSandbox(
    { clock: testClock(), orders: 300, restrictedRole: true },
    async (sb) => {
      const seller = sb.sandbox.sellers[0];
      const truth = truthRows(seller);
      const pii = truth.buyerPii[0];
      const token = await accessToken(sb);
      const path = `${ORDERS}/${pii.amazonOrderId}`;
      const r = await sp(sb, token, "/tokens/2021-03-01/restrictedDataToken", {
        method: "POST",
        body: JSON.stringify({
          restrictedResources: [{
            method: "GET",
            path,
            dataElements: ["buyerInfo"],
          }],
        }),
      });
      assert.equal(r.status, 200, r.text);
      assert.match(r.body.restrictedDataToken, /^Atz\.sprdt\|/);
      assert.equal(r.body.expiresIn, 3600);
      const rdt = r.body.restrictedDataToken;
      const order = await sp(sb, rdt, `${path}?includedData=BUYER`);
      assert.equal(order.status, 200);
      assert.equal(order.body.order.buyer.buyerEmail, pii.payload.email);
      const elsewhere = await sp(
        sb,
        rdt,
        "/sellers/v1/marketplaceParticipations",
      );
      assert.equal(elsewhere.status, 403);

      const notRestricted = await sp(
        sb,
        token,
        "/tokens/2021-03-01/restrictedDataToken",
        {
          method: "POST",
          body: JSON.stringify({
            restrictedResources: [{
              method: "GET",
              path: "/sellers/v1/marketplaceParticipations",
            }],
          }),
        },
      );
      assert.equal(notRestricted.status, 400);
    },
  );
});
