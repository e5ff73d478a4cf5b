// The sign-in flows end to end against a fake identity provider: the
// provider library calls the global fetch with Google's, Microsoft's and
// GitHub's fixed URLs, so each test swaps fetch for its own duration only.
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { rowsOf } from "../../db/client.ts";
import { staffUsers } from "../../db/schema.ts";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";
import * as OTPAuth from "otpauth";

const ORIGIN = "http://127.0.0.1:8000";
const PROVIDERS = {
  PUBLIC_URL: ORIGIN,
  GOOGLE_CLIENT_ID: "fake-google-client",
  GOOGLE_CLIENT_SECRET: "fake-google-secret",
  MSENTRA_CLIENT_ID: "fake-entra-client",
  MSENTRA_CLIENT_SECRET: "fake-entra-secret",
  MSENTRA_TENANT_ID: "fake-tenant",
  GITHUB_CLIENT_ID: "fake-github-client",
  GITHUB_CLIENT_SECRET: "fake-github-secret",
};

type Fake = (url: string, init?: RequestInit) => Response | undefined;

/** Runs `fn` with fetch answering provider URLs from `fake`; restores it after. */
async function withFakeProvider<T>(
  fake: Fake,
  fn: () => T | Promise<T>,
): Promise<T> {
  const real = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    const answer = fake(url, init);
    if (!answer) throw new Error(`unexpected outbound request to ${url}`);
    return Promise.resolve(answer);
  }) as typeof fetch;
  try {
    return await fn();
  } finally {
    globalThis.fetch = real;
  }
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });

function googleFake(email: string, verified = true): Fake {
  return (url) => {
    if (url === "https://oauth2.googleapis.com/token") {
      return json({
        access_token: "fake-access",
        expires_in: 3600,
        scope: "openid email profile",
      });
    }
    if (url === "https://www.googleapis.com/oauth2/v2/userinfo") {
      return json({
        id: "1",
        email,
        verified_email: verified,
        name: "Fake Person",
      });
    }
  };
}

function cookieValue(res: Response, name: string): string | null {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    if (pair.slice(0, at) === name) return pair.slice(at + 1);
  }
  return null;
}

/** Starts the Google flow and comes back with `state`; returns the callback response. */
async function googleCallback(
  s: TestApp,
  fake: Fake,
  tamperState = false,
): Promise<Response> {
  const start = await s.app.request(`${ORIGIN}/auth/google`);
  assert.equal(start.status, 302);
  const location = new URL(start.headers.get("location")!);
  assert.equal(location.host, "accounts.google.com");
  assert.equal(
    location.searchParams.get("redirect_uri"),
    `${ORIGIN}/auth/google`,
  );
  const state = location.searchParams.get("state")!;
  const cookie = `state=${cookieValue(start, "state")}`;
  const returned = tamperState ? `${state}x` : state;
  return await withFakeProvider(
    fake,
    () =>
      s.app.request(`${ORIGIN}/auth/google?code=fake-code&state=${returned}`, {
        headers: { cookie },
      }),
  );
}

async function auditActions(
  s: TestApp,
): Promise<{ action: string; outcome: string }[]> {
  return rowsOf<{ action: string; outcome: string }>(
    await ownerOf(s.t.db).execute(
      sql`select action, outcome from audit_events order by id`,
    ),
  );
}

Deno.test(`sso (${testEngine}): an invited e-mail signs in with a new session and is activated`, async () => {
  await using s = await openTestApp(PROVIDERS);
  const invited = await makeStaff(s, "finance", {
    status: "invited",
    email: "invited.person@example.test",
  });
  const res = await googleCallback(
    s,
    googleFake("Invited.Person@example.test"),
  );
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/");
  const session = cookieValue(res, "__Host-custodian_session");
  assert.match(session ?? "", /^[0-9a-f]{64}$/);
  assert.notEqual(session, invited.sessionId);
  assert.match(
    res.headers.getSetCookie().join("\n"),
    /HttpOnly; Secure; SameSite=Lax/i,
  );
  const [user] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, invited.id),
  );
  assert.equal(user.status, "active");
  assert.equal(user.mfaAssurance, "idp");
  const home = await s.app.request("/", {
    headers: { cookie: `__Host-custodian_session=${session}` },
  });
  assert.equal(home.status, 200);
  assert.deepEqual((await auditActions(s)).at(-1), {
    action: "auth.signin.succeeded",
    outcome: "success",
  });
});

