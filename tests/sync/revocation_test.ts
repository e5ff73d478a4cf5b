// Data Policy §10 through the sync engine: when Amazon answers invalid_grant
// (the seller revoked us) the run fails with a clear reason, the store
// becomes "revoked" (audited), its queued runs are cancelled, and no later
// run or scheduled firing syncs it. A disconnected store is never synced.
import assert from "node:assert/strict";
import { and, eq } from "drizzle-orm";
import { auditEvents, stores, syncRuns } from "../../db/schema.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";
import { openSyncWorld } from "../_helpers/sync.ts";
import { inventoryDataset } from "../../lib/sync/datasets/inventory.ts";
import { queueRun } from "../../lib/sync/runs.ts";
import { syncHandler } from "../../jobs/sync.ts";
import { schedulerTick } from "../../lib/sync/scheduler.ts";
import { writeScheduleTx } from "../../lib/sync/schedules.ts";

Deno.test(`revocation (${testEngine}): invalid_grant stops syncs and drops queued runs`, async () => {
  await using w = await openSyncWorld({
    datasets: [inventoryDataset],
    sandbox: { stores: 2, orders: 40 },
  });
  const [revoked, other] = w.storeIds;
  const queued = await w.db.asJob(revoked, (tx) =>
    queueRun(tx, {
      storeId: revoked,
      dataset: "inventory",
      trigger: "manual",
    }));
  w.sb.sandbox.revoke(w.sb.sandbox.sellers[0].sellerId);

  const out = await w.run(0, "inventory");
  assert.equal(out.status, "failed");
  assert.match(
    (out as { error: string }).error,
    /authorization revoked by the seller/,
  );
  const owner = ownerOf(w.db);
  const [store] = await owner.select().from(stores).where(
    eq(stores.id, revoked),
  );
  assert.equal(store.status, "revoked");
  const [q] = await owner.select().from(syncRuns).where(
    eq(syncRuns.id, queued),
  );
  assert.equal(q.status, "cancelled");
  assert.match(q.error ?? "", /revoked/);
  const audits = await owner.select().from(auditEvents).where(and(
    eq(auditEvents.action, "store.authorization.revoked"),
    eq(auditEvents.storeId, revoked),
  ));
  assert.equal(audits.length, 1);

  // The queued message arrives later: nothing runs, no API call is made.
  const enqueued: Record<string, unknown>[] = [];
  const handler = syncHandler({
    ...w.deps,
    enqueue: (m) => {
      enqueued.push(m);
      return Promise.resolve();
    },
  });
  const before = (await owner.select().from(syncRuns)).length;
  await handler.handle({
    type: "sync.run",
    storeId: revoked,
    dataset: "inventory",
    trigger: "manual",
    runId: queued,
    attempt: 0,
  });
  assert.equal((await owner.select().from(syncRuns)).length, before);

  // A scheduled firing fans out to connected stores only.
  const slot = Date.parse("2026-11-29T10:07:00Z");
  const claimed = await schedulerTick({
    db: w.db,
    log: w.log,
    datasets: [inventoryDataset],
    enqueue: (m) => {
      enqueued.push(m);
      return Promise.resolve();
    },
    worker: "test",
    now: () => slot + 5_000,
  });
  assert.deepEqual(claimed, ["sync.inventory"]);
  assert.deepEqual(enqueued.map((m) => m.storeId), [other]);

  // The other store still syncs; a disconnected one is skipped.
  await w.runOk(1, "inventory");
  await owner.update(stores).set({ status: "disconnected" }).where(
    eq(stores.id, other),
  );
  const skipped = await w.run(1, "inventory");
  assert.deepEqual(skipped, {
    status: "skipped",
    reason: "store is disconnected",
    runId: undefined,
  });
});

Deno.test(`scheduler (${testEngine}): a slot runs once across instances; paused jobs do not fire`, async () => {
  await using w = await openSyncWorld({
    datasets: [inventoryDataset],
    sandbox: { stores: 1, orders: 10 },
  });
  const sent: unknown[] = [];
  const tick = (worker: string, at: string) =>
    schedulerTick({
      db: w.db,
      log: w.log,
      datasets: [inventoryDataset],
      enqueue: (m) => {
        sent.push(m);
        return Promise.resolve();
      },
      worker,
      now: () => Date.parse(at),
    });
  // Default "7 * * * *": due at minute 7 only.
  assert.deepEqual(await tick("a", "2026-11-29T10:06:30Z"), []);
  const [a, b] = await Promise.all([
    tick("a", "2026-11-29T10:07:10Z"),
    tick("b", "2026-11-29T10:07:40Z"),
  ]);
  assert.equal(a.length + b.length, 1, "exactly one instance claims the slot");
  assert.equal(sent.length, 1);
  await w.db.asUser(
    { userId: "00000000-0000-4000-8000-000000000001", storeIds: [] },
    async (tx) => {
      await writeScheduleTx(tx, {
        name: "sync.inventory",
        schedule: "7 * * * *",
        enabled: false,
        reset: false,
      }, "00000000-0000-4000-8000-000000000001");
    },
  );
  assert.deepEqual(await tick("a", "2026-11-29T11:07:00Z"), []);
  assert.equal(sent.length, 1);
});
