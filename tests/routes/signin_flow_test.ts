// Issue #11, the sign-in flows: a disabled account stays disabled through
// every step of every flow; a TOTP code works once; the lockout is keyed on
// account and address with a slower per-account limit that owners can lift;
// a password change ends the other sessions; an admin cannot sign an owner
// out; a new first-owner link voids the last and a lost race leaves nothing;
// a callback from another session does not use up the state; every message
// comes from the catalogue.
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { eq, sql } from "drizzle-orm";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, SESSION_POLICY } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { localCredentials, staffUsers } from "../../db/schema.ts";
import { saveApp } from "../../lib/amazon/credentials.ts";
import { startSandbox } from "../../sandbox/testing.ts";
import { createSession } from "../../lib/security/sessions.ts";
import { setPassword } from "../../lib/security/local_accounts.ts";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";

const ORIGIN = "http://127.0.0.1:8000";
const FORM = {
  "content-type": "application/x-www-form-urlencoded",
  origin: ORIGIN,
};
const PASSWORD = "Harbor-Quiet-Moss-42";
/** Behind one trusted proxy at 10.0.0.2, X-Forwarded-For is the client. */
const PROXIED = { PUBLIC_URL: ORIGIN, TRUSTED_PROXIES: "1" };
const PROXY_PEER = {
  remoteAddr: { hostname: "10.0.0.2", port: 40000, transport: "tcp" },
};

function cookieValue(res: Response, name: string): string | null {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    if (pair.slice(0, at) === name) return pair.slice(at + 1);
  }
  return null;
}

const sessionCookie = (res: Response) =>
  cookieValue(res, "__Host-custodian_session");

async function post(
  s: TestApp,
  path: string,
  body: Record<string, string>,
  opts: { cookie?: string; ip?: string } = {},
): Promise<Response> {
  return await s.app.request(
    `${ORIGIN}${path}`,
    {
      method: "POST",
      headers: {
        ...FORM,
        ...(opts.cookie ? { cookie: opts.cookie } : {}),
        ...(opts.ip ? { "x-forwarded-for": opts.ip } : {}),
      },
      body: new URLSearchParams(body).toString(),
    },
    opts.ip ? PROXY_PEER : undefined,
  );
}

async function statusOf(s: TestApp, path: string, cookie: string) {
  const res = await s.app.request(`${ORIGIN}${path}`, { headers: { cookie } });
  await res.body?.cancel();
  return res.status;
}

const totpCode = (secret: string, at = Date.now()) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    .generate({ timestamp: at });

async function userRow(s: TestApp, id: string) {
  const [row] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, id),
  );
  return row;
}

async function auditRows(s: TestApp, action: string) {
  return rowsOf<{ outcome: string; details: Record<string, unknown> }>(
    await ownerOf(s.t.db).execute(
      sql`select outcome, details from audit_events where action = ${action} order by id`,
    ),
  );
}

/**
 * An owner invites a local account; the invitee sets the password on the
 * setup link and opens the enrollment page. Returns what the invitee holds.
 */
async function inviteLocal(
  s: TestApp,
  owner: { cookie: string },
  email: string,
  role = "admin",
) {
  const created = await post(s, "/users/invite", {
    displayName: "Break Glass",
    email,
    role,
    kind: "local",
    confirm: "yes",
  }, { cookie: owner.cookie });
  assert.equal(created.status, 200);
  const link = /data-testid="setup-link">([^<]+)</.exec(await created.text())
    ?.[1];
  assert.ok(link);
  const set = await post(s, new URL(link).pathname, {
    password: PASSWORD,
    confirm: PASSWORD,
  });
  assert.equal(set.status, 303);
  const enroll = `__Host-custodian_enroll=${
    cookieValue(set, "__Host-custodian_enroll")
  }`;
  const page = await (await s.app.request(`${ORIGIN}/auth/enroll`, {
    headers: { cookie: enroll },
  })).text();
  const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)?.[1];
  assert.ok(secret);
  const [user] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.email, email),
  );
  return { id: user.id, email, enroll, secret };
}

/**
 * A local account ready to sign in: enrolled with the code of the previous
 * time step, so the current step is still free; returns its recovery codes.
 */
