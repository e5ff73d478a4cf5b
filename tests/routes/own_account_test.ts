// The account page (issue #13): new recovery codes, a new authenticator,
// one's own sessions, one's time zone; and the enrolment's QR code and
// recovery-code download.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import * as OTPAuth from "otpauth";
import { auditEvents, staffUsers } from "../../db/schema.ts";
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  setPassword,
  verifyLocalSignIn,
} from "../../lib/security/local_accounts.ts";
import {
  createSession,
  listUserSessions,
} from "../../lib/security/sessions.ts";
import { issueFirstOwnerToken } from "../../lib/security/staff.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import {
  makeStaff,
  SESSION_POLICY,
  type TestStaff,
} from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";
const PASSWORD = "First-Kettle-Pine-7";
const anyStep = { claim: () => Promise.resolve(true) };

/** A code of `base32` for now plus `steps` × 30 s. */
function codeOf(base32: string, steps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(base32) })
    .generate({ timestamp: Date.now() + steps * 30_000 });
}

/** A local owner with a password and a confirmed authenticator. */
async function localOwner(s: TestApp) {
  const user = await makeStaff(s, "owner", { kind: "local" });
  const as = { userId: user.id, storeIds: [] };
  const secret = await s.t.db.asUser(as, async (tx) => {
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await setPassword(tx, user.id, PASSWORD, { email: user.email }, twoDaysAgo);
    return await beginTotpEnrollment(tx, s.vault, user.id, user.email);
  });
  const confirmed = await s.t.db.asUser(as, (tx) =>
    confirmTotpEnrollment(
      tx,
      s.vault,
      user.id,
      codeOf(secret.base32),
      new Date(),
      anyStep,
    ));
  assert.ok(confirmed.ok);
  return { ...user, base32: secret.base32, codes: confirmed.recoveryCodes };
}

function post(
  s: TestApp,
  user: { cookie: string },
  path: string,
  body: Record<string, string> | URLSearchParams = {},
) {
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      cookie: user.cookie,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(body).toString(),
  });
}

const get = (s: TestApp, user: { cookie: string }, path: string) =>
  s.app.request(`${ORIGIN}${path}`, { headers: { cookie: user.cookie } });

/** Whether a recovery code still signs `user` in (with the password). */
async function recoveryCodeWorks(
  s: TestApp,
  user: { id: string },
  code: string,
): Promise<boolean> {
  const r = await s.t.db.asUser(
    { userId: user.id, storeIds: [] },
    (tx) =>
      verifyLocalSignIn(
        tx,
        s.vault,
        user.id,
        PASSWORD,
        { recoveryCode: code },
        new Date(),
        anyStep,
      ),
  );
  return r.ok;
}

/** Whether a TOTP code (replay aside) signs `user` in with the password. */
async function totpSignsIn(
  s: TestApp,
  user: { id: string },
  totp: string,
): Promise<boolean> {
  const r = await s.t.db.asUser(
    { userId: user.id, storeIds: [] },
    (tx) =>
      verifyLocalSignIn(
        tx,
        s.vault,
        user.id,
        PASSWORD,
        { totp },
        new Date(),
        anyStep,
      ),
  );
  return r.ok;
}

async function auditActions(s: TestApp, userId: string) {
  const rows = await ownerOf(s.t.db).select({
    action: auditEvents.action,
    outcome: auditEvents.outcome,
  }).from(auditEvents).where(eq(auditEvents.actorId, userId));
  return rows.map((r) => `${r.action}:${r.outcome}`);
}

