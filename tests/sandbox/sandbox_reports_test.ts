// Reports API on the sandbox: create → poll → document → gzip download for
// every report type the sync uses, the column lists of the facts, settlement
// reports that appear on their own, presigned URLs that expire after five
// minutes, CANCELLED and FATAL outcomes, and getReports paging.
import assert from "node:assert/strict";
import {
  accessToken,
  download,
  gunzip,
  type Json,
  parseTsv,
  sp,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";
import type { RunningSandbox } from "../../sandbox/testing.ts";
import { truthRows } from "../_helpers/truth.ts";

const REPORTS = "/reports/2021-06-30";
const DAY = 86_400_000;

// Column lists exactly as amazon-facts.md §4.8 gives them.
const ALL_ORDERS =
  "amazon-order-id, merchant-order-id, purchase-date, last-updated-date, order-status, fulfillment-channel, sales-channel, order-channel, url, ship-service-level, product-name, sku, asin, item-status, quantity, currency, item-price, item-tax, shipping-price, shipping-tax, gift-wrap-price, gift-wrap-tax, item-promotion-discount, ship-promotion-discount, ship-city, ship-state, ship-postal-code, ship-country, promotion-ids, is-business-order, purchase-order-number, price-designation"
    .split(", ");
const MYI =
  "sku, fnsku, asin, product-name, condition, your-price, mfn-listing-exists, mfn-fulfillable-quantity, afn-listing-exists, afn-warehouse-quantity, afn-fulfillable-quantity, afn-unsellable-quantity, afn-reserved-quantity, afn-total-quantity, per-unit-volume, afn-inbound-working-quantity, afn-inbound-shipped-quantity, afn-inbound-receiving-quantity"
    .split(", ");
const RETURNS =
  "return-date, order-id, sku, asin, fnsku, product-name, quantity, fulfillment-center-id, detailed-disposition, reason, status, license-plate-number, customer-comments"
    .split(", ");
const SETTLEMENT =
  "settlement-id  settlement-start-date  settlement-end-date  deposit-date  total-amount  currency transaction-type  order-id  merchant-order-id  adjustment-id  shipment-id  marketplace-name amount-type  amount-description  amount  fulfillment-id  posted-date  posted-date-time order-item-code  merchant-order-item-id  merchant-adjustment-item-id  sku  quantity-purchased promotion-id"
    .split(/\s+/);

async function create(
  sb: RunningSandbox,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const r = await sp(sb, token, `${REPORTS}/reports`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  assert.equal(r.status, 202, r.text);
  return r.body.reportId;
}

/** Polls until final; returns the statuses seen and the last report. */
async function poll(sb: RunningSandbox, token: string, id: string) {
  const seen: string[] = [];
  for (let i = 0; i < 10; i++) {
    const r = await sp(sb, token, `${REPORTS}/reports/${id}`);
    assert.equal(r.status, 200, r.text);
    seen.push(r.body.processingStatus);
    if (["DONE", "CANCELLED", "FATAL"].includes(r.body.processingStatus)) {
      return { seen, report: r.body as Json };
    }
  }
  throw new Error(`report ${id} never finished: ${seen}`);
}

async function document(sb: RunningSandbox, token: string, docId: string) {
  const r = await sp(
    sb,
    token,
    `${REPORTS}/documents/${encodeURIComponent(docId)}`,
  );
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.reportDocumentId, docId);
  assert.equal(r.body.compressionAlgorithm, "GZIP");
  return r.body.url as string;
}

Deno.test("reports: all-orders flat file, create → IN_QUEUE → IN_PROGRESS → DONE → gzip TSV", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 300 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const start = new Date(clock.now() - 30 * DAY).toISOString();
    const id = await create(sb, token, {
      reportType: "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
      marketplaceIds: seller.marketplaceIds,
      dataStartTime: start,
    });
    const { seen, report } = await poll(sb, token, id);
    assert.deepEqual(seen, ["IN_QUEUE", "IN_PROGRESS", "DONE"]);
    assert.equal(
      report.reportType,
      "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL",
    );
    assert.ok(report.processingEndTime);
    const url = await document(sb, token, report.reportDocumentId);
    assert.ok(url.startsWith(`${sb.url}/sandbox-documents/`));
    const raw = new Uint8Array(await (await fetch(url)).arrayBuffer());
    assert.deepEqual([raw[0], raw[1]], [0x1f, 0x8b], "gzip magic bytes");
    const { header, rows } = parseTsv(await gunzip(raw));
    assert.deepEqual(header, ALL_ORDERS);
    const truth = truthRows(seller);
    const inRange = truth.orders.filter((o) =>
      new Date(o.lastUpdatedAt).getTime() >= Date.parse(start)
    );
    const items = truth.orderItems.filter((i) =>
      inRange.some((o) => o.amazonOrderId === i.amazonOrderId)
    );
    assert.equal(rows.length, items.length);
    for (const it of items) {
      const row = rows.find((r) =>
        r["amazon-order-id"] === it.amazonOrderId && r.sku === it.sku
      )!;
      assert.ok(row, `${it.amazonOrderId} ${it.sku}`);
      assert.equal(row["item-price"], it.itemPrice ?? "");
      assert.equal(Number(row.quantity), it.quantity);
    }
    assert.match(
      rows[0]["purchase-date"],
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/,
    );
  });
});

