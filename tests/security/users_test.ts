// Data Policy §5 and §7: the rules of user administration. Invite-only,
// unique accounts, nobody grants more than they could hold, the last owner
// stays, a disabled person is out at once, and every change is audited.
import assert from "node:assert/strict";
import { and, asc, eq, gt } from "drizzle-orm";
import { openTestApp, type TestApp } from "../_helpers/app.ts";
import { makeStaff, makeStore, type TestStaff } from "../_helpers/staff.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { auditEvents, staffUsers, storeGrants } from "../../db/schema.ts";
import {
  loadPrincipal,
  type StaffPrincipal,
} from "../../lib/security/principal.ts";
import { readSession } from "../../lib/security/sessions.ts";
import { SESSION_POLICY } from "../_helpers/staff.ts";
import {
  changeRole,
  disableUser,
  enableUser,
  getUser,
  grantStore,
  inviteUser,
  listUsers,
  revokeStore,
  signOutUser,
  UserAdminError,
  type UserAdminErrorCode,
} from "../../lib/security/users.ts";

async function principal(
  s: TestApp,
  staff: TestStaff,
): Promise<StaffPrincipal> {
  const p = await loadPrincipal(s.t.db, staff.id, staff.sessionId);
  assert.ok(p, "principal loads");
  return p;
}

async function refused(
  fn: () => Promise<unknown>,
  code: UserAdminErrorCode,
): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof UserAdminError, String(err));
    assert.equal(err.code, code);
    assert.ok(err.message.length > 10);
    return true;
  });
}

/** Audit events written after `since` (an id), oldest first. */
async function auditSince(s: TestApp, since: number) {
  return await ownerOf(s.t.db).select().from(auditEvents).where(
    gt(auditEvents.id, since),
  ).orderBy(asc(auditEvents.id));
}

async function lastAuditId(s: TestApp): Promise<number> {
  const rows = await ownerOf(s.t.db).select({ id: auditEvents.id }).from(
    auditEvents,
  );
  return rows.reduce((m, r) => Math.max(m, r.id), 0);
}

async function userRow(s: TestApp, id: string) {
  const [u] = await ownerOf(s.t.db).select().from(staffUsers).where(
    eq(staffUsers.id, id),
  );
  return u;
}

async function countUsers(s: TestApp): Promise<number> {
  return (await ownerOf(s.t.db).select().from(staffUsers)).length;
}

Deno.test(`users (${testEngine}): an invitation normalises the e-mail, is invite-only single sign-on, and is audited with its grants`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const admin = await principal(s, await makeStaff(s, "admin"));
  const since = await lastAuditId(s);
  const r = await inviteUser(s.t.db, admin, {
    email: "  Li.Wei@Example.COM ",
    displayName: " Li Wei ",
    role: "finance",
    storeIds: [a],
  }, { ip: "192.0.2.1", requestId: "req-1" });
  assert.equal(r.user.email, "li.wei@example.com");
  assert.equal(r.user.displayName, "Li Wei");
  assert.equal(r.user.status, "invited");
  assert.equal(r.user.kind, "sso");
  assert.deepEqual(r.stores.map((x) => x.name), ["Store A"]);
  const row = await userRow(s, r.user.id);
  assert.equal(row.invitedBy, admin.userId);
  const grants = await ownerOf(s.t.db).select().from(storeGrants).where(
    eq(storeGrants.userId, r.user.id),
  );
  assert.deepEqual(grants.map((g) => g.storeId), [a]);
  const events = await auditSince(s, since);
  assert.deepEqual(events.map((e) => [e.action, e.target, e.storeId]), [
    ["user.invite", "li.wei@example.com", null],
    ["grant.add", "li.wei@example.com", a],
  ]);
  assert.equal(events[0].actorId, admin.userId);
  assert.equal(events[0].ip, "192.0.2.1");
  assert.equal(events[0].requestId, "req-1");
  assert.deepEqual(events[0].details, {
    userId: r.user.id,
    role: "finance",
    kind: "sso",
  });
});

