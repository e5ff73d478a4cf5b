// The served world against the ground truth: what the APIs return can be
// turned back into exactly the truth's rows (settlement periods, group
// totals, financial events, inventory, listings), EU settlement dates, and
// determinism of the generated world and credentials.
import assert from "node:assert/strict";
import { createSandbox } from "../../sandbox/testing.ts";
import { eventJson } from "../../sandbox/testing.ts";
import {
  accessToken,
  download,
  type Json,
  parseTsv,
  sp,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";
import { stringify } from "../../sandbox/testing.ts";
import { truthRows } from "../_helpers/truth.ts";

const ANCHOR = new Date("2026-06-15T11:00:00Z");

/** Minor units of a decimal amount (test-side: JPY has none, the rest two). */
function minor(amount: string | number, currency: string): number {
  return Math.round(Number(amount) * (currency === "JPY" ? 1 : 100));
}

Deno.test("world: settlement periods and group totals agree with the generated settlements", () => {
  const sandbox = createSandbox({
    anchor: ANCHOR,
    stores: 3,
    orders: 900,
    days: 60,
  });
  for (const seller of sandbox.sellers) {
    const world = seller.world();
    const truth = seller.truth();
    const rows = truthRows(seller);
    const closed = world.groups.filter((g) => g.ProcessingStatus === "Closed");
    assert.equal(closed.length, rows.settlements.length);
    for (const s of rows.settlements) {
      const g = world.groups.find((x) => x.settlementId === s.settlementId)!;
      assert.ok(g, s.settlementId);
      const doc = world.settlementDocs.find((d) => d.group === g);
      assert.equal(doc?.settlement.reportDocumentId, s.reportDocumentId);
      assert.equal(
        Date.parse(g.FinancialEventGroupStart),
        s.startsAt.getTime(),
      );
      assert.equal(Date.parse(g.FinancialEventGroupEnd), s.endsAt.getTime());
      // The sandbox's group total (its own money arithmetic) equals the
      // settlement's lines and the events of the group, summed here.
      const currency = s.currency!;
      const events = rows.financialEvents.filter((e) =>
        e.eventGroupId === g.FinancialEventGroupId
      ).reduce((n, e) => n + minor(e.amount!, currency), 0);
      assert.equal(
        world.groupTotals.get(g.FinancialEventGroupId) ?? 0,
        minor(s.totalAmount, currency),
        `group total of ${s.settlementId}`,
      );
      assert.equal(events, minor(s.totalAmount, currency), s.settlementId);
    }
    for (const e of truth.financialEvents) {
      if (e.FinancialEventGroupId) {
        assert.ok(world.groupById.has(e.FinancialEventGroupId));
      }
    }
  }
});

Deno.test("world: every financial event's components add up to the truth's amount", () => {
  const sandbox = createSandbox({
    anchor: ANCHOR,
    stores: 3,
    orders: 1500,
    days: 90,
  });
  for (const seller of sandbox.sellers) {
    const truth = seller.truth();
    const expected = truthRows(seller).financialEvents;
    const kinds = new Set<string>();
    for (const [i, e] of truth.financialEvents.entries()) {
      const row = expected[i];
      const [list, built] = eventJson(e);
      const obj = JSON.parse(stringify(built)); // as a client receives it
      const money = (x: Json) => minor(x.CurrencyAmount, row.currency!);
      kinds.add(list);
      let sum = 0;
      const items = (obj.ShipmentItemList ?? obj.ShipmentItemAdjustmentList ??
        []) as Json[];
      for (const it of items) {
        for (
          const c of it.ItemChargeList ?? it.ItemChargeAdjustmentList ?? []
        ) sum += money(c.ChargeAmount);
        for (const f of it.ItemFeeList ?? it.ItemFeeAdjustmentList ?? []) {
          sum += money(f.FeeAmount);
        }
        for (const w of it.ItemTaxWithheldList ?? []) {
          for (const t of w.TaxesWithheld) sum += money(t.ChargeAmount);
        }
        for (const p of it.PromotionList ?? []) sum += money(p.PromotionAmount);
      }
      for (const f of (obj.FeeList ?? []) as Json[]) sum += money(f.FeeAmount);
      // The other lists, by the model's net fields.
      for (
        const k of [
          "AdjustmentAmount",
          "transactionValue",
          "TotalAmount",
          "LiquidationProceedsAmount",
          "LiquidationFeeAmount",
          "RecoveryAmount",
        ]
      ) if (obj[k]) sum += money(obj[k]);
      assert.equal(sum, minor(row.amount!, row.currency!), row.eventId);
      if ("dateField" in e) {
        if (e.dateField) {
          assert.equal(
            obj[e.dateField],
            row.postedAt.toISOString().replace(".000Z", "Z"),
          );
        } else assert.equal(obj.PostedDate, undefined);
      } else if (list !== "ServiceFeeEventList") {
        assert.equal(obj.AmazonOrderId, row.amazonOrderId);
        assert.equal(
          obj.PostedDate,
          row.postedAt.toISOString().replace(".000Z", "Z"),
        );
      }
    }
    for (
      const list of [
        "ShipmentEventList",
        "ServiceFeeEventList",
        "AdjustmentEventList",
        "ProductAdsPaymentEventList",
        "CouponPaymentEventList",
        "DebtRecoveryEventList",
      ]
    ) assert.ok(kinds.has(list), list);
  }
});

Deno.test("world: the same seed and anchor give the same sellers, credentials and rows", () => {
  const a = createSandbox({ seed: "same", anchor: ANCHOR, orders: 120 });
  const b = createSandbox({ seed: "same", anchor: ANCHOR, orders: 120 });
  assert.deepEqual(a.credentials(0), b.credentials(0));
  assert.deepEqual(
    truthRows(a.sellers[0]).orders,
    truthRows(b.sellers[0]).orders,
  );
  const c = createSandbox({ seed: "other", anchor: ANCHOR, orders: 120 });
  assert.notEqual(
    a.credentials(0).sellingPartnerId,
    c.credentials(0).sellingPartnerId,
  );
  assert.notEqual(a.credentials(0).clientSecret, c.credentials(0).clientSecret);
});

Deno.test("inventory: pages of 50 with a top-level nextToken that expires after 30 s; equals the truth", async () => {
  const clock = testClock();
  await withSandbox({ clock, seed: "inv", orders: 100 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller).inventory;
    for (const m of seller.marketplaceIds) {
      const base =
        `/fba/inventory/v1/summaries?details=true&granularityType=Marketplace&granularityId=${m}&marketplaceIds=${m}`;
      const got: Json[] = [];
      let next: string | undefined;
      do {
        const r = await sp(
          sb,
          token,
          next ? `${base}&nextToken=${encodeURIComponent(next)}` : base,
        );
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.payload.granularity.granularityId, m);
        got.push(...r.body.payload.inventorySummaries);
        next = r.body.pagination?.nextToken;
      } while (next);
      const expected = truth.filter((s) => s.marketplaceId === m);
      assert.equal(got.length, expected.length);
      for (const s of expected) {
        const g = got.find((x) => x.sellerSku === s.sku);
        assert.equal(g.totalQuantity, s.total);
        assert.equal(g.inventoryDetails.fulfillableQuantity, s.fulfillable);
        assert.equal(
          g.inventoryDetails.reservedQuantity.totalReservedQuantity,
          s.reserved,
        );
        assert.equal(g.fnSku, s.fnsku);
      }
    }
    // A token is good for 30 seconds only.
    const m = seller.marketplaceIds[0];
    const base =
      `/fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=${m}&marketplaceIds=${m}`;
    const count = truth.filter((s) => s.marketplaceId === m).length;
    if (count > 50) {
      const first = await sp(sb, token, base);
      clock.advance(31_000);
      const late = await sp(
        sb,
        token,
        `${base}&nextToken=${
          encodeURIComponent(first.body.pagination.nextToken)
        }`,
      );
      assert.equal(late.status, 400);
      assert.match(late.body.errors[0].message, /expired/);
    }
  });
});

