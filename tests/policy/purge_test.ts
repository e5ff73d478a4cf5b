// Data Policy §9: due rows are purged in batches, rows not yet due and held
// rows survive, rules' floors and ceilings hold against direct SQL, two
// purges of one store never overlap, and an interrupted purge completes on
// the next run with nothing deleted twice or missed. Injected clock.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { dbErrorMessage, rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { buyerPiiCacheKey, purgeStore } from "../../lib/policy/purge.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const NOW = new Date("2026-12-01T00:00:00Z");
const day = 86_400_000;
const clock = () => NOW;

async function setup(due = 30, notDue = 10, noDate = 0) {
  const t = await openTestDatabase();
  const storeId = await registerStore(t.db, {
    sellerId: `A${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    region: "NA",
    name: "Purge store",
    marketplaces: [],
  });
  const owner = ownerOf(t.db);
  const rows: string[] = [];
  const add = async (id: string, purgeAfter: Date | null, collected: Date) => {
    rows.push(id);
    await owner.execute(sql`insert into buyer_pii
      (store_id, amazon_order_id, payload_jwe, purpose, collected_at, purge_after)
      values (${storeId}::uuid, ${id}, 'jwe', 'buyer_pii',
        ${collected.toISOString()}::timestamptz,
        ${purgeAfter?.toISOString() ?? null}::timestamptz)`);
  };
  for (let i = 0; i < due; i++) {
    await add(
      `due-${String(i).padStart(3, "0")}`,
      new Date(NOW.getTime() - (i + 1) * day),
      new Date(NOW.getTime() - 60 * day),
    );
  }
  for (let i = 0; i < notDue; i++) {
    await add(
      `later-${i}`,
      new Date(NOW.getTime() + (i + 1) * day),
      new Date(NOW.getTime() - 5 * day),
    );
  }
  for (let i = 0; i < noDate; i++) {
    await add(`nodate-${i}`, null, new Date(NOW.getTime() - 31 * day));
  }
  return { t, storeId, owner };
}

async function remaining(
  owner: ReturnType<typeof ownerOf>,
  storeId: string,
): Promise<string[]> {
  return rowsOf<{ id: string }>(
    await owner.execute(sql`select amazon_order_id as id from buyer_pii
      where store_id = ${storeId}::uuid order by 1`),
  ).map((r) => r.id);
}

Deno.test(`purge (${testEngine}): due rows go, rows not yet due stay, with a record of counts only`, async () => {
  const { t, storeId, owner } = await setup(25, 5, 3);
  await using _ = t;
  const kv = await Deno.openKv(":memory:");
  try {
    await kv.set(buyerPiiCacheKey(storeId, "due-000"), { name: "x" });
    await kv.set(buyerPiiCacheKey(storeId, "later-0"), { name: "y" });
    const out = await purgeStore(
      { db: t.db, kv, now: clock, batchSize: 7 },
      storeId,
    );
    assert.equal(out.status, "done");
    const left = await remaining(owner, storeId);
    assert.deepEqual(left, [
      "later-0",
      "later-1",
      "later-2",
      "later-3",
      "later-4",
    ]);
    assert.equal(
      (await kv.get(buyerPiiCacheKey(storeId, "due-000"))).value,
      null,
    );
    assert.notEqual(
      (await kv.get(buyerPiiCacheKey(storeId, "later-0"))).value,
      null,
    );
    const records = rowsOf<Record<string, unknown>>(
      await owner.execute(
        sql`select category, rule_days, rows_due, rows_deleted,
        rows_held, status, dry_run from purge_records
        where store_id = ${storeId}::uuid and category = 'buyer_pii'`,
      ),
    );
    assert.deepEqual(records, [{
      category: "buyer_pii",
      rule_days: 30,
      rows_due: 28,
      rows_deleted: 28,
      rows_held: 0,
      status: "done",
      dry_run: false,
    }]);
    // Idempotent: a second run finds nothing.
    const again = await purgeStore({ db: t.db, kv, now: clock }, storeId);
    assert.equal(again.status, "done");
    if (again.status === "done") {
      assert.equal(
        again.counts.find((c) => c.category === "buyer_pii")?.deleted,
        0,
      );
    }
  } finally {
    kv.close();
  }
});

Deno.test(`purge (${testEngine}): a dry run deletes nothing and says what is held`, async () => {
  const { t, storeId, owner } = await setup(10, 2);
  await using _ = t;
  await owner.execute(sql`insert into legal_holds
    (store_id, category, record_ids, reason, owner, review_on)
    values (${storeId}::uuid, 'buyer_pii', array['due-001', 'due-002'],
      'litigation', 'legal@example.com', '2027-01-01')`);
  const out = await purgeStore(
    { db: t.db, now: clock },
    storeId,
    { dryRun: true },
  );
  assert.equal(out.status, "done");
  if (out.status !== "done") return;
  const pii = out.counts.find((c) => c.category === "buyer_pii")!;
  assert.deepEqual(pii, {
    category: "buyer_pii",
    table: "buyer_pii",
    ruleDays: 30,
    due: 10,
    held: 2,
    deleted: 0,
  });
  assert.equal((await remaining(owner, storeId)).length, 12);
});

Deno.test(`purge (${testEngine}): held rows are never purged; released holds no longer hold`, async () => {
  const { t, storeId, owner } = await setup(10, 0);
  await using _ = t;
  // By record id, and by time range over every store and category.
  await owner.execute(sql`insert into legal_holds
    (store_id, category, record_ids, reason, owner, review_on)
    values (${storeId}::uuid, 'buyer_pii', array['due-003'],
      'tax audit', 'legal@example.com', '2027-01-01')`);
  await owner.execute(sql`insert into legal_holds
    (from_at, to_at, reason, owner, review_on)
    values ('2020-01-01', '2020-12-31', 'old dispute', 'legal', '2027-01-01')`);
  await purgeStore({ db: t.db, now: clock, batchSize: 3 }, storeId);
  assert.deepEqual(await remaining(owner, storeId), ["due-003"]);
  await owner.execute(sql`update legal_holds set released_at = now(),
    release_reason = 'settled' where record_ids is not null`);
  await purgeStore({ db: t.db, now: clock }, storeId);
  assert.deepEqual(await remaining(owner, storeId), []);
});

Deno.test(`purge (${testEngine}): an interrupted purge completes next time, nothing twice or missed`, async () => {
  const { t, storeId, owner } = await setup(40, 3);
  await using _ = t;
  let batches = 0;
  await assert.rejects(
    purgeStore({
      db: t.db,
      now: clock,
      batchSize: 6,
      holder: "instance-a",
      afterBatch: () => {
        if (++batches === 3) throw new Error("killed");
        return Promise.resolve();
      },
    }, storeId),
    /killed/,
  );
  assert.equal((await remaining(owner, storeId)).length, 43 - 18);
  // A killed process leaves its lease behind: a restart waits it out.
  await owner.execute(
    sql`insert into purge_leases (store_id, holder, expires_at)
    values (${storeId}::uuid, 'instance-a', ${
      new Date(NOW.getTime() + 60_000).toISOString()
    }::timestamptz)`,
  );
  const blocked = await purgeStore(
    { db: t.db, now: clock, holder: "instance-b" },
    storeId,
  );
  assert.equal(blocked.status, "busy");
  const later = () => new Date(NOW.getTime() + 120_000);
  const done = await purgeStore(
    { db: t.db, now: later, holder: "instance-b", batchSize: 6 },
    storeId,
  );
  assert.equal(done.status, "done");
  assert.deepEqual(await remaining(owner, storeId), [
    "later-0",
    "later-1",
    "later-2",
  ]);
  const records = rowsOf<{ status: string; deleted: number }>(
    await owner.execute(sql`select status, rows_deleted as deleted
      from purge_records where store_id = ${storeId}::uuid
        and category = 'buyer_pii' order by started_at, status`),
  );
  assert.deepEqual(records.map((r) => r.status), ["interrupted", "done"]);
  assert.equal(records.reduce((n, r) => n + r.deleted, 0), 40);
});

Deno.test(`purge (${testEngine}): two purges of one store at once do not overlap`, async () => {
  const { t, storeId, owner } = await setup(30, 0);
  await using _ = t;
  const [a, b] = await Promise.all([
    purgeStore({ db: t.db, now: clock, holder: "a", batchSize: 5 }, storeId),
    purgeStore({ db: t.db, now: clock, holder: "b", batchSize: 5 }, storeId),
  ]);
  const statuses = [a.status, b.status].sort();
  // Either one ran while the other found the lease taken, or they ran one
  // after the other; never both at once, and every row went exactly once.
  const deleted = [a, b].reduce(
    (n, r) =>
      n +
      (r.status === "done"
        ? r.counts.find((c) => c.category === "buyer_pii")!.deleted
        : 0),
    0,
  );
  assert.ok(statuses.includes("done"));
  assert.equal(deleted, 30);
  assert.deepEqual(await remaining(owner, storeId), []);
});

Deno.test(`purge (${testEngine}): floors and ceilings hold against direct SQL`, async () => {
  const { t } = await setup(0, 0);
  await using _ = t;
  const owner = ownerOf(t.db);
  const refused = async (q: ReturnType<typeof sql>) =>
    await assert.rejects(
      owner.execute(q),
      (e) => /check constraint|violates/i.test(dbErrorMessage(e)),
    );
  await refused(
    sql`update retention_rules set days = 31 where category = 'buyer_pii'`,
  );
  await refused(
    sql`update retention_rules set fallback_days = 45 where category = 'buyer_pii'`,
  );
  await refused(
    sql`update retention_rules set days = 89 where category = 'api_request_log'`,
  );
  await refused(
    sql`update retention_rules set days = 30 where category = 'audit_events'`,
  );
  await refused(
    sql`update retention_rules set reason = ' ' where category = 'orders'`,
  );
  await refused(sql`insert into retention_rules (category, days, reason)
    values ('anything', 10, 'x')`);
  // Within the limits it works, and the runtime role can do no more than that.
  await owner.execute(
    sql`update retention_rules set days = 90 where category = 'api_request_log'`,
  );
  const storeId = await registerStore(t.db, {
    sellerId: "AFLOOR",
    region: "NA",
    name: "s",
    marketplaces: [],
  });
  await assert.rejects(
    t.db.asJob(
      storeId,
      (tx) =>
        tx.execute(sql`update retention_rules set days = 60
        where category = 'audit_events'`),
    ),
    (e: unknown) => /check constraint|violates/i.test(dbErrorMessage(e)),
  );
  await assert.rejects(
    t.db.asJob(
      storeId,
      (tx) =>
        tx.execute(sql`delete from retention_rules where category = 'orders'`),
    ),
    (e: unknown) => /permission denied/i.test(dbErrorMessage(e)),
  );
  await assert.rejects(
    t.db.asJob(storeId, (tx) => tx.execute(sql`delete from legal_holds`)),
    (e: unknown) => /permission denied/i.test(dbErrorMessage(e)),
  );
});

Deno.test(`purge (${testEngine}): a legal basis keeps one order's data until its end date`, async () => {
  const { t, storeId, owner } = await setup(3, 0);
  await using _ = t;
  await owner.execute(sql`insert into buyer_pii_extensions
    (store_id, amazon_order_id, basis, until, reason, created_at)
    values (${storeId}::uuid, 'due-001', 'invoice',
      ${new Date(NOW.getTime() + 10 * day).toISOString()}::timestamptz,
      'invoice dispute', ${NOW.toISOString()}::timestamptz)`);
  await assert.rejects(
    owner.execute(sql`insert into buyer_pii_extensions
      (store_id, amazon_order_id, basis, until, reason)
      values (${storeId}::uuid, 'due-002', 'marketing', now() + interval '1 day', 'x')`),
    (e: unknown) => /check constraint|violates/i.test(dbErrorMessage(e)),
  );
  await purgeStore({ db: t.db, now: clock }, storeId);
  assert.deepEqual(await remaining(owner, storeId), ["due-001"]);
  // When the basis ends, the row goes.
  const after = () => new Date(NOW.getTime() + 11 * day);
  await purgeStore({ db: t.db, now: after }, storeId);
  assert.deepEqual(await remaining(owner, storeId), []);
});

Deno.test(`purge (${testEngine}): a big table goes by page ranges with the same result and figures`, async () => {
  // blockScanBytes 0 takes the path of tables over 32 MiB: batches of
  // pages in physical order instead of windows of the purge index.
  const { t, storeId, owner } = await setup(20, 4, 3);
  await using _ = t;
  await owner.execute(sql`insert into legal_holds
    (store_id, category, record_ids, reason, owner, review_on)
    values (${storeId}::uuid, 'buyer_pii', array['due-004'],
      'litigation', 'legal@example.com', '2027-01-01')`);
  await owner.execute(sql`insert into buyer_pii_extensions
    (store_id, amazon_order_id, basis, until, reason, created_at)
    values (${storeId}::uuid, 'due-007', 'tax',
      ${new Date(NOW.getTime() + 10 * day).toISOString()}::timestamptz,
      'tax audit', ${NOW.toISOString()}::timestamptz)`);
  let batches = 0;
  const out = await purgeStore({
    db: t.db,
    now: clock,
    blockScanBytes: 0,
    afterBatch: () => {
      batches++;
      return Promise.resolve();
    },
  }, storeId);
  assert.equal(out.status, "done");
  assert.ok(batches >= 1);
  assert.deepEqual(await remaining(owner, storeId), [
    "due-004",
    "due-007",
    "later-0",
    "later-1",
    "later-2",
    "later-3",
  ]);
  const [record] = rowsOf<Record<string, unknown>>(
    await owner.execute(sql`select rows_due, rows_deleted, rows_held,
        rows_remaining::int as rows_remaining, status
      from purge_records
      where store_id = ${storeId}::uuid and category = 'buyer_pii'`),
  );
  assert.deepEqual(record, {
    rows_due: 22,
    rows_deleted: 21,
    rows_held: 1,
    rows_remaining: 6,
    status: "done",
  });
  // Idempotent on this path too.
  const again = await purgeStore(
    { db: t.db, now: clock, blockScanBytes: 0 },
    storeId,
  );
  assert.equal(again.status, "done");
  if (again.status === "done") {
    assert.equal(again.counts.find((c) => c.table === "buyer_pii")?.deleted, 0);
  }
});
