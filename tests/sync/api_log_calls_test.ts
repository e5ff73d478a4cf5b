// Every call to Amazon is one API-log row (issue #12): connecting a store
// through Seller Central's consent (the LWA code exchange), connecting the
// Ads API (its code exchange and GET /v2/profiles), then syncing a few
// datasets (token refreshes, SP-API and Ads calls, report documents). The
// rows equal the requests the sandbox counted, per API and per LWA grant,
// and no row carries a token, a consent code or the client secret.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { registerStore } from "../../db/maintenance.ts";
import { apiRequestLog, stores } from "../../db/schema.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { amazonEndpoints } from "../../lib/amazon/endpoints.ts";
import { createLwaClient } from "../../lib/amazon/lwa.ts";
import { marketplaceById } from "../../lib/amazon/marketplaces.ts";
import {
  beginAdsAuthorization,
  completeAdsAuthorization,
} from "../../lib/connections/ads.ts";
import {
  beginWebsiteAuthorization,
  completeWebsiteAuthorization,
  type ConnectDeps,
} from "../../lib/connections/authorize.ts";
import { createLogger } from "../../lib/log.ts";
import { adsEntitiesDataset } from "../../lib/sync/datasets/ads_entities.ts";
import { inventoryDataset } from "../../lib/sync/datasets/inventory.ts";
import { salesTrafficDataset } from "../../lib/sync/datasets/sales_traffic.ts";
import { runSync } from "../../lib/sync/runner.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { type SandboxRequest, startSandbox } from "../../sandbox/testing.ts";
import { scaledPlans, syncRunnerDeps } from "../_helpers/sync.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const SP_CALLBACK = "http://127.0.0.1:8000/connect/sp-api/callback";
const ADS_CALLBACK = "http://127.0.0.1:8000/connect/ads/callback";
const APPLICATION_ID = "amzn1.sp.solution.00000000-0000-4000-8000-0000000a1c0c";
const ADMIN = "00000000-0000-4000-8000-0000000000e1";
const SESSION = "session-hash-of-the-admin";

/** Which API-log `api` a request the sandbox received belongs to. */
function apiOf(r: SandboxRequest): string | null {
  if (r.path === "/auth/o2/token") return "lwa";
  // The consent pages are the seller's browser, not a call of ours.
  if (r.path === "/apps/authorize/consent" || r.path === "/ap/oa") return null;
  if (r.path.startsWith("/sandbox-documents/")) return "report-document";
  if (/^\/(v2|sp|reporting)\//.test(r.path)) return "ads-api";
  return "sp-api";
}

/** Follows a consent URL as the seller; returns the redirect's query. */
async function consent(url: string): Promise<Record<string, string>> {
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 302);
  return Object.fromEntries(new URL(res.headers.get("location")!).searchParams);
}

