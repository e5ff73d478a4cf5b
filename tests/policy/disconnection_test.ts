// Data Policy §10: disconnecting a store stops sync, deletes its tokens,
// deletes / archives / keeps each data category as chosen, restricts
// backups, and records it all; a crash half-way resumes to the same result.
import { queueRun } from "../../lib/sync/runs.ts";
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { storeCredentials, stores } from "../../db/schema.ts";
import {
  type DisconnectionChoices,
  DisconnectionError,
  readArchive,
  runDisconnection,
  startDisconnection,
} from "../../lib/policy/disconnection.ts";
import {
  saveApp,
  saveStoreRefreshToken,
} from "../../lib/amazon/credentials.ts";
import { seedDatabase } from "../../bench/seed.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const ADMIN = "00000000-0000-4000-8000-0000000000a1";

async function setup() {
  const t = await openTestDatabase();
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const kv = await Deno.openKv(":memory:");
  const archiveDir = await Deno.makeTempDir({ prefix: "custodian-archive-" });
  const seeded = await seedDatabase(t.db, vault, {
    seed: "disconnect",
    stores: 2,
    orders: 120,
    days: 30,
    anchor: new Date("2026-11-01T00:00:00Z"),
  });
  const [store, other] = seeded.stores.map((s) => s.id);
  await ownerOf(t.db).update(stores).set({ status: "connected" });
  await t.db.asJob(store, async (tx) => {
    const appId = await saveApp(tx, vault, {
      api: "sp-api",
      name: "Custodian",
      clientId: "amzn1.application-oa2-client.fake",
      clientSecret: "amzn1.oa2-cs.v1.fake",
      secretIssuedAt: new Date(),
    });
    await saveStoreRefreshToken(tx, vault, {
      storeId: store,
      api: "sp-api",
      appId,
      refreshToken: "Atzr|fake-disconnect",
      method: "self",
      issuedAt: new Date(),
    });
  });
  await kv.set(["lwa_access", store, "sp-api"], { jwe: "x", expiresAt: 0 });
  return {
    t,
    vault,
    kv,
    archiveDir,
    store,
    other,
    admin: { userId: ADMIN, storeIds: [store, other] },
    async [Symbol.asyncDispose]() {
      kv.close();
      await Deno.remove(archiveDir, { recursive: true });
      await t[Symbol.asyncDispose]();
    },
  };
}

async function counts(
  t: Awaited<ReturnType<typeof openTestDatabase>>,
  storeId: string,
  tables: string[],
) {
  const out: Record<string, number> = {};
  for (const table of tables) {
    out[table] = rowsOf<{ n: number }>(
      await ownerOf(t.db).execute(
        sql`select count(*)::int as n from ${
          sql.identifier(table)
        } where store_id = ${storeId}`,
      ),
    )[0].n;
  }
  return out;
}

const CHOICES: DisconnectionChoices = {
  catalog: "archive",
  inventory: "delete",
  orders: "delete",
  buyer_pii: "delete",
  sales_traffic: "keep",
  advertising: "archive",
  finance: "keep",
  brand_analytics: "delete",
  sync: "delete",
  api_logs: "keep",
};

