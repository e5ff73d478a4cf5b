// The official authorization flows against the sandbox marketplace (LWA,
// Seller Central consent, SP-API): wrong and replayed state, a selling
// partner that is not ours, a failed code exchange, self-authorization, and
// invalid_grant on refresh marking the store revoked.
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { storeCredentials, stores } from "../../db/schema.ts";
import { startSandbox } from "../../sandbox/testing.ts";
import { amazonEndpoints } from "../../lib/amazon/endpoints.ts";
import {
  createLwaClient,
  type LwaClient,
  LwaError,
} from "../../lib/amazon/lwa.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import {
  AuthorizationRevokedError,
  createAccessTokens,
} from "../../lib/amazon/access_tokens.ts";
import {
  beginWebsiteAuthorization,
  completeWebsiteAuthorization,
  type ConnectDeps,
  selfAuthorize,
} from "../../lib/connections/authorize.ts";
import { createVault, generateVaultKey } from "../../lib/security/vault.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const CALLBACK = "http://127.0.0.1:8000/connect/sp-api/callback";
const APPLICATION_ID = "amzn1.sp.solution.00000000-0000-4000-8000-00000000f4ce";
const ADMIN = "00000000-0000-4000-8000-0000000000c1";
const SESSION = "session-hash-of-the-admin";

async function setup() {
  const sb = await startSandbox({
    stores: 2,
    orders: 20,
    applicationId: APPLICATION_ID,
    redirectUris: [CALLBACK],
  });
  const t = await openTestDatabase();
  const kv = await Deno.openKv(":memory:");
  const vault = createVault([{ kid: "k1", key: generateVaultKey() }]);
  const [ours, theirs] = sb.sandbox.sellers;
  const storeId = await registerStore(t.db, {
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
  const actor = { userId: ADMIN, storeIds: [storeId] };
  const creds = sb.sandbox.credentials(0);
  const appId = await t.db.asUser(actor, (tx) =>
    saveApp(tx, vault, {
      api: "sp-api",
      name: "Custodian",
      applicationId: APPLICATION_ID,
      draft: true,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      secretIssuedAt: new Date(),
    }));
  const endpoints = amazonEndpoints(sb.url);
  const deps: ConnectDeps = {
    db: t.db,
    kv,
    vault,
    endpoints,
    lwa: createLwaClient({ tokenUrl: endpoints.lwaTokenUrl }),
  };
  return {
    sb,
    t,
    kv,
    vault,
    deps,
    storeId,
    appId,
    actor,
    ours,
    theirs,
    async [Symbol.asyncDispose]() {
      kv.close();
      await t[Symbol.asyncDispose]();
      await sb.close();
    },
  };
}

/** Plays the seller at Seller Central: follow the consent URL, read the redirect. */
async function consent(url: string): Promise<Record<string, string>> {
  const res = await fetch(url, { redirect: "manual" });
  await res.body?.cancel();
  assert.equal(res.status, 302, "Seller Central redirects back");
  const back = new URL(res.headers.get("location")!);
  assert.equal(`${back.origin}${back.pathname}`, CALLBACK);
  return Object.fromEntries(back.searchParams);
}

async function storedTokens(s: Awaited<ReturnType<typeof setup>>) {
  return (await ownerOf(s.t.db).select().from(storeCredentials)).length;
}

Deno.test(`connect (${testEngine}): the website workflow stores a sealed token for our account; the state is single use`, async () => {
  await using s = await setup();
  const url = await beginWebsiteAuthorization(s.deps, s.actor, SESSION, {
    storeId: s.storeId,
    appId: s.appId,
    redirectUri: CALLBACK,
  });
  const consentUrl = new URL(url);
  assert.equal(consentUrl.pathname, "/apps/authorize/consent");
  assert.equal(consentUrl.searchParams.get("application_id"), APPLICATION_ID);
  assert.equal(consentUrl.searchParams.get("version"), "beta", "draft app");
  const back = await consent(url);
  assert.equal(back.selling_partner_id, s.ours.sellerId);

  // Another admin session cannot use this state.
  const other = await completeWebsiteAuthorization(
    s.deps,
    s.actor,
    "another-session",
    back,
  );
  assert.deepEqual(other, { ok: false, reason: "bad_state" });
  // That attempt did not use the state up: the rightful session completes.
  const back2 = back;
  const done = await completeWebsiteAuthorization(
    s.deps,
    s.actor,
    SESSION,
    back2,
  );
  assert.deepEqual(done, { ok: true, storeId: s.storeId });
  const [cred] = await ownerOf(s.t.db).select().from(storeCredentials);
  assert.equal(cred.method, "website");
  assert.ok(
    cred.authorizationExpiresAt,
    "public-app authorizations expire in 365 days",
  );
  assert.ok(!cred.refreshTokenJwe.includes("Atzr|"));
  const [store] = await ownerOf(s.t.db).select().from(stores).where(
    eq(stores.id, s.storeId),
  );
  assert.equal(store.status, "connected");

  // Replay of the same callback: refused.
  const replay = await completeWebsiteAuthorization(
    s.deps,
    s.actor,
    SESSION,
    back2,
  );
  assert.deepEqual(replay, { ok: false, reason: "bad_state" });
  // A state we never issued: refused.
  const forged = await completeWebsiteAuthorization(s.deps, s.actor, SESSION, {
    ...back2,
    state: "ab".repeat(32),
  });
  assert.deepEqual(forged, { ok: false, reason: "bad_state" });

  // The stored token works: an access token comes from the sandbox's LWA.
  const tokens = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa: s.deps.lwa,
  });
  assert.match(await tokens.get(s.storeId, "sp-api"), /^Atza\|/);
});

