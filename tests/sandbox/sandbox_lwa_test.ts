// Login with Amazon on the sandbox: the three grants, their errors, single-use
// consent codes, the consent redirect of the website authorization workflow,
// and revocation (refresh → invalid_grant, calls → 403).
import assert from "node:assert/strict";
import {
  accessToken,
  sp,
  testClock,
  withSandbox,
} from "../../sandbox/testing.ts";
import type { RunningSandbox } from "../../sandbox/testing.ts";

async function token(sb: RunningSandbox, form: Record<string, string>) {
  const res = await fetch(`${sb.url}/auth/o2/token`, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded;charset=UTF-8",
    },
    body: new URLSearchParams(form),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

function client(sb: RunningSandbox) {
  const c = sb.sandbox.credentials(0);
  return { client_id: c.clientId, client_secret: c.clientSecret };
}

Deno.test("LWA refresh_token grant: Atza| token, bearer, 3600 s, no-store", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const c = sb.sandbox.credentials(0);
    assert.match(c.clientId, /^amzn1\.application-oa2-client\.sandbox/);
    assert.match(c.clientSecret, /^amzn1\.oa2-cs\.v1\.sandbox/);
    assert.match(c.refreshToken, /^Atzr\|sandbox-/);
    const r = await token(sb, {
      grant_type: "refresh_token",
      refresh_token: c.refreshToken,
      ...client(sb),
    });
    assert.equal(r.status, 200);
    assert.match(r.body.access_token, /^Atza\|/);
    assert.ok(r.body.access_token.length <= 2048);
    assert.equal(r.body.token_type, "bearer");
    assert.equal(r.body.expires_in, 3600);
    assert.equal(r.body.refresh_token, c.refreshToken);
    assert.equal(r.headers.get("cache-control"), "no-store");
    assert.equal(r.headers.get("pragma"), "no-cache");
  });
});

Deno.test("LWA errors: wrong secret, unknown refresh token, unsupported grant, missing fields", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const c = sb.sandbox.credentials(0);
    const wrong = await token(sb, {
      grant_type: "refresh_token",
      refresh_token: c.refreshToken,
      client_id: c.clientId,
      client_secret: "amzn1.oa2-cs.v1.wrong",
    });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, "invalid_client");
    assert.ok(wrong.body.error_description);

    const unknown = await token(sb, {
      grant_type: "refresh_token",
      refresh_token: "Atzr|not-a-token",
      ...client(sb),
    });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error, "invalid_grant");
    assert.equal(
      unknown.body.error_description,
      "The request has an invalid grant parameter : refresh_token. User may have revoked or didn't grant the permission.",
    );

    const grant = await token(sb, { grant_type: "password", ...client(sb) });
    assert.equal(grant.status, 400);
    assert.equal(grant.body.error, "unsupported_grant_type");

    const missing = await token(sb, {
      grant_type: "refresh_token",
      ...client(sb),
    });
    assert.equal(missing.body.error, "invalid_request");
    assert.match(missing.body.error_description, /refresh_token/);
  });
});

Deno.test("LWA authorization_code: a consent code works once, within 5 minutes, for its redirect_uri", async () => {
  const clock = testClock();
  await withSandbox({ clock, stores: 2, orders: 20 }, async (sb) => {
    const seller = sb.sandbox.sellers[1];
    const redirect = "https://portal.example/amazon/callback";
    const { code } = sb.sandbox.authorize(seller.sellerId, {
      redirectUri: redirect,
    });
    const first = await token(sb, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirect,
      ...client(sb),
    });
    assert.equal(first.status, 200);
    assert.match(first.body.refresh_token, /^Atzr\|/);
    assert.notEqual(first.body.refresh_token, seller.refreshToken);

    // The new refresh token is the seller's: its calls see seller 1's data.
    const access = await token(sb, {
      grant_type: "refresh_token",
      refresh_token: first.body.refresh_token,
      ...client(sb),
    });
    const me = await sp(
      sb,
      access.body.access_token,
      "/sellers/v1/marketplaceParticipations",
    );
    assert.equal(me.body.payload[0].storeName, seller.plan.name);

    const replay = await token(sb, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirect,
      ...client(sb),
    });
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, "invalid_grant");
    assert.equal(
      replay.body.error_description,
      "The request has an invalid grant parameter : code",
    );

    const other = sb.sandbox.authorize(seller.sellerId, {
      redirectUri: redirect,
    });
    const wrongUri = await token(sb, {
      grant_type: "authorization_code",
      code: other.code,
      redirect_uri: "https://elsewhere.example/cb",
      ...client(sb),
    });
    assert.equal(wrongUri.body.error, "invalid_grant");

    const late = sb.sandbox.authorize(seller.sellerId, {
      redirectUri: redirect,
    });
    clock.advance(5 * 60_000 + 1);
    const expired = await token(sb, {
      grant_type: "authorization_code",
      code: late.code,
      redirect_uri: redirect,
      ...client(sb),
    });
    assert.equal(expired.body.error, "invalid_grant");
  });
});