async function enrolledLocal(
  s: TestApp,
  owner: { cookie: string },
  email: string,
  role = "admin",
) {
  const invited = await inviteLocal(s, owner, email, role);
  const done = await post(s, "/auth/enroll", {
    code: totpCode(invited.secret, Date.now() - 30_000),
  }, { cookie: invited.enroll });
  assert.equal(done.status, 200);
  const recoveryCodes = [
    ...(await done.text()).matchAll(/<li><code>([^<]+)<\/code>/g),
  ].map((m) => m[1]);
  assert.equal(recoveryCodes.length, 10);
  return { ...invited, recoveryCodes };
}

// ── 1. A disabled account stays disabled ────────────────────────────────────

Deno.test(`sign-in (${testEngine}): a user disabled during authenticator setup stays disabled`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const owner = await makeStaff(s, "owner");
  const invitee = await inviteLocal(s, owner, "late.leaver@example.test");

  const disabled = await post(s, `/users/${invitee.id}/disable`, {
    confirm: "yes",
  }, { cookie: owner.cookie });
  assert.equal(disabled.status, 303);
  assert.equal((await userRow(s, invitee.id)).status, "disabled");

  const confirm = await post(s, "/auth/enroll", {
    code: totpCode(invitee.secret),
  }, { cookie: invitee.enroll });
  assert.notEqual(confirm.status, 200, "no recovery codes");
  assert.ok(confirm.status >= 400 && confirm.status < 500);
  assert.equal(sessionCookie(confirm), null, "no session");
  assert.doesNotMatch(await confirm.text(), /<li><code>/);
  const row = await userRow(s, invitee.id);
  assert.equal(row.status, "disabled");
  assert.ok(row.disabledAt);
  const [enroll] = (await auditRows(s, "auth.mfa.enroll")).slice(-1);
  assert.equal(enroll.outcome, "denied");

  // The enrollment page shows no secret to a disabled account either.
  const again = await s.app.request(`${ORIGIN}/auth/enroll`, {
    headers: { cookie: invitee.enroll },
  });
  assert.doesNotMatch(await again.text(), /data-testid="totp-secret"/);

  // Only the enable action brings the account back: as an open invitation.
  const enabled = await post(s, `/users/${invitee.id}/enable`, {
    confirm: "yes",
  }, { cookie: owner.cookie });
  assert.equal(enabled.status, 303);
  const back = await userRow(s, invitee.id);
  assert.equal(back.status, "invited");
  assert.equal(back.disabledAt, null);
});

Deno.test(`sign-in (${testEngine}): an account marked disabled gets in through no flow`, async () => {
  await using s = await openTestApp({
    PUBLIC_URL: ORIGIN,
    GOOGLE_CLIENT_ID: "fake-google-client",
    GOOGLE_CLIENT_SECRET: "fake-google-secret",
  });
  const owner = await makeStaff(s, "owner");
  const local = await enrolledLocal(s, owner, "half.gone@example.test");
  const sso = await makeStaff(s, "viewer", { email: "sso.gone@example.test" });
  // The state the defect left behind: status active, disabled_at set.
  for (const id of [local.id, sso.id]) {
    await ownerOf(s.t.db).update(staffUsers).set({ disabledAt: new Date() })
      .where(eq(staffUsers.id, id));
  }
  assert.notEqual(await statusOf(s, "/", sso.cookie), 200, "session use");

  const signIn = await post(s, "/auth/local", {
    email: local.email,
    password: PASSWORD,
    code: local.recoveryCodes[0],
  });
  assert.equal(signIn.status, 401, "local password and second factor");
  assert.equal(sessionCookie(signIn), null);
  await signIn.body?.cancel();

  const start = await s.app.request(`${ORIGIN}/auth/google`);
  const state = new URL(start.headers.get("location")!).searchParams.get(
    "state",
  );
  const real = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = url === "https://oauth2.googleapis.com/token"
      ? { access_token: "fake", expires_in: 3600, scope: "openid email" }
      : { id: "1", email: sso.email, verified_email: true, name: "S" };
    return Promise.resolve(
      new Response(JSON.stringify(body), {
        headers: { "content-type": "application/json" },
      }),
    );
  }) as typeof fetch;
  let callback: Response;
  try {
    callback = await s.app.request(
      `${ORIGIN}/auth/google?code=fake-code&state=${state}`,
      { headers: { cookie: `state=${cookieValue(start, "state")}` } },
    );
  } finally {
    globalThis.fetch = real;
  }
  assert.equal(
    callback.headers.get("location"),
    "/auth/signin?error=not_invited",
    "single sign-on",
  );
  assert.equal(sessionCookie(callback), null);
});

