// Sessions: fixation, idle and absolute expiry, and the immediate effect of
// disabling a user or removing a grant.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { openTestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, SESSION_POLICY } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { staffUsers, storeGrants } from "../../db/schema.ts";
import {
  createSession,
  destroyUserSessions,
  readSession,
} from "../../lib/security/sessions.ts";

const cookie = (id: string) => `__Host-custodian_session=${id}`;

Deno.test("sessions: an id the server never issued opens nothing", async () => {
  await using s = await openTestApp();
  const planted = "a".repeat(64);
  const res = await s.app.request("/", {
    headers: { cookie: cookie(planted) },
  });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location")!, /^\/auth\/signin\?next=/);
});

Deno.test("sessions: only the SHA-256 of the id is stored in KV", async () => {
  const kv = await Deno.openKv(":memory:");
  const id = await createSession(kv, SESSION_POLICY, {
    userId: crypto.randomUUID(),
  });
  for await (const e of kv.list({ prefix: [] })) {
    assert.ok(!JSON.stringify(e.key).includes(id));
    assert.ok(!JSON.stringify(e.value).includes(id));
  }
  kv.close();
});

Deno.test("sessions: idle timeout ends a session", async () => {
  const kv = await Deno.openKv(":memory:");
  const t0 = Date.now();
  const id = await createSession(kv, SESSION_POLICY, {
    userId: crypto.randomUUID(),
  }, t0);
  assert.ok(
    await readSession(kv, SESSION_POLICY, id, t0 + SESSION_POLICY.idleMs - 1),
  );
  // Activity moves the idle clock forward...
  const later = t0 + SESSION_POLICY.idleMs - 1;
  assert.ok(
    await readSession(
      kv,
      SESSION_POLICY,
      id,
      later + SESSION_POLICY.idleMs - 1,
    ),
  );
  // ...and silence past it ends the session for good.
  assert.equal(
    await readSession(
      kv,
      SESSION_POLICY,
      id,
      later + 2 * SESSION_POLICY.idleMs,
    ),
    null,
  );
  assert.equal(await readSession(kv, SESSION_POLICY, id, later), null);
  kv.close();
});

Deno.test("sessions: the absolute lifetime ends even an active session", async () => {
  const kv = await Deno.openKv(":memory:");
  const policy = { idleMs: 60 * 60_000, absoluteMs: 2 * 60 * 60_000 };
  const t0 = Date.now();
  const id = await createSession(
    kv,
    policy,
    { userId: crypto.randomUUID() },
    t0,
  );
  for (let t = t0; t < t0 + policy.absoluteMs; t += 30 * 60_000) {
    assert.ok(await readSession(kv, policy, id, t), `alive at ${t - t0}`);
  }
  assert.equal(await readSession(kv, policy, id, t0 + policy.absoluteMs), null);
  kv.close();
});

Deno.test("sessions: sign out everywhere ends every session of that user only", async () => {
  const kv = await Deno.openKv(":memory:");
  const user = crypto.randomUUID();
  const other = crypto.randomUUID();
  const mine = [
    await createSession(kv, SESSION_POLICY, { userId: user }),
    await createSession(kv, SESSION_POLICY, { userId: user }),
  ];
  const theirs = await createSession(kv, SESSION_POLICY, { userId: other });
  assert.equal(await destroyUserSessions(kv, user), 2);
  for (const id of mine) {
    assert.equal(await readSession(kv, SESSION_POLICY, id), null);
  }
  assert.ok(await readSession(kv, SESSION_POLICY, theirs));
  kv.close();
});

Deno.test(`sessions (${testEngine}): disabling a user takes effect on the very next request`, async () => {
  await using s = await openTestApp();
  const user = await makeStaff(s, "viewer");
  const ok = await s.app.request("/", { headers: { cookie: user.cookie } });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  await ownerOf(s.t.db).update(staffUsers).set({ status: "disabled" }).where(
    eq(staffUsers.id, user.id),
  );
  const res = await s.app.request("/", { headers: { cookie: user.cookie } });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location")!, /^\/auth\/signin/);
});

Deno.test(`sessions (${testEngine}): removing a grant takes effect on the very next request`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const user = await makeStaff(s, "viewer", { storeIds: [a, b] });
  const before =
    await (await s.app.request("/", { headers: { cookie: user.cookie } }))
      .text();
  assert.match(before, /All 2 of your stores/);
  await ownerOf(s.t.db).delete(storeGrants).where(
    and(eq(storeGrants.userId, user.id), eq(storeGrants.storeId, b)),
  );
  const after =
    await (await s.app.request("/", { headers: { cookie: user.cookie } }))
      .text();
  assert.match(after, /Store: Store A/);
});
