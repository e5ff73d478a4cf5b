// The retention rule "data_requests" (data-request records after closure):
// the global purge removes closed requests whose rule has run from their
// closure, with their timeline, tokens and e-mails; open requests, recently
// closed ones and ones under a legal hold stay. Injected clock; both engines.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { purgeGlobal } from "../../lib/policy/purge.ts";
import { asRequestsSystem } from "../../lib/requests/scope.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const DAY = 86_400_000;
const NOW = new Date("2026-12-01T00:00:00Z");

Deno.test(`purge (${testEngine}): closed data requests go after the rule's days from closure; open, recent and held ones stay`, async () => {
  await using t = await openTestDatabase();
  const at = (days: number) =>
    new Date(NOW.getTime() - days * DAY).toISOString();
  const add = (ref: string, state: string, closedDaysAgo: number | null) =>
    asRequestsSystem(t.db, async (tx) => {
      const id = crypto.randomUUID();
      await tx.execute(sql`insert into data_requests (id, public_id, type,
          state, requester_name, requester_email, relationship, received_at,
          due_at, updated_at, closed_at)
        values (${id}::uuid, ${ref}, 'question', ${state}, 'A Person',
          'a@example.test', 'other', ${at(2000)}::timestamptz,
          ${at(1970)}::timestamptz, ${at(0)}::timestamptz,
          ${closedDaysAgo === null ? null : at(closedDaysAgo)}::timestamptz)`);
      await tx.execute(sql`insert into request_events
          (request_id, at, actor_type, kind)
        values (${id}::uuid, ${
        at(2000)
      }::timestamptz, 'requester', 'received')`);
      await tx.execute(sql`insert into mail_outbox (request_id, to_address,
          template, lang, next_attempt_at, created_at)
        values (${id}::uuid, 'a@example.test', 'verify', 'en',
          ${at(2000)}::timestamptz, ${at(2000)}::timestamptz)`);
    });
  // The rule is 1095 days by default.
  await add("DR-OLDCLOSED", "completed", 1200);
  await add("DR-OLDWITHDRAWN", "withdrawn", 1100);
  await add("DR-RECENT", "withdrawn", 100);
  await add("DR-OPEN", "received", null);
  await add("DR-HELD", "expired", 1500);
  await ownerOf(t.db).execute(sql`insert into legal_holds
    (category, record_ids, reason, owner, review_on)
    values ('data_requests', '{DR-HELD}'::text[], 'litigation',
      'legal@example.com', '2027-06-01')`);

  const dry = await purgeGlobal({ db: t.db, now: () => NOW }, {
    dryRun: true,
  });
  assert.equal(dry.status, "done");
  if (dry.status !== "done") return;
  const planned = dry.counts.find((c) => c.category === "data_requests")!;
  assert.deepEqual([planned.due, planned.held, planned.deleted], [3, 1, 0]);

  const out = await purgeGlobal({ db: t.db, now: () => NOW });
  assert.equal(out.status, "done");
  if (out.status !== "done") return;
  const counts = out.counts.find((c) => c.category === "data_requests")!;
  assert.deepEqual([counts.due, counts.held, counts.deleted], [3, 1, 2]);
  const left = rowsOf<{ public_id: string }>(
    await ownerOf(t.db).execute(
      sql`select public_id from data_requests order by public_id`,
    ),
  ).map((r) => r.public_id);
  assert.deepEqual(left, ["DR-HELD", "DR-OPEN", "DR-RECENT"]);
  const [orphans] = rowsOf<{ events: number; mail: number }>(
    await ownerOf(t.db).execute(sql`select
      (select count(*) from request_events)::int as events,
      (select count(*) from mail_outbox)::int as mail`),
  );
  assert.deepEqual([orphans.events, orphans.mail], [3, 3]);
  const [record] = rowsOf<{ rows_deleted: number; status: string }>(
    await ownerOf(t.db).execute(sql`select rows_deleted, status
      from purge_records where category = 'data_requests' and not dry_run`),
  );
  assert.deepEqual([record.rows_deleted, record.status], [2, "done"]);
});

Deno.test(`row-level security (${testEngine}): no one without requests.manage sees a request; the requester sees only their own`, async () => {
  await using t = await openTestDatabase();
  const ids = [crypto.randomUUID(), crypto.randomUUID()];
  await asRequestsSystem(t.db, async (tx) => {
    for (const [i, id] of ids.entries()) {
      await tx.execute(sql`insert into data_requests (id, public_id, type,
          requester_name, requester_email, relationship, received_at, due_at,
          updated_at)
        values (${id}::uuid, ${`DR-RLS${i}`}, 'question', 'A', 'a@example.test',
          'other', now(), now() + interval '30 days', now())`);
    }
  });
  const count = async (setting: string | null) => {
    const [r] = await t.db.asUser({ userId: "", storeIds: [] }, async (tx) => {
      if (setting) {
        await tx.execute(
          sql`select set_config('app.request_id', ${setting}, true)`,
        );
      }
      return rowsOf<{ n: number }>(
        await tx.execute(sql`select count(*)::int as n from data_requests`),
      );
    });
    return r.n;
  };
  assert.equal(await count(null), 0);
  assert.equal(await count(ids[0]), 1);
  // A requester's transaction cannot write another request.
  await assert.rejects(
    t.db.asUser({ userId: "", storeIds: [] }, async (tx) => {
      await tx.execute(
        sql`select set_config('app.request_id', ${ids[0]}, true)`,
      );
      await tx.execute(sql`insert into data_requests (id, public_id, type,
          requester_name, requester_email, relationship, received_at, due_at,
          updated_at)
        values (${crypto.randomUUID()}::uuid, 'DR-OTHER', 'question', 'A',
          'a@example.test', 'other', now(), now(), now())`);
    }),
  );
});
