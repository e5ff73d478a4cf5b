// The credential vault (Data Policy §7): sealed at rest, opened only inside
// lib/amazon/, rotated without losing access, keys rotated resumably.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore, rewriteSealedColumn } from "../../db/maintenance.ts";
import {
  confirmNewSecret,
  credentialWarnings,
  openApp,
  openStoreRefreshToken,
  rotateAppSecret,
  saveApp,
  saveStoreRefreshToken,
} from "../../lib/amazon/credentials.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { rotateVault } from "../../lib/security/vault_rotation.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

// Distinctive obvious fakes: they must never appear in the database.
const CANARY = {
  clientId: "amzn1.application-oa2-client.canaryfakeclient",
  secret: "amzn1.oa2-cs.v1.canaryfakesecret",
  secret2: "amzn1.oa2-cs.v1.canaryfakesecret2",
  refresh: "Atzr|canary-fake-refresh-token",
};
const ADMIN = "00000000-0000-4000-8000-00000000ad01";

async function dump(t: Awaited<ReturnType<typeof openTestDatabase>>) {
  return JSON.stringify(rowsOf(
    await ownerOf(t.db).execute(sql`select
      (select json_agg(a) from amazon_apps a) as apps,
      (select json_agg(c) from store_credentials c) as creds`),
  ));
}

Deno.test(`credentials (${testEngine}): secrets are sealed at rest and open only with the vault`, async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const store = await registerStore(t.db, {
    sellerId: "AFAKESELLERX1",
    region: "NA",
    name: "Own store",
    marketplaces: [],
  });
  const scope = { userId: ADMIN, storeIds: [store] };
  const appId = await t.db.asUser(scope, (tx) =>
    saveApp(tx, vault, {
      api: "sp-api",
      name: "Custodian",
      clientId: CANARY.clientId,
      clientSecret: CANARY.secret,
      secretIssuedAt: new Date(),
    }));
  await t.db.asUser(scope, (tx) =>
    saveStoreRefreshToken(tx, vault, {
      storeId: store,
      api: "sp-api",
      appId,
      refreshToken: CANARY.refresh,
      method: "self",
      roles: ["Inventory and Order Tracking"],
      issuedAt: new Date(),
    }));
  const raw = await dump(t);
  for (const v of Object.values(CANARY)) assert.ok(!raw.includes(v), v);
  const app = await t.db.asUser(scope, (tx) => openApp(tx, vault, appId));
  assert.deepEqual(app, {
    appId,
    clientId: CANARY.clientId,
    secrets: [CANARY.secret],
  });
  const token = await t.db.asUser(
    scope,
    (tx) => openStoreRefreshToken(tx, vault, store, "sp-api"),
  );
  assert.equal(token?.refreshToken, CANARY.refresh);
  // Another store's principal cannot even see the row.
  const other = await t.db.asUser(
    { userId: ADMIN, storeIds: [] },
    (tx) => openStoreRefreshToken(tx, vault, store, "sp-api"),
  );
  assert.equal(other, null);
});

Deno.test(`credentials (${testEngine}): a rotated client secret keeps the old one until the new one works`, async () => {
  await using t = await openTestDatabase();
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const scope = { userId: ADMIN, storeIds: [] };
  const issued = new Date("2026-01-01T00:00:00Z");
  const appId = await t.db.asUser(scope, (tx) =>
    saveApp(tx, vault, {
      api: "sp-api",
      name: "Custodian",
      clientId: CANARY.clientId,
      clientSecret: CANARY.secret,
      secretIssuedAt: issued,
    }));
  // 155 days later the 180-day deadline is within the 30-day warning.
  const warnAt = new Date(issued.getTime() + 155 * 86_400_000);
  const warnings = await t.db.asUser(
    scope,
    (tx) => credentialWarnings(tx, warnAt),
  );
  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].kind, "secret_expiry");
  assert.equal(warnings[0].overdue, false);
  assert.equal(
    warnings[0].dueAt.toISOString(),
    new Date(issued.getTime() + 180 * 86_400_000).toISOString(),
  );
  assert.deepEqual(
    await t.db.asUser(
      scope,
      (tx) =>
        credentialWarnings(tx, new Date(issued.getTime() + 149 * 86_400_000)),
    ),
    [],
  );

  await t.db.asUser(
    scope,
    (tx) => rotateAppSecret(tx, vault, appId, CANARY.secret2, warnAt),
  );
  let app = await t.db.asUser(scope, (tx) => openApp(tx, vault, appId));
  assert.deepEqual(app.secrets, [CANARY.secret2, CANARY.secret]);
  await t.db.asUser(scope, (tx) => confirmNewSecret(tx, appId, warnAt));
  app = await t.db.asUser(scope, (tx) => openApp(tx, vault, appId));
  assert.deepEqual(app.secrets, [CANARY.secret2]);
  assert.deepEqual(
    await t.db.asUser(scope, (tx) => credentialWarnings(tx, warnAt)),
    [],
  );
});

