// Access tokens: cached sealed, one refresh for many concurrent callers,
// invalid_grant marks the store revoked (audited), a rotated secret falls
// back to the previous one until it works.
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { stores } from "../../db/schema.ts";
import {
  AuthorizationRevokedError,
  createAccessTokens,
  StoreNotConnectedError,
} from "../../lib/amazon/access_tokens.ts";
import {
  openApp,
  rotateAppSecret,
  saveApp,
  saveStoreRefreshToken,
} from "../../lib/amazon/credentials.ts";
import { type LwaClient, LwaError } from "../../lib/amazon/lwa.ts";
import {
  createVault,
  generateVaultKey,
  VaultError,
} from "../../lib/security/vault.ts";
import { runDetection } from "../../lib/incidents/detection.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const SECRET = "amzn1.oa2-cs.v1.fakecurrent";
const REFRESH = "Atzr|fake-refresh-canary";

/** An LWA stand-in behind the client interface (the HTTP client is tested on the sandbox). */
function fakeLwa(behaviour: {
  validSecrets: string[];
  revoked?: boolean;
}): LwaClient & { calls: number } {
  const lwa = {
    calls: 0,
    async refresh(input: { clientSecret: string; refreshToken: string }) {
      lwa.calls++;
      await new Promise((r) => setTimeout(r, 20));
      if (!behaviour.validSecrets.includes(input.clientSecret)) {
        throw new LwaError(
          "invalid_client",
          401,
          "LWA refused the request: invalid_client",
        );
      }
      if (behaviour.revoked || input.refreshToken !== REFRESH) {
        throw new LwaError(
          "invalid_grant",
          400,
          "LWA refused the request: invalid_grant",
        );
      }
      return { accessToken: `Atza|fake-access-${lwa.calls}`, expiresIn: 3600 };
    },
    exchangeCode() {
      return Promise.reject(new Error("not used"));
    },
  };
  return lwa;
}

async function setup() {
  const t = await openTestDatabase();
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const kv = await Deno.openKv(":memory:");
  const storeId = await registerStore(t.db, {
    sellerId: "AFAKESELLERT1",
    region: "NA",
    name: "Own",
    marketplaces: [],
  });
  await ownerOf(t.db).update(stores).set({ status: "connected" }).where(
    eq(stores.id, storeId),
  );
  const appId = await t.db.asJob(storeId, async (tx) => {
    const id = await saveApp(tx, vault, {
      api: "sp-api",
      name: "Custodian",
      clientId: "amzn1.application-oa2-client.fake",
      clientSecret: SECRET,
      secretIssuedAt: new Date(),
    });
    await saveStoreRefreshToken(tx, vault, {
      storeId,
      api: "sp-api",
      appId: id,
      refreshToken: REFRESH,
      method: "self",
      issuedAt: new Date(),
    });
    return id;
  });
  return {
    t,
    vault,
    kv,
    storeId,
    appId,
    async [Symbol.asyncDispose]() {
      kv.close();
      await t[Symbol.asyncDispose]();
    },
  };
}

Deno.test(`access tokens (${testEngine}): concurrent callers share one refresh; the cache holds it sealed`, async () => {
  await using s = await setup();
  const lwa = fakeLwa({ validSecrets: [SECRET] });
  const tokens = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa,
  });
  const got = await Promise.all(
    Array.from({ length: 8 }, () => tokens.get(s.storeId, "sp-api")),
  );
  assert.equal(lwa.calls, 1);
  assert.ok(got.every((g) => g === "Atza|fake-access-1"));
  // A second process with its own in-memory state still hits the shared cache.
  const other = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa,
  });
  assert.equal(await other.get(s.storeId, "sp-api"), "Atza|fake-access-1");
  assert.equal(lwa.calls, 1);
  for await (const e of s.kv.list({ prefix: [] })) {
    assert.ok(
      !JSON.stringify(e.value).includes("Atza|"),
      "no plaintext token in KV",
    );
  }
  await tokens.invalidate(s.storeId, "sp-api");
  assert.equal(await tokens.get(s.storeId, "sp-api"), "Atza|fake-access-2");
  // Every token request is one API-log row, credentials never in it.
  const logged = await s.t.db.asJob(
    s.storeId,
    async (tx) =>
      rowsOf<Record<string, unknown>>(
        await tx.execute(
          sql`select * from api_request_log where api = 'lwa' order by id`,
        ),
      ),
  );
  assert.equal(logged.length, lwa.calls);
  assert.equal(logged.length, 2);
  assert.ok(logged.every((r) => r.operation === "refreshAccessToken"));
  assert.ok(logged.every((r) => r.http_status === 200));
  assert.ok(!JSON.stringify(logged).includes("Atza|"));
  assert.ok(!JSON.stringify(logged).includes(SECRET));
});

