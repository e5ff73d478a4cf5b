// Sales and Traffic against the sandbox: a full sync of two stores equals
// the ground truth row for row (one report per day with data, found by a
// probe per window), a second run only re-reads the restated days and adds
// nothing, and a crash in the middle of a backfill is completed by the next
// run without anything lost or doubled.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { apiRequestLog, salesTrafficDaily, syncRuns } from "../../db/schema.ts";
import {
  RESTATED_DAYS,
  salesTrafficDataset,
} from "../../lib/sync/datasets/sales_traffic.ts";
import { testEngine } from "../_helpers/test_db.ts";
import {
  canonicalRows,
  openSyncWorld,
  scaledPlans,
  type SyncWorld,
  truthKeys,
} from "../_helpers/sync.ts";
import { truthRows } from "../_helpers/truth.ts";

// The sandbox holds 60 days; a 62-day backfill covers them from any hour.
const SETTINGS = { backfillDays: 62 };

function open() {
  return openSyncWorld({
    datasets: [salesTrafficDataset],
    // The sandbox announces the scaled rates in x-amzn-RateLimit-Limit, which
    // the client adopts (else createReport would pace at the real 1/minute).
    sandbox: { stores: 2, orders: 100, usagePlans: scaledPlans(2000) },
    settings: SETTINGS,
  });
}

const read = (w: SyncWorld, i: number) =>
  w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select().from(salesTrafficDaily).where(
        eq(salesTrafficDaily.storeId, w.storeIds[i]),
      ),
  );

async function runRow(w: SyncWorld, i: number, runId: string) {
  const [run] = await w.db.asJob(
    w.storeIds[i],
    (tx) => tx.select().from(syncRuns).where(eq(syncRuns.id, runId)),
  );
  return run;
}

async function assertEqualsTruth(w: SyncWorld, i: number) {
  const truth = truthRows(w.sb.sandbox.sellers[i]).salesTraffic;
  assert.ok(truth.length > 0);
  const keys = truthKeys(truth);
  assert.deepEqual(
    canonicalRows(await read(w, i), keys),
    canonicalRows(truth, keys),
  );
  return truth;
}

/** createReport calls of a store, by report options and range length. */
async function createCalls(w: SyncWorld, i: number) {
  const rows = await w.db.asJob(
    w.storeIds[i],
    (tx) =>
      tx.select().from(apiRequestLog).where(
        eq(apiRequestLog.storeId, w.storeIds[i]),
      ),
  );
  return rows.filter((r) => r.operation === "createReport").length;
}

Deno.test(`sales_traffic sync (${testEngine}): two stores equal the truth, a replay adds nothing`, async () => {
  await using w = await open();
  for (const i of w.storeIds.keys()) {
    const runId = await w.runOk(i, "sales_traffic");
    const truth = await assertEqualsTruth(w, i);
    const run = await runRow(w, i, runId);
    assert.equal(run.rowsInserted, truth.length);
    assert.equal(run.badRowCount, 0);
    // Only days with data are requested one by one: far fewer reports than
    // days × marketplaces (the probes tell the empty days apart).
    const markets = w.sb.sandbox.sellers[i].marketplaceIds.length;
    const days = new Set(truth.map((t) => `${t.marketplaceId}|${t.day}`));
    const calls = await createCalls(w, i);
    assert.ok(calls >= days.size, `${calls} reports for ${days.size} days`);
    assert.ok(calls < 62 * markets, `${calls} reports`);

    const again = await w.runOk(i, "sales_traffic");
    const second = await runRow(w, i, again);
    assert.equal(second.rowsInserted, 0);
    // A replay reads only the restated days (today included) per marketplace.
    assert.ok(
      (await createCalls(w, i)) - calls <= (RESTATED_DAYS + 1) * markets,
    );
    await assertEqualsTruth(w, i);
  }
});

Deno.test(`sales_traffic sync (${testEngine}): a crash mid-backfill is completed by the next run`, async () => {
  await using w = await open();
  // The network drops at the 8th createReport and stays down.
  w.sb.sandbox.faults.inject({
    kind: "connectionReset",
    operation: "createReport",
    after: 7,
    count: Infinity,
  });
  const out = await w.run(0, "sales_traffic");
  assert.equal(out.status, "failed");
  const truth = truthRows(w.sb.sandbox.sellers[0]).salesTraffic;
  const before = (await read(w, 0)).length;
  assert.ok(before > 0 && before < truth.length, `${before} rows`);

  w.sb.sandbox.faults.clear();
  const runId = await w.runOk(0, "sales_traffic");
  await assertEqualsTruth(w, 0);
  const run = await runRow(w, 0, runId);
  assert.equal(run.rowsInserted, truth.length - before);
});
