// Amazon app credentials in the portal: registered and rotated by admins,
// never shown again, deadlines on the dashboard.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore } from "../_helpers/staff.ts";
import { stores } from "../../db/schema.ts";
import { eq } from "drizzle-orm";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { rowsOf } from "../../db/client.ts";

const ORIGIN = "http://127.0.0.1:8000";
const CANARY_ID = "amzn1.application-oa2-client.canaryappsfake1";
const CANARY_SECRET = "amzn1.oa2-cs.v1.canaryappsfakesecret1";
const CANARY_SECRET2 = "amzn1.oa2-cs.v1.canaryappsfakesecret2";

Deno.test(`amazon apps (${testEngine}): register and rotate; values never come back; deadlines warn`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const post = (path: string, form: Record<string, string>) =>
    s.app.request(`${ORIGIN}${path}`, {
      method: "POST",
      headers: {
        cookie: admin.cookie,
        origin: ORIGIN,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams(form).toString(),
    });
  const issued = new Date(Date.now() - 160 * 86_400_000).toISOString().slice(
    0,
    10,
  );

  const bad = await post("/admin/amazon-apps", {
    api: "sp-api",
    name: "Custodian",
    clientId: CANARY_ID,
    clientSecret: "hunter2-canary-not-a-secret",
    secretIssuedAt: issued,
  });
  assert.equal(bad.status, 400);
  const badHtml = await bad.text();
  assert.match(badHtml, /LWA client secret: it looks like amzn1\.oa2-cs\.v1/);
  assert.doesNotMatch(badHtml, /hunter2|canaryappsfake1/, "no value is echoed");

  const ok = await post("/admin/amazon-apps", {
    api: "sp-api",
    name: "Custodian",
    clientId: CANARY_ID,
    clientSecret: CANARY_SECRET,
    secretIssuedAt: issued,
    draft: "on",
  });
  assert.equal(ok.status, 303);
  const list = await (await s.app.request(`${ORIGIN}/admin/amazon-apps`, {
    headers: { cookie: admin.cookie },
  })).text();
  assert.match(list, /Custodian/);
  assert.doesNotMatch(list, /canaryapps/);
  const appId = /\/admin\/amazon-apps\/([0-9a-f-]{36})\/rotate/.exec(list)![1];

  const dashboard = await (await s.app.request(`${ORIGIN}/`, {
    headers: { cookie: admin.cookie },
  })).text();
  assert.match(dashboard, /Credential deadlines/);
  assert.match(dashboard, /Client secret expires/);

  const rotated = await post(`/admin/amazon-apps/${appId}/rotate`, {
    clientSecret: CANARY_SECRET2,
    secretIssuedAt: new Date().toISOString().slice(0, 10),
  });
  assert.equal(rotated.status, 303);
  const after = await (await s.app.request(`${ORIGIN}/admin/amazon-apps`, {
    headers: { cookie: admin.cookie },
  })).text();
  assert.match(after, /previous secret kept until the new one works/);
  assert.doesNotMatch(after, /canaryapps/);

  // Nowhere in the database, the audit trail or the logs in clear.
  const dump = JSON.stringify(rowsOf(
    await ownerOf(s.t.db).execute(sql`select
      (select json_agg(a) from amazon_apps a) as apps,
      (select json_agg(e) from audit_events e) as audit`),
  ));
  assert.doesNotMatch(dump, /canaryapps/);
  assert.match(dump, /credentials\.secret\.rotate/);
  assert.ok(s.logs.every((l) => !l.includes("canaryapps")));
});

Deno.test(`dashboard (${testEngine}): admins see stores whose authorization was revoked in Amazon`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const id = await makeStore(s, "Revoked shop");
  await ownerOf(s.t.db).update(stores).set({ status: "revoked" }).where(
    eq(stores.id, id),
  );
  const html = await (await s.app.request(`${ORIGIN}/`, {
    headers: { cookie: admin.cookie },
  })).text();
  assert.match(html, /revoked our authorization/);
  assert.match(html, /Revoked shop/);
});