Deno.test(`access tokens (${testEngine}): invalid_grant marks the store revoked and audits it`, async () => {
  await using s = await setup();
  const tokens = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa: fakeLwa({ validSecrets: [SECRET], revoked: true }),
  });
  await assert.rejects(
    tokens.get(s.storeId, "sp-api"),
    AuthorizationRevokedError,
  );
  const [store] = await ownerOf(s.t.db).select().from(stores).where(
    eq(stores.id, s.storeId),
  );
  assert.equal(store.status, "revoked");
  const [row] = rowsOf<{ action: string; store_id: string }>(
    await ownerOf(s.t.db).execute(
      sql`select action, store_id from audit_events`,
    ),
  );
  assert.deepEqual(row, {
    action: "store.authorization.revoked",
    store_id: s.storeId,
  });
  // A revoked store is never used again.
  await assert.rejects(tokens.get(s.storeId, "sp-api"), StoreNotConnectedError);
});

Deno.test(`access tokens (${testEngine}): a refresh token the vault cannot open is audited and opens a credential incident`, async () => {
  await using s = await setup();
  // A vault whose ring lacks the key that sealed the credentials: a lost or
  // swapped VAULT_KEYS, or a ciphertext changed in the database.
  const wrong = createVault([{ kid: "k9", key: generateVaultKey() }]);
  const lwa = fakeLwa({ validSecrets: [SECRET] });
  const tokens = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: wrong,
    lwa,
  });
  const [{ threshold }] = rowsOf<{ threshold: number }>(
    await ownerOf(s.t.db).execute(sql`select threshold from detection_rules
      where rule = 'vault_failures'`),
  );
  for (let k = 0; k < threshold; k++) {
    await assert.rejects(tokens.get(s.storeId, "sp-api"), VaultError);
  }
  assert.equal(lwa.calls, 0, "nothing was sent to Amazon");
  const rows = rowsOf<{ action: string; store_id: string; purpose: string }>(
    await ownerOf(s.t.db).execute(sql`select action, store_id::text as
      store_id, details->>'purpose' as purpose from audit_events`),
  );
  assert.equal(rows.length, threshold);
  assert.deepEqual(rows[0], {
    action: "vault.open.failed",
    store_id: s.storeId,
    purpose: "refresh_token",
  });
  await ownerOf(s.t.db).execute(sql`update detection_rules
    set enabled = (rule = 'vault_failures'), checked_to = null`);
  const found = await runDetection(s.t.db, new Date(Date.now() + 1000));
  assert.deepEqual(found.map((r) => r.findings), [1]);
  const [incident] = rowsOf<{ kind: string; store_ids: string[] }>(
    await ownerOf(s.t.db).execute(sql`select kind,
      store_ids::text[] as store_ids from incidents
      where rule = 'vault_failures'`),
  );
  assert.deepEqual(incident, {
    kind: "credential_exposure",
    store_ids: [s.storeId],
  });
});

Deno.test(`access tokens (${testEngine}): a new secret that fails falls back to the previous; one that works retires it`, async () => {
  await using s = await setup();
  const newSecret = "amzn1.oa2-cs.v1.fakenew";
  await s.t.db.asJob(
    s.storeId,
    (tx) => rotateAppSecret(tx, s.vault, s.appId, newSecret, new Date()),
  );
  // Amazon does not know the new secret yet: the old one keeps access alive.
  const early = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa: fakeLwa({ validSecrets: [SECRET] }),
  });
  assert.match(await early.get(s.storeId, "sp-api"), /^Atza\|/);
  let app = await s.t.db.asJob(
    s.storeId,
    (tx) => openApp(tx, s.vault, s.appId),
  );
  assert.equal(app.secrets.length, 2, "the previous secret is kept");
  await early.invalidate(s.storeId, "sp-api");
  const later = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa: fakeLwa({ validSecrets: [newSecret] }),
  });
  assert.match(await later.get(s.storeId, "sp-api"), /^Atza\|/);
  app = await s.t.db.asJob(s.storeId, (tx) => openApp(tx, s.vault, s.appId));
  assert.deepEqual(app.secrets, [newSecret], "the previous secret is deleted");
});
