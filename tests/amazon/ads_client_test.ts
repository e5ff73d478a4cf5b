// The Advertising API client against a real sandbox and a real database:
// the Ads headers (Bearer, ClientId, Scope, vendor media types), profile ids
// above 2^53 kept exact, Retry-After honoured on 429, backoff with jitter
// when it is absent, no retry on 400, one re-fetch of an expired token, the
// report id of a 425 duplicate, and one API log row per call without token.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { registerStore } from "../../db/maintenance.ts";
import { apiRequestLog, stores } from "../../db/schema.ts";
import { createAccessTokens } from "../../lib/amazon/access_tokens.ts";
import {
  AdsApiError,
  type AdsCall,
  type AdsClientDeps,
  createAdsClient,
} from "../../lib/amazon/ads_client.ts";
import {
  saveApp,
  saveStoreRefreshToken,
} from "../../lib/amazon/credentials.ts";
import { amazonEndpoints } from "../../lib/amazon/endpoints.ts";
import { createLwaClient } from "../../lib/amazon/lwa.ts";
import { type StartOptions, startSandbox } from "../../sandbox/testing.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const CAMPAIGN = "application/vnd.spCampaign.v3+json";
const REPORT = "application/vnd.createasyncreportrequest.v3+json";
/** A seed whose one seller has a profile id above 2^53 (asserted below). */
const BIG_ID_SEED = "ads-big-10";

async function setup(opts: StartOptions = {}) {
  const sb = await startSandbox({ seed: BIG_ID_SEED, orders: 40, ...opts });
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
      api: "ads",
      name: "Ads client",
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      secretIssuedAt: new Date(),
    });
    await saveStoreRefreshToken(tx, vault, {
      storeId,
      api: "ads",
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
  const sent: { url: string; headers: Headers; body: string | null }[] = [];
  const recording: typeof fetch = (input, init) => {
    sent.push({
      url: String(input),
      headers: new Headers(init?.headers),
      body: typeof init?.body === "string" ? init.body : null,
    });
    return fetch(input, init);
  };
  const client = (extra: Partial<AdsClientDeps> = {}) =>
    createAdsClient({
      db: t.db,
      kv,
      tokens,
      endpoints,
      vault,
      fetch: recording,
      now: () => virtual,
      sleep: (ms) => {
        slept.push(ms);
        virtual += ms;
        return Promise.resolve();
      },
      ...extra,
    });
  const profileId = creds.adsProfileId;
  const listCampaigns = (over: Partial<AdsCall> = {}): AdsCall => ({
    storeId,
    region: seller.region,
    operation: "listCampaigns",
    method: "POST",
    path: "/sp/campaigns/list",
    profileId,
    mediaType: CAMPAIGN,
    body: { maxResults: 100 },
    ...over,
  });
  const logs = async () =>
    (await ownerOf(t.db).select().from(apiRequestLog).where(
      eq(apiRequestLog.storeId, storeId),
    )).filter((r) => r.api !== "lwa").sort((a, b) => a.id - b.id);
  return {
    sb,
    storeId,
    seller,
    creds,
    profileId,
    tokens,
    client,
    listCampaigns,
    logs,
    slept,
    sent,
    async [Symbol.asyncDispose]() {
      kv.close();
      await t[Symbol.asyncDispose]();
      await sb.close();
    },
  };
}

Deno.test(`ads client (${testEngine}): sends Bearer, ClientId, Scope and media types; one log row per call, no token`, async () => {
  await using s = await setup();
  const calls: unknown[] = [];
  const ads = s.client({ onCall: (info) => calls.push(info) });
  const profiles = await ads.call<{ profileId: string }[]>({
    storeId: s.storeId,
    region: s.seller.region,
    operation: "listProfiles",
    path: "/v2/profiles",
  });
  assert.equal(profiles.status, 200);
  const r = await ads.call<{ campaigns: { campaignId: string }[] }>(
    s.listCampaigns(),
  );
  assert.equal(r.status, 200);
  assert.ok(r.body.campaigns.length > 0);
  assert.equal(r.attempts, 1);

  const token = await s.tokens.get(s.storeId, "ads");
  const [p, c] = s.sent;
  assert.equal(p.headers.get("authorization"), `Bearer ${token}`);
  assert.equal(
    p.headers.get("amazon-advertising-api-clientid"),
    s.creds.clientId,
  );
  assert.equal(p.headers.get("amazon-advertising-api-scope"), null);
  assert.equal(p.headers.get("x-amz-access-token"), null);
  assert.equal(c.headers.get("authorization"), `Bearer ${token}`);
  assert.equal(
    c.headers.get("amazon-advertising-api-clientid"),
    s.creds.clientId,
  );
  assert.equal(c.headers.get("amazon-advertising-api-scope"), s.profileId);
  assert.equal(c.headers.get("content-type"), CAMPAIGN);
  assert.equal(c.headers.get("accept"), CAMPAIGN);
  assert.deepEqual(JSON.parse(c.body!), { maxResults: 100 });

  const rows = await s.logs();
  assert.deepEqual(
    rows.map((
      x,
    ) => [x.api, x.operation, x.httpStatus, x.attempts, x.errorCode]),
    [
      ["ads-api", "listProfiles", 200, 1, null],
      ["ads-api", "listCampaigns", 200, 1, null],
    ],
  );
  assert.ok(rows[1].requestId, "x-amzn-RequestId captured");
  for (const row of rows) {
    assert.ok(!JSON.stringify(row).includes(token), "no token in the log");
  }
  assert.deepEqual(calls, [
    { operation: "listProfiles", attempts: 1, throttles: 0, status: 200 },
    { operation: "listCampaigns", attempts: 1, throttles: 0, status: 200 },
  ]);
});

Deno.test(`ads client (${testEngine}): profile ids above 2^53 come back exact`, async () => {
  await using s = await setup();
  const expected = s.seller.adsProfiles.map((p) => p.profileId).sort();
  assert.ok(
    expected.some((id) => BigInt(id) > 2n ** 53n),
    `seed ${BIG_ID_SEED} must give an id above 2^53`,
  );
  const r = await s.client().call<{ profileId: string }[]>({
    storeId: s.storeId,
    region: s.seller.region,
    operation: "listProfiles",
    path: "/v2/profiles",
  });
  assert.deepEqual(r.body.map((p) => p.profileId).sort(), expected);
  assert.ok(r.body.every((p) => typeof p.profileId === "string"));
  // The big id works as the Scope of the next call.
  const big = expected.find((id) => BigInt(id) > 2n ** 53n)!;
  const listed = await s.client().call(s.listCampaigns({ profileId: big }));
  assert.equal(listed.status, 200);
});

Deno.test(`ads client (${testEngine}): a 429 with Retry-After waits that long, then succeeds`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject({
    kind: "throttle",
    operation: "listCampaigns",
    count: 2,
    retryAfter: 3,
  });
  const r = await s.client().call(s.listCampaigns());
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 3);
  assert.equal(r.throttles, 2);
  assert.equal(s.slept.filter((ms) => ms === 3000).length, 2);
  const [row] = await s.logs();
  assert.equal(row.attempts, 3);
  assert.equal(row.httpStatus, 200);
});

