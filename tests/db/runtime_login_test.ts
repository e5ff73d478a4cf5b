// Data Policy §5: store isolation rests on a login that cannot bypass it.
// Requests and jobs run as the database's own runtime role
// (custodian_app_<database>): it owns nothing, has no BYPASSRLS, belongs to no
// role, and on PostgreSQL it is the login itself, so RESET ROLE gives nothing
// back. A second deployment on the same cluster has its own role and can
// neither connect to nor read the first's database.
import assert from "node:assert/strict";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import {
  dbErrorMessage,
  derivedAppPassword,
  rowsOf,
  scramVerifier,
} from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { orders } from "../../db/schema.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const USER = "00000000-0000-4000-8000-000000000001";
const onPostgres = { ignore: testEngine !== "postgres" };

async function storeWithOrder(
  db: Awaited<ReturnType<typeof openTestDatabase>>["db"],
) {
  const storeId = await registerStore(db, {
    sellerId: "AFAKESELLER1",
    region: "NA",
    name: "Store 1",
    marketplaces: [],
  });
  const at = new Date("2026-01-02T00:00:00Z");
  await ownerOf(db).insert(orders).values({
    storeId,
    amazonOrderId: "111-0000001-0000001",
    marketplaceId: "ATVPDKIKX0DER",
    status: "Shipped",
    fulfillmentChannel: "AFN",
    orderTotal: "10.00",
    currency: "USD",
    purchasedAt: at,
    lastUpdatedAt: at,
  });
  return storeId;
}

Deno.test(`runtime login (${testEngine}): one role per database, with no power beyond its grants`, async () => {
  await using t = await openTestDatabase();
  const role = await t.db.runtimeRole();
  const [db] = rowsOf<{ name: string }>(
    await ownerOf(t.db).execute(sql`select current_database() as name`),
  );
  assert.equal(role, `custodian_app_${db.name}`);
  const [r] = rowsOf<Record<string, boolean | number>>(
    await ownerOf(t.db).execute(sql`
      select r.rolsuper as super, r.rolbypassrls as bypass,
        r.rolcreaterole as createrole, r.rolcreatedb as createdb,
        (select count(*)::int from pg_auth_members m where m.member = r.oid) as memberships,
        (select count(*)::int from pg_class c where c.relowner = r.oid)
          + (select count(*)::int from pg_proc p where p.proowner = r.oid)
          + (select count(*)::int from pg_namespace n where n.nspowner = r.oid) as owns
      from pg_roles r where r.rolname = ${role}`),
  );
  assert.deepEqual(r, {
    super: false,
    bypass: false,
    createrole: false,
    createdb: false,
    memberships: 0,
    owns: 0,
  });
  // The cluster-wide custodian_app of earlier versions holds nothing here.
  const [legacy] = rowsOf<
    { tables: number; functions: number; policies: number }
  >(
    await ownerOf(t.db).execute(sql`
      select
        (select count(*)::int from pg_class c, aclexplode(c.relacl) a
          where a.grantee = 'custodian_app'::regrole) as tables,
        (select count(*)::int from pg_proc p, aclexplode(p.proacl) a
          where a.grantee = 'custodian_app'::regrole) as functions,
        (select count(*)::int from pg_policy p
          where 'custodian_app'::regrole = any (p.polroles)) as policies`),
  );
  assert.deepEqual(legacy, { tables: 0, functions: 0, policies: 0 });
  // Every policy names this database's role, but those that let the
  // checked definer functions (running as the owner) through FORCEd
  // security: incidents (0034) and the compliance counts (0035).
  const [policies] = rowsOf<{ n: number; other: number; owners: string[] }>(
    await ownerOf(t.db).execute(sql`
      select count(*)::int as n,
        count(*) filter (where p.polroles <> array[${role}::regrole::oid]
          and p.polroles <> array[(select oid from pg_roles
            where rolname = current_user)])::int as other,
        array_agg(p.polrelid::regclass::text || '.' || p.polname
          order by 1) filter (where p.polroles = array[(select oid
            from pg_roles where rolname = current_user)]) as owners
      from pg_policy p`),
  );
  assert.ok(policies.n >= 20);
  assert.equal(policies.other, 0);
  assert.deepEqual(policies.owners.sort(), [
    "canary_records.owner_all",
    "data_requests.owner_read",
    "incident_events.owner_all",
    "incident_notices.owner_all",
    "incidents.owner_all",
  ]);
});

Deno.test(`runtime login (${testEngine}): a scoped transaction cannot alter the audit table or its triggers`, async () => {
  await using t = await openTestDatabase();
  await assert.rejects(
    t.db.asUser(
      { userId: USER, storeIds: [], auditAll: true },
      (tx) => tx.execute(sql`alter table audit_events disable trigger all`),
    ),
    (err) => /must be owner/.test(dbErrorMessage(err)),
  );
});

