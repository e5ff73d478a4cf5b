// Fault injection: each kind the clients must survive, injected
// programmatically, by request header and over the admin endpoint.
import assert from "node:assert/strict";
import {
  accessToken,
  download,
  FaultController,
  gunzip,
  parseTsv,
  sp,
  startSandbox,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";

const SELLERS = "/sellers/v1/marketplaceParticipations";

Deno.test("faults: 429 bursts hit the next N calls of one operation only", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject({
      kind: "throttle",
      operation: "getMarketplaceParticipations",
      count: 3,
    });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await sp(sb, token, SELLERS)).status);
    }
    assert.deepEqual(statuses, [429, 429, 429, 200]);
    assert.equal(sb.sandbox.faults.fired.length, 3);
  });
});

Deno.test("faults: 500 InternalFailure and 503 as JSON or as an HTML page", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject([
      { kind: "serverError" },
      { kind: "unavailable" },
      { kind: "unavailable", html: true },
    ]);
    const a = await sp(sb, token, SELLERS);
    assert.equal(a.status, 500);
    assert.equal(a.body.errors[0].code, "InternalFailure");
    const b = await sp(sb, token, SELLERS);
    assert.equal(b.status, 503);
    assert.ok(b.body.errors);
    const c = await sp(sb, token, SELLERS);
    assert.equal(c.status, 503);
    assert.match(c.headers.get("content-type")!, /text\/html/);
    assert.equal(c.body, undefined, "not JSON");
    assert.equal((await sp(sb, token, SELLERS)).status, 200);
  });
});

Deno.test("faults: slow responses answer once the delay has passed on the clock", async () => {
  const clock = testClock();
  await withSandbox({ clock, orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject({ kind: "delay", delayMs: 150 });
    let answered = false;
    const pending = sp(sb, token, SELLERS).finally(() => answered = true);
    await sb.sandbox.untilParked();
    clock.advance(149);
    assert.equal(sb.sandbox.parked(), 1, "still held 1 ms before the delay");
    assert.equal(answered, false);
    clock.advance(1);
    assert.equal(sb.sandbox.parked(), 0);
    assert.equal((await pending).status, 200);
  });
});

Deno.test("faults: a hanging call lasts until the client times out; close() ends the rest", async () => {
  const running = await startSandbox({ clock: testClock(), orders: 10 });
  try {
    const token = await accessToken(running);
    running.sandbox.faults.inject({ kind: "hang", count: 2 });
    await assert.rejects(
      fetch(`${running.url}${SELLERS}`, {
        headers: { "x-amz-access-token": token },
        signal: AbortSignal.timeout(100),
      }),
      (e: Error) => e.name === "TimeoutError",
    );
    const pending = fetch(`${running.url}${SELLERS}`, {
      headers: { "x-amz-access-token": token },
    });
    // The first request is still held (the client gave up, not the server).
    await running.sandbox.untilParked(2);
    await running.sandbox.close();
    const res = await pending;
    assert.equal(res.status, 504);
    await res.body?.cancel();
  } finally {
    await running.close();
  }
});

Deno.test("faults: malformed JSON is a 200 whose body does not parse", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject({
      kind: "malformedJson",
      operation: "getMarketplaceParticipations",
    });
    const r = await sp(sb, token, SELLERS);
    assert.equal(r.status, 200);
    assert.throws(() => JSON.parse(r.text));
    assert.ok(r.text.startsWith('{"payload":'));
  });
});

Deno.test("faults: a truncated gzip document fails to inflate", async () => {
  await withSandbox({ clock: testClock(), orders: 200 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const token = await accessToken(sb);
    const created = await sp(sb, token, "/reports/2021-06-30/reports", {
      method: "POST",
      body: JSON.stringify({
        reportType: "GET_FLAT_FILE_ALL_ORDERS_DATA_BY_ORDER_DATE_GENERAL",
        marketplaceIds: seller.marketplaceIds,
      }),
    });
    let report;
    for (let i = 0; i < 3; i++) {
      report = (await sp(
        sb,
        token,
        `/reports/2021-06-30/reports/${created.body.reportId}`,
      )).body;
    }
    assert.equal(report.processingStatus, "DONE");
    const doc = await sp(
      sb,
      token,
      `/reports/2021-06-30/documents/${
        encodeURIComponent(report.reportDocumentId)
      }`,
    );
    sb.sandbox.faults.inject({ kind: "truncatedGzip" });
    const cut = new Uint8Array(await (await fetch(doc.body.url)).arrayBuffer());
    await assert.rejects(gunzip(cut));
    const whole = new Uint8Array(
      await (await fetch(doc.body.url)).arrayBuffer(),
    );
    assert.ok(whole.length > cut.length);
    assert.ok((await gunzip(whole)).startsWith("amazon-order-id\t"));
  });
});

Deno.test("faults: expiredToken makes the presented token expired until the client refreshes", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject({ kind: "expiredToken" });
    const a = await sp(sb, token, SELLERS);
    assert.equal(a.status, 403);
    assert.match(a.body.errors[0].details, /expired/);
    assert.equal((await sp(sb, token, SELLERS)).status, 403);
    const fresh = await accessToken(sb);
    assert.equal((await sp(sb, fresh, SELLERS)).status, 200);
  });
});

Deno.test("faults: invalidGrant fails the next refresh without revoking", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    sb.sandbox.faults.inject({ kind: "invalidGrant" });
    await assert.rejects(accessToken(sb), /invalid_grant/);
    assert.ok(await accessToken(sb));
  });
});

