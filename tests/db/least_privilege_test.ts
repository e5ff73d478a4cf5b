// Data Policy §5 and §8: the runtime role cannot read password hashes,
// cannot make anyone an owner behind the application's back, and appends
// audit events only through audit_append (0013_least_privilege.sql).
import assert from "node:assert/strict";
import { eq, sql } from "drizzle-orm";
import {
  type Database,
  dbErrorMessage,
  rowsOf,
  type Tx,
} from "../../db/client.ts";
import { syncRoles } from "../../db/maintenance.ts";
import { localCredentials, staffUsers } from "../../db/schema.ts";
import { ROLES } from "../../lib/security/permissions.ts";
import { setPassword } from "../../lib/security/local_accounts.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const PASSWORD = "Tr4vel-Kettle-Pine";
const T0 = new Date("2026-03-01T09:00:00Z");

async function user(
  db: Database,
  role: string,
  status: "active" | "invited" | "disabled" = "active",
): Promise<string> {
  const [u] = await ownerOf(db).insert(staffUsers).values({
    email: `${crypto.randomUUID()}@example.test`,
    displayName: `Test ${role}`,
    kind: "local",
    role,
    status,
  }).returning();
  return u.id;
}

async function world(db: Database) {
  await syncRoles(
    db,
    ROLES.map((r) => ({ ...r, permissions: [...r.permissions] })),
  );
  return {
    owner: await user(db, "owner"),
    admin: await user(db, "admin"),
    viewer: await user(db, "viewer"),
  };
}

const denied = (err: unknown) =>
  /permission denied|only an active owner|needs an active user|own user only/
    .test(dbErrorMessage(err));

Deno.test(`least privilege (${testEngine}): password hashes are neither readable nor writable by the runtime role`, async () => {
  await using t = await openTestDatabase();
  const w = await world(t.db);
  const as = (userId: string) => <T>(fn: (tx: Tx) => Promise<T>) =>
    t.db.asUser({ userId, storeIds: [] }, fn);
  assert.deepEqual(
    await as(w.owner)((tx) =>
      setPassword(tx, w.owner, PASSWORD, { email: "o@example.test" }, T0)
    ),
    { ok: true },
  );
  for (
    const statement of [
      sql`select password_hash from local_credentials`,
      sql`select * from local_credentials`,
      sql`update local_credentials set password_hash = 'scrypt$2$1$1$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA=='`,
      sql`insert into local_credentials (user_id, password_hash, password_changed_at)
        values (${w.viewer}::uuid, 'x', now())`,
    ]
  ) {
    await assert.rejects(as(w.owner)((tx) => tx.execute(statement)), denied);
  }
  // What sign-in gets: the parameters and salt, and a yes or no.
  const stored = (await ownerOf(t.db).select().from(localCredentials).where(
    eq(localCredentials.userId, w.owner),
  ))[0].passwordHash;
  const [p] = await as(w.owner)(async (tx) =>
    rowsOf<{ params: string; yes: boolean; no: boolean }>(
      await tx.execute(
        sql`select local_password_params(${w.owner}::uuid) as params,
        local_password_matches(${w.owner}::uuid, ${stored}) as yes,
        local_password_matches(${w.owner}::uuid, 'scrypt$x') as no`,
      ),
    )
  );
  assert.equal(p.params, stored.slice(0, stored.lastIndexOf("$")));
  assert.equal(p.yes, true);
  assert.equal(p.no, false);
  // A password is set by its own user only.
  await assert.rejects(
    as(w.admin)((tx) =>
      setPassword(tx, w.owner, "Quiet-Harbor-93-Moss", {
        email: "o@example.test",
      }, new Date(T0.getTime() + 2 * 86_400_000))
    ),
    denied,
  );
});