// ── 2. A TOTP code works once ───────────────────────────────────────────────

Deno.test(`sign-in (${testEngine}): a TOTP code signs in once`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const owner = await makeStaff(s, "owner");
  const local = await enrolledLocal(s, owner, "once.only@example.test");
  const code = totpCode(local.secret);
  const first = await post(s, "/auth/local", {
    email: local.email,
    password: PASSWORD,
    code,
  });
  assert.equal(first.status, 303);
  assert.ok(sessionCookie(first));
  const second = await post(s, "/auth/local", {
    email: local.email,
    password: PASSWORD,
    code,
  });
  assert.equal(second.status, 401, "the same code again is refused");
  assert.equal(sessionCookie(second), null);
  await second.body?.cancel();
  const failed = (await auditRows(s, "auth.signin.failed")).at(-1);
  assert.equal(failed?.details.reason, "totp_reused");
});

Deno.test(`sign-in (${testEngine}): the code that confirmed the authenticator does not sign in`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const owner = await makeStaff(s, "owner");
  const invitee = await inviteLocal(s, owner, "enrol.code@example.test");
  const code = totpCode(invitee.secret);
  const done = await post(s, "/auth/enroll", { code }, {
    cookie: invitee.enroll,
  });
  assert.equal(done.status, 200);
  await done.body?.cancel();
  const signIn = await post(s, "/auth/local", {
    email: invitee.email,
    password: PASSWORD,
    code,
  });
  assert.equal(signIn.status, 401);
  await signIn.body?.cancel();
});

// ── 3. The lockout behind a proxy ──────────────────────────────────────────

Deno.test(`sign-in (${testEngine}): failures from one address do not lock the account out elsewhere`, async () => {
  await using s = await openTestApp({ ...PROXIED, SIGNIN_MAX_FAILURES: "3" });
  const owner = await makeStaff(s, "owner");
  const local = await enrolledLocal(
    s,
    owner,
    "the.owner@example.test",
    "owner",
  );
  const wrong = {
    email: local.email,
    password: "Wrong-Password-99",
    code: "123456",
  };
  for (let i = 0; i < 3; i++) {
    const r = await post(s, "/auth/local", wrong, { ip: "198.51.100.66" });
    assert.equal(r.status, 401);
    await r.body?.cancel();
  }
  const locked = await post(s, "/auth/local", {
    ...wrong,
    password: PASSWORD,
    code: local.recoveryCodes[0],
  }, { ip: "198.51.100.66" });
  assert.equal(locked.status, 429, "that address is locked out");
  await locked.body?.cancel();
  const elsewhere = await post(s, "/auth/local", {
    email: local.email,
    password: PASSWORD,
    code: local.recoveryCodes[1],
  }, { ip: "203.0.113.10" });
  assert.equal(
    elsewhere.status,
    303,
    "the owner still signs in from elsewhere",
  );
  assert.ok(sessionCookie(elsewhere));
});

Deno.test(`sign-in (${testEngine}): the slower per-account limit locks new addresses; an owner unlocks`, async () => {
  await using s = await openTestApp({
    ...PROXIED,
    SIGNIN_MAX_FAILURES: "5",
    SIGNIN_ACCOUNT_MAX_FAILURES: "4",
  });
  const owner = await makeStaff(s, "owner");
  const admin = await makeStaff(s, "admin");
  const local = await enrolledLocal(s, owner, "spread.out@example.test");
  const codes = [...local.recoveryCodes];
  const good = () => ({
    email: local.email,
    password: PASSWORD,
    code: codes.shift()!,
  });
  // A sign-in from the usual address makes it known.
  const usual = await post(s, "/auth/local", good(), { ip: "203.0.113.20" });
  assert.equal(usual.status, 303);
  for (let i = 1; i <= 4; i++) {
    const r = await post(s, "/auth/local", {
      email: local.email,
      password: "Wrong-Password-99",
      code: "123456",
    }, { ip: `198.51.100.${i}` });
    assert.equal(r.status, 401);
    await r.body?.cancel();
  }
  const fresh = await post(s, "/auth/local", good(), { ip: "192.0.2.50" });
  assert.equal(fresh.status, 429, "a new address is locked out");
  await fresh.body?.cancel();
  const known = await post(s, "/auth/local", good(), { ip: "203.0.113.20" });
  assert.equal(known.status, 303, "a known address still signs in");

  const page = await s.app.request(`${ORIGIN}/users/${local.id}`, {
    headers: { cookie: owner.cookie },
  });
  assert.match(await page.text(), new RegExp(`/users/${local.id}/unlock`));
  const byAdmin = await post(s, `/users/${local.id}/unlock`, {
    confirm: "yes",
  }, { cookie: admin.cookie });
  assert.equal(byAdmin.status, 403, "only owners unlock");
  await byAdmin.body?.cancel();
  const unlocked = await post(s, `/users/${local.id}/unlock`, {
    confirm: "yes",
  }, { cookie: owner.cookie });
  assert.equal(unlocked.status, 303);
  assert.equal(
    (await auditRows(s, "user.signin.unlock")).map((r) => r.outcome).join(),
    "denied,success",
  );
  const after = await post(s, "/auth/local", good(), { ip: "192.0.2.50" });
  assert.equal(after.status, 303, "unlocked");
});