Deno.test(`users (${testEngine}): generic and shared addresses are refused (Amazon: unique accounts only)`, async () => {
  await using s = await openTestApp();
  const admin = await principal(s, await makeStaff(s, "admin"));
  const before = await countUsers(s);
  for (const email of ["admin@example.com", "INFO@example.com", "team@x.cn"]) {
    await refused(
      () =>
        inviteUser(s.t.db, admin, {
          email,
          displayName: "Shared",
          role: "viewer",
        }),
      "generic_address",
    );
  }
  assert.equal(await countUsers(s), before);
});

Deno.test(`users (${testEngine}): a second account for the same address is refused, whatever its case`, async () => {
  await using s = await openTestApp();
  const admin = await principal(s, await makeStaff(s, "admin"));
  await inviteUser(s.t.db, admin, {
    email: "li.wei@example.com",
    displayName: "Li Wei",
    role: "viewer",
  });
  const before = await countUsers(s);
  await refused(
    () =>
      inviteUser(s.t.db, admin, {
        email: "LI.WEI@example.com",
        displayName: "Li Wei again",
        role: "finance",
      }),
    "duplicate",
  );
  assert.equal(await countUsers(s), before);
});

Deno.test(`users (${testEngine}): bad input is a typed error and changes nothing`, async () => {
  await using s = await openTestApp();
  const admin = await principal(s, await makeStaff(s, "admin"));
  const since = await lastAuditId(s);
  const before = await countUsers(s);
  await refused(
    () =>
      inviteUser(s.t.db, admin, {
        email: "not-an-address",
        displayName: "X",
        role: "viewer",
      }),
    "invalid_input",
  );
  await refused(
    () =>
      inviteUser(s.t.db, admin, {
        email: "new.person@example.com",
        displayName: "New",
        role: "superuser",
      }),
    "unknown_role",
  );
  await refused(
    () =>
      inviteUser(s.t.db, admin, {
        email: "new.person@example.com",
        displayName: "New",
        role: "viewer",
        allowedDomains: ["company.example"],
      }),
    "domain_not_allowed",
  );
  await refused(
    () =>
      inviteUser(s.t.db, admin, {
        email: "new.person@example.com",
        displayName: "New",
        role: "viewer",
        storeIds: [crypto.randomUUID()],
      }),
    "store_not_found",
  );
  await refused(
    () => changeRole(s.t.db, admin, crypto.randomUUID(), "viewer"),
    "not_found",
  );
  await refused(() => changeRole(s.t.db, admin, "nope", "viewer"), "not_found");
  assert.equal(await countUsers(s), before);
  assert.deepEqual(await auditSince(s, since), []);
});

Deno.test(`users (${testEngine}): only an owner may make owners, or change, disable or re-enable one; denials are audited`, async () => {
  await using s = await openTestApp();
  const owner = await principal(s, await makeStaff(s, "owner"));
  const admin = await principal(s, await makeStaff(s, "admin"));
  const other = await makeStaff(s, "viewer");
  const since = await lastAuditId(s);
  await refused(
    () =>
      inviteUser(s.t.db, admin, {
        email: "new.owner@example.com",
        displayName: "New Owner",
        role: "owner",
      }),
    "role_not_assignable",
  );
  await refused(
    () => changeRole(s.t.db, admin, other.id, "owner"),
    "role_not_assignable",
  );
  await refused(
    () => changeRole(s.t.db, admin, admin.userId, "owner"),
    "role_not_assignable",
  );
  await refused(
    () => changeRole(s.t.db, admin, owner.userId, "viewer"),
    "owner_protected",
  );
  await refused(
    () => disableUser(s.t.db, s.kv, admin, owner.userId),
    "owner_protected",
  );
  assert.equal((await userRow(s, other.id)).role, "viewer");
  assert.equal((await userRow(s, owner.userId)).status, "active");
  const denials = await auditSince(s, since);
  assert.deepEqual(denials.map((e) => [e.action, e.outcome]), [
    ["user.invite", "denied"],
    ["user.role.change", "denied"],
    ["user.role.change", "denied"],
    ["user.role.change", "denied"],
    ["user.disable", "denied"],
  ]);
  // An owner may.
  const r = await changeRole(s.t.db, owner, other.id, "owner");
  assert.deepEqual([r.from, r.to], ["viewer", "owner"]);
});