Deno.test(`disconnection (${testEngine}): each choice does what it says; a crash half-way resumes; the record is complete`, async () => {
  await using s = await setup();
  const tables = [
    "products",
    "listings",
    "inventory_snapshots",
    "orders",
    "order_items",
    "ad_campaigns",
    "ad_metrics_daily",
    "sales_traffic_daily",
    "settlements",
    "api_request_log",
  ];
  const before = await counts(s.t, s.store, tables);
  const otherBefore = await counts(s.t, s.other, tables);
  assert.ok(
    before.orders > 0 && before.products > 0 && before.ad_campaigns > 0,
  );

  // A run queued before the disconnection is dropped with the syncs.
  await s.t.db.asJob(
    s.store,
    (tx) =>
      queueRun(tx, { storeId: s.store, dataset: "orders", trigger: "manual" }),
  );
  const record = await startDisconnection(s.t.db, s.admin, s.store, {
    choices: CHOICES,
    reason: "Stopped selling on this account",
  });
  const [disconnecting] = await ownerOf(s.t.db).select().from(stores).where(
    eq(stores.id, s.store),
  );
  assert.equal(disconnecting.status, "disconnecting", "syncs stop at once");

  // First run dies right after the orders category.
  const deps = {
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    archiveDir: s.archiveDir,
  };
  await assert.rejects(
    runDisconnection(
      {
        ...deps,
        afterStep: (step) => {
          if (step === "category:orders") throw new Error("simulated crash");
        },
      },
      s.store,
      record.id,
    ),
    /simulated crash/,
  );
  const done = await runDisconnection(deps, s.store, record.id);
  assert.equal(done.status, "completed");
  assert.ok(done.completedAt && done.backupsRestrictedAt);

  const after = await counts(s.t, s.store, tables);
  for (
    const table of [
      "products",
      "listings",
      "inventory_snapshots",
      "orders",
      "order_items",
      "ad_campaigns",
      "ad_metrics_daily",
    ]
  ) {
    assert.equal(after[table], 0, `${table} deleted or archived`);
  }
  for (
    const table of ["sales_traffic_daily", "settlements", "api_request_log"]
  ) {
    assert.equal(after[table], before[table], `${table} kept`);
  }
  assert.deepEqual(
    await counts(s.t, s.other, tables),
    otherBefore,
    "the other store is untouched",
  );

  // The record counts rows, and matches what was there.
  const steps = done.steps as {
    tokens: { deleted: number };
    syncsStopped: { tokensCached: number; queuedCancelled: number };
    categories: Record<
      string,
      { action: string; rows: Record<string, number>; file?: string }
    >;
  };
  assert.equal(steps.tokens.deleted, 1);
  assert.equal(steps.syncsStopped.tokensCached, 1);
  assert.equal(steps.syncsStopped.queuedCancelled, 1);
  assert.equal(steps.categories.orders.rows.orders, before.orders);
  assert.equal(steps.categories.catalog.rows.products, before.products);
  assert.equal(steps.categories.finance.action, "keep");
  assert.equal(steps.categories.finance.rows.settlements, before.settlements);
  assert.ok(
    !JSON.stringify(done.steps).includes("Atzr|"),
    "counts, never content",
  );

  // The archive holds exactly the archived rows, encrypted.
  const archived: Record<string, number> = {};
  for await (
    const batch of readArchive(s.vault, steps.categories.catalog.file!)
  ) {
    archived[batch.table] = (archived[batch.table] ?? 0) + batch.rows.length;
  }
  assert.deepEqual(archived, {
    listings: before.listings,
    products: before.products,
  });
  assert.doesNotMatch(
    await Deno.readTextFile(steps.categories.catalog.file!),
    /"asin"/,
  );

  assert.equal(
    (await ownerOf(s.t.db).select().from(storeCredentials).where(
      eq(storeCredentials.storeId, s.store),
    )).length,
    0,
  );
  assert.equal((await s.kv.get(["lwa_access", s.store, "sp-api"])).value, null);
  const [store] = await ownerOf(s.t.db).select().from(stores).where(
    eq(stores.id, s.store),
  );
  assert.equal(store.status, "disconnected");
  const actions = rowsOf<{ action: string }>(
    await ownerOf(s.t.db).execute(
      sql`select action from audit_events where store_id = ${s.store} order by id`,
    ),
  ).map((r) => r.action);
  assert.deepEqual(actions, [
    "store.disconnect.start",
    "store.disconnect.complete",
  ]);

  // Idempotent: running again changes nothing.
  const again = await runDisconnection(deps, s.store, record.id);
  assert.deepEqual(again.steps, done.steps);
});

Deno.test(`disconnection (${testEngine}): choices outside the policy are refused and change nothing`, async () => {
  await using s = await setup();
  for (
    const bad of [
      { ...CHOICES, buyer_pii: "archive" },
      { ...CHOICES, api_logs: "delete" },
      { ...CHOICES, orders: undefined },
    ]
  ) {
    await assert.rejects(
      startDisconnection(s.t.db, s.admin, s.store, {
        choices: bad,
        reason: "A valid reason",
      }),
      (err) => err instanceof DisconnectionError && err.code === "choices",
    );
  }
  await assert.rejects(
    startDisconnection(s.t.db, s.admin, s.store, {
      choices: CHOICES,
      reason: "",
    }),
    (err) => err instanceof DisconnectionError && err.code === "reason",
  );
  const [store] = await ownerOf(s.t.db).select().from(stores).where(
    eq(stores.id, s.store),
  );
  assert.equal(store.status, "connected");
  // A principal without the store cannot start one.
  await assert.rejects(
    startDisconnection(
      s.t.db,
      { userId: ADMIN, storeIds: [s.other] },
      s.store,
      {
        choices: CHOICES,
        reason: "Not my store",
      },
    ),
    (err) => err instanceof DisconnectionError && err.code === "no_store",
  );
});