Deno.test(`ads client (${testEngine}): without Retry-After, backoff is jittered under a doubling ceiling`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject({
    kind: "throttle",
    operation: "listCampaigns",
    count: 3,
    retryAfter: null,
  });
  const r = await s.client({ backoffBaseMs: 400, random: () => 0.5 }).call(
    s.listCampaigns(),
  );
  assert.equal(r.attempts, 4);
  // Backoff sleeps are half of 400, 800, 1600 (bucket refills may add more).
  for (const ms of [200, 400, 800]) assert.ok(s.slept.includes(ms));
});

Deno.test(`ads client (${testEngine}): 500 is retried; 400 is not, with a typed error`, async () => {
  await using s = await setup();
  s.sb.sandbox.faults.inject({
    kind: "serverError",
    operation: "listCampaigns",
  });
  const ads = s.client();
  assert.equal((await ads.call(s.listCampaigns())).attempts, 2);
  await assert.rejects(
    ads.call(s.listCampaigns({ body: { bogus: true } })),
    (e: unknown) => {
      assert.ok(e instanceof AdsApiError);
      assert.equal(e.status, 400);
      assert.equal(e.code, "INVALID_ARGUMENT");
      assert.match(e.message, /listCampaigns answered 400 INVALID_ARGUMENT/);
      assert.match(e.message, /attempts: 1/);
      return true;
    },
  );
  const rows = await s.logs();
  assert.deepEqual(
    rows.map((x) => [x.httpStatus, x.attempts, x.errorCode]),
    [[200, 2, null], [400, 1, "INVALID_ARGUMENT"]],
  );
});

Deno.test(`ads client (${testEngine}): an expired token is dropped and fetched again once`, async () => {
  await using s = await setup();
  const ads = s.client();
  await ads.call(s.listCampaigns());
  const before = await s.tokens.get(s.storeId, "ads");
  s.sb.sandbox.faults.inject({ kind: "expiredToken" });
  const r = await ads.call(s.listCampaigns());
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 2);
  assert.notEqual(await s.tokens.get(s.storeId, "ads"), before);
});

Deno.test(`ads client (${testEngine}): a duplicate report request (425) names the existing report`, async () => {
  await using s = await setup();
  const ads = s.client();
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(
    0,
    10,
  );
  const create: AdsCall = {
    storeId: s.storeId,
    region: s.seller.region,
    operation: "createAsyncReport",
    method: "POST",
    path: "/reporting/reports",
    profileId: s.profileId,
    mediaType: REPORT,
    body: {
      startDate: yesterday,
      endDate: yesterday,
      configuration: {
        adProduct: "SPONSORED_PRODUCTS",
        reportTypeId: "spCampaigns",
        groupBy: ["campaign"],
        columns: ["date", "campaignId", "impressions"],
        timeUnit: "DAILY",
        format: "GZIP_JSON",
      },
    },
  };
  const first = await ads.call<{ reportId: string; status: string }>(create);
  assert.equal(first.body.status, "PENDING");
  await assert.rejects(ads.call(create), (e: unknown) => {
    assert.ok(e instanceof AdsApiError);
    assert.equal(e.status, 425);
    assert.equal(e.duplicateOf, first.body.reportId);
    return true;
  });
  assert.equal((await s.logs())[1].attempts, 1, "425 is not retried");
});
