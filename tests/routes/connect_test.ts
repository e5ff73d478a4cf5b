// Connecting a store through the portal against the sandbox marketplace:
// the admin's browser goes to Seller Central and back; a pasted token is
// checked with Amazon; the pages show dates and roles, never a token.
import assert from "node:assert/strict";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { registerStore } from "../../db/maintenance.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { startSandbox } from "../../sandbox/testing.ts";

const ORIGIN = "http://127.0.0.1:8000";
const APPLICATION_ID = "amzn1.sp.solution.00000000-0000-4000-8000-0000000c0de1";

Deno.test(`connect pages (${testEngine}): Seller Central round trip and a refused foreign token`, async () => {
  const sb = await startSandbox({
    stores: 2,
    orders: 10,
    applicationId: APPLICATION_ID,
    redirectUris: [`${ORIGIN}/connect/sp-api/callback`],
  });
  try {
    await using s = await openTestApp({
      PUBLIC_URL: ORIGIN,
      AMAZON_BASE_URL: sb.url,
    });
    const [ours] = sb.sandbox.sellers;
    const storeId = await registerStore(s.t.db, {
      sellerId: ours.sellerId,
      region: ours.region,
      name: "Our store",
      marketplaces: ours.marketplaceIds.map((id) => ({
        marketplaceId: id,
        countryCode: "US",
        defaultCurrency: "USD",
        domain: "amazon.com",
      })),
    });
    const admin = await makeStaff(s, "admin");
    const creds = sb.sandbox.credentials(0);
    const appId = await s.t.db.asUser(
      { userId: admin.id, storeIds: [storeId] },
      (tx) =>
        saveApp(tx, s.vault, {
          api: "sp-api",
          name: "Custodian",
          applicationId: APPLICATION_ID,
          clientId: creds.clientId,
          clientSecret: creds.clientSecret,
          secretIssuedAt: new Date(),
        }),
    );
    const get = (path: string) =>
      s.app.request(path.startsWith("http") ? path : `${ORIGIN}${path}`, {
        headers: { cookie: admin.cookie },
      });

    const storePage = await (await get(`/stores/${storeId}`)).text();
    assert.match(storePage, /Authorize in Seller Central/);
    assert.match(storePage, /Inventory and Order Tracking/);
    assert.doesNotMatch(
      storePage,
      /Disconnect this store/,
      "never connected, holds nothing: nothing to disconnect",
    );

    const start = await get(
      `/stores/${storeId}/connect/website?appId=${appId}`,
    );
    assert.equal(start.status, 302);
    const atAmazon = await fetch(start.headers.get("location")!, {
      redirect: "manual",
    });
    await atAmazon.body?.cancel();
    const back = atAmazon.headers.get("location")!;
    assert.ok(back.startsWith(`${ORIGIN}/connect/sp-api/callback?`));
    const done = await get(back);
    assert.equal(done.status, 200);
    assert.equal(done.headers.get("referrer-policy"), "no-referrer");
    assert.match(await done.text(), /The store is connected/);
    const replay = await get(back);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /not valid/);

    const after = await (await get(`/stores/${storeId}`)).text();
    assert.match(after, /<td>Authorized in Seller Central<\/td>/);
    // Connected: the connect forms are gone, Disconnect is offered.
    assert.doesNotMatch(after, /Authorize in Seller Central</);
    assert.doesNotMatch(after, /name="refreshToken"/);
    assert.match(after, /Disconnect this store/);
    assert.ok(!after.includes(creds.refreshToken), "no token on the page");
    assert.doesNotMatch(after, /Atza\|/);

    const foreign = await s.app.request(
      `${ORIGIN}/stores/${storeId}/connect/self`,
      {
        method: "POST",
        headers: {
          cookie: admin.cookie,
          origin: ORIGIN,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          appId,
          refreshToken: sb.sandbox.credentials(1).refreshToken,
        }).toString(),
      },
    );
    assert.equal(foreign.status, 400);
    const text = await foreign.text();
    assert.match(text, /not one of ours/);
    assert.ok(!text.includes(sb.sandbox.credentials(1).refreshToken));
    assert.ok(
      s.logs.every((l) =>
        !l.includes("Atzr|") && !l.includes("spapi_oauth_code")
      ),
    );
  } finally {
    await sb.close();
  }
});