Deno.test(`sso (${testEngine}): a state mismatch is refused, audited, and creates no session`, async () => {
  await using s = await openTestApp(PROVIDERS);
  await makeStaff(s, "finance", { email: "someone@example.test" });
  const res = await googleCallback(s, googleFake("someone@example.test"), true);
  assert.equal(res.status, 303);
  assert.equal(res.headers.get("location"), "/auth/signin?error=sso");
  assert.equal(cookieValue(res, "__Host-custodian_session"), null);
  assert.deepEqual((await auditActions(s)).at(-1), {
    action: "auth.signin.failed",
    outcome: "failure",
  });
});

Deno.test(`sso (${testEngine}): an uninvited e-mail gets no account and no session`, async () => {
  await using s = await openTestApp(PROVIDERS);
  const res = await googleCallback(s, googleFake("stranger@example.test"));
  assert.equal(res.headers.get("location"), "/auth/signin?error=not_invited");
  assert.equal(cookieValue(res, "__Host-custodian_session"), null);
  const users = await ownerOf(s.t.db).select().from(staffUsers);
  assert.equal(users.length, 0, "no self-registration");
  assert.deepEqual((await auditActions(s)).at(-1), {
    action: "auth.signin.failed",
    outcome: "denied",
  });
});

Deno.test(`sso (${testEngine}): an unverified Google e-mail is refused`, async () => {
  await using s = await openTestApp(PROVIDERS);
  await makeStaff(s, "finance", { email: "unverified@example.test" });
  const res = await googleCallback(
    s,
    googleFake("unverified@example.test", false),
  );
  assert.equal(res.headers.get("location"), "/auth/signin?error=not_invited");
});

Deno.test(`sso (${testEngine}): a disabled user cannot sign in`, async () => {
  await using s = await openTestApp(PROVIDERS);
  await makeStaff(s, "finance", {
    email: "gone@example.test",
    status: "disabled",
  });
  const res = await googleCallback(s, googleFake("gone@example.test"));
  assert.equal(res.headers.get("location"), "/auth/signin?error=not_invited");
  assert.equal(cookieValue(res, "__Host-custodian_session"), null);
});

Deno.test(`sso (${testEngine}): allowed domains restrict who may sign in`, async () => {
  await using s = await openTestApp({
    ...PROVIDERS,
    ALLOWED_EMAIL_DOMAINS: "corp.example",
  });
  await makeStaff(s, "finance", { email: "outside@example.test" });
  const res = await googleCallback(s, googleFake("outside@example.test"));
  assert.equal(res.headers.get("location"), "/auth/signin?error=not_invited");
});

Deno.test(`sso (${testEngine}): Microsoft Entra ID and GitHub sign in through the same rules`, async () => {
  await using s = await openTestApp(PROVIDERS);
  await makeStaff(s, "support", {
    email: "entra.user@example.test",
    status: "invited",
  });
  await makeStaff(s, "support", {
    email: "gh.user@example.test",
    status: "invited",
  });
  const flows: [string, Fake][] = [
    ["msentra", (url) => {
      if (
        url.startsWith(
          "https://login.microsoft.com/fake-tenant/oauth2/v2.0/token",
        )
      ) {
        return json({
          access_token: "fake",
          expires_in: 3600,
          scope: "openid",
        });
      }
      if (url === "https://graph.microsoft.com/v1.0/me") {
        return json({
          id: "1",
          mail: "entra.user@example.test",
          displayName: "E",
        });
      }
    }],
    ["github", (url) => {
      if (url === "https://github.com/login/oauth/access_token") {
        return json({
          access_token: "fake",
          token_type: "bearer",
          scope: "read:user,user:email",
        });
      }
      if (url === "https://api.github.com/user/emails") {
        return json([{
          email: "gh.user@example.test",
          primary: true,
          verified: true,
        }]);
      }
      if (url === "https://api.github.com/user") {
        return json({ id: 1, login: "fake", name: "G" });
      }
    }],
  ];
  for (const [provider, fake] of flows) {
    const start = await s.app.request(`${ORIGIN}/auth/${provider}`);
    assert.equal(start.status, 302, provider);
    const state = new URL(start.headers.get("location")!).searchParams.get(
      "state",
    );
    const res = await withFakeProvider(
      fake,
      () =>
        s.app.request(
          `${ORIGIN}/auth/${provider}?code=fake-code&state=${state}`,
          {
            headers: { cookie: `state=${cookieValue(start, "state")}` },
          },
        ),
    );
    assert.equal(res.status, 303, provider);
    assert.equal(res.headers.get("location"), "/", provider);
    assert.ok(cookieValue(res, "__Host-custodian_session"), provider);
  }
});

