// Screens that say the truth (issue #13): invitations nobody could sign in
// with are refused, "Last used" is right after a grant, the store switcher
// shows only when there is a choice, the disconnection records are a page,
// the disconnect form chooses nothing in advance, and error pages say what
// went wrong with the navigation kept.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { staffUsers, stores } from "../../db/schema.ts";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

const ORIGIN = "http://127.0.0.1:8000";

const get = (s: TestApp, who: TestStaff | null, path: string, more = {}) =>
  s.app.request(`${ORIGIN}${path}`, {
    headers: { ...(who ? { cookie: who.cookie } : {}), ...more },
  });
const post = (
  s: TestApp,
  who: TestStaff,
  path: string,
  body: Record<string, string | string[]>,
) => {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
  }
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      cookie: who.cookie,
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  });
};

Deno.test(`invitations (${testEngine}): without a sign-in provider, single sign-on is refused with the reason; a local account says it signs in with a setup link`, async () => {
  await using s = await openTestApp();
  const admin = await makeStaff(s, "admin");
  const owner = await makeStaff(s, "owner");

  // The admin is told before trying, and refused when trying.
  let html = await (await get(s, admin, "/users/invite")).text();
  assert.match(html, /id="no-sso"/);
  assert.match(html, /No single sign-on provider is configured/);
  const refused = await post(s, admin, "/users/invite", {
    displayName: "Li Wei",
    email: "li.wei@example.com",
    role: "viewer",
    kind: "sso",
    confirm: "yes",
  });
  assert.equal(refused.status, 409);
  html = await refused.text();
  assert.match(html, /could not sign in\. Nothing was changed/);
  assert.match(html, /value="li\.wei@example\.com"/, "the form keeps input");
  const none = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.email, "li.wei@example.com"),
  );
  assert.equal(none.length, 0);

  // The owner's form offers the local account, already chosen, and says
  // what a break-glass account is.
  html = await (await get(s, owner, "/users/invite")).text();
  assert.match(
    html,
    /<input type="radio" name="kind" value="sso"\s+disabled>Single sign-on \(no provider is configured\)/,
  );
  assert.match(html, /<input type="radio" name="kind" value="local" checked>/);
  assert.match(html, /A break-glass account is for emergencies/);
  const ask = await post(s, owner, "/users/invite", {
    displayName: "Li Wei",
    email: "li.wei@example.com",
    role: "viewer",
    kind: "local",
  });
  assert.equal(ask.status, 200);
  html = await ask.text();
  assert.match(
    html,
    /Create a break-glass local account for Li Wei &lt;li\.wei@example\.com&gt; as Viewer\? Next you get a one-time setup link/,
  );
  assert.doesNotMatch(html, /They sign in with single sign-on/);

  // In Chinese too.
  html = await (await get(s, owner, "/users/invite", {
    "accept-language": "zh-CN",
  })).text();
  assert.match(html, /尚未配置单点登录提供方/);
  assert.match(html, /应急账户用于单点登录不可用时的紧急情况/);
});

Deno.test(`last used (${testEngine}): a grant used right after it was made is not "Never"`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const admin = await makeStaff(s, "admin");
  const person = await makeStaff(s, "viewer", { storeIds: [a] });
  await (await get(s, person, "/")).text(); // today's first request
  const grant = await post(s, admin, `/users/${person.id}/grant`, {
    storeId: b,
    confirm: "yes",
  });
  assert.equal(grant.status, 303);
  await (await get(s, person, `/stores/${b}`)).text(); // uses the new grant
  const html = await (await get(s, admin, `/users/${person.id}`)).text();
  const today = new Date().toISOString().slice(0, 10);
  const row = html.match(/<th scope="row">Store B<\/th>.*?<\/tr>/s)![0];
  assert.doesNotMatch(row, /Never/);
  // Recorded once a day, so shown as the day (not a minute it cannot know).
  assert.match(
    row,
    new RegExp(
      `<time datetime="[^"]+" title="The day \\(UTC\\)[^"]*">${today}<`,
    ),
  );
});

Deno.test(`store switcher (${testEngine}): hidden with one store and on public pages, a list of links with two`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const one = await makeStaff(s, "viewer", { storeIds: [a] });
  const two = await makeStaff(s, "viewer", { storeIds: [a, b] });
  let html = await (await get(s, one, "/")).text();
  assert.doesNotMatch(html, /store-switcher|name="store"/);
  html = await (await get(s, null, "/auth/signin")).text();
  assert.doesNotMatch(html, /store-switcher|name="store"/);
  html = await (await get(s, two, "/auth/signin")).text();
  assert.doesNotMatch(html, /store-switcher/, "a public page, even signed in");
  // Two stores: a GET form that keeps the path; on a store's own page the
  // store is the one selected and the choice opens the dashboard.
  html = await (await get(s, two, `/stores/${b}`)).text();
  const switcher = html.match(
    /<form method="get" action="\/" class="store-switcher" id="store-switcher">.*?<\/form>/s,
  )![0];
  assert.match(switcher, /<select name="store" aria-label="Store shown">/);
  assert.match(switcher, /<option value="" >All my stores<\/option>/);
  assert.match(switcher, new RegExp(`<option value="${a}" >Store A`));
  assert.match(switcher, new RegExp(`<option value="${b}" selected>Store B`));
  assert.doesNotMatch(switcher, /disabled/);
});

