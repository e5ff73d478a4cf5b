// Data Policy §5: every store-scoped table is isolated by FORCEd row-level
// security, and the application role cannot get around it.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { dbErrorMessage, rowsOf } from "../../db/client.ts";
import { storeScopedTables } from "../../db/schema.ts";
import { getTableName } from "drizzle-orm";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

Deno.test(`catalog (${testEngine}): every table with store_id has RLS enabled, forced and a policy`, async () => {
  await using t = await openTestDatabase();
  const rows = rowsOf<
    { table: string; enabled: boolean; forced: boolean; policies: number }
  >(
    await ownerOf(t.db).execute(sql`
      select c.relname as table, c.relrowsecurity as enabled,
             c.relforcerowsecurity as forced,
             (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
      from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and exists (select 1 from pg_attribute a
                    where a.attrelid = c.oid and a.attname = 'store_id' and not a.attisdropped)
      order by 1`),
  );
  const names = rows.map((r) => r.table);
  // The schema's list and the database agree, so no table is forgotten.
  assert.deepEqual(
    names,
    storeScopedTables.map((tb) => getTableName(tb)).sort(),
  );
  assert.ok(names.length >= 20, "every data category has a store table");
  for (const r of rows) {
    assert.equal(r.enabled, true, `${r.table}: RLS enabled`);
    assert.equal(r.forced, true, `${r.table}: RLS forced`);
    assert.ok(r.policies >= 1, `${r.table}: has a policy`);
  }
});

Deno.test(`catalog (${testEngine}): each store policy reads the store set once per statement`, async () => {
  await using t = await openTestDatabase();
  const policies = rowsOf<{ table: string; qual: string; check: string }>(
    await ownerOf(t.db).execute(sql`
      select c.relname as table,
             pg_get_expr(p.polqual, p.polrelid) as qual,
             pg_get_expr(p.polwithcheck, p.polrelid) as check
      from pg_policy p join pg_class c on c.oid = p.polrelid
      where p.polname = 'store_isolation' order by 1`),
  );
  assert.ok(policies.length >= 20);
  for (const p of policies) {
    // A scalar subquery is planned as an InitPlan: app.store_ids is parsed
    // once, not for every row a statement reads or writes.
    for (const expr of [p.qual, p.check]) {
      assert.match(
        expr,
        /= ANY \(\(\s*SELECT COALESCE\(/i,
        `${p.table}: ${expr}`,
      );
    }
  }
  // The planner agrees: an InitPlan, and the store key still drives an index.
  const plan = rowsOf<{ "QUERY PLAN": string }>(
    await t.db.asJob(
      "00000000-0000-4000-8000-000000000001",
      (tx) =>
        tx.execute(sql`explain select * from orders
          where amazon_order_id = '111-0000000-0000000'`),
    ),
  ).map((r) => r["QUERY PLAN"]).join("\n");
  assert.match(plan, /InitPlan/, plan);
  assert.match(
    plan,
    /Index (Only )?Scan using orders_store_id_amazon_order_id_pk/,
    plan,
  );
});

Deno.test(`catalog (${testEngine}): stores is isolated by its own id`, async () => {
  await using t = await openTestDatabase();
  const [row] = rowsOf<{ enabled: boolean; forced: boolean; policies: number }>(
    await ownerOf(t.db).execute(sql`
      select relrowsecurity as enabled, relforcerowsecurity as forced,
        (select count(*)::int from pg_policy where polrelid = 'stores'::regclass) as policies
      from pg_class where oid = 'stores'::regclass`),
  );
  assert.deepEqual(row, { enabled: true, forced: true, policies: 1 });
});

Deno.test(`catalog (${testEngine}): the runtime login is not owner, superuser or BYPASSRLS`, async () => {
  await using t = await openTestDatabase();
  const app = await t.db.runtimeRole();
  const [role] = rowsOf<
    { super: boolean; bypass: boolean; login: boolean; owns: number }
  >(
    await ownerOf(t.db).execute(sql`
      select r.rolsuper as super, r.rolbypassrls as bypass, r.rolcanlogin as login,
        (select count(*)::int from pg_class c where c.relowner = r.oid) as owns
      from pg_roles r where r.rolname = ${app}`),
  );
  assert.deepEqual(role, {
    super: false,
    bypass: false,
    login: true,
    owns: 0,
  });
});

Deno.test(`catalog (${testEngine}): views run with the caller's rights`, async () => {
  await using t = await openTestDatabase();
  const views = rowsOf<{ name: string; options: string[] | null }>(
    await ownerOf(t.db).execute(sql`
      select c.relname as name, c.reloptions as options from pg_class c
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'v'`),
  );
  assert.ok(views.length > 0);
  for (const v of views) {
    assert.ok(
      (v.options ?? []).includes("security_invoker=true"),
      `${v.name} is security_invoker`,
    );
  }
});

Deno.test(`catalog (${testEngine}): the app role may only read audit events (appends go through audit_append)`, async () => {
  await using t = await openTestDatabase();
  const app = await t.db.runtimeRole();
  const [p] = rowsOf<Record<string, boolean>>(
    await ownerOf(t.db).execute(sql`
      select has_table_privilege(${app}, 'audit_events', 'INSERT') as ins,
             has_table_privilege(${app}, 'audit_events', 'SELECT') as sel,
             has_table_privilege(${app}, 'audit_events', 'UPDATE') as upd,
             has_table_privilege(${app}, 'audit_events', 'DELETE') as del,
             has_table_privilege(${app}, 'audit_events', 'TRUNCATE') as trunc`),
  );
  assert.deepEqual(p, {
    ins: false,
    sel: true,
    upd: false,
    del: false,
    trunc: false,
  });
});

Deno.test(`catalog (${testEngine}): even the owner cannot rewrite the audit trail`, async () => {
  await using t = await openTestDatabase();
  const owner = ownerOf(t.db);
  await owner.execute(
    sql`insert into audit_events (actor_type, action, outcome) values ('system', 'test.event', 'success')`,
  );
  for (
    const statement of [
      sql`update audit_events set action = 'changed'`,
      sql`delete from audit_events`,
      sql`truncate audit_events`,
    ]
  ) {
    await assert.rejects(
      owner.execute(statement),
      (err) => /append-only/.test(dbErrorMessage(err)),
    );
  }
  const [{ n }] = rowsOf<{ n: number }>(
    await owner.execute(sql`select count(*)::int as n from audit_events`),
  );
  assert.equal(n, 1);
});

Deno.test(`catalog (${testEngine}): money columns are numeric, times are timestamptz`, async () => {
  await using t = await openTestDatabase();
  const bad = rowsOf<{ tbl: string; col: string; type: string }>(
    await ownerOf(t.db).execute(sql`
      select table_name as tbl, column_name as col, data_type as type
      from information_schema.columns
      where table_schema = 'public'
        and (data_type in ('real', 'double precision', 'money', 'timestamp without time zone')
             or (column_name ~ '(amount|price|total|spend|sales|budget|bid|fee|tax|discount|value)$'
                 and data_type not in ('numeric', 'text', 'integer', 'bigint')))`),
  );
  assert.deepEqual(bad, []);
});
