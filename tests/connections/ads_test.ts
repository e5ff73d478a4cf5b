// The Ads API grant against the sandbox: scope, state, code exchange, and
// only the store's own seller profiles are kept (ids beyond 2^53 intact).
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { adProfiles, storeCredentials } from "../../db/schema.ts";
import { startSandbox } from "../../sandbox/testing.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { parseKeepingIds } from "../../lib/amazon/ads_profiles.ts";
import { connectDeps } from "../../lib/connections/authorize.ts";
import {
  ADS_SCOPE,
  beginAdsAuthorization,
  completeAdsAuthorization,
} from "../../lib/connections/ads.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const CALLBACK = "http://127.0.0.1:8000/connect/ads/callback";
const ADMIN = "00000000-0000-4000-8000-0000000000d1";

Deno.test("ads profile ids beyond 2^53 keep every digit", () => {
  const parsed = parseKeepingIds(
    '[{"profileId": 9434340235257727, "x": 1}]',
  ) as {
    profileId: string;
  }[];
  assert.equal(parsed[0].profileId, "9434340235257727");
});

Deno.test(`ads connect (${testEngine}): own seller profiles only, state single use`, async () => {
  const sb = await startSandbox({
    stores: 2,
    orders: 10,
    redirectUris: [CALLBACK],
  });
  await using t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  try {
    const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
    const deps = connectDeps({ db: t.db, kv, vault, amazonBaseUrl: sb.url });
    const [ours, theirs] = sb.sandbox.sellers;
    const storeId = await registerStore(t.db, {
      sellerId: ours.sellerId,
      region: ours.region,
      name: "Ours",
      marketplaces: ours.marketplaceIds.map((id) => ({
        marketplaceId: id,
        countryCode: "US",
        defaultCurrency: "USD",
        domain: "amazon.com",
      })),
    });
    const actor = { userId: ADMIN, storeIds: [storeId] };
    const c = sb.sandbox.credentials(0);
    const appId = await t.db.asUser(actor, (tx) =>
      saveApp(tx, vault, {
        api: "ads",
        name: "Ads client",
        clientId: c.clientId,
        clientSecret: c.clientSecret,
        secretIssuedAt: new Date(),
      }));
    const roundTrip = async () => {
      const url = await beginAdsAuthorization(deps, actor, "s1", {
        storeId,
        appId,
        redirectUri: CALLBACK,
      });
      assert.equal(new URL(url).searchParams.get("scope"), ADS_SCOPE);
      const res = await fetch(url, { redirect: "manual" });
      await res.body?.cancel();
      return Object.fromEntries(
        new URL(res.headers.get("location")!).searchParams,
      );
    };

    // Another seller consents: nothing stored.
    sb.sandbox.consentAs(theirs.sellerId);
    const foreign = await completeAdsAuthorization(
      deps,
      actor,
      "s1",
      await roundTrip(),
    );
    assert.deepEqual(foreign, {
      ok: false,
      reason: "not_own_account",
      storeId,
    });
    assert.equal(
      (await ownerOf(t.db).select().from(storeCredentials)).length,
      0,
    );

    sb.sandbox.consentAs(ours.sellerId);
    const back = await roundTrip();
    assert.deepEqual(
      await completeAdsAuthorization(deps, actor, "other-session", back),
      { ok: false, reason: "bad_state" },
    );
    // Amazon fails to list the profiles: an Amazon error, nothing stored.
    sb.sandbox.faults.inject({
      kind: "unavailable",
      operation: "listProfiles",
      count: Infinity,
    });
    assert.deepEqual(
      await completeAdsAuthorization(deps, actor, "s1", await roundTrip()),
      { ok: false, reason: "amazon_error", storeId },
    );
    assert.ok(
      sb.sandbox.faults.fired.some((f) => f.operation === "listProfiles"),
    );
    sb.sandbox.faults.clear();
    assert.equal(
      (await ownerOf(t.db).select().from(storeCredentials)).length,
      0,
    );
    const back2 = await roundTrip();
    const done = await completeAdsAuthorization(deps, actor, "s1", back2);
    assert.equal(done.ok, true);
    assert.ok((done.profiles ?? 0) >= 1);
    const stored = await ownerOf(t.db).select().from(adProfiles);
    const expected = ours.adsProfiles.map((p: { profileId: string | number }) =>
      String(p.profileId)
    ).sort();
    assert.deepEqual(stored.map((p) => p.profileId).sort(), expected);
    const [cred] = rowsOf<{ api: string; scopes: string[] }>(
      await ownerOf(t.db).execute(
        sql`select api, scopes from store_credentials`,
      ),
    );
    assert.deepEqual(cred, { api: "ads", scopes: [ADS_SCOPE] });
    assert.deepEqual(
      await completeAdsAuthorization(deps, actor, "s1", back2),
      { ok: false, reason: "bad_state" },
      "replay refused",
    );
  } finally {
    kv.close();
    await sb.close();
  }
});