// ── 4. Sessions after a password change; owners and admins ─────────────────

Deno.test(`sign-in (${testEngine}): a password change ends the other sessions, not this one`, async () => {
  await using s = await openTestApp();
  const user = await makeStaff(s, "owner", {
    kind: "local",
    email: "li.wei@example.test",
  });
  await s.t.db.asUser(
    { userId: user.id, storeIds: [] },
    (tx) =>
      setPassword(
        tx,
        user.id,
        "First-Kettle-Pine-7",
        { email: user.email },
        new Date(Date.now() - 2 * 86_400_000),
      ),
  );
  const other = `__Host-custodian_session=${await createSession(
    s.kv,
    SESSION_POLICY,
    { userId: user.id },
  )}`;
  assert.equal(await statusOf(s, "/", other), 200);
  const changed = await post(s, "/account/password", {
    current: "First-Kettle-Pine-7",
    password: "Second-Harbor-Moss-8",
    confirm: "Second-Harbor-Moss-8",
  }, { cookie: user.cookie });
  assert.equal(changed.status, 200);
  await changed.body?.cancel();
  assert.notEqual(await statusOf(s, "/", other), 200, "the other one ended");
  assert.equal(await statusOf(s, "/", user.cookie), 200, "this one goes on");
});

Deno.test(`sign-in (${testEngine}): an admin cannot sign an owner out everywhere`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const admin = await makeStaff(s, "admin");
  for (const confirm of ["", "yes"]) {
    const res = await post(s, `/users/${owner.id}/signout`, { confirm }, {
      cookie: admin.cookie,
    });
    assert.equal(res.status, 403, `confirm=${confirm}`);
    await res.body?.cancel();
  }
  assert.equal(await statusOf(s, "/", owner.cookie), 200);
  const denied = await auditRows(s, "user.signout_everywhere");
  assert.ok(denied.length > 0 && denied.every((r) => r.outcome === "denied"));
  // Another owner may.
  const second = await makeStaff(s, "owner");
  const ok = await post(s, `/users/${owner.id}/signout`, { confirm: "yes" }, {
    cookie: second.cookie,
  });
  assert.equal(ok.status, 303);
  assert.notEqual(await statusOf(s, "/", owner.cookie), 200);
});

// ── 5. The first owner's link ───────────────────────────────────────────────

Deno.test(`first owner (${testEngine}): a new link voids the previous one`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const first = await issueFirstOwnerToken(s.kv);
  const second = await issueFirstOwnerToken(s.kv);
  const old = await s.app.request(`${ORIGIN}/auth/first-owner/${first}`);
  assert.equal(old.status, 410);
  await old.body?.cancel();
  const current = await s.app.request(`${ORIGIN}/auth/first-owner/${second}`);
  assert.equal(current.status, 200);
  await current.body?.cancel();
});

Deno.test(`first owner (${testEngine}): of two concurrent submissions the loser leaves nothing behind`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const token = await issueFirstOwnerToken(s.kv);
  const submit = (name: string) =>
    post(s, `/auth/first-owner/${token}`, {
      displayName: name,
      email: `${name.toLowerCase().replace(" ", ".")}@example.test`,
      password: "Correct-Horse-Battery-9",
      confirm: "Correct-Horse-Battery-9",
    });
  const results = await Promise.all([submit("Mei Chen"), submit("Tom Berg")]);
  for (const r of results) await r.body?.cancel();
  assert.deepEqual(results.map((r) => r.status).sort(), [303, 410]);
  const users = await ownerOf(s.t.db).select().from(staffUsers);
  assert.equal(users.length, 1, JSON.stringify(users.map((u) => u.email)));
  const creds = await ownerOf(s.t.db).select().from(localCredentials);
  assert.equal(creds.length, 1);
  assert.equal(creds[0].userId, users[0].id);
});

