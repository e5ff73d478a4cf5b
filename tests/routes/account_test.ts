// Changing a local password through the portal: the current password must
// match, the policy applies, and not more than one change a day.
import assert from "node:assert/strict";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff } from "../_helpers/staff.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { setPassword } from "../../lib/security/local_accounts.ts";

const ORIGIN = "http://127.0.0.1:8000";

Deno.test(`account (${testEngine}): a local password changes once, then not again the same day`, async () => {
  await using s = await openTestApp();
  const user = await makeStaff(s, "owner", {
    kind: "local",
    email: "li.wei@example.test",
  });
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  await s.t.db.asUser(
    { userId: user.id, storeIds: [] },
    (tx) =>
      setPassword(tx, user.id, "First-Kettle-Pine-7", {
        email: user.email,
      }, twoDaysAgo),
  );
  const post = (body: Record<string, string>) =>
    s.app.request(`${ORIGIN}/account/password`, {
      method: "POST",
      headers: {
        origin: ORIGIN,
        cookie: user.cookie,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(body).toString(),
    });

  const wrong = await post({
    current: "Not-The-Password-1",
    password: "Second-Harbor-Moss-8",
    confirm: "Second-Harbor-Moss-8",
  });
  assert.equal(wrong.status, 400);
  assert.match(await wrong.text(), /current password is not right/);

  const weak = await post({
    current: "First-Kettle-Pine-7",
    password: "password",
    confirm: "password",
  });
  assert.equal(weak.status, 400);
  assert.match(await weak.text(), /at least 12 characters/i);

  const ok = await post({
    current: "First-Kettle-Pine-7",
    password: "Second-Harbor-Moss-8",
    confirm: "Second-Harbor-Moss-8",
  });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /Your password was changed/);

  const again = await post({
    current: "Second-Harbor-Moss-8",
    password: "Third-Quiet-River-9",
    confirm: "Third-Quiet-River-9",
  });
  assert.equal(again.status, 400);
  assert.match(await again.text(), /once a day|24 hours|day/i);
});

Deno.test(`account (${testEngine}): an SSO user is told the identity provider manages the password`, async () => {
  await using s = await openTestApp();
  const user = await makeStaff(s, "viewer");
  const res = await s.app.request("/account/password", {
    headers: { cookie: user.cookie },
  });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /identity provider manages your password/);
});
