// The Users and access review pages through the app: every change is
// confirmed first (an unconfirmed POST changes nothing), bad input is a 400
// that changes nothing, a viewer is refused everywhere, CSRF applies.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import {
  accessReviewItems,
  accessReviews,
  staffUsers,
  storeGrants,
} from "../../db/schema.ts";
import { ROUTE_ACCESS } from "../../routes/route_access.ts";
import { usersMessages } from "../../views/users/messages.ts";
import { ReviewReminder } from "../../views/users/review_reminder.tsx";

const ORIGIN = "http://127.0.0.1:8000";

/** Single sign-on configured: invitations to it can be signed in with. */
async function openUsersApp(): Promise<TestApp> {
  return await openTestApp({
    GOOGLE_CLIENT_ID: "fake-google-client",
    GOOGLE_CLIENT_SECRET: "fake-google-secret",
  });
}

function get(s: TestApp, who: TestStaff | null, path: string, more = {}) {
  return s.app.request(`${ORIGIN}${path}`, {
    headers: { ...(who ? { cookie: who.cookie } : {}), ...more },
  });
}

function post(
  s: TestApp,
  who: TestStaff | null,
  path: string,
  form: Record<string, string | string[]> = {},
  headers: Record<string, string> = {},
) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) {
    for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
  }
  return s.app.request(`${ORIGIN}${path}`, {
    method: "POST",
    headers: {
      origin: ORIGIN,
      "content-type": "application/x-www-form-urlencoded",
      ...(who ? { cookie: who.cookie } : {}),
      ...headers,
    },
    body: body.toString(),
  });
}

async function userRow(s: TestApp, id: string) {
  const [u] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, id),
  );
  return u;
}

/** The hidden fields of the confirmation form, as the browser would send them. */
function confirmFields(html: string): Record<string, string[]> {
  const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/
    .exec(html.slice(html.indexOf('id="confirm-title"')));
  assert.ok(form, "a confirmation form");
  const fields: Record<string, string[]> = {};
  for (
    const m of form[2].matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
    )
  ) {
    (fields[m[1]] ??= []).push(
      m[2].replaceAll("&amp;", "&").replaceAll("&quot;", '"'),
    );
  }
  return { ...fields, __action: [form[1]] };
}

Deno.test(`users routes (${testEngine}): a viewer is refused every users and access review route`, async () => {
  await using s = await openUsersApp();
  const viewer = await makeStaff(s, "viewer");
  const target = await makeStaff(s, "viewer");
  const usersRoutes = Object.keys(ROUTE_ACCESS).filter((r) =>
    / \/(users|access-review)\b/.test(r)
  );
  assert.equal(usersRoutes.length, 15);
  for (const route of usersRoutes) {
    const [method, pattern] = route.split(" ");
    const path = pattern.replace(":id", target.id).replace(":itemId", "1");
    const res = method === "GET"
      ? await get(s, viewer, path)
      : await post(s, viewer, path, { confirm: "yes", decision: "revoke" });
    await res.body?.cancel();
    assert.equal(res.status, 403, route);
  }
  assert.equal((await userRow(s, target.id)).status, "active");
});

Deno.test(`users routes (${testEngine}): anonymous GETs go to sign-in; anonymous POSTs are 401`, async () => {
  await using s = await openUsersApp();
  const res = await get(s, null, "/users");
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location")!, /^\/auth\/signin\?next=%2Fusers/);
  const p = await post(s, null, "/access-review/start", { confirm: "yes" });
  assert.equal(p.status, 401);
  await p.body?.cancel();
});