Deno.test("listings and catalog: every truth listing is served with its price and channel", async () => {
  await withSandbox({ clock: testClock(), orders: 50 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller);
    for (const m of seller.marketplaceIds) {
      const got: Json[] = [];
      let next: string | undefined;
      const base =
        `/listings/2021-08-01/items/${seller.sellerId}?marketplaceIds=${m}&includedData=summaries,offers,fulfillmentAvailability&pageSize=20&sortBy=sku&sortOrder=ASC`;
      do {
        const r = await sp(
          sb,
          token,
          next ? `${base}&pageToken=${encodeURIComponent(next)}` : base,
        );
        assert.equal(r.status, 200, r.text);
        got.push(...r.body.items);
        next = r.body.pagination?.nextToken;
      } while (next);
      const expected = truth.listings.filter((l) => l.marketplaceId === m);
      assert.deepEqual(
        got.map((i) => i.sku),
        expected.map((l) => l.sku).sort(),
      );
      for (const l of expected) {
        const item = got.find((i) => i.sku === l.sku);
        assert.equal(item.summaries[0].asin, l.asin);
        assert.deepEqual(item.summaries[0].status, l.status);
        assert.equal(item.offers[0].price.amount, l.price);
        const code = item.fulfillmentAvailability[0].fulfillmentChannelCode;
        assert.equal(code === "DEFAULT" ? "MFN" : "AFN", l.fulfillmentChannel);
      }
    }
    const other = await sp(
      sb,
      token,
      `/listings/2021-08-01/items/A0THERSELLER00?marketplaceIds=${
        seller.marketplaceIds[0]
      }`,
    );
    assert.equal(other.status, 403);

    const p = truth.products[0];
    const cat = await sp(
      sb,
      token,
      `/catalog/2022-04-01/items?marketplaceIds=${
        seller.marketplaceIds[0]
      }&identifiers=${
        encodeURIComponent(p.sku)
      }&identifiersType=SKU&sellerId=${seller.sellerId}&includedData=summaries,salesRanks`,
    );
    assert.equal(cat.status, 200, cat.text);
    assert.equal(cat.body.items[0].asin, p.asin);
    assert.equal(cat.body.items[0].summaries[0].itemName, p.title);
    assert.equal(cat.body.items[0].summaries[0].brand, p.brand);
    const one = await sp(
      sb,
      token,
      `/catalog/2022-04-01/items/${p.asin}?marketplaceIds=${
        seller.marketplaceIds[0]
      }`,
    );
    assert.equal(one.status, 200);
    const none = await sp(
      sb,
      token,
      `/catalog/2022-04-01/items/B000000000?marketplaceIds=${
        seller.marketplaceIds[0]
      }`,
    );
    assert.equal(none.status, 404);
  });
});