Deno.test("website authorization: the consent URL redirects back with state, selling_partner_id and spapi_oauth_code", async () => {
  const redirect = "https://portal.example/amazon/callback";
  await withSandbox({
    clock: testClock(),
    stores: 2,
    orders: 20,
    redirectUris: [redirect],
  }, async (sb) => {
    const target = sb.sandbox.sellers[1];
    sb.sandbox.consentAs(target.sellerId);
    const consent = new URL(`${sb.url}/apps/authorize/consent`);
    consent.searchParams.set("application_id", sb.sandbox.client.applicationId);
    consent.searchParams.set("state", "csrf-123");
    consent.searchParams.set("version", "beta");
    const res = await fetch(consent, { redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get("location")!);
    assert.equal(`${back.origin}${back.pathname}`, redirect);
    assert.equal(back.searchParams.get("state"), "csrf-123");
    assert.equal(back.searchParams.get("selling_partner_id"), target.sellerId);
    const code = back.searchParams.get("spapi_oauth_code")!;
    const r = await token(sb, {
      grant_type: "authorization_code",
      code,
      redirect_uri: redirect,
      ...client(sb),
    });
    assert.equal(r.status, 200);

    consent.searchParams.set("redirect_uri", "https://attacker.example/cb");
    const bad = await fetch(consent, { redirect: "manual" });
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /MD5101/);
  });
});

Deno.test("LWA client_credentials: grantless tokens for known scopes only", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const ok = await token(sb, {
      grant_type: "client_credentials",
      scope: "sellingpartnerapi::notifications",
      ...client(sb),
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.scope, "sellingpartnerapi::notifications");
    assert.equal(ok.body.refresh_token, undefined);
    const call = await sp(
      sb,
      ok.body.access_token,
      "/sellers/v1/marketplaceParticipations",
    );
    assert.equal(call.status, 403);

    const bad = await token(sb, {
      grant_type: "client_credentials",
      scope: "sellingpartnerapi::everything",
      ...client(sb),
    });
    assert.equal(bad.body.error, "invalid_scope");
  });
});

Deno.test("revocation: refresh answers invalid_grant and live access tokens get 403", async () => {
  await withSandbox({ clock: testClock(), orders: 10 }, async (sb) => {
    const seller = sb.sandbox.sellers[0];
    const access = await accessToken(sb);
    assert.equal(
      (await sp(sb, access, "/sellers/v1/marketplaceParticipations")).status,
      200,
    );
    sb.sandbox.revoke(seller.sellerId);
    const refresh = await token(sb, {
      grant_type: "refresh_token",
      refresh_token: seller.refreshToken,
      ...client(sb),
    });
    assert.equal(refresh.status, 400);
    assert.equal(refresh.body.error, "invalid_grant");
    const call = await sp(sb, access, "/sellers/v1/marketplaceParticipations");
    assert.equal(call.status, 403);
    assert.equal(call.body.errors[0].code, "Unauthorized");

    // Authorizing again gives a working refresh token.
    const again = sb.sandbox.reauthorize(seller.sellerId);
    const r = await token(sb, {
      grant_type: "refresh_token",
      refresh_token: again,
      ...client(sb),
    });
    assert.equal(r.status, 200);
  });
});
