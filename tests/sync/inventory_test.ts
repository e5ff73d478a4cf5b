// FBA inventory against the sandbox: a full sync equals the ground truth
// (the latest summary per marketplace and SKU), and a second run rewrites
// the same rows without adding any.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { inventorySnapshots, syncRuns } from "../../db/schema.ts";
import { inventoryDataset } from "../../lib/sync/datasets/inventory.ts";
import { testEngine } from "../_helpers/test_db.ts";
import { canonicalRows, openSyncWorld, truthKeys } from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";

Deno.test(`inventory sync (${testEngine}): equals the sandbox truth, replay adds nothing`, async () => {
  await using w = await openSyncWorld({
    datasets: [inventoryDataset],
    sandbox: { stores: 2, orders: 100 },
  });
  for (const [i, storeId] of w.storeIds.entries()) {
    const runId = await w.runOk(i, "inventory");
    const truth = truthRows(w.sb.sandbox.sellers[i]).inventory;
    assert.ok(truth.length > 0);
    const keys = truthKeys(truth, ["snapshotDate"]);
    const read = () =>
      w.db.asJob(storeId, (tx) =>
        tx.select().from(inventorySnapshots).where(
          eq(inventorySnapshots.storeId, storeId),
        ));
    assert.deepEqual(
      canonicalRows(await read(), keys),
      canonicalRows(truth, keys),
    );
    const [run] = await w.db.asJob(
      storeId,
      (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
    );
    assert.equal(run.status, "succeeded");
    assert.equal(run.rowsInserted, truth.length);
    assert.ok(run.pages >= w.sb.sandbox.sellers[i].marketplaceIds.length);
    assert.ok(run.apiCalls >= run.pages);

    const again = await w.runOk(i, "inventory");
    const [second] = await w.db.asJob(
      storeId,
      (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, again)),
    );
    assert.equal(second.rowsInserted, 0);
    assert.equal(second.rowsUpdated, truth.length);
    assert.equal((await read()).length, truth.length);
  }
});