Deno.test(`API log (${testEngine}): one row per call to Amazon, consents and syncs, no credential in any`, async () => {
  const sb = await startSandbox({
    stores: 1,
    orders: 30,
    applicationId: APPLICATION_ID,
    redirectUris: [SP_CALLBACK, ADS_CALLBACK],
    reportPollsToDone: 2,
    adsReportPollsToDone: 2,
    timeScale: 1,
    usagePlans: scaledPlans(2000),
    adsRate: { rate: 20_000, burst: 20 },
  });
  await using t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  try {
    const requests = sb.sandbox.recordRequests();
    const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
    const seller = sb.sandbox.sellers[0];
    const storeId = await registerStore(t.db, {
      sellerId: seller.sellerId,
      region: seller.region,
      name: "Our store",
      brand: seller.plan.brand,
      marketplaces: seller.marketplaceIds.map((id) => {
        const m = marketplaceById(id)!;
        return {
          marketplaceId: id,
          countryCode: m.countryCode,
          defaultCurrency: m.currency,
          domain: m.domain,
        };
      }),
    });
    const actor = { userId: ADMIN, storeIds: [storeId] };
    const creds = sb.sandbox.credentials(0);
    const apps = await t.db.asUser(actor, async (tx) => ({
      sp: await saveApp(tx, vault, {
        api: "sp-api",
        name: "Custodian",
        applicationId: APPLICATION_ID,
        draft: true,
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        secretIssuedAt: new Date(),
      }),
      ads: await saveApp(tx, vault, {
        api: "ads",
        name: "Ads client",
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        secretIssuedAt: new Date(),
      }),
    }));
    const endpoints = amazonEndpoints(sb.url);
    const deps: ConnectDeps = {
      db: t.db,
      kv,
      vault,
      endpoints,
      lwa: createLwaClient({ tokenUrl: endpoints.lwaTokenUrl }),
    };

    // Seller Central consent, then the Ads API consent.
    const spBack = await consent(
      await beginWebsiteAuthorization(deps, actor, SESSION, {
        storeId,
        appId: apps.sp,
        redirectUri: SP_CALLBACK,
      }),
    );
    assert.deepEqual(
      await completeWebsiteAuthorization(deps, actor, SESSION, spBack),
      { ok: true, storeId },
    );
    const adsBack = await consent(
      await beginAdsAuthorization(deps, actor, SESSION, {
        storeId,
        appId: apps.ads,
        redirectUri: ADS_CALLBACK,
      }),
    );
    const ads = await completeAdsAuthorization(deps, actor, SESSION, adsBack);
    assert.equal(ads.ok, true, JSON.stringify(ads));
    const [store] = await ownerOf(t.db).select().from(stores).where(
      eq(stores.id, storeId),
    );
    assert.equal(store.status, "connected");

    // A sync of a few datasets.
    const runner = syncRunnerDeps({
      db: t.db,
      kv,
      vault,
      log: createLogger({ level: "error", sink: () => {} }),
      sandboxUrl: sb.url,
      datasets: [inventoryDataset, salesTrafficDataset, adsEntitiesDataset],
      timeScale: 2000,
      settings: { backfillDays: 10 },
    });
    for (const dataset of ["inventory", "sales_traffic", "ads_entities"]) {
      const out = await runSync(runner, {
        storeId,
        dataset,
        trigger: "manual",
      });
      assert.equal(out.status, "succeeded", JSON.stringify(out));
    }

    const rows = await ownerOf(t.db).select().from(apiRequestLog).where(
      eq(apiRequestLog.storeId, storeId),
    );
    const tally = (keys: (string | null)[]) => {
      const m: Record<string, number> = {};
      for (const k of keys) if (k !== null) m[k] = (m[k] ?? 0) + 1;
      return m;
    };
    // Per API: as many rows as calls.
    assert.deepEqual(tally(rows.map((r) => r.api)), tally(requests.map(apiOf)));
    // Per LWA grant: the two code exchanges and every refresh.
    const lwaOps = tally(
      rows.filter((r) => r.api === "lwa").map((r) =>
        r.operation === "exchangeAuthorizationCode" ? "authorization_code" : (
          /^refresh/.test(r.operation) ? "refresh_token" : r.operation
        )
      ),
    );
    assert.deepEqual(
      lwaOps,
      tally(
        requests.filter((r) => apiOf(r) === "lwa").map((r) =>
          r.grantType ?? "?"
        ),
      ),
    );
    assert.equal(lwaOps.authorization_code, 2);
    // The profiles call of the Ads consent (and any the sync made).
    assert.equal(
      rows.filter((r) => r.operation === "listProfiles").length,
      requests.filter((r) => r.path === "/v2/profiles").length,
    );
    assert.ok(rows.some((r) => r.operation === "listProfiles"));

    // No token, consent code or secret in any row.
    const text = JSON.stringify(rows);
    for (
      const secret of [
        creds.clientSecret,
        creds.refreshToken,
        spBack.spapi_oauth_code,
        adsBack.code,
      ]
    ) {
      assert.ok(secret && secret.length > 8);
      assert.ok(!text.includes(secret), "a credential in the API log");
    }
    assert.doesNotMatch(text, /Atz[ar]\|/);
  } finally {
    kv.close();
    await sb.close();
  }
});
