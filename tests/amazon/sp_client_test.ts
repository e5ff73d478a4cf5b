// The SP-API client against a real sandbox and a real database: success
// with one API log row, retries on 429/503/timeouts (not on 400), token
// re-fetch after an expired token, pagination against the ground truth, and
// two clients sharing one KV never exceeding a bucket together.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { registerStore } from "../../db/maintenance.ts";
import { apiRequestLog, stores } from "../../db/schema.ts";
import { createAccessTokens } from "../../lib/amazon/access_tokens.ts";
import {
  saveApp,
  saveStoreRefreshToken,
} from "../../lib/amazon/credentials.ts";
import { amazonEndpoints } from "../../lib/amazon/endpoints.ts";
import { createLwaClient } from "../../lib/amazon/lwa.ts";
import { type StartOptions, startSandbox } from "../../sandbox/testing.ts";
import { bucketKey, createRateLimiter } from "../../lib/amazon/rate_limiter.ts";
import {
  createSpClient,
  paginate,
  SpApiError,
  type SpCall,
  type SpClientDeps,
} from "../../lib/amazon/sp_client.ts";
import { usagePlanFor } from "../../lib/amazon/usage_plans.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";
import { truthRows } from "../_helpers/truth.ts";

const SELLERS = "/sellers/v1/marketplaceParticipations";
const OP = "getMarketplaceParticipations";

async function setup(opts: StartOptions = {}) {
  const sb = await startSandbox({ orders: 60, ...opts });
  const t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const seller = sb.sandbox.sellers[0];
  const creds = sb.sandbox.credentials(0);
  const storeId = await registerStore(t.db, {
    sellerId: seller.sellerId,
    region: seller.region,
    name: "Own",
    marketplaces: [],
  });
  await ownerOf(t.db).update(stores).set({ status: "connected" }).where(
    eq(stores.id, storeId),
  );
  await t.db.asJob(storeId, async (tx) => {
    const appId = await saveApp(tx, vault, {
      api: "sp-api",
      name: "Custodian",
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      secretIssuedAt: new Date(),
    });
    await saveStoreRefreshToken(tx, vault, {
      storeId,
      api: "sp-api",
      appId,
      refreshToken: creds.refreshToken,
      method: "self",
      issuedAt: new Date(),
    });
  });
  const endpoints = amazonEndpoints(sb.url);
  const lwa = createLwaClient({ tokenUrl: endpoints.lwaTokenUrl });
  const tokens = createAccessTokens({ db: t.db, kv, vault, lwa });
  /** A virtual clock: sleeps return at once and move time forward. */
  let virtual = Date.now();
  const slept: number[] = [];
  const calls: { attempts: number; throttles: number }[] = [];
  const client = (extra: Partial<SpClientDeps> = {}) =>
    createSpClient({
      db: t.db,
      kv,
      tokens,
      endpoints,
      now: () => virtual,
      sleep: (ms) => {
        slept.push(ms);
        virtual += ms;
        return Promise.resolve();
      },
      onCall: (info) => calls.push(info),
      ...extra,
    });
  const call = (over: Partial<SpCall> = {}): SpCall => ({
    storeId,
    region: "NA",
    operation: "getMarketplaceParticipations",
    path: SELLERS,
    ...over,
  });
  // The SP-API calls' rows (token requests are logged as api "lwa").
  const logs = async () =>
    (await ownerOf(t.db).select().from(apiRequestLog).where(
      eq(apiRequestLog.storeId, storeId),
    )).filter((r) => r.api !== "lwa");
  return {
    sb,
    t,
    kv,
    storeId,
    seller,
    tokens,
    client,
    call,
    logs,
    slept,
    calls,
    async [Symbol.asyncDispose]() {
      kv.close();
      await t[Symbol.asyncDispose]();
      await sb.close();
    },
  };
}