Deno.test(`users routes (${testEngine}): GET /users lists, sorts, filters, and answers HTMX with the table alone`, async () => {
  await using s = await openUsersApp();
  const a = await makeStore(s, "Store A");
  const admin = await makeStaff(s, "admin", { email: "boss@example.test" });
  await makeStaff(s, "finance", {
    email: "money@example.test",
    storeIds: [a],
  });
  await makeStaff(s, "viewer", {
    email: "gone@example.test",
    status: "disabled",
  });
  const res = await get(s, admin, "/users");
  assert.equal(res.status, 200);
  const html = await res.text();
  assert.match(html, /<html/);
  assert.match(html, /money@example\.test/);
  assert.match(html, /Store A/);
  assert.match(html, /id="users-table"/);
  assert.match(html, /aria-sort="ascending"/);
  assert.match(html, /action="\/users\/[0-9a-f-]{36}\/disable"/);
  assert.match(html, /action="\/users\/[0-9a-f-]{36}\/enable"/);

  const filtered = await (await get(s, admin, "/users?status=disabled"))
    .text();
  assert.match(filtered, /gone@example\.test/);
  assert.doesNotMatch(filtered, /money@example\.test/);

  const fragment = await get(s, admin, "/users?sort=role&dir=desc", {
    "hx-request": "true",
    "hx-target": "users-table",
  });
  const part = await fragment.text();
  assert.doesNotMatch(part, /<html/);
  assert.match(part, /^<div id="users-table">/);
  assert.match(part, /aria-sort="descending"/);

  const empty = await (await get(s, admin, "/users?q=nobody-like-this"))
    .text();
  assert.match(empty, /No user matches these filters\./);

  const bad = await get(s, admin, "/users?sort=password");
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Check: sort/);
});

Deno.test(`users routes (${testEngine}): disabling is confirmed first; only the confirmed POST signs the person out`, async () => {
  await using s = await openUsersApp();
  const admin = await makeStaff(s, "admin");
  const leaver = await makeStaff(s, "viewer");
  await ownerOf(s.t.db).update(staffUsers).set({ displayName: "Li Wei" })
    .where(eq(staffUsers.id, leaver.id));

  const ask = await post(s, admin, `/users/${leaver.id}/disable`);
  assert.equal(ask.status, 200);
  const html = await ask.text();
  assert.match(html, /Disable Li Wei\? They will be signed out at once\./);
  assert.match(html, />Cancel</);
  const fields = confirmFields(html);
  assert.deepEqual(fields.confirm, ["yes"]);
  assert.equal(fields.__action[0], `/users/${leaver.id}/disable`);
  // Nothing changed yet: the person still works.
  assert.equal((await userRow(s, leaver.id)).status, "active");
  const still = await get(s, leaver, "/");
  assert.equal(still.status, 200);
  await still.body?.cancel();

  const done = await post(s, admin, fields.__action[0], { confirm: "yes" });
  assert.equal(done.status, 303);
  assert.equal(
    done.headers.get("location"),
    `/users/${leaver.id}?done=disable`,
  );
  assert.equal((await userRow(s, leaver.id)).status, "disabled");
  const after = await get(s, leaver, "/");
  assert.equal(after.status, 303);
  assert.match(after.headers.get("location")!, /^\/auth\/signin/);

  const detail = await get(s, admin, done.headers.get("location")!);
  assert.match(await detail.text(), /The user was disabled and signed out\./);
});

Deno.test(`users routes (${testEngine}): invitation: form, refusal of a shared address with 400, confirmation, then the user`, async () => {
  await using s = await openUsersApp();
  const a = await makeStore(s, "Store A");
  const admin = await makeStaff(s, "admin");
  const form = await (await get(s, admin, "/users/invite")).text();
  assert.match(form, /<label>Name<input name="displayName"/);
  assert.match(form, /name="storeIds" value="[0-9a-f-]{36}"/);
  assert.doesNotMatch(
    form,
    /<option value="owner"/,
    "admins cannot invite owners",
  );

  const shared = await post(s, admin, "/users/invite", {
    displayName: "Everyone",
    email: "team@example.com",
    role: "viewer",
    confirm: "yes",
  });
  assert.equal(shared.status, 400);
  const sharedHtml = await shared.text();
  assert.match(sharedHtml, /Amazon requires one account per person/);
  assert.match(sharedHtml, /value="team@example.com"/, "the form keeps input");

  const badRole = await post(s, admin, "/users/invite", {
    displayName: "X",
    email: "x.person@example.com",
    role: "owner",
    confirm: "yes",
  });
  assert.equal(badRole.status, 403);
  await badRole.body?.cancel();

  const ask = await post(s, admin, "/users/invite", {
    displayName: "Li Wei",
    email: "Li.Wei@Example.com",
    role: "finance",
    storeIds: [a],
  });
  assert.equal(ask.status, 200);
  const html = await ask.text();
  assert.match(
    html,
    /Invite Li Wei &lt;li\.wei@example\.com&gt; as Finance\? They sign in with single sign-on \(Google\)/,
  );
  assert.match(html, /Stores granted: Store A\./);
  const count = async () =>
    (await ownerOf(s.t.db).select().from(staffUsers).where(
      eq(staffUsers.email, "li.wei@example.com"),
    )).length;
  assert.equal(await count(), 0, "nothing before the confirmation");

  const fields = confirmFields(html);
  const { __action, ...send } = fields;
  const done = await post(s, admin, __action[0], send);
  assert.equal(done.status, 303);
  assert.match(done.headers.get("location")!, /\?done=invite$/);
  assert.equal(await count(), 1);
  const [user] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.email, "li.wei@example.com"),
  );
  const grants = await ownerOf(s.t.db).select().from(storeGrants).where(
    eq(storeGrants.userId, user.id),
  );
  assert.deepEqual(grants.map((g) => g.storeId), [a]);

  const again = await post(s, admin, __action[0], send);
  assert.equal(again.status, 409);
  assert.match(await again.text(), /exists already/);
});