Deno.test(`connect (${testEngine}): a selling partner that is not ours stores nothing and is audited`, async () => {
  await using s = await setup();
  s.sb.sandbox.consentAs(s.theirs.sellerId);
  const back = await consent(
    await beginWebsiteAuthorization(s.deps, s.actor, SESSION, {
      storeId: s.storeId,
      appId: s.appId,
      redirectUri: CALLBACK,
    }),
  );
  const result = await completeWebsiteAuthorization(
    s.deps,
    s.actor,
    SESSION,
    back,
  );
  assert.deepEqual(result, {
    ok: false,
    reason: "not_own_account",
    storeId: s.storeId,
  });
  assert.equal(await storedTokens(s), 0);
  const [row] = rowsOf<{ outcome: string; details: { reason: string } }>(
    await ownerOf(s.t.db).execute(
      sql`select outcome, details from audit_events where action = 'store.connect.website'`,
    ),
  );
  assert.equal(row.outcome, "denied");
  assert.equal(row.details.reason, "not_own_account");
});

Deno.test(`connect (${testEngine}): a failed code exchange stores nothing`, async () => {
  await using s = await setup();
  const back = await consent(
    await beginWebsiteAuthorization(s.deps, s.actor, SESSION, {
      storeId: s.storeId,
      appId: s.appId,
      redirectUri: CALLBACK,
    }),
  );
  const result = await completeWebsiteAuthorization(s.deps, s.actor, SESSION, {
    ...back,
    spapi_oauth_code: "fake-code-that-amazon-never-issued",
  });
  assert.deepEqual(result, {
    ok: false,
    reason: "exchange_failed",
    storeId: s.storeId,
  });
  assert.equal(await storedTokens(s), 0);
});

Deno.test(`connect (${testEngine}): self-authorization accepts only our account's token`, async () => {
  await using s = await setup();
  const theirs = s.sb.sandbox.credentials(1).refreshToken;
  assert.deepEqual(
    await selfAuthorize(s.deps, s.actor, {
      storeId: s.storeId,
      appId: s.appId,
      refreshToken: theirs,
    }),
    { ok: false, reason: "not_own_account", storeId: s.storeId },
  );
  assert.deepEqual(
    await selfAuthorize(s.deps, s.actor, {
      storeId: s.storeId,
      appId: s.appId,
      refreshToken: "Atzr|fake-never-issued-token",
    }),
    { ok: false, reason: "token_refused", storeId: s.storeId },
  );
  assert.equal(await storedTokens(s), 0);
  const ours = s.sb.sandbox.credentials(0).refreshToken;
  assert.deepEqual(
    await selfAuthorize(s.deps, s.actor, {
      storeId: s.storeId,
      appId: s.appId,
      refreshToken: ours,
    }),
    { ok: true, storeId: s.storeId },
  );
  const [cred] = await ownerOf(s.t.db).select().from(storeCredentials);
  assert.equal(cred.method, "self");
  // Every outbound call left one API log row, without a token.
  const log = rowsOf<
    {
      api: string;
      operation: string;
      http_status: number;
      request_id: string | null;
    }
  >(
    await ownerOf(s.t.db).execute(
      sql`select api, operation, http_status, request_id from api_request_log order by id`,
    ),
  );
  assert.deepEqual(log.map((r) => `${r.api} ${r.operation} ${r.http_status}`), [
    "lwa refreshAccessToken 200",
    "sp-api getMarketplaceParticipations 200",
    "lwa refreshAccessToken 400",
    "lwa refreshAccessToken 200",
    "sp-api getMarketplaceParticipations 200",
    "sp-api searchListingsItems 200",
  ]);
  assert.ok(log.filter((r) => r.api === "sp-api").every((r) => r.request_id));
  assert.equal(cred.authorizationExpiresAt, null);
  const dump = JSON.stringify(rowsOf(
    await ownerOf(s.t.db).execute(
      sql`select (select json_agg(a) from audit_events a) as a,
      (select json_agg(c) from store_credentials c) as c`,
    ),
  ));
  assert.ok(
    !dump.includes(ours) && !dump.includes(theirs),
    "the pasted tokens appear nowhere",
  );

  // The seller revokes us in Amazon: the next refresh is invalid_grant.
  s.sb.sandbox.revoke(s.ours.sellerId);
  const tokens = createAccessTokens({
    db: s.t.db,
    kv: s.kv,
    vault: s.vault,
    lwa: s.deps.lwa,
  });
  await assert.rejects(
    tokens.get(s.storeId, "sp-api"),
    AuthorizationRevokedError,
  );
  const [store] = await ownerOf(s.t.db).select().from(stores).where(
    eq(stores.id, s.storeId),
  );
  assert.equal(store.status, "revoked");
});