Deno.test("reports: document URLs expire after 5 minutes (403 like S3) and refuse auth headers", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 100 }, async (sb) => {
    const token = await accessToken(sb);
    const id = await create(sb, token, {
      reportType: "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
      marketplaceIds: [sb.sandbox.sellers[0].marketplaceIds[0]],
    });
    const { report } = await poll(sb, token, id);
    const url = await document(sb, token, report.reportDocumentId);
    const withAuth = await fetch(url, {
      headers: { authorization: "Bearer x" },
    });
    assert.equal(withAuth.status, 400);
    assert.match(await withAuth.text(), /InvalidArgument/);

    clock.advance(5 * 60_000 + 1000);
    const late = await fetch(url);
    assert.equal(late.status, 403);
    const xml = await late.text();
    assert.match(xml, /<Code>AccessDenied<\/Code>/);
    assert.match(xml, /Request has expired/);

    const fresh = await document(
      sb,
      await accessToken(sb),
      report.reportDocumentId,
    );
    const { header, rows } = parseTsv(await download(fresh));
    assert.deepEqual(header, MYI);
    assert.ok(rows.length > 0);

    const forged = await fetch(
      fresh.replace(/X-Amz-Signature=[0-9a-f]+/, "X-Amz-Signature=00"),
    );
    assert.equal(forged.status, 403);
    await forged.body?.cancel();
  });
});

Deno.test("reports: enableContentEncodingUrlHeader serves Content-Encoding: gzip", async () => {
  await withSandbox({ clock: testClock(), orders: 100 }, async (sb) => {
    const token = await accessToken(sb);
    const id = await create(sb, token, {
      reportType: "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
      marketplaceIds: [sb.sandbox.sellers[0].marketplaceIds[0]],
    });
    const { report } = await poll(sb, token, id);
    const r = await sp(
      sb,
      token,
      `${REPORTS}/documents/${
        encodeURIComponent(report.reportDocumentId)
      }?enableContentEncodingUrlHeader=true`,
    );
    const res = await fetch(r.body.url);
    assert.equal(res.headers.get("content-encoding"), "gzip");
    // fetch already inflated it: a client that inflates again would fail.
    const text = await res.text();
    assert.ok(text.startsWith("sku\tfnsku\t"));
  });
});

Deno.test("reports: FBA returns and MYI TSV headers; no data → CANCELLED without a document", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 2000, days: 90 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller);
    assert.ok(truth.returns.length > 0);
    const id = await create(sb, token, {
      reportType: "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
      marketplaceIds: seller.marketplaceIds,
      dataStartTime: new Date(clock.now() - 90 * DAY).toISOString(),
    });
    const { report } = await poll(sb, token, id);
    assert.equal(report.processingStatus, "DONE");
    const { header, rows } = parseTsv(
      await download(await document(sb, token, report.reportDocumentId)),
    );
    assert.deepEqual(header, RETURNS);
    assert.deepEqual(
      rows.map((r) => r["license-plate-number"]).sort(),
      truth.returns.map((r) => r.licensePlateNumber).sort(),
    );

    const empty = await create(sb, token, {
      reportType: "GET_FBA_FULFILLMENT_CUSTOMER_RETURNS_DATA",
      marketplaceIds: seller.marketplaceIds,
      dataStartTime: "2024-01-01T00:00:00Z",
      dataEndTime: "2024-01-31T00:00:00Z",
    });
    const cancelled = await poll(sb, token, empty);
    assert.equal(cancelled.report.processingStatus, "CANCELLED");
    assert.equal(cancelled.report.reportDocumentId, undefined);
  });
});