Deno.test(`users routes (${testEngine}): role, grant and revoke are each confirmed; bad input is a 400 that changes nothing`, async () => {
  await using s = await openUsersApp();
  const a = await makeStore(s, "Store A");
  const admin = await makeStaff(s, "admin");
  const person = await makeStaff(s, "viewer");
  const base = `/users/${person.id}`;

  const detail = await (await get(s, admin, base)).text();
  assert.match(detail, /action="\/users\/[0-9a-f-]{36}\/role"/);
  assert.match(detail, /<option value="[0-9a-f-]{36}">Store A<\/option>/);

  const bad = await post(s, admin, `${base}/role`, {
    role: "superuser",
    confirm: "yes",
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Check: role/);
  assert.equal((await userRow(s, person.id)).role, "viewer");

  const ask = await post(s, admin, `${base}/role`, { role: "operations" });
  assert.match(
    await ask.text(),
    /Change Test viewer \d+&#39;s role from Viewer to Operations\?/,
  );
  assert.equal((await userRow(s, person.id)).role, "viewer");
  const ok = await post(s, admin, `${base}/role`, {
    role: "operations",
    confirm: "yes",
  });
  assert.equal(ok.status, 303);
  assert.equal((await userRow(s, person.id)).role, "operations");

  const grants = async () =>
    (await ownerOf(s.t.db).select().from(storeGrants).where(
      eq(storeGrants.userId, person.id),
    )).map((g) => g.storeId);
  const askGrant = await post(s, admin, `${base}/grant`, { storeId: a });
  assert.match(await askGrant.text(), /access to Store A\?/);
  assert.deepEqual(await grants(), []);
  await post(s, admin, `${base}/grant`, { storeId: a, confirm: "yes" });
  assert.deepEqual(await grants(), [a]);

  const askRevoke = await post(s, admin, `${base}/revoke`, { storeId: a });
  assert.match(
    await askRevoke.text(),
    /Revoke Test viewer \d+&#39;s access to Store A\?/,
  );
  assert.deepEqual(await grants(), [a]);
  const notUuid = await post(s, admin, `${base}/revoke`, {
    storeId: "store-a",
    confirm: "yes",
  });
  assert.equal(notUuid.status, 400);
  await notUuid.body?.cancel();
  assert.deepEqual(await grants(), [a]);
  await post(s, admin, `${base}/revoke`, { storeId: a, confirm: "yes" });
  assert.deepEqual(await grants(), []);

  const missing = await post(s, admin, `/users/${crypto.randomUUID()}/disable`);
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
  const self = await post(s, admin, `/users/${admin.id}/disable`);
  assert.equal(self.status, 403);
  assert.match(await self.text(), /cannot disable your own account/);
});

Deno.test(`users routes (${testEngine}): a form post without a same-origin header is refused (CSRF)`, async () => {
  await using s = await openUsersApp();
  const admin = await makeStaff(s, "admin");
  const person = await makeStaff(s, "viewer");
  const res = await post(s, admin, `/users/${person.id}/disable`, {
    confirm: "yes",
  }, { origin: "https://evil.example" });
  assert.equal(res.status, 403);
  await res.body?.cancel();
  assert.equal((await userRow(s, person.id)).status, "active");
});

Deno.test(`users routes (${testEngine}): the access review page runs a review from start to completion, each step confirmed`, async () => {
  await using s = await openUsersApp();
  const a = await makeStore(s, "Store A");
  const owner = await makeStaff(s, "owner");
  const person = await makeStaff(s, "support", { storeIds: [a] });

  const page0 = await (await get(s, owner, "/access-review")).text();
  assert.match(page0, /No review has been completed yet\./);
  assert.match(page0, /action="\/access-review\/start"/);

  const ask = await post(s, owner, "/access-review/start");
  assert.match(await ask.text(), /Start an access review\? It lists 3 lines/);
  assert.equal((await ownerOf(s.t.db).select().from(accessReviews)).length, 0);
  const started = await post(s, owner, "/access-review/start", {
    confirm: "yes",
  });
  assert.equal(started.status, 303);
  assert.equal(started.headers.get("location"), "/access-review?done=start");

  const open = await (await get(s, owner, "/access-review?done=start")).text();
  assert.match(open, /The access review has started\./);
  assert.match(open, /0 of 3 lines decided/);
  assert.match(open, /Decide every line to complete the review \(3 left\)/);

  const items = await ownerOf(s.t.db).select().from(accessReviewItems);
  const grantLine = items.find((i) => i.storeId === a)!;
  const askRevoke = await post(
    s,
    owner,
    `/access-review/items/${grantLine.id}`,
    {
      decision: "revoke",
    },
  );
  assert.match(await askRevoke.text(), /access to Store A\?/);
  const stillGranted = await ownerOf(s.t.db).select().from(storeGrants).where(
    eq(storeGrants.userId, person.id),
  );
  assert.equal(stillGranted.length, 1);
  const bad = await post(s, owner, `/access-review/items/${grantLine.id}`, {
    decision: "maybe",
    confirm: "yes",
  });
  assert.equal(bad.status, 400);
  await bad.body?.cancel();

  const early = await post(s, owner, "/access-review/complete", {
    confirm: "yes",
  });
  assert.equal(early.status, 409);
  assert.match(await early.text(), /Every line must be confirmed or revoked/);

  for (const item of items) {
    const res = await post(s, owner, `/access-review/items/${item.id}`, {
      decision: item.id === grantLine.id ? "revoke" : "confirm",
      confirm: "yes",
    });
    assert.equal(res.status, 303);
  }
  const revoked = await ownerOf(s.t.db).select().from(storeGrants).where(
    eq(storeGrants.userId, person.id),
  );
  assert.equal(revoked.length, 0);

  const askDone = await post(s, owner, "/access-review/complete");
  assert.match(await askDone.text(), /2 lines confirmed, 1 revoked/);
  const done = await post(s, owner, "/access-review/complete", {
    confirm: "yes",
  });
  assert.equal(done.status, 303);
  const final = await (await get(s, owner, "/access-review")).text();
  assert.match(final, /Completed reviews/);
  assert.doesNotMatch(final, /No review has been completed yet\./);
  assert.match(final, /Not due yet/);
});

Deno.test(`users routes (${testEngine}): pages speak Simplified Chinese`, async () => {
  await using s = await openUsersApp();
  const admin = await makeStaff(s, "admin");
  const person = await makeStaff(s, "viewer");
  await ownerOf(s.t.db).update(staffUsers).set({ displayName: "李伟" })
    .where(eq(staffUsers.id, person.id));
  const res = await post(s, admin, `/users/${person.id}/disable`, {}, {
    cookie: `${admin.cookie}; lang=zh-CN`,
  });
  const html = await res.text();
  assert.match(html, /停用 李伟？其将被立即退出登录。/);
  assert.match(html, />确认</);
});

Deno.test("users messages: every English message has a Chinese translation with the same placeholders", () => {
  const en = usersMessages.en;
  const zh = usersMessages["zh-CN"];
  const missing = Object.keys(en).filter((k) => !(k in zh));
  assert.deepEqual(missing, []);
  const names = (s: string) =>
    [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const [k, v] of Object.entries(en)) {
    assert.deepEqual(
      names(zh[k as keyof typeof zh]!),
      names(v!),
      `placeholders of ${k}`,
    );
  }
});

Deno.test("review reminder: says when the review is due or overdue, and links to it", () => {
  const dueAt = new Date("2026-09-16T08:00:00Z");
  const soon = String(ReviewReminder({ lang: "en", dueAt, overdue: false }));
  assert.match(soon, /The access review is due on 2026-09-16\./);
  assert.match(soon, /href="\/access-review"/);
  assert.match(soon, /role="status"/);
  const late = String(ReviewReminder({ lang: "zh-CN", dueAt, overdue: true }));
  assert.match(late, /访问审查自 2026-09-16 起已逾期。/);
  assert.match(late, /role="alert"/);
});