Deno.test(`store pages (${testEngine}): disconnection records are a page unless htmx asks; the disconnect form chooses nothing in advance`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  await ownerOf(s.t.db).update(stores).set({ status: "connected" }).where(
    eq(stores.id, a),
  );
  const admin = await makeStaff(s, "admin");
  let res = await get(s, admin, `/stores/${a}/disconnections`);
  assert.equal(res.status, 200);
  let html = await res.text();
  assert.ok(html.startsWith("<!DOCTYPE html>"));
  assert.match(html, /<nav class="sidenav" aria-label="Main navigation">/);
  assert.match(html, /This store has never been disconnected\./);
  res = await get(s, admin, `/stores/${a}/disconnections`, {
    "hx-request": "true",
  });
  html = await res.text();
  assert.match(html, /^<section id="disconnections">/);
  assert.equal(res.headers.get("vary"), "HX-Request");

  // The store page offers Disconnect for a connected store; the form then
  // makes every choice explicit (API logs have only one: kept).
  html = await (await get(s, admin, `/stores/${a}`)).text();
  assert.match(html, /Disconnect this store/);
  assert.doesNotMatch(html, /<code>(inventory_snapshots|sync_runs)<\/code>/);
  assert.match(html, /<th scope="row">FBA inventory<\/th>/);
  html = await (await get(s, admin, `/stores/${a}/disconnect`)).text();
  const checked = [
    ...html.matchAll(/name="(\w+)" value="(\w+)" required checked/g),
  ]
    .map((m) => `${m[1]}=${m[2]}`);
  assert.deepEqual(checked, ["api_logs=keep"]);
  assert.match(html, /Keep until its retention rule/);
  assert.match(
    html,
    /deleted automatically when the Data Policy&#39;s retention rule/,
  );
  assert.doesNotMatch(html, /inventory_snapshots|ad_metrics_daily/);
});

Deno.test(`error pages (${testEngine}): 403 names the missing permission, 404 keeps the navigation, titles name the portal once`, async () => {
  await using s = await openTestApp();
  const viewer = await makeStaff(s, "viewer");
  let res = await get(s, viewer, "/audit");
  assert.equal(res.status, 403);
  let html = await res.text();
  assert.match(html, /<title>You do not have permission · Custodian<\/title>/);
  assert.match(
    html,
    /This is a permission problem: this page or action needs the permission “Read the audit trail and compliance pages” \(audit\.read\), which your role, Viewer, does not include\./,
  );
  res = await get(s, viewer, "/audit", { "accept-language": "zh-CN" });
  assert.match(
    await res.text(),
    /这是权限问题：此页面或操作需要权限“查看审计记录和合规页面”/,
  );

  res = await get(s, viewer, "/no/such/page");
  assert.equal(res.status, 404);
  html = await res.text();
  assert.match(html, /<title>Page not found · Custodian<\/title>/);
  assert.match(html, /<a href="\/stores" >Stores<\/a>/, "the navigation stays");
  assert.match(html, /Test viewer/, "and the user menu");
  res = await get(s, null, "/no/such/page");
  assert.doesNotMatch(await res.text(), /href="\/stores"/);

  html = await (await get(s, null, "/auth/first-owner/not-a-token")).text();
  assert.doesNotMatch(html, /Custodian · Custodian/);
});

Deno.test(`compliance (${testEngine}): the page is in the governance navigation of those who may read it, and a refusal names audit.read`, async () => {
  await using s = await openTestApp();
  const auditor = await makeStaff(s, "auditor");
  const viewer = await makeStaff(s, "viewer");
  const html = await (await get(s, auditor, "/audit")).text();
  assert.match(html, /<a href="\/compliance"[^>]*>Compliance<\/a>/);
  const page = await (await get(s, auditor, "/compliance")).text();
  assert.match(page, /<a href="\/compliance" aria-current="page">Compliance</);
  const refused = await get(s, viewer, "/compliance");
  assert.equal(refused.status, 403);
  const text = await refused.text();
  assert.match(text, /\(audit\.read\)/);
  assert.doesNotMatch(text, /href="\/compliance"/);
});

Deno.test(`data requests (${testEngine}): staff with requests.manage find them in the navigation; the public form has none and asks nothing of a session`, async () => {
  await using s = await openTestApp();
  const owner = await makeStaff(s, "owner");
  const support = await makeStaff(s, "support");
  let html = await (await get(s, owner, "/")).text();
  assert.match(html, /<a href="\/requests" >Data requests<\/a>/);
  html = await (await get(s, support, "/")).text();
  assert.doesNotMatch(html, /href="\/requests"/);
  const res = await get(s, null, "/request");
  assert.equal(res.status, 200);
  html = await res.text();
  assert.doesNotMatch(html, /class="sidenav"/);
  assert.match(html, /<form method="post" action="\/request" novalidate>/);
  assert.match(html, /<div class="hp" aria-hidden="true">/);
  html = await (await get(s, null, "/request", {
    "accept-language": "zh-CN",
  })).text();
  assert.match(html, /<h1>提交数据请求<\/h1>/);
});