Deno.test(`vault rotation (${testEngine}): mixed old and new keys end under the new key, resumably`, async () => {
  await using t = await openTestDatabase();
  const oldKey = { kid: "old", key: generateVaultKey() };
  const newKey = { kid: "new", key: generateVaultKey() };
  const before = createVault([oldKey]);
  const scope = { userId: ADMIN, storeIds: [] };
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    ids.push(
      await t.db.asUser(scope, (tx) =>
        saveApp(tx, before, {
          api: "ads",
          name: `app-${i}`,
          clientId: `${CANARY.clientId}${i}`,
          clientSecret: `${CANARY.secret}${i}`,
          secretIssuedAt: new Date(),
        })),
    );
  }
  const after = createVault([newKey, oldKey]);
  // One app is already under the new key: a mixed starting point.
  await t.db.asUser(
    scope,
    (tx) => rotateAppSecret(tx, after, ids[0], `${CANARY.secret2}`, new Date()),
  );

  // Without the old key the values cannot be read: a clear error, nothing changed.
  await assert.rejects(
    rotateVault(t.db, createVault([newKey])),
    /no vault key with kid old/,
  );

  const reports = await rotateVault(t.db, after);
  const byColumn = Object.fromEntries(reports.map((r) => [r.column, r]));
  assert.equal(byColumn["amazon_apps.client_secret_jwe"].rewritten, 6);
  assert.equal(byColumn["amazon_apps.client_id_jwe"].rewritten, 7);
  assert.equal(byColumn["amazon_apps.previous_secret_jwe"].rewritten, 1);
  // A rerun finds nothing left to do.
  const again = await rotateVault(t.db, after);
  assert.ok(again.every((r) => r.rewritten === 0));
  // Every value now opens with the new key alone.
  const onlyNew = createVault([newKey]);
  for (const [i, id] of ids.entries()) {
    const app = await t.db.asUser(scope, (tx) => openApp(tx, onlyNew, id));
    assert.equal(app.clientId, `${CANARY.clientId}${i}`);
  }
});

Deno.test(`vault rotation (${testEngine}): a crash half-way leaves committed batches, and a rerun finishes`, async () => {
  await using t = await openTestDatabase();
  const oldKey = { kid: "old", key: generateVaultKey() };
  const newKey = { kid: "new", key: generateVaultKey() };
  const before = createVault([oldKey]);
  const after = createVault([newKey, oldKey]);
  const scope = { userId: ADMIN, storeIds: [] };
  for (let i = 0; i < 5; i++) {
    await t.db.asUser(scope, (tx) =>
      saveApp(tx, before, {
        api: "sp-api",
        name: `app-${i}`,
        clientId: `client-${i}`,
        clientSecret: `secret-${i}`,
        secretIssuedAt: new Date(),
      }));
  }
  const spec = {
    table: "amazon_apps",
    column: "client_secret_jwe",
    keys: ["id"],
  };
  let calls = 0;
  await assert.rejects(
    rewriteSealedColumn(t.db, spec, async (value) => {
      if (++calls === 4) throw new Error("simulated crash");
      return await after.seal(
        await after.open(value, "lwa_client_secret"),
        "lwa_client_secret",
      );
    }, 2),
    /simulated crash/,
  );
  const kids = async () =>
    rowsOf<{ jwe: string }>(
      await ownerOf(t.db).execute(
        sql`select client_secret_jwe as jwe from amazon_apps`,
      ),
    ).map((r) => after.kidOf(r.jwe));
  // The first batch of two committed; the crashed batch rolled back.
  assert.equal((await kids()).filter((k) => k === "new").length, 2);
  const reports = await rotateVault(t.db, after);
  assert.equal(
    reports.find((r) => r.column === "amazon_apps.client_secret_jwe")!
      .rewritten,
    3,
  );
  assert.ok((await kids()).every((k) => k === "new"));
});