Deno.test(`sp client (${testEngine}): a call returns body, request id and rate limit, and writes one log row`, async () => {
  await using s = await setup();
  const sp = s.client();
  const r = await sp.call<{ payload: { marketplace: { id: string } }[] }>(
    s.call(),
  );
  assert.equal(r.status, 200);
  assert.ok(Array.isArray(r.body.payload));
  assert.deepEqual(
    r.body.payload.map((p) => p.marketplace.id).sort(),
    [...s.seller.marketplaceIds].sort(),
  );
  assert.ok(r.requestId, "x-amzn-RequestId captured");
  assert.equal(r.rateLimit, 0.016);
  assert.equal(r.attempts, 1);
  assert.equal(r.throttles, 0);
  const rows = await s.logs();
  assert.equal(rows.length, 1);
  const [row] = rows;
  assert.equal(row.api, "sp-api");
  assert.equal(row.operation, "getMarketplaceParticipations");
  assert.equal(row.httpStatus, 200);
  assert.equal(row.attempts, 1);
  assert.equal(row.requestId, r.requestId);
  assert.equal(Number(row.rateLimit), 0.016);
  assert.equal(row.errorCode, null);
  assert.ok(row.latencyMs >= 0);
  const token = await s.tokens.get(s.storeId, "sp-api");
  assert.ok(!JSON.stringify(row).includes(token), "no token in the log");
  assert.deepEqual(s.calls, [{
    operation: "getMarketplaceParticipations",
    attempts: 1,
    throttles: 0,
    status: 200,
  }]);
  // The bucket lives in KV, one token spent.
  const bucket = await s.kv.get<{ tokens: number; rate: number }>(
    bucketKey(s.storeId, "getMarketplaceParticipations"),
  );
  assert.ok(bucket.value);
  assert.ok(bucket.value.tokens < 15);
  assert.equal(bucket.value.rate, 0.016);
});

Deno.test(`sp client (${testEngine}): a 429 burst is retried with backoff, slows the bucket down, and succeeds`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject({
    kind: "throttle",
    operation: "getMarketplaceParticipations",
    count: 3,
  });
  const r = await s.client().call(s.call());
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 4);
  assert.equal(r.throttles, 3);
  assert.equal(s.sb.sandbox.faults.fired.length, 3);
  // It waited: backoff sleeps plus a drained bucket refilling at 0.016/s.
  const waited = s.slept.reduce((a, b) => a + b, 0);
  assert.ok(s.slept.length >= 3, "slept before retrying");
  assert.ok(waited >= 1000 / 0.016, "waited at least one refill");
  const [row] = await s.logs();
  assert.equal(row.attempts, 4);
  assert.equal(row.httpStatus, 200);
  assert.deepEqual(s.calls[0], {
    operation: "getMarketplaceParticipations",
    attempts: 4,
    throttles: 3,
    status: 200,
  });
});

Deno.test(`sp client (${testEngine}): 503 (JSON and HTML) and 500 are retried; 400 is not`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject([
    { kind: "unavailable", operation: OP },
    { kind: "unavailable", html: true, operation: OP },
    { kind: "serverError", operation: OP },
  ]);
  const sp = s.client();
  const r = await sp.call(s.call());
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 4);
  assert.equal(r.throttles, 0);

  const bad = sp.call(s.call({
    operation: "searchOrders",
    path: "/orders/2026-01-01/orders",
    query: { marketplaceIds: s.seller.marketplaceIds, bogus: "1" },
  }));
  await assert.rejects(bad, (e: unknown) => {
    assert.ok(e instanceof SpApiError);
    assert.equal(e.status, 400);
    assert.equal(e.code, "InvalidInput");
    assert.ok(e.requestId);
    assert.match(e.message, /searchOrders answered 400 InvalidInput/);
    assert.match(e.message, /attempts: 1/);
    return true;
  });
  const rows = (await s.logs()).sort((a, b) => a.id - b.id);
  assert.equal(rows.length, 2, "one row per call, not per attempt");
  assert.deepEqual(
    rows.map((x) => [x.httpStatus, x.attempts, x.errorCode]),
    [[200, 4, null], [400, 1, "InvalidInput"]],
  );
  assert.equal(s.calls[1].attempts, 1);
});

Deno.test(`sp client (${testEngine}): retries give up after maxAttempts with a typed error`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject({ kind: "serverError", operation: OP, count: 10 });
  await assert.rejects(
    s.client({ maxAttempts: 3 }).call(s.call()),
    (e: unknown) =>
      e instanceof SpApiError && e.status === 500 &&
      e.code === "InternalFailure",
  );
  const [row] = await s.logs();
  assert.equal(row.attempts, 3);
  assert.equal(row.httpStatus, 500);
  assert.equal(row.errorCode, "InternalFailure");
});

Deno.test(`sp client (${testEngine}): a hanging call times out and is retried`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject({ kind: "hang", operation: OP });
  const r = await s.client({ timeoutMs: 300 }).call(s.call());
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 2);
  const [row] = await s.logs();
  assert.equal(row.attempts, 2);
  assert.equal(row.httpStatus, 200);
});

