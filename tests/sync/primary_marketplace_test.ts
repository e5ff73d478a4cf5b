// Issue #12, the primary marketplace: a US + CA store whose Canadian
// marketplace row was created first takes its product titles from the
// primary marketplace (US, chosen at registration), not from the first
// created; switching the primary to CA makes the next catalog sync take
// them from CA; each listing keeps its own marketplace's title throughout.
// The sandbox localizes titles outside the seller's home marketplace
// (`localizedTitles`: " (CA)").
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import {
  auditEvents,
  listings,
  products,
  staffUsers,
  storeGrants,
  storeMarketplaces,
  stores,
} from "../../db/schema.ts";
import { catalogDataset } from "../../lib/sync/datasets/catalog.ts";
import {
  getStoreDetail,
  PrimaryMarketplaceError,
  setPrimaryMarketplace,
} from "../../lib/stores.ts";
import { syncRoles } from "../../db/maintenance.ts";
import { ROLES } from "../../lib/security/permissions.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { openSyncWorld, type SyncWorld } from "../_helpers/sync.ts";

const US = "ATVPDKIKX0DER";
const CA = "A2EUQ1WTGCTBG2";
// Seed "c": the fourth seller sells in US + CA.
const SELLER = 3;

async function titles(w: SyncWorld) {
  const storeId = w.storeIds[SELLER];
  return await w.db.asJob(storeId, async (tx) => ({
    products: await tx.select().from(products).where(
      eq(products.storeId, storeId),
    ),
    listings: await tx.select().from(listings).where(
      eq(listings.storeId, storeId),
    ),
  }));
}

Deno.test(`primary marketplace (${testEngine}): products take their titles from it, listings keep their own`, async () => {
  await using w = await open();
  const storeId = w.storeIds[SELLER];
  assert.deepEqual(w.sb.sandbox.sellers[SELLER].marketplaceIds, [US, CA]);
  const owner = ownerOf(w.db);
  // The Canadian marketplace row is the older one; US is primary.
  await owner.update(storeMarketplaces).set({
    createdAt: new Date("2020-01-01T00:00:00Z"),
  }).where(and(
    eq(storeMarketplaces.storeId, storeId),
    eq(storeMarketplaces.marketplaceId, CA),
  ));
  const [store] = await owner.select().from(stores).where(
    eq(stores.id, storeId),
  );
  assert.equal(store.primaryMarketplaceId, US);

  await w.runOk(SELLER, "catalog");
  const first = await titles(w);
  const caSkus = new Set(
    first.listings.filter((l) => l.marketplaceId === CA).map((l) => l.sku),
  );
  const usSkus = new Set(
    first.listings.filter((l) => l.marketplaceId === US).map((l) => l.sku),
  );
  const both = [...caSkus].filter((s) => usSkus.has(s));
  assert.ok(both.length > 0, "some SKUs are listed in both");
  for (const p of first.products) {
    if (usSkus.has(p.sku)) {
      assert.doesNotMatch(p.title, / \(CA\)$/, p.sku);
    } else assert.match(p.title, / \(CA\)$/, p.sku);
  }
  // Per-marketplace titles kept per listing.
  for (const l of first.listings) {
    if (l.marketplaceId === CA) assert.match(l.itemName!, / \(CA\)$/);
    else assert.doesNotMatch(l.itemName!, / \(CA\)$/);
  }

  // A staff member with the store switches the primary marketplace to CA.
  await syncRoles(
    w.db,
    ROLES.map((r) => ({ ...r, permissions: [...r.permissions] })),
  );
  const [user] = await owner.insert(staffUsers).values({
    email: "store-admin@example.test",
    displayName: "Store admin",
    role: "admin",
    status: "active",
  }).returning();
  await owner.insert(storeGrants).values({ userId: user.id, storeId });
  const actor = { userId: user.id, storeIds: [storeId] };
  await assert.rejects(
    setPrimaryMarketplace(w.db, actor, storeId, {
      marketplaceId: "A1F83G8C2ARO7P",
    }),
    (e) => e instanceof PrimaryMarketplaceError && e.code === "not_in_store",
  );
  assert.equal(
    await setPrimaryMarketplace(w.db, actor, storeId, { marketplaceId: CA }),
    true,
  );
  assert.equal(
    (await getStoreDetail(w.db, actor, storeId))!.primaryMarketplaceId,
    CA,
  );
  const audits = await owner.select().from(auditEvents).where(
    eq(auditEvents.action, "store.primary_marketplace"),
  );
  assert.equal(audits.length, 1);
  assert.deepEqual(audits[0].details, { from: US, to: CA });

  await w.runOk(SELLER, "catalog");
  const second = await titles(w);
  assert.equal(second.products.length, first.products.length);
  for (const p of second.products) {
    if (caSkus.has(p.sku)) assert.match(p.title, / \(CA\)$/, p.sku);
    else assert.doesNotMatch(p.title, / \(CA\)$/, p.sku);
  }
  const before = new Map(first.products.map((p) => [p.sku, p.title]));
  for (const sku of both) {
    const now = second.products.find((p) => p.sku === sku)!.title;
    assert.equal(now, `${before.get(sku)} (CA)`);
  }
  // The listings did not change.
  const key = (l: { marketplaceId: string; sku: string; itemName: unknown }) =>
    `${l.marketplaceId}|${l.sku}|${l.itemName}`;
  assert.deepEqual(
    second.listings.map(key).sort(),
    first.listings.map(key).sort(),
  );
});

function open() {
  return openSyncWorld({
    datasets: [catalogDataset],
    sandbox: { seed: "c", stores: 4, orders: 120, localizedTitles: true },
  });
}