Deno.test("reports: V2 settlement reports appear on their own; 24 columns, summary row first", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 400, days: 60 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const type = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";
    const requested = await sp(sb, token, `${REPORTS}/reports`, {
      method: "POST",
      body: JSON.stringify({
        reportType: type,
        marketplaceIds: seller.marketplaceIds,
      }),
    });
    assert.equal(requested.status, 400);

    const list = await sp(
      sb,
      token,
      `${REPORTS}/reports?reportTypes=${type}&pageSize=100`,
    );
    assert.equal(list.status, 200);
    const truth = truthRows(seller);
    assert.equal(list.body.reports.length, truth.settlements.length);
    const s = truth.settlements.find((x) =>
      truth.settlementLines.some((l) => l.settlementId === x.settlementId)
    )!;
    const rep = list.body.reports.find((r: Json) =>
      r.reportDocumentId === s.reportDocumentId
    );
    assert.equal(rep.processingStatus, "DONE");
    const text = await download(
      await document(sb, token, rep.reportDocumentId),
    );
    const { header, rows } = parseTsv(text);
    assert.deepEqual(header, SETTLEMENT);
    assert.equal(header.length, 24);
    assert.equal(rows[0]["settlement-id"], s.settlementId);
    assert.equal(rows[0]["total-amount"], s.totalAmount);
    assert.equal(rows[0]["currency"], s.currency);
    assert.equal(rows[0]["transaction-type"], "");
    const lines = truth.settlementLines.filter((l) =>
      l.settlementId === s.settlementId
    );
    assert.equal(rows.length - 1, lines.length);
    assert.deepEqual(
      rows.slice(1).map((r) => r.amount),
      lines.sort((a, b) => a.lineNo - b.lineNo).map((l) => l.amount),
    );
  });
});

Deno.test("reports: Sales & Traffic by SKU for one day equals the ground truth", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 600, days: 30 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const truth = truthRows(seller);
    const day = truth.salesTraffic[truth.salesTraffic.length - 1].day as string;
    const market = seller.marketplaceIds[0];
    const id = await create(sb, token, {
      reportType: "GET_SALES_AND_TRAFFIC_REPORT",
      marketplaceIds: [market],
      dataStartTime: `${day}T00:00:00Z`,
      dataEndTime: `${day}T23:59:59Z`,
      reportOptions: { dateGranularity: "DAY", asinGranularity: "SKU" },
    });
    const { report } = await poll(sb, token, id);
    const doc = JSON.parse(
      await download(await document(sb, token, report.reportDocumentId)),
    );
    assert.equal(
      doc.reportSpecification.reportType,
      "GET_SALES_AND_TRAFFIC_REPORT",
    );
    assert.equal(doc.salesAndTrafficByDate.length, 1);
    const expected = truth.salesTraffic.filter((t) =>
      t.day === day && t.marketplaceId === market
    );
    assert.equal(doc.salesAndTrafficByAsin.length, expected.length);
    for (const t of expected) {
      const row = doc.salesAndTrafficByAsin.find((r: Json) => r.sku === t.sku);
      assert.equal(row.childAsin, t.childAsin);
      assert.equal(row.parentAsin, t.parentAsin);
      assert.equal(row.salesByAsin.unitsOrdered, t.unitsOrdered);
      assert.equal(
        row.salesByAsin.orderedProductSales.amount,
        Number(t.orderedSales),
      );
      assert.equal(row.trafficByAsin.sessions, t.sessions);
      assert.equal(row.trafficByAsin.pageViews, t.pageViews);
      assert.equal(
        row.trafficByAsin.buyBoxPercentage,
        Number(t.buyBoxPercentage),
      );
    }
  });
});