Deno.test({
  name:
    `runtime login (${testEngine}): RESET ROLE and a direct select see no store rows`,
  ...onPostgres,
  async fn() {
    await using t = await openTestDatabase();
    await storeWithOrder(t.db);
    const role = await t.db.runtimeRole();
    const seen = await t.db.asUser(
      { userId: USER, storeIds: [] },
      async (tx) => {
        await tx.execute(sql`reset role`);
        const [row] = rowsOf<
          { who: string; session: string; stores: number; orders: number }
        >(
          await tx.execute(sql`select current_user as who,
          session_user as session,
          (select count(*)::int from stores) as stores,
          (select count(*)::int from orders) as orders`),
        );
        return row;
      },
    );
    assert.deepEqual(seen, {
      who: role,
      session: role,
      stores: 0,
      orders: 0,
    });
    // There is no role to switch to, and no session to take over.
    for (
      const statement of [
        sql`set role postgres`,
        sql`set session authorization postgres`,
      ]
    ) {
      await assert.rejects(
        t.db.asUser(
          { userId: USER, storeIds: [] },
          (tx) => tx.execute(statement),
        ),
        (err) => /permission denied/.test(dbErrorMessage(err)),
      );
    }
  },
});

Deno.test({
  name:
    `runtime login (${testEngine}): a second deployment on the cluster sees nothing of the first`,
  ...onPostgres,
  async fn() {
    await using first = await openTestDatabase();
    await using second = await openTestDatabase();
    const storeId = await storeWithOrder(first.db);
    const secondRole = await second.db.runtimeRole();
    assert.notEqual(secondRole, await first.db.runtimeRole());

    // The second deployment's database holds nothing of the first's.
    const stranger = await second.db.asUser(
      { userId: USER, storeIds: [storeId] },
      async (tx) =>
        rowsOf<{ n: number }>(
          await tx.execute(sql`select count(*)::int as n from orders`),
        )[0].n,
    );
    assert.equal(stranger, 0);

    // Its login cannot connect to the first's database …
    const intruder = postgres(first.url!, {
      username: secondRole,
      max: 1,
      onnotice: () => {},
    });
    try {
      await assert.rejects(
        intruder`select 1`,
        (err) =>
          /permission denied for database|CONNECT privilege/.test(String(err)),
      );
    } finally {
      await intruder.end({ timeout: 5 });
    }

    // … and with CONNECT opened to everyone, it still reads and writes nothing.
    const name = new URL(first.url!).pathname.slice(1);
    await ownerOf(first.db).execute(
      sql.raw(`grant connect on database "${name}" to public`),
    );
    const inside = postgres(first.url!, {
      username: secondRole,
      max: 1,
      onnotice: () => {},
    });
    try {
      await inside.unsafe(
        `select set_config('app.store_ids', '${storeId}', false)`,
      );
      for (
        const statement of [
          "select count(*) from stores",
          "select count(*) from orders",
          "update orders set status = 'Canceled'",
          `set role "${await first.db.runtimeRole()}"`,
          "set role custodian_app",
        ]
      ) {
        await assert.rejects(
          inside.unsafe(statement),
          (err) => /permission denied/.test(String(err)),
          statement,
        );
      }
    } finally {
      await inside.end({ timeout: 5 });
    }
  },
});

Deno.test({
  name:
    `runtime login (${testEngine}): start-up refuses a runtime role that gained power`,
  ...onPostgres,
  async fn() {
    await using t = await openTestDatabase();
    const role = await t.db.runtimeRole();
    await ownerOf(t.db).execute(sql.raw(`alter role "${role}" bypassrls`));
    await assert.rejects(
      t.db.asUser({ userId: USER, storeIds: [] }, () => Promise.resolve()),
      /refusing to serve requests/,
    );
  },
});

Deno.test({
  name: `runtime login (${testEngine}): the SCRAM verifier is PostgreSQL's own`,
  ...onPostgres,
  async fn() {
    await using t = await openTestDatabase();
    const owner = ownerOf(t.db);
    const role = `custodian_scram_${crypto.randomUUID().slice(0, 8)}`;
    try {
      await owner.transaction(async (tx) => {
        await tx.execute(sql`set local password_encryption = 'scram-sha-256'`);
        await tx.execute(
          sql.raw(`create role ${role} password 'Quiet-Harbor-93_Moss'`),
        );
      });
      const [{ stored }] = rowsOf<{ stored: string }>(
        await owner.execute(
          sql`select rolpassword as stored from pg_authid where rolname = ${role}`,
        ),
      );
      const m = /^SCRAM-SHA-256\$(\d+):([^$]+)\$/.exec(stored)!;
      const salt = Uint8Array.from(atob(m[2]), (c) => c.charCodeAt(0));
      assert.equal(
        await scramVerifier("Quiet-Harbor-93_Moss", salt, Number(m[1])),
        stored,
      );
    } finally {
      await owner.execute(sql.raw(`drop role if exists ${role}`));
    }
  },
});

Deno.test("runtime login: the default password is derived from the owner's, per database", async () => {
  const a = await derivedAppPassword("postgres://owner:s3cret@db:5432/shop");
  assert.match(a ?? "", /^[A-Za-z0-9_-]{43}$/);
  assert.equal(
    await derivedAppPassword("postgres://owner:s3cret@other-host/shop"),
    a,
    "every instance reaching the database by any name agrees",
  );
  assert.notEqual(
    await derivedAppPassword("postgres://owner:s3cret@db:5432/shop2"),
    a,
  );
  assert.notEqual(
    await derivedAppPassword("postgres://owner:other@db:5432/shop"),
    a,
  );
  assert.equal(await derivedAppPassword("postgres://owner@db/shop"), null);
});