// ── 6. A callback from another session keeps the state ─────────────────────

Deno.test(`connect (${testEngine}): a callback from another session is refused without using up the state`, async () => {
  const APPLICATION_ID =
    "amzn1.sp.solution.00000000-0000-4000-8000-0000000c0de2";
  const sb = await startSandbox({
    stores: 1,
    orders: 5,
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
    const intruder = await makeStaff(s, "admin");
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
    const start = await s.app.request(
      `${ORIGIN}/stores/${storeId}/connect/website?appId=${appId}`,
      { headers: { cookie: admin.cookie } },
    );
    assert.equal(start.status, 302);
    const atAmazon = await fetch(start.headers.get("location")!, {
      redirect: "manual",
    });
    await atAmazon.body?.cancel();
    const back = atAmazon.headers.get("location")!;
    const stolen = await s.app.request(back, {
      headers: { cookie: intruder.cookie },
    });
    assert.equal(stolen.status, 400, "another session is refused");
    await stolen.body?.cancel();
    const rightful = await s.app.request(back, {
      headers: { cookie: admin.cookie },
    });
    assert.equal(rightful.status, 200, "the rightful admin still connects");
    assert.match(await rightful.text(), /The store is connected/);
  } finally {
    await sb.close();
  }
});

Deno.test(`sso (${testEngine}): a callback from another browser is refused; the rightful one still signs in`, async () => {
  await using s = await openTestApp({
    PUBLIC_URL: ORIGIN,
    GOOGLE_CLIENT_ID: "fake-google-client",
    GOOGLE_CLIENT_SECRET: "fake-google-secret",
  });
  const person = await makeStaff(s, "viewer", {
    email: "rightful.person@example.test",
  });
  const start = await s.app.request(`${ORIGIN}/auth/google`);
  const state = new URL(start.headers.get("location")!).searchParams.get(
    "state",
  );
  const real = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request) => {
    const url = input instanceof Request ? input.url : String(input);
    const body = url === "https://oauth2.googleapis.com/token"
      ? { access_token: "fake", expires_in: 3600, scope: "openid email" }
      : { id: "1", email: person.email, verified_email: true, name: "P" };
    return Promise.resolve(
      new Response(JSON.stringify(body), {
        headers: { "content-type": "application/json" },
      }),
    );
  }) as typeof fetch;
  try {
    const callback = `${ORIGIN}/auth/google?code=fake-code&state=${state}`;
    const other = await s.app.request(callback);
    assert.equal(other.headers.get("location"), "/auth/signin?error=sso");
    assert.equal(sessionCookie(other), null);
    const rightful = await s.app.request(callback, {
      headers: { cookie: `state=${cookieValue(start, "state")}` },
    });
    assert.equal(rightful.headers.get("location"), "/");
    assert.ok(sessionCookie(rightful));
  } finally {
    globalThis.fetch = real;
  }
});

// ── 7. Every message from the catalogue ────────────────────────────────────

Deno.test(`first owner (${testEngine}): refusals are worded by the catalogue, in Chinese too`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const token = await issueFirstOwnerToken(s.kv);
  const submit = (body: Record<string, string>) =>
    post(s, `/auth/first-owner/${token}`, body, { cookie: "lang=zh-CN" });
  const generic = await submit({
    displayName: "Mei Chen",
    email: "admin@example.test",
    password: "Correct-Horse-Battery-9",
    confirm: "Correct-Horse-Battery-9",
  });
  assert.equal(generic.status, 400);
  const genericText = await generic.text();
  assert.doesNotMatch(genericText, /Use a personal address/);
  assert.match(genericText, /个人邮箱/);
  const invalid = await submit({
    displayName: "M",
    email: "not-an-address",
    password: "",
    confirm: "",
  });
  assert.equal(invalid.status, 400);
  const invalidText = await invalid.text();
  assert.doesNotMatch(invalidText, /Invalid|Too small|expected/i);
  assert.doesNotMatch(invalidText, /displayName:|email:|password:/);
  assert.match(invalidText, /邮箱/);
});