Deno.test("reports: Brand Analytics search terms for one week; misaligned week → FATAL; no brand → 403", async () => {
  const clock = testClock();
  await withSandbox(
    { clock, seed: "brands", stores: 5, orders: 300, days: 90 },
    async (sb) => {
      const owner = sb.sandbox.sellers.find((s) => s.hasBrand)!;
      const token = await accessToken(sb, owner.index);
      const truth = truthRows(owner);
      const week = truth.searchTerms.find((t) => t.reportPeriod === "WEEK")!;
      const id = await create(sb, token, {
        reportType: "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT",
        marketplaceIds: [week.marketplaceId],
        dataStartTime: `${week.periodStart}T00:00:00Z`,
        dataEndTime: `${week.periodEnd}T00:00:00Z`,
        reportOptions: { reportPeriod: "WEEK" },
      });
      const { report } = await poll(sb, token, id);
      assert.equal(report.processingStatus, "DONE");
      const doc = JSON.parse(
        await download(await document(sb, token, report.reportDocumentId)),
      );
      const expected = truth.searchTerms.filter((t) =>
        t.marketplaceId === week.marketplaceId && t.reportPeriod === "WEEK" &&
        t.periodStart === week.periodStart
      );
      assert.equal(doc.dataByDepartmentAndSearchTerm.length, expected.length);
      const row = doc.dataByDepartmentAndSearchTerm[0];
      assert.deepEqual(Object.keys(row).sort(), [
        "clickShare",
        "clickShareRank",
        "clickedAsin",
        "conversionShare",
        "departmentName",
        "searchFrequencyRank",
        "searchTerm",
      ]);

      const monday = new Date(Date.parse(`${week.periodStart}T00:00:00Z`) + DAY)
        .toISOString();
      const bad = await create(sb, token, {
        reportType: "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT",
        marketplaceIds: [week.marketplaceId],
        dataStartTime: monday,
        dataEndTime: new Date(Date.parse(monday) + 6 * DAY).toISOString(),
        reportOptions: { reportPeriod: "WEEK" },
      });
      const fatal = await poll(sb, token, bad);
      assert.equal(fatal.report.processingStatus, "FATAL");
      const err = JSON.parse(
        await download(
          await document(sb, token, fatal.report.reportDocumentId),
        ),
      );
      assert.ok(err.errorDetails);

      const plain = sb.sandbox.sellers.find((s) => !s.hasBrand);
      assert.ok(plain, "this seed has a seller without a brand");
      const t2 = await accessToken(sb, plain.index);
      const denied = await sp(sb, t2, `${REPORTS}/reports`, {
        method: "POST",
        body: JSON.stringify({
          reportType: "GET_BRAND_ANALYTICS_SEARCH_TERMS_REPORT",
          marketplaceIds: [plain.marketplaceIds[0]],
          reportOptions: { reportPeriod: "WEEK" },
        }),
      });
      assert.equal(denied.status, 403);
    },
  );
});

Deno.test("reports: getReports pages with a nextToken that must travel alone", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 100, timeScale: 1 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        await create(sb, token, {
          reportType: "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
          marketplaceIds: [seller.marketplaceIds[0]],
        }),
      );
      clock.advance(1000);
    }
    const type = "reportTypes=GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA";
    const first = await sp(sb, token, `${REPORTS}/reports?${type}&pageSize=2`);
    assert.equal(first.body.reports.length, 2);
    assert.equal(first.body.reports[0].reportId, ids[4], "newest first");
    const next = encodeURIComponent(first.body.nextToken);
    const mixed = await sp(
      sb,
      token,
      `${REPORTS}/reports?${type}&nextToken=${next}`,
    );
    assert.equal(mixed.status, 400);
    const seen = first.body.reports.map((r: Json) => r.reportId);
    let token2: string | undefined = first.body.nextToken;
    while (token2) {
      const r = await sp(
        sb,
        token,
        `${REPORTS}/reports?nextToken=${encodeURIComponent(token2)}`,
      );
      assert.equal(r.status, 200);
      seen.push(...r.body.reports.map((x: Json) => x.reportId));
      token2 = r.body.nextToken;
    }
    assert.deepEqual(seen.sort(), [...ids].sort());

    const none = await sp(sb, token, `${REPORTS}/reports?pageSize=2`);
    assert.equal(none.status, 400);
  });
});

Deno.test("reports: without polling, a report is DONE once its (time-scaled) time has passed", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 100, timeScale: 10 }, async (sb) => {
    const token = await accessToken(sb);
    const id = await create(sb, token, {
      reportType: "GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA",
      marketplaceIds: [sb.sandbox.sellers[0].marketplaceIds[0]],
    });
    const list = async () =>
      (await sp(
        sb,
        token,
        `${REPORTS}/reports?reportTypes=GET_FBA_MYI_UNSUPPRESSED_INVENTORY_DATA`,
      )).body.reports.find((r: Json) => r.reportId === id).processingStatus;
    assert.equal(await list(), "IN_QUEUE");
    clock.advance(6_000); // 60 s of report time at ×10
    assert.equal(await list(), "DONE");
  });
});