Deno.test("faults: faults can be scoped to one seller", async () => {
  await withSandbox(
    { clock: testClock(), stores: 2, orders: 20 },
    async (sb) => {
      const [a, b] = sb.sandbox.sellers;
      sb.sandbox.faults.inject({ kind: "serverError", sellerId: b.sellerId });
      const ta = await accessToken(sb, a.index);
      const tb = await accessToken(sb, b.index);
      assert.equal((await sp(sb, ta, SELLERS)).status, 200);
      assert.equal((await sp(sb, tb, SELLERS)).status, 500);
    },
  );
});

Deno.test("faults: x-sandbox-fault header and /_sandbox/faults only when enabled", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    const r = await sp(sb, token, SELLERS, {
      headers: { "x-sandbox-fault": "serverError" },
    });
    assert.equal(r.status, 200, "ignored unless enabled");
    const admin = await fetch(`${sb.url}/_sandbox/faults`, {
      method: "POST",
      body: "{}",
    });
    assert.equal(admin.status, 404);
    await admin.body?.cancel();
  });
  await withSandbox(
    { clock: testClock(), orders: 10, faultHeader: true, faultAdmin: true },
    async (sb) => {
      const token = await accessToken(sb);
      const r = await sp(sb, token, SELLERS, {
        headers: { "x-sandbox-fault": "unavailable;html" },
      });
      assert.equal(r.status, 503);
      const add = await fetch(`${sb.url}/_sandbox/faults`, {
        method: "POST",
        body: JSON.stringify({
          kind: "throttle",
          operation: "getMarketplaceParticipations",
          count: 2,
        }),
      });
      assert.equal(add.status, 200);
      assert.equal((await add.json()).pending.length, 1);
      assert.equal((await sp(sb, token, SELLERS)).status, 429);
      const del = await fetch(`${sb.url}/_sandbox/faults`, {
        method: "DELETE",
      });
      assert.equal(del.status, 204);
      assert.equal((await sp(sb, token, SELLERS)).status, 200);
      const bad = await fetch(`${sb.url}/_sandbox/faults`, {
        method: "POST",
        body: JSON.stringify({ kind: "meteor" }),
      });
      assert.equal(bad.status, 400);
      await bad.body?.cancel();
    },
  );
});

Deno.test("FaultController: rules match in order and count down", () => {
  const f = new FaultController();
  f.inject([{ kind: "throttle", operation: "a", count: 2 }, {
    kind: "serverError",
  }]);
  assert.equal(
    f.take("b", undefined, ["throttle", "serverError"])?.kind,
    "serverError",
  );
  assert.equal(f.take("a", undefined, ["throttle"])?.kind, "throttle");
  assert.equal(f.take("a", undefined, ["throttle"])?.kind, "throttle");
  assert.equal(f.take("a", undefined, ["throttle"]), undefined);
  assert.throws(() => f.inject({ kind: "nope" as "throttle" }));
});

Deno.test("faults: a connection reset loses the answer; `after` lets requests through first; `withParam` picks requests", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject({
      kind: "connectionReset",
      operation: "getMarketplaceParticipations",
      after: 1,
      count: 2,
    });
    assert.equal((await sp(sb, token, SELLERS)).status, 200);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(sp(sb, token, SELLERS), TypeError);
    }
    assert.equal((await sp(sb, token, SELLERS)).status, 200);
    assert.deepEqual(
      sb.sandbox.faults.fired.map((f) => f.kind),
      ["connectionReset", "connectionReset"],
    );
    sb.sandbox.faults.inject({
      kind: "serverError",
      operation: "getMarketplaceParticipations",
      withParam: "nextToken",
    });
    assert.equal((await sp(sb, token, SELLERS)).status, 200);
    assert.equal((await sp(sb, token, `${SELLERS}?nextToken=x`)).status, 500);
    assert.deepEqual(sb.sandbox.faults.pending(), []);
  });
});

Deno.test("faults: a corrupt cell changes one cell of one document download and says which", async () => {
  await withSandbox({ clock: testClock(), orders: 300 }, async (sb) => {
    const token = await accessToken(sb);
    const type = "GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2";
    const list = await sp(
      sb,
      token,
      `/reports/2021-06-30/reports?reportTypes=${type}`,
    );
    const documentId = list.body.reports[0].reportDocumentId;
    const doc = await sp(
      sb,
      token,
      `/reports/2021-06-30/documents/${encodeURIComponent(documentId)}`,
    );
    sb.sandbox.faults.inject({
      kind: "corruptCell",
      operation: "downloadDocument",
      column: "amount",
      line: 3,
      value: "lots",
    });
    const bad = parseTsv(await download(doc.body.url));
    const good = parseTsv(await download(doc.body.url));
    // Line 3 of the file is its second data row (after the summary row).
    assert.equal(bad.rows[1].amount, "lots");
    assert.notEqual(good.rows[1].amount, "lots");
    assert.deepEqual(bad.rows.slice(2), good.rows.slice(2));
    const fired = sb.sandbox.faults.fired.find((f) => f.kind === "corruptCell");
    assert.equal(fired?.detail?.document, documentId);
    assert.equal(
      fired?.detail?.original,
      good.header.map((h) => good.rows[1][h]).join("\t"),
    );
    assert.throws(
      () => new FaultController().inject({ kind: "corruptCell" }),
      /needs a column/,
    );
  });
});