Deno.test(`own account (${testEngine}): the enrolment shows a QR code of the otpauth URI beside the secret, and recovery codes download as a no-store text file`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const token = await issueFirstOwnerToken(s.kv);
  const created = await s.app.request(`${ORIGIN}/auth/first-owner/${token}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      displayName: "Mei Chen",
      email: "mei.chen@example.test",
      password: "Correct-Horse-Battery-9",
      confirm: "Correct-Horse-Battery-9",
    }).toString(),
  });
  assert.equal(created.status, 303);
  const enrollCookie = created.headers.get("set-cookie")!.split(";")[0];
  const page = await s.app.request(`${ORIGIN}/auth/enroll`, {
    headers: { cookie: enrollCookie },
  });
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("cache-control"), "no-store");
  const html = await page.text();
  const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)![1];
  assert.match(
    html,
    /<div class="qr" role="img" aria-label="[^"]+" data-testid="totp-qr"><svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+"[^>]*><path/,
  );
  const uri = /href="(otpauth:\/\/totp\/[^"]+)"/.exec(html)![1]
    .replaceAll("&amp;", "&");
  assert.match(uri, new RegExp(`secret=${secret}(&|$)`));
  // The QR code is drawn from that very URI (qrcode is deterministic).
  const QRCode = (await import("qrcode")).default;
  const expected = await QRCode.toString(uri, {
    type: "svg",
    errorCorrectionLevel: "M",
    margin: 2,
  });
  assert.ok(html.includes(expected));

  const confirmed = await s.app.request(`${ORIGIN}/auth/enroll`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      cookie: enrollCookie,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ code: codeOf(secret) }).toString(),
  });
  assert.equal(confirmed.status, 200);
  const codesPage = await confirmed.text();
  const codes = [...codesPage.matchAll(/<li><code>([a-z2-9-]{14})<\/code>/g)]
    .map((m) => m[1]);
  assert.equal(codes.length, 10);
  assert.match(codesPage, /data-copy="recovery-codes"/);
  assert.match(codesPage, /action="\/account\/recovery-codes.txt"/);
  const session =
    confirmed.headers.getSetCookie().find((c) =>
      c.startsWith("__Host-custodian_session=")
    )!.split(";")[0];

  const body = new URLSearchParams();
  for (const c of codes) body.append("code", c);
  const file = await post(
    s,
    { cookie: session },
    "/account/recovery-codes.txt",
    body,
  );
  assert.equal(file.status, 200);
  assert.equal(file.headers.get("cache-control"), "no-store");
  assert.match(file.headers.get("content-type")!, /^text\/plain/);
  assert.match(
    file.headers.get("content-disposition")!,
    /^attachment; filename="custodian-recovery-codes.txt"$/,
  );
  const text = await file.text();
  for (const c of codes) assert.ok(text.includes(c));
  // Signed in only, and only recovery codes are echoed.
  const anonymous = await post(
    s,
    { cookie: "" },
    "/account/recovery-codes.txt",
    body,
  );
  assert.notEqual(anonymous.status, 200);
  const junk = await post(
    s,
    { cookie: session },
    "/account/recovery-codes.txt",
    {
      code: "<script>",
    },
  );
  assert.equal(junk.status, 400);
  // No recovery code in any log line.
  for (const c of codes) {
    assert.ok(!s.logs.some((l) => l.includes(c)), "a code was logged");
  }
});

Deno.test(`own account (${testEngine}): new recovery codes need the password or a current code, and void the old ones at once`, async () => {
  await using s = await openTestApp();
  const user = await localOwner(s);

  const page = await get(s, user, "/account");
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Create new recovery codes/);

  const none = await post(s, user, "/account/recovery-codes", {});
  assert.equal(none.status, 400);
  assert.match(await none.text(), /Enter your password or a current code/);
  const wrong = await post(s, user, "/account/recovery-codes", {
    password: "Not-The-Password-1",
  });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /password or code is not right/);
  const badCode = await post(s, user, "/account/recovery-codes", {
    code: "000000" === codeOf(user.base32) ? "111111" : "000000",
  });
  assert.equal(badCode.status, 400);
  assert.ok(await recoveryCodeWorks(s, user, user.codes[0]));

  const byPassword = await post(s, user, "/account/recovery-codes", {
    password: PASSWORD,
  });
  assert.equal(byPassword.status, 200);
  assert.equal(byPassword.headers.get("cache-control"), "no-store");
  const html = await byPassword.text();
  const fresh = [...html.matchAll(/<li><code>([a-z2-9-]{14})<\/code>/g)]
    .map((m) => m[1]);
  assert.equal(fresh.length, 10);
  // The old codes are void at once; the new ones work.
  assert.equal(await recoveryCodeWorks(s, user, user.codes[1]), false);
  assert.ok(await recoveryCodeWorks(s, user, fresh[0]));

  const byCode = await post(s, user, "/account/recovery-codes", {
    code: codeOf(user.base32),
  });
  assert.equal(byCode.status, 200);
  assert.equal(await recoveryCodeWorks(s, user, fresh[1]), false);
  // The same code again: used up.
  const reused = await post(s, user, "/account/recovery-codes", {
    code: codeOf(user.base32),
  });
  assert.equal(reused.status, 400);

  const audited = await auditActions(s, user.id);
  assert.equal(
    audited.filter((a) => a === "account.recovery_codes.regenerate:success")
      .length,
    2,
  );
  assert.ok(audited.includes("account.recovery_codes.regenerate:failure"));
});

Deno.test(`own account (${testEngine}): the authenticator is replaced only with the password and a current code, then a code of the new one`, async () => {
  await using s = await openTestApp();
  const user = await localOwner(s);
  const refused = async (body: Record<string, string>) => {
    const res = await post(s, user, "/account/authenticator", body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(await res.text(), /both needed, and both must be right/);
  };
  await refused({ code: codeOf(user.base32) });
  await refused({ password: PASSWORD });
  await refused({ password: "Not-The-Password-1", code: codeOf(user.base32) });
  await refused({
    password: PASSWORD,
    code: codeOf(user.base32) === "123456" ? "654321" : "123456",
  });
  // Nothing pending: the new-authenticator page sends back.
  const early = await get(s, user, "/account/authenticator");
  assert.equal(early.status, 303);

  const started = await post(s, user, "/account/authenticator", {
    password: PASSWORD,
    code: codeOf(user.base32),
  });
  assert.equal(started.status, 303);
  assert.equal(started.headers.get("location"), "/account/authenticator");
  const page = await get(s, user, "/account/authenticator");
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("cache-control"), "no-store");
  const html = await page.text();
  assert.match(html, /data-testid="totp-qr"><svg /);
  const next = /data-testid="totp-secret">([A-Z2-7]+)</.exec(html)![1];
  assert.notEqual(next, user.base32);

  // Until confirmed, the old authenticator is the one in force.
  const oldStillWorks = await post(s, user, "/account/recovery-codes", {
    code: codeOf(user.base32, 1),
  });
  assert.equal(oldStillWorks.status, 200);
  // A code of the old app does not confirm the new one.
  const wrongApp = await post(s, user, "/account/authenticator/confirm", {
    code: codeOf(user.base32) === codeOf(next) ? "000000" : codeOf(user.base32),
  });
  assert.equal(wrongApp.status, 400);
  assert.match(await wrongApp.text(), /not from the new authenticator/);

  const other = await createSession(s.kv, SESSION_POLICY, { userId: user.id });
  const done = await post(s, user, "/account/authenticator/confirm", {
    code: codeOf(next),
  });
  assert.equal(done.status, 200);
  const codes = [...(await done.text()).matchAll(/<li><code>([a-z2-9-]{14})/g)];
  assert.equal(codes.length, 10);
  // The other session ended; this one goes on.
  const otherReq = await get(
    s,
    { cookie: `__Host-custodian_session=${other}` },
    "/",
  );
  assert.equal(otherReq.status, 303);
  assert.equal((await get(s, user, "/account")).status, 200);

  // Now the old authenticator is refused, the new one accepted.
  const oldCode = await post(s, user, "/account/authenticator", {
    password: PASSWORD,
    code: codeOf(user.base32, 1),
  });
  assert.equal(oldCode.status, 400);
  assert.equal(await totpSignsIn(s, user, codeOf(user.base32)), false);
  assert.ok(await totpSignsIn(s, user, codeOf(next)));

  const audited = await auditActions(s, user.id);
  assert.ok(audited.includes("account.mfa.reset:success"));
  assert.ok(audited.includes("account.mfa.reset:failure"));
  assert.ok(audited.includes("account.mfa.reset_started:success"));
});

/** A second session of `user`'s, as a cookie. */
async function anotherSession(s: TestApp, user: TestStaff) {
  const id = await createSession(s.kv, SESSION_POLICY, {
    userId: user.id,
    ip: "198.51.100.7",
    userAgent:
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36",
  });
  return { id, cookie: `__Host-custodian_session=${id}` };
}

Deno.test(`own account (${testEngine}): one's own sessions are listed and each other one can be signed out; another user's never`, async () => {
  await using s = await openTestApp();
  const me = await makeStaff(s, "viewer");
  const phone = await anotherSession(s, me);
  const laptop = await anotherSession(s, me);
  const someone = await makeStaff(s, "viewer");
  const theirs = await anotherSession(s, someone);

  const html = await (await get(s, me, "/account")).text();
  const rows = [...html.matchAll(/<tr data-session="(current|other)"/g)].map(
    (m) => m[1],
  );
  assert.deepEqual(rows.sort(), ["current", "other", "other"]);
  assert.match(html, /This session/);
  assert.match(html, /Chrome · Windows/);
  assert.match(html, /198\.51\.100\.7/);
  const refs = [
    ...html.matchAll(/action="\/account\/sessions\/([0-9a-f]{32})\/signout"/g),
  ]
    .map((m) => m[1]);
  assert.equal(refs.length, 2);

  // Another user's session, by its handle: nothing happens to it.
  const [theirRef] = (await listUserSessions(
    s.kv,
    SESSION_POLICY,
    someone.id,
    null,
  )).filter((x) => x.ip === "198.51.100.7").map((x) => x.ref);
  const cross = await post(s, me, `/account/sessions/${theirRef}/signout`);
  assert.equal(cross.status, 303);
  assert.equal(cross.headers.get("location"), "/account?done=session_gone");
  assert.equal((await get(s, theirs, "/")).status, 200);
  // Nor this session by the same route.
  const mine = await listUserSessions(s.kv, SESSION_POLICY, me.id, null);
  assert.equal(mine.length, 3);

  const one = await post(s, me, `/account/sessions/${refs[0]}/signout`);
  assert.equal(one.headers.get("location"), "/account?done=session_ended");
  const statuses = [
    (await get(s, phone, "/")).status,
    (await get(s, laptop, "/")).status,
  ].sort();
  assert.deepEqual(statuses, [200, 303]);
  const ended = await get(s, me, "/account?done=session_ended");
  assert.match(await ended.text(), /That session was signed out/);

  const rest = await post(s, me, "/account/sessions/signout-others");
  assert.equal(
    rest.headers.get("location"),
    "/account?done=others_ended&count=1",
  );
  assert.equal((await get(s, phone, "/")).status, 303);
  assert.equal((await get(s, laptop, "/")).status, 303);
  assert.equal((await get(s, me, "/")).status, 200);
  assert.equal((await get(s, theirs, "/")).status, 200);

  const audited = await auditActions(s, me.id);
  assert.ok(audited.includes("account.session.signout:success"));
  assert.ok(audited.includes("account.session.signout:failure"));
  assert.ok(audited.includes("account.session.signout_others:success"));
});

Deno.test(`own account (${testEngine}): the time zone is saved, an unknown one refused, and times shown in it with UTC on hover`, async () => {
  await using s = await openTestApp();
  const me = await makeStaff(s, "viewer");
  const before = await (await get(s, me, "/account")).text();
  assert.match(before, /<option value="" selected>Default \(UTC\)/);
  assert.match(before, /<time datetime="[^"]+Z" title="[^"]+ UTC">[^<]+ UTC</);

  const bad = await post(s, me, "/account/time-zone", {
    timeZone: "Mars/Olympus_Mons",
  });
  assert.equal(bad.status, 400);
  const badHtml = await bad.text();
  assert.match(badHtml, /Choose a time zone from the list/);
  assert.match(badHtml, /aria-invalid="true"/);
  const [row0] = await ownerOf(s.t.db).select({ tz: staffUsers.timeZone })
    .from(staffUsers).where(eq(staffUsers.id, me.id));
  assert.equal(row0.tz, null);

  const ok = await post(s, me, "/account/time-zone", {
    timeZone: "Asia/Shanghai",
  });
  assert.equal(ok.status, 303);
  const [row] = await ownerOf(s.t.db).select({ tz: staffUsers.timeZone })
    .from(staffUsers).where(eq(staffUsers.id, me.id));
  assert.equal(row.tz, "Asia/Shanghai");
  const after = await (await get(s, me, "/account?done=tz_saved")).text();
  assert.match(after, /Your time zone is now Asia\/Shanghai/);
  assert.match(after, /<option value="Asia\/Shanghai" selected>/);
  const m = /<time datetime="([^"]+)" title="([^"]+)">([^<]+)<\/time>/.exec(
    after,
  )!;
  const at = new Date(m[1]);
  assert.ok(m[1].endsWith("Z"));
  assert.equal(m[2], `${at.toISOString().replace("T", " ").slice(0, 19)} UTC`);
  const local = new Date(at.getTime() + 8 * 3_600_000).toISOString();
  assert.equal(m[3], `${local.slice(0, 10)} ${local.slice(11, 16)} UTC+8`);

  // Back to the default.
  const reset = await post(s, me, "/account/time-zone", { timeZone: "" });
  assert.equal(reset.status, 303);
  const [row2] = await ownerOf(s.t.db).select({ tz: staffUsers.timeZone })
    .from(staffUsers).where(eq(staffUsers.id, me.id));
  assert.equal(row2.tz, null);
});