Deno.test(`least privilege (${testEngine}): nobody but an active owner makes or unmakes an owner`, async () => {
  await using t = await openTestDatabase();
  const w = await world(t.db);
  const as = (userId: string, statement: ReturnType<typeof sql>) =>
    t.db.asUser({ userId, storeIds: [] }, (tx) => tx.execute(statement));
  const roleOf = async (id: string) =>
    (await ownerOf(t.db).select().from(staffUsers).where(
      eq(staffUsers.id, id),
    ))[0].role;

  // The role column is not the runtime role's to update.
  await assert.rejects(
    as(
      w.admin,
      sql`update staff_users set role = 'owner' where id = ${w.viewer}::uuid`,
    ),
    denied,
  );
  // staff_set_role checks the actor: an admin manages users, not owners.
  const setRole = (id: string, role: string) =>
    sql`select staff_set_role(${id}::uuid, ${role}, now())`;
  await assert.rejects(as(w.admin, setRole(w.viewer, "owner")), denied);
  await assert.rejects(as(w.admin, setRole(w.owner, "viewer")), denied);
  await assert.rejects(as(w.viewer, setRole(w.viewer, "admin")), denied);
  await as(w.admin, setRole(w.viewer, "finance"));
  assert.equal(await roleOf(w.viewer), "finance");
  await as(w.owner, setRole(w.viewer, "owner"));
  assert.equal(await roleOf(w.viewer), "owner");
  // An invitation as owner is held by the same rule.
  const invite = sql`insert into staff_users (email, display_name, role, status)
    values (${`${crypto.randomUUID()}@example.test`}, 'New', 'owner', 'invited')`;
  await assert.rejects(as(w.admin, invite), denied);
  await as(w.owner, invite);
});

Deno.test(`least privilege (${testEngine}): the first owner may be created while nobody is active`, async () => {
  await using t = await openTestDatabase();
  await syncRoles(
    t.db,
    ROLES.map((r) => ({ ...r, permissions: [...r.permissions] })),
  );
  const insert = (status: string) =>
    t.db.asUser(
      { userId: "", storeIds: [] },
      (tx) =>
        tx.execute(
          sql`insert into staff_users (email, display_name, role, status)
        values (${`${crypto.randomUUID()}@example.test`}, 'First', 'owner', ${status})`,
        ),
    );
  await assert.rejects(insert("active"), denied);
  await insert("invited");
  await user(t.db, "viewer", "active");
  await assert.rejects(insert("invited"), denied);
});

Deno.test(`least privilege (${testEngine}): audit rows are inserted through audit_append only`, async () => {
  await using t = await openTestDatabase();
  await assert.rejects(
    t.db.asUser(
      { userId: "", storeIds: [] },
      (tx) =>
        tx.execute(sql`insert into audit_events (actor_type, action, outcome)
        values ('system', 'test.event', 'success')`),
    ),
    denied,
  );
  await t.db.asUser(
    { userId: "", storeIds: [] },
    (tx) =>
      tx.execute(sql`select audit_append('system', null, 'test.event', null,
      null, 'success', null, null, null, '{}'::jsonb)`),
  );
});

Deno.test(`least privilege (${testEngine}): the runtime role may set a time zone (0019), only one shaped like an IANA name`, async () => {
  await using t = await openTestDatabase();
  const w = await world(t.db);
  const as = (userId: string, statement: ReturnType<typeof sql>) =>
    t.db.asUser({ userId, storeIds: [] }, (tx) => tx.execute(statement));
  await as(
    w.viewer,
    sql`update staff_users set time_zone = 'Asia/Shanghai' where id = ${w.viewer}::uuid`,
  );
  const [row] = await ownerOf(t.db).select().from(staffUsers).where(
    eq(staffUsers.id, w.viewer),
  );
  assert.equal(row.timeZone, "Asia/Shanghai");
  await assert.rejects(
    as(
      w.viewer,
      sql`update staff_users set time_zone = '<b>; drop' where id = ${w.viewer}::uuid`,
    ),
    (err: unknown) => /staff_users_time_zone_ck/.test(dbErrorMessage(err)),
  );
  // The column grant is that one column: role stays the owner's business.
  await assert.rejects(
    as(
      w.viewer,
      sql`update staff_users set time_zone = null, role = 'owner' where id = ${w.viewer}::uuid`,
    ),
    denied,
  );
});
