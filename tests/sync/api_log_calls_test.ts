// Every call to Amazon is one API-log row (issue #12): connecting a store
// through Seller Central's consent (the LWA code exchange), connecting the
// Ads API (its code exchange and GET /v2/profiles), both as the admin's
// browser does it through the portal's connect and callback routes, then
// syncing a few
// datasets (token refreshes, SP-API and Ads calls, report documents). The
// rows equal the requests the sandbox counted, per API and per LWA grant,
// and no row carries a token, a consent code or the client secret.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { registerStore } from "../../db/maintenance.ts";
import { apiRequestLog, storeCredentials, stores } from "../../db/schema.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { marketplaceById } from "../../lib/amazon/marketplaces.ts";
import { createLogger } from "../../lib/log.ts";
import { adsEntitiesDataset } from "../../lib/sync/datasets/ads_entities.ts";
import { inventoryDataset } from "../../lib/sync/datasets/inventory.ts";
import { salesTrafficDataset } from "../../lib/sync/datasets/sales_traffic.ts";
import { runSync } from "../../lib/sync/runner.ts";
import {
  type SandboxRequest,
  SP_OPERATIONS,
  startSandbox,
} from "../../sandbox/testing.ts";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { scaledPlans, syncRunnerDeps } from "../_helpers/sync.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const SP_CALLBACK = `${ORIGIN}/connect/sp-api/callback`;
const ADS_CALLBACK = `${ORIGIN}/connect/ads/callback`;
const APPLICATION_ID = "amzn1.sp.solution.00000000-0000-4000-8000-0000000a1c0c";

/** Which API-log `api` a request the sandbox received belongs to. */
function apiOf(r: SandboxRequest): string | null {
  if (r.path === "/auth/o2/token") return "lwa";
  // The consent pages are the seller's browser, not a call of ours.
  if (r.path === "/apps/authorize/consent" || r.path === "/ap/oa") return null;
  if (r.path.startsWith("/sandbox-documents/")) return "report-document";
  if (/^\/(v2|sp|reporting)\//.test(r.path)) return "ads-api";
  return "sp-api";
}

/** The SP-API operation a request the sandbox received is, by its path. */
const SP_PATHS = Object.entries(SP_OPERATIONS).map(([op, spec]) => ({
  op,
  method: spec.method,
  path: new RegExp(`^${spec.path.replace(/\{\w+\}/g, "[^/]+")}$`),
}));
function spOperationOf(r: SandboxRequest): string {
  return SP_PATHS.find((o) => o.method === r.method && o.path.test(r.path))
    ?.op ?? `${r.method} ${r.path}`;
}

/** Follows a consent URL as the seller; returns the redirect's query. */
async function consent(url: string): Promise<Record<string, string>> {
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 302);
  return Object.fromEntries(new URL(res.headers.get("location")!).searchParams);
}

Deno.test(`API log (${testEngine}): one row per call to Amazon, consents through the portal's routes and syncs, no credential in any`, async () => {
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
  try {
    await using s = await openTestApp({
      PUBLIC_URL: ORIGIN,
      AMAZON_BASE_URL: sb.url,
    });
    const requests = sb.sandbox.recordRequests();
    const seller = sb.sandbox.sellers[0];
    const storeId = await registerStore(s.t.db, {
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
    const admin = await makeStaff(s, "admin");
    const actor = { userId: admin.id, storeIds: [storeId] };
    const creds = sb.sandbox.credentials(0);
    const apps = await s.t.db.asUser(actor, async (tx) => ({
      sp: await saveApp(tx, s.vault, {
        api: "sp-api",
        name: "Custodian",
        applicationId: APPLICATION_ID,
        draft: true,
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        secretIssuedAt: new Date(),
      }),
      ads: await saveApp(tx, s.vault, {
        api: "ads",
        name: "Ads client",
        clientId: creds.clientId,
        clientSecret: creds.clientSecret,
        secretIssuedAt: new Date(),
      }),
    }));
    const get = (path: string) =>
      s.app.request(path.startsWith("http") ? path : `${ORIGIN}${path}`, {
        headers: { cookie: admin.cookie },
      });
    /**
     * The admin's browser: the portal's connect route sends it to Amazon,
     * the seller consents, and Amazon sends it back to the callback route.
     */
    const connect = async (start: string, callback: string) => {
      const out = await get(start);
      await out.body?.cancel();
      assert.equal(out.status, 302);
      const back = await consent(out.headers.get("location")!);
      const url = `${callback}?${new URLSearchParams(back)}`;
      const done = await get(url);
      assert.equal(done.status, 200, await done.clone().text());
      return { back, page: await done.text() };
    };

    // Seller Central consent, then the Ads API consent, through the routes.
    const sp = await connect(
      `/stores/${storeId}/connect/website?appId=${apps.sp}`,
      SP_CALLBACK,
    );
    assert.match(sp.page, /The store is connected/);
    const spBack = sp.back;
    const ads = await connect(
      `/stores/${storeId}/connect/ads?appId=${apps.ads}`,
      ADS_CALLBACK,
    );
    const adsBack = ads.back;
    const [store] = await ownerOf(s.t.db).select().from(stores).where(
      eq(stores.id, storeId),
    );
    assert.equal(store.status, "connected");
    assert.equal(
      (await ownerOf(s.t.db).select().from(storeCredentials).where(
        eq(storeCredentials.storeId, storeId),
      )).length,
      2,
      "SP-API and Ads authorizations stored",
    );
    const t = s.t;
    const kv = s.kv;
    const vault = s.vault;

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
    // Per SP-API operation: as many rows as calls.
    assert.deepEqual(
      tally(rows.filter((r) => r.api === "sp-api").map((r) => r.operation)),
      tally(requests.filter((r) => apiOf(r) === "sp-api").map(spOperationOf)),
    );
    // Per LWA grant: the two code exchanges and every refresh.
    const lwaOps = tally(
      rows.filter((r) => r.api === "lwa").map((r) =>
        r.operation === "exchangeAuthorizationCode"
          ? "authorization_code"
          // One name for every refresh, the sync's and the consent's.
          : r.operation === "refreshAccessToken"
          ? "refresh_token"
          : r.operation
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
    await sb.close();
  }
});
