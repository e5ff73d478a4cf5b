// Fault injection: each kind the clients must survive, injected
// programmatically, by request header and over the admin endpoint.
import assert from "node:assert/strict";
import { FaultController } from "../../sandbox/testing.ts";
import {
  accessToken,
  gunzip,
  sp,
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

Deno.test("faults: slow responses answer after the delay", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const token = await accessToken(sb);
    sb.sandbox.faults.inject({ kind: "delay", delayMs: 150 });
    const t0 = performance.now();
    const r = await sp(sb, token, SELLERS);
    assert.equal(r.status, 200);
    assert.ok(performance.now() - t0 >= 140);
  });
});

Deno.test("faults: a hanging call lasts until the client times out; close() ends the rest", async () => {
  const running = await (await import("../../sandbox/testing.ts"))
    .startSandbox({ clock: testClock(), orders: 10 });
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
    await new Promise((r) => setTimeout(r, 50));
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
