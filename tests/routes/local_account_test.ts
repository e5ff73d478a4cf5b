// Break-glass local accounts created by an owner: a one-time setup link,
// password by the DPP rules, mandatory TOTP, then a normal session.
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { eq } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { staffUsers } from "../../db/schema.ts";

const ORIGIN = "http://127.0.0.1:8000";
const FORM = {
  "content-type": "application/x-www-form-urlencoded",
  origin: ORIGIN,
};

function cookieValue(res: Response, name: string): string | null {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    if (pair.slice(0, at) === name) return pair.slice(at + 1);
  }
  return null;
}

Deno.test(`local accounts (${testEngine}): an owner creates one; the setup link works once and ends in TOTP`, async () => {
  await using s = await openTestApp({ PUBLIC_URL: ORIGIN });
  const owner = await makeStaff(s, "owner");
  const invite = new URLSearchParams({
    displayName: "Break Glass",
    email: "break.glass@example.test",
    role: "admin",
    kind: "local",
    confirm: "yes",
  });
  const created = await s.app.request(`${ORIGIN}/users/invite`, {
    method: "POST",
    headers: { ...FORM, cookie: owner.cookie },
    body: invite.toString(),
  });
  assert.equal(created.status, 200);
  const html = await created.text();
  const link = /data-testid="setup-link">([^<]+)</.exec(html)?.[1] ?? "";
  assert.ok(
    link.startsWith(`${ORIGIN}/auth/setup/`),
    "the link is shown once",
  );
  const [user] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.email, "break.glass@example.test"),
  );
  assert.equal(user.kind, "local");
  assert.equal(user.status, "invited");

  const form = await s.app.request(link);
  assert.equal(form.status, 200);
  assert.match(await form.text(), /break\.glass@example\.test/);
  const weak = await s.app.request(link, {
    method: "POST",
    headers: FORM,
    body: "password=short&confirm=short",
  });
  assert.equal(weak.status, 400);
  await weak.body?.cancel();
  const set = await s.app.request(link, {
    method: "POST",
    headers: FORM,
    body: "password=Harbor-Quiet-Moss-42&confirm=Harbor-Quiet-Moss-42",
  });
  assert.equal(set.status, 303);
  assert.equal(set.headers.get("location"), "/auth/enroll");
  const replay = await s.app.request(link);
  assert.equal(replay.status, 410, "the link works once");
  await replay.body?.cancel();

  const enroll = `__Host-custodian_enroll=${
    cookieValue(set, "__Host-custodian_enroll")
  }`;
  const page = await (await s.app.request(`${ORIGIN}/auth/enroll`, {
    headers: { cookie: enroll },
  })).text();
  const secret = /data-testid="totp-secret">([A-Z2-7]+)</.exec(page)![1];
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    .generate();
  const done = await s.app.request(`${ORIGIN}/auth/enroll`, {
    method: "POST",
    headers: { ...FORM, cookie: enroll },
    body: `code=${code}`,
  });
  assert.equal(done.status, 200);
  await done.body?.cancel();
  const [active] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, user.id),
  );
  assert.equal(active.status, "active");
  assert.equal(active.mfaAssurance, "totp");
});

Deno.test(`local accounts (${testEngine}): only an owner may create one`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const res = await s.app.request(`${ORIGIN}/users/invite`, {
    method: "POST",
    headers: { ...FORM, cookie: admin.cookie },
    body: new URLSearchParams({
      displayName: "Sneaky",
      email: "sneaky.person@example.test",
      role: "viewer",
      kind: "local",
      confirm: "yes",
    }).toString(),
  });
  assert.equal(res.status, 403);
  assert.match(
    await res.text(),
    /Only an owner may create a break-glass local account/,
  );
  const users = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.email, "sneaky.person@example.test"),
  );
  assert.equal(users.length, 0);
});