Deno.test(`first owner (${testEngine}): the one-time link creates the owner with TOTP, and cannot be replayed`, async () => {
  await using s = await openTestApp(PROVIDERS);
  const token = await issueFirstOwnerToken(s.kv);
  const form = new URLSearchParams({
    displayName: "Mei Chen",
    email: "mei.chen@example.test",
    password: "Correct-Horse-Battery-9",
    confirm: "Correct-Horse-Battery-9",
  });
  const get = await s.app.request(`${ORIGIN}/auth/first-owner/${token}`);
  assert.equal(get.status, 200);
  await get.body?.cancel();
  const post = await s.app.request(`${ORIGIN}/auth/first-owner/${token}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  });
  assert.equal(post.status, 303);
  assert.equal(post.headers.get("location"), "/auth/enroll");
  const enroll = `__Host-custodian_enroll=${
    cookieValue(post, "__Host-custodian_enroll")
  }`;

  // Replay of the link: refused, whatever the method.
  const replay = await s.app.request(`${ORIGIN}/auth/first-owner/${token}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  });
  assert.equal(replay.status, 410);
  await replay.body?.cancel();

  const page = await s.app.request(`${ORIGIN}/auth/enroll`, {
    headers: { cookie: enroll },
  });
  const html = await page.text();
  const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)?.[1];
  assert.ok(secret, "the enrollment page shows the secret");
  const wrong = await s.app.request(`${ORIGIN}/auth/enroll`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      cookie: enroll,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: "code=000000",
  });
  assert.equal(wrong.status, 400);
  assert.ok(
    (await wrong.text()).includes(secret),
    "the same secret is shown again",
  );
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    .generate();
  const done = await s.app.request(`${ORIGIN}/auth/enroll`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      cookie: enroll,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: `code=${code}`,
  });
  assert.equal(done.status, 200);
  const codes = [...(await done.text()).matchAll(/<li><code>([^<]+)<\/code>/g)]
    .map((m) => m[1]);
  assert.equal(codes.length, 10);
  const session = cookieValue(done, "__Host-custodian_session");
  assert.ok(session);
  const home = await s.app.request("/", {
    headers: { cookie: `__Host-custodian_session=${session}` },
  });
  assert.equal(home.status, 200);
  assert.match(await home.text(), /Mei Chen/);
  const [owner] = await ownerOf(s.t.db).select().from(staffUsers);
  assert.equal(owner.role, "owner");
  assert.equal(owner.status, "active");
  assert.equal(owner.mfaAssurance, "totp");

  // Sign in again with password and a recovery code, which then is used up.
  const signIn = (codeValue: string) =>
    s.app.request(`${ORIGIN}/auth/local`, {
      method: "POST",
      headers: {
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        email: "mei.chen@example.test",
        password: "Correct-Horse-Battery-9",
        code: codeValue,
      }).toString(),
    });
  const first = await signIn(codes[0]);
  assert.equal(first.status, 303);
  const second = await signIn(codes[0]);
  assert.equal(second.status, 401);
  await second.body?.cancel();
});

Deno.test(`first owner (${testEngine}): a used, unknown or expired link is refused and audited`, async () => {
  await using s = await openTestApp();
  const res = await s.app.request(
    `${ORIGIN}/auth/first-owner/${"ab".repeat(32)}`,
  );
  assert.equal(res.status, 410);
  await res.body?.cancel();
  assert.deepEqual((await auditActions(s)).at(-1), {
    action: "auth.first_owner.refused",
    outcome: "denied",
  });
});

Deno.test(`local sign-in (${testEngine}): repeated failures lock the account out, shared through KV`, async () => {
  await using s = await openTestApp({ SIGNIN_MAX_FAILURES: "3" });
  const attempt = () =>
    s.app.request(`${ORIGIN}/auth/local`, {
      method: "POST",
      headers: {
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "email=nobody%40example.test&password=wrong-password-1&code=123456",
    });
  for (let i = 0; i < 3; i++) {
    const r = await attempt();
    assert.equal(r.status, 401);
    await r.body?.cancel();
  }
  const locked = await attempt();
  assert.equal(locked.status, 429);
  assert.match(await locked.text(), /Too many failed attempts/);
  const actions = (await auditActions(s)).map((a) => a.action);
  assert.deepEqual(actions.slice(-4), [
    "auth.signin.failed",
    "auth.signin.failed",
    "auth.signin.failed",
    "auth.signin.locked",
  ]);
});