Deno.test(`users (${testEngine}): the last active owner can be neither demoted nor disabled`, async () => {
  await using s = await openTestApp();
  const first = await principal(s, await makeStaff(s, "owner"));
  // An owner who has not accepted the invitation does not count.
  const invited = await makeStaff(s, "owner", { status: "invited" });
  await refused(
    () => changeRole(s.t.db, first, first.userId, "admin"),
    "last_owner",
  );
  await refused(
    () => disableUser(s.t.db, s.kv, first, first.userId),
    "self",
  );
  const second = await principal(s, await makeStaff(s, "owner"));
  // With a second active owner, the first may step down...
  await changeRole(s.t.db, first, first.userId, "admin");
  // ...and then the second is the last one.
  await refused(
    () => changeRole(s.t.db, second, second.userId, "viewer"),
    "last_owner",
  );
  // Disabling the invited owner is fine: the active one remains.
  await disableUser(s.t.db, s.kv, second, invited.id);
  assert.equal((await userRow(s, second.userId)).role, "owner");
  assert.equal((await userRow(s, second.userId)).status, "active");
});

Deno.test(`users (${testEngine}): disabling signs the person out at once; their next request is refused`, async () => {
  await using s = await openTestApp();
  const admin = await principal(s, await makeStaff(s, "admin"));
  const leaver = await makeStaff(s, "viewer");
  const ok = await s.app.request("/", { headers: { cookie: leaver.cookie } });
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  const since = await lastAuditId(s);
  const r = await disableUser(s.t.db, s.kv, admin, leaver.id);
  assert.equal(r.user.status, "disabled");
  assert.equal(r.sessionsEnded, 1);
  assert.equal(
    await readSession(s.kv, SESSION_POLICY, leaver.sessionId),
    null,
    "the session is gone from KV",
  );
  const res = await s.app.request("/", { headers: { cookie: leaver.cookie } });
  assert.equal(res.status, 303);
  assert.match(res.headers.get("location")!, /^\/auth\/signin/);
  const row = await userRow(s, leaver.id);
  assert.ok(row.disabledAt);
  const [event] = await auditSince(s, since);
  assert.equal(event.action, "user.disable");
  assert.equal(event.target, leaver.email);
  assert.equal(event.outcome, "success");
  assert.equal((event.details as { sessionsEnded: number }).sessionsEnded, 1);
  await refused(
    () => disableUser(s.t.db, s.kv, admin, leaver.id),
    "already_disabled",
  );
  await refused(
    () => disableUser(s.t.db, s.kv, admin, admin.userId),
    "self",
  );
});

Deno.test(`users (${testEngine}): re-enabling restores an account that had signed in, or reopens the invitation`, async () => {
  await using s = await openTestApp();
  const admin = await principal(s, await makeStaff(s, "admin"));
  const seen = await makeStaff(s, "viewer");
  await ownerOf(s.t.db).update(staffUsers).set({ lastSignInAt: new Date() })
    .where(eq(staffUsers.id, seen.id));
  const never = await makeStaff(s, "viewer", { status: "invited" });
  await disableUser(s.t.db, s.kv, admin, seen.id);
  await disableUser(s.t.db, s.kv, admin, never.id);
  assert.equal(
    (await enableUser(s.t.db, admin, seen.id)).user.status,
    "active",
  );
  assert.equal(
    (await enableUser(s.t.db, admin, never.id)).user.status,
    "invited",
  );
  assert.equal((await userRow(s, seen.id)).disabledAt, null);
  await refused(() => enableUser(s.t.db, admin, seen.id), "not_disabled");
});