Deno.test(`sp client (${testEngine}): an expired access token is dropped and fetched again once`, async () => {
  await using s = await setup();
  const sp = s.client();
  await sp.call(s.call());
  const before = await s.tokens.get(s.storeId, "sp-api");
  s.sb.sandbox.faults.inject({ kind: "expiredToken" });
  const r = await sp.call(s.call());
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 2);
  const after = await s.tokens.get(s.storeId, "sp-api");
  assert.notEqual(after, before, "a fresh token");
});

Deno.test(`sp client (${testEngine}): paginate walks searchOrders by paginationToken, every page once`, async () => {
  await using s = await setup({ orders: 120 });
  const truth = truthRows(s.seller).orders.map((o) => o.amazonOrderId).sort();
  assert.ok(truth.length > 25, "enough orders for several pages");
  const sp = s.client({ usagePlans: { searchOrders: { rate: 1, burst: 20 } } });
  const seen: string[] = [];
  let pages = 0;
  for await (
    const page of paginate<
      { orders: { orderId: string }[]; pagination?: { nextToken?: string } }
    >(
      sp,
      s.call({
        operation: "searchOrders",
        path: "/orders/2026-01-01/orders",
        query: {
          marketplaceIds: s.seller.marketplaceIds,
          createdAfter: "2020-01-01T00:00:00Z",
          maxResultsPerPage: "10",
        },
      }),
      {
        next: (b) => b.pagination?.nextToken,
        tokenParam: "paginationToken",
      },
    )
  ) {
    pages++;
    for (const o of page.body.orders) seen.push(o.orderId);
  }
  assert.equal(pages, Math.ceil(truth.length / 10));
  assert.equal(new Set(seen).size, seen.length, "no order twice");
  assert.deepEqual(seen.sort(), truth);
  assert.equal((await s.logs()).length, pages);
});

Deno.test(`sp client (${testEngine}): two clients sharing one KV never exceed the sandbox bucket`, async () => {
  const plans = { getMarketplaceParticipations: { rate: 10, burst: 2 } };
  // The sandbox refills 10x faster than the plan and holds one token more,
  // so jitter between taking a token here and arriving there (a stalled
  // event loop on a busy machine bunches calls) does not cause a 429; two
  // uncoordinated clients still would: each spends its own burst of 2 at
  // once, 4 calls against the sandbox's 3.
  await using s = await setup({
    usagePlans: { getMarketplaceParticipations: { rate: 10, burst: 3 } },
    timeScale: 10,
  });
  const real = { now: Date.now, sleep: undefined };
  const a = s.client({ usagePlans: plans, ...real });
  const b = s.client({ usagePlans: plans, ...real });
  const results = await Promise.all(
    Array.from(
      { length: 20 },
      (_, i) => (i % 2 ? a : b).call(s.call()),
    ),
  );
  assert.equal(results.length, 20);
  assert.equal(results.reduce((n, r) => n + r.throttles, 0), 0, "no 429");
  assert.ok(results.every((r) => r.attempts === 1));
  const rows = await s.logs();
  assert.equal(rows.length, 20);
  assert.ok(rows.every((r) => r.httpStatus === 200));
});

Deno.test("rate limiter: concurrent takers on one KV never take more than the bucket holds", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const at = 1_000_000;
    // Time frozen: no refill, so exactly `burst` takes may succeed at once.
    const sleeps: number[] = [];
    const mk = () =>
      createRateLimiter({
        kv,
        now: () => at,
        sleep: (ms) => {
          sleeps.push(ms);
          return Promise.reject(new Error("would wait"));
        },
        usagePlans: { op: { rate: 1, burst: 5 } },
      });
    const [l1, l2] = [mk(), mk()];
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => (i % 2 ? l1 : l2).take("s", "op")),
    );
    assert.equal(outcomes.filter((o) => o.status === "fulfilled").length, 5);
    // One token refills in 1 s; the wait adds a 10 ms margin (1 % of it).
    assert.ok(sleeps.every((ms) => ms === 1010), "one token refills in 1 s");
    // The header adjusts the rate; a 429 drains the bucket.
    await l1.observeRate("s", "op", 2);
    assert.equal((await l2.peek("s", "op"))?.rate, 2);
    await l2.drain("s", "op");
    assert.equal((await l1.peek("s", "op"))?.tokens, 0);
    assert.deepEqual(usagePlanFor("searchOrders"), {
      rate: 0.0056,
      burst: 20,
    });
  } finally {
    kv.close();
  }
});