/** An LWA client whose every call meets a real database failure. */
function failingDatabase(s: Awaited<ReturnType<typeof setup>>): LwaClient {
  const fail = async (): Promise<never> => {
    await s.t.db.asUser(
      s.actor,
      (tx) => tx.execute(sql`select * from no_such_table_here`),
    );
    throw new Error("unreachable");
  };
  return { refresh: fail, exchangeCode: fail };
}

/** An LWA client for a token endpoint nobody listens on. */
const unreachableLwa = () =>
  createLwaClient({ tokenUrl: "http://127.0.0.1:9/auth/o2/token" });

async function auditReasons(s: Awaited<ReturnType<typeof setup>>) {
  return rowsOf<{ reason: string }>(
    await ownerOf(s.t.db).execute(
      sql`select details->>'reason' as reason from audit_events
          where action like 'store.connect.%' order by id`,
    ),
  ).map((r) => r.reason);
}

Deno.test(`connect (${testEngine}): self-authorization calls "refused" only what Amazon refused`, async () => {
  await using s = await setup();
  const input = {
    storeId: s.storeId,
    appId: s.appId,
    refreshToken: "Atzr|fake-never-issued-token",
  };
  // Not a refresh token at all: refused here, without asking Amazon.
  assert.deepEqual(
    await selfAuthorize(s.deps, s.actor, { ...input, refreshToken: "hello" }),
    { ok: false, reason: "token_invalid", storeId: s.storeId },
  );
  // Amazon cannot be reached: an Amazon error, not a refusal.
  assert.deepEqual(
    await selfAuthorize({ ...s.deps, lwa: unreachableLwa() }, s.actor, input),
    { ok: false, reason: "amazon_error", storeId: s.storeId },
  );
  // A database failure surfaces as the error it is.
  await assert.rejects(
    selfAuthorize({ ...s.deps, lwa: failingDatabase(s) }, s.actor, input),
    (err) => err instanceof Error && !(err instanceof LwaError),
  );
  // Amazon refuses the token: refused.
  assert.deepEqual(
    await selfAuthorize(s.deps, s.actor, input),
    { ok: false, reason: "token_refused", storeId: s.storeId },
  );
  assert.deepEqual(await auditReasons(s), [
    "token_invalid",
    "amazon_error",
    "token_refused",
  ]);
  assert.equal(await storedTokens(s), 0);
});

Deno.test(`connect (${testEngine}): a code exchange that Amazon did not refuse is not "exchange_failed"`, async () => {
  await using s = await setup();
  const callback = async () =>
    await consent(
      await beginWebsiteAuthorization(s.deps, s.actor, SESSION, {
        storeId: s.storeId,
        appId: s.appId,
        redirectUri: CALLBACK,
      }),
    );
  assert.deepEqual(
    await completeWebsiteAuthorization(
      { ...s.deps, lwa: unreachableLwa() },
      s.actor,
      SESSION,
      await callback(),
    ),
    { ok: false, reason: "amazon_error", storeId: s.storeId },
  );
  const back = await callback();
  await assert.rejects(
    completeWebsiteAuthorization(
      { ...s.deps, lwa: failingDatabase(s) },
      s.actor,
      SESSION,
      back,
    ),
    (err) => err instanceof Error && !(err instanceof LwaError),
  );
  assert.equal(await storedTokens(s), 0);
});