Deno.test(`users (${testEngine}): grants are per store the actor can see; a role that sees every store takes none`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const admin = await principal(s, await makeStaff(s, "admin"));
  const person = await makeStaff(s, "operations");
  const auditor = await makeStaff(s, "auditor");
  const since = await lastAuditId(s);
  const g = await grantStore(s.t.db, admin, person.id, a);
  assert.equal(g.store.name, "Store A");
  await refused(
    () => grantStore(s.t.db, admin, person.id, a),
    "grant_exists",
  );
  await refused(
    () => grantStore(s.t.db, admin, auditor.id, a),
    "all_stores_role",
  );
  await refused(
    () => grantStore(s.t.db, admin, person.id, crypto.randomUUID()),
    "store_not_found",
  );
  // Row-level security: an actor scoped to store A cannot see store B.
  const scoped: StaffPrincipal = { ...admin, storeIds: [a] };
  await refused(
    () => grantStore(s.t.db, scoped, person.id, b),
    "store_not_found",
  );
  await grantStore(s.t.db, admin, person.id, b);
  await refused(
    () => revokeStore(s.t.db, scoped, person.id, b),
    "grant_not_found",
  );
  const r = await revokeStore(s.t.db, admin, person.id, b);
  assert.equal(r.store.name, "Store B");
  await refused(
    () => revokeStore(s.t.db, admin, person.id, b),
    "grant_not_found",
  );
  const left = await ownerOf(s.t.db).select().from(storeGrants).where(
    eq(storeGrants.userId, person.id),
  );
  assert.deepEqual(left.map((x) => x.storeId), [a]);
  const events = await auditSince(s, since);
  assert.deepEqual(events.map((e) => [e.action, e.storeId, e.target]), [
    ["grant.add", a, person.email],
    ["grant.add", b, person.email],
    ["grant.revoke", b, person.email],
  ]);
  // The revoked store is gone on the person's very next request.
  const p = await loadPrincipal(s.t.db, person.id, "s");
  assert.deepEqual(p?.storeIds, [a]);
});

Deno.test(`users (${testEngine}): every change writes its audit row in the same transaction`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const owner = await principal(s, await makeStaff(s, "owner"));
  const since = await lastAuditId(s);
  const { user } = await inviteUser(s.t.db, owner, {
    email: "zhang.min@example.com",
    displayName: "Zhang Min",
    role: "viewer",
  });
  await changeRole(s.t.db, owner, user.id, "support");
  await grantStore(s.t.db, owner, user.id, a);
  await revokeStore(s.t.db, owner, user.id, a);
  await disableUser(s.t.db, s.kv, owner, user.id);
  await enableUser(s.t.db, owner, user.id);
  await signOutUser(s.t.db, s.kv, owner, user.id);
  const events = await auditSince(s, since);
  assert.deepEqual(events.map((e) => e.action), [
    "user.invite",
    "user.role.change",
    "grant.add",
    "grant.revoke",
    "user.disable",
    "user.enable",
    "user.signout_everywhere",
  ]);
  assert.ok(events.every((e) => e.target === "zhang.min@example.com"));
  assert.ok(events.every((e) => e.actorId === owner.userId));
  assert.ok(events.every((e) => e.outcome === "success"));
  assert.deepEqual(
    events[1].details as Record<string, unknown>,
    { userId: user.id, from: "viewer", to: "support" },
  );
});

Deno.test(`users (${testEngine}): a dry run checks and describes the change, then rolls everything back`, async () => {
  await using s = await openTestApp();
  const admin = await principal(s, await makeStaff(s, "admin"));
  const person = await makeStaff(s, "viewer");
  const since = await lastAuditId(s);
  const users = await countUsers(s);
  const invite = await inviteUser(s.t.db, admin, {
    email: "dry.run@example.com",
    displayName: "Dry Run",
    role: "viewer",
  }, { dryRun: true });
  assert.equal(invite.user.email, "dry.run@example.com");
  const d = await disableUser(s.t.db, s.kv, admin, person.id, {
    dryRun: true,
  });
  assert.equal(d.user.status, "disabled");
  assert.equal(await countUsers(s), users);
  assert.equal((await userRow(s, person.id)).status, "active");
  assert.ok(await readSession(s.kv, SESSION_POLICY, person.sessionId));
  assert.deepEqual(await auditSince(s, since), []);
  // A refused dry run is refused like the real thing.
  await refused(
    () => disableUser(s.t.db, s.kv, admin, admin.userId, { dryRun: true }),
    "self",
  );
});

