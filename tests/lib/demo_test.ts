// lib/demo.ts connects the demo seller from plain data (no sandbox needed):
// the store is registered in its marketplaces, both APIs' credentials are
// sealed, a first sync is due once, and connecting again changes nothing.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { storeMarketplaces, stores, syncRuns } from "../../db/schema.ts";
import { openStoreRefreshToken } from "../../lib/amazon/credentials.ts";
import { connectDemoStore, type DemoAccount } from "../../lib/demo.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf } from "../_helpers/test_db.ts";

const ACCOUNT: DemoAccount = {
  sellerId: "ADEMOSELLER0001",
  region: "EU",
  brand: "Demobrand",
  marketplaceIds: ["A1F83G8C2ARO7P", "A1805IZSGTT6HS"],
  clientId: "amzn1.application-oa2-client.demo",
  clientSecret: "amzn1.oa2-cs.v1.demo",
  refreshToken: "Atzr|demo-refresh",
};

Deno.test("demo: the demo seller is connected once from plain data", async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "t", key: generateVaultKey() }]);
  const at = new Date("2026-06-15T12:00:00Z");
  const first = await connectDemoStore({
    db: t.db,
    vault,
    account: ACCOUNT,
    now: () => at,
  });
  assert.equal(first.needsFirstSync, true);
  const owner = ownerOf(t.db);
  const [store] = await owner.select().from(stores).where(
    eq(stores.id, first.storeId),
  );
  assert.equal(store.status, "connected");
  assert.equal(store.sellerId, ACCOUNT.sellerId);
  const markets = await owner.select().from(storeMarketplaces).where(
    eq(storeMarketplaces.storeId, first.storeId),
  );
  assert.deepEqual(
    markets.map((m) => [m.marketplaceId, m.countryCode, m.defaultCurrency])
      .sort(),
    [["A1805IZSGTT6HS", "NL", "EUR"], ["A1F83G8C2ARO7P", "GB", "GBP"]],
  );
  for (const api of ["sp-api", "ads"] as const) {
    const sealed = await t.db.asJob(
      first.storeId,
      (tx) => openStoreRefreshToken(tx, vault, first.storeId, api),
    );
    assert.equal(sealed?.refreshToken, ACCOUNT.refreshToken);
  }

  await owner.insert(syncRuns).values({
    storeId: first.storeId,
    dataset: "orders",
    trigger: "schedule",
    status: "succeeded",
    startedAt: at,
  });
  const again = await connectDemoStore({ db: t.db, vault, account: ACCOUNT });
  assert.deepEqual(again, { storeId: first.storeId, needsFirstSync: false });
});