Deno.test("settlements: EU sellers' files write dd.mm.yyyy HH:MM:SS UTC dates", async () => {
  const clock = testClock();
  await withSandbox({ clock, stores: 2, orders: 300 }, async (sb) => {
    const eu = sb.sandbox.sellers[1];
    assert.equal(eu.region, "EU");
    const token = await accessToken(sb, 1);
    const type = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";
    const list = await sp(
      sb,
      token,
      `/reports/2021-06-30/reports?reportTypes=${type}`,
    );
    const doc = await sp(
      sb,
      token,
      `/reports/2021-06-30/documents/${
        encodeURIComponent(list.body.reports[0].reportDocumentId)
      }`,
    );
    const { rows } = parseTsv(await download(doc.body.url));
    assert.match(
      rows[0]["settlement-start-date"],
      /^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d UTC$/,
    );
  });
});

Deno.test("finances: groups and events page with NextToken; events by group match the truth", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 300, days: 60 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller);
    const after = new Date(clock.now() - 75 * 86_400_000).toISOString();
    const groups = await sp(
      sb,
      token,
      `/finances/v0/financialEventGroups?FinancialEventGroupStartedAfter=${after}&MaxResultsPerPage=100`,
    );
    assert.equal(groups.status, 200, groups.text);
    const list = groups.body.payload.FinancialEventGroupList as Json[];
    assert.ok(list.length > 0);
    const closed = list.filter((g) => g.ProcessingStatus === "Closed");
    assert.equal(closed.length, truth.settlements.length);

    const events: Json[] = [];
    let next: string | undefined;
    const base =
      `/finances/v0/financialEvents?PostedAfter=${after}&MaxResultsPerPage=40`;
    do {
      const r = await sp(
        sb,
        token,
        next ? `${base}&NextToken=${encodeURIComponent(next)}` : base,
      );
      assert.equal(r.status, 200, r.text);
      const fe = r.body.payload.FinancialEvents;
      for (const list of Object.values(fe) as Json[][]) events.push(...list);
      next = r.body.payload.NextToken;
    } while (next);
    const inWindow = truth.financialEvents.filter((e) =>
      new Date(e.postedAt).getTime() >= Date.parse(after)
    );
    assert.equal(events.length, inWindow.length);

    const badNext = await sp(
      sb,
      token,
      `/finances/v0/financialEvents?PostedAfter=2026-05-01T00:00:00Z&NextToken=${
        encodeURIComponent(next ?? "x")
      }`,
    );
    assert.equal(badNext.status, 400);
  });
});