Deno.test(`users (${testEngine}): only users.manage may list or change users`, async () => {
  await using s = await openTestApp();
  const viewer = await principal(s, await makeStaff(s, "viewer"));
  const other = await makeStaff(s, "viewer");
  await refused(() => listUsers(s.t.db, viewer), "forbidden");
  await refused(() => getUser(s.t.db, viewer, other.id), "forbidden");
  await refused(
    () => disableUser(s.t.db, s.kv, viewer, other.id),
    "forbidden",
  );
  assert.equal((await userRow(s, other.id)).status, "active");
});

Deno.test(`users (${testEngine}): the list sorts, filters and pages, with each user's grants`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const admin = await principal(
    s,
    await makeStaff(s, "admin", { email: "a-admin@example.test" }),
  );
  for (let i = 0; i < 5; i++) {
    await makeStaff(s, "viewer", {
      email: `v${i}@example.test`,
      storeIds: i === 0 ? [a] : [],
    });
  }
  await makeStaff(s, "finance", {
    email: "f@example.test",
    status: "disabled",
  });
  await ownerOf(s.t.db).update(staffUsers).set({
    lastSignInAt: new Date("2026-01-02T00:00:00Z"),
  }).where(eq(staffUsers.email, "v3@example.test"));

  const all = await listUsers(s.t.db, admin, { pageSize: 100 });
  assert.equal(all.total, 7);
  assert.deepEqual(
    all.rows.map((r) => r.email),
    [...all.rows.map((r) => r.email)].sort(),
  );
  const v0 = all.rows.find((r) => r.email === "v0@example.test")!;
  assert.deepEqual(v0.grants.map((g) => g.name), ["Store A"]);

  const viewers = await listUsers(s.t.db, admin, {
    role: "viewer",
    pageSize: 2,
    page: 2,
  });
  assert.equal(viewers.total, 5);
  assert.equal(viewers.pages, 3);
  assert.deepEqual(viewers.rows.map((r) => r.email), [
    "v2@example.test",
    "v3@example.test",
  ]);
  // A page past the end shows the last page.
  assert.equal(
    (await listUsers(s.t.db, admin, { role: "viewer", pageSize: 2, page: 9 }))
      .page,
    3,
  );
  const disabled = await listUsers(s.t.db, admin, { status: "disabled" });
  assert.deepEqual(disabled.rows.map((r) => r.email), ["f@example.test"]);
  const byRole = await listUsers(s.t.db, admin, { sort: "role" });
  assert.equal(byRole.rows[0].role, "admin");
  const recent = await listUsers(s.t.db, admin, {
    sort: "lastSignIn",
    dir: "desc",
  });
  assert.equal(recent.rows[0].email, "v3@example.test");
  const search = await listUsers(s.t.db, admin, { q: "V4@" });
  assert.deepEqual(search.rows.map((r) => r.email), ["v4@example.test"]);
  // LIKE wildcards are plain characters.
  assert.equal((await listUsers(s.t.db, admin, { q: "%" })).total, 0);
});

Deno.test(`users (${testEngine}): a grant's store stays isolated in the detail view`, async () => {
  await using s = await openTestApp();
  const a = await makeStore(s, "Store A");
  const b = await makeStore(s, "Store B");
  const admin = await principal(s, await makeStaff(s, "admin"));
  const person = await makeStaff(s, "viewer", { storeIds: [a, b] });
  const scoped: StaffPrincipal = { ...admin, storeIds: [a] };
  const found = await getUser(s.t.db, scoped, person.id);
  assert.deepEqual(found?.user.grants.map((g) => g.name), ["Store A"]);
  assert.deepEqual(found?.grantable, []);
  const full = await getUser(s.t.db, admin, person.id);
  assert.deepEqual(full?.user.grants.map((g) => g.name), [
    "Store A",
    "Store B",
  ]);
  assert.equal(await getUser(s.t.db, admin, crypto.randomUUID()), null);
  const stillThere = await ownerOf(s.t.db).select().from(storeGrants).where(
    and(eq(storeGrants.userId, person.id), eq(storeGrants.storeId, b)),
  );
  assert.equal(stillThere.length, 1);
});
