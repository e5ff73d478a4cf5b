// The purge's job adapters: Run now's message reaches purgeAll through the
// real queue; the daily firing runs on one instance per day.
import assert from "node:assert/strict";
import { sql } from "drizzle-orm";
import { rowsOf } from "../../db/client.ts";
import { registerStore } from "../../db/maintenance.ts";
import { startJobs } from "../../jobs/mod.ts";
import { purgeCron, purgeHandler } from "../../jobs/purge.ts";
import { createJobQueue } from "../../jobs/queue.ts";
import { createLogger } from "../../lib/log.ts";
import { PURGE_MESSAGE } from "../../lib/policy/purge.ts";
import { openTestDatabase, ownerOf, testEngine } from "../_helpers/test_db.ts";

const NOW = new Date("2026-12-01T03:15:00Z");

async function withDueRow() {
  const t = await openTestDatabase();
  const storeId = await registerStore(t.db, {
    sellerId: `A${crypto.randomUUID().slice(0, 8).toUpperCase()}`,
    region: "NA",
    name: "Job store",
    marketplaces: [],
  });
  await ownerOf(t.db).execute(sql`insert into buyer_pii
    (store_id, amazon_order_id, payload_jwe, purpose, purge_after)
    values (${storeId}::uuid, 'due', 'jwe', 'buyer_pii', '2026-11-01'),
           (${storeId}::uuid, 'later', 'jwe', 'buyer_pii', '2027-01-01')`);
  const left = async () =>
    rowsOf<{ id: string }>(
      await ownerOf(t.db).execute(
        sql`select amazon_order_id as id from buyer_pii order by 1`,
      ),
    ).map((r) => r.id);
  return { t, storeId, left };
}

Deno.test(`purge job (${testEngine}): Run now's message purges through the queue`, async () => {
  const { t, left } = await withDueRow();
  await using _ = t;
  const kv = await Deno.openKv(":memory:");
  const queue = createJobQueue(kv);
  const jobs = startJobs({
    queue,
    log: createLogger({ sink: () => {} }),
    handlers: [purgeHandler({ db: t.db, kv, now: () => NOW })],
  });
  try {
    await queue.enqueue({ type: PURGE_MESSAGE, dryRun: true });
    await queue.drained();
    assert.deepEqual(await left(), ["due", "later"]);
    await queue.enqueue({ type: PURGE_MESSAGE, dryRun: false });
    await queue.drained();
    assert.deepEqual(await left(), ["later"]);
  } finally {
    jobs.stop();
    kv.close();
    await jobs.listening;
  }
});

Deno.test(`purge job (${testEngine}): the daily firing runs on one instance per day`, async () => {
  const { t, storeId, left } = await withDueRow();
  await using _ = t;
  const a = purgeCron({ db: t.db, now: () => NOW, worker: "a" });
  const b = purgeCron({ db: t.db, now: () => NOW, worker: "b" });
  assert.equal(a.schedule, "15 3 * * *");
  assert.match(a.name, /^[A-Za-z0-9 _-]+$/, "a valid Deno.cron name");
  await Promise.all([a.run(), b.run()]);
  assert.deepEqual(await left(), ["later"]);
  const runs = rowsOf<{ n: number }>(
    await ownerOf(t.db).execute(sql`select count(*)::int as n
      from purge_records where store_id = ${storeId}::uuid
        and category = 'buyer_pii'`),
  );
  assert.equal(runs[0].n, 1);
});
