// The whole engine against the sandbox: every dataset for two stores ends
// equal to the ground truth row for row, with no 429 under normal load, and
// a fault matrix (each fault the sandbox can inject) after which the next
// scheduled runs complete the work: nothing lost, nothing duplicated.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { apiRequestLog, stores, syncRuns } from "../../db/schema.ts";
import type { FaultRule } from "../../sandbox/testing.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { openSyncWorld, type SyncWorld } from "../_helpers/sync.ts";
import { assertEqualsTruth } from "../_helpers/truth.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

// 35 days keep the per-day reports (sales and traffic) few; every dataset
// still has rows of each kind.
const SANDBOX = { orders: 150, days: 35, restrictedRole: true };

/** Runs every dataset (or `names`) in registry order; returns the failed ones. */
async function syncAll(
  w: SyncWorld,
  index: number,
  names?: readonly string[],
): Promise<string[]> {
  const failed: string[] = [];
  for (const d of DATASETS) {
    if (names && !names.includes(d.name)) continue;
    const out = await w.run(index, d.name, "schedule");
    if (out.status !== "succeeded") {
      failed.push(`${d.name}: ${JSON.stringify(out)}`);
    }
  }
  return failed;
}

Deno.test(`full sync (${testEngine}): every dataset, two stores, equals the ground truth; no 429`, async () => {
  await using w = await openSyncWorld({
    datasets: DATASETS,
    sandbox: { stores: 2, ...SANDBOX },
  });
  for (const i of [0, 1]) {
    assert.deepEqual(await syncAll(w, i), []);
    await assertEqualsTruth(w, i);
  }
  const runs = await ownerOf(w.db).select().from(syncRuns);
  assert.equal(runs.length, 2 * DATASETS.length);
  assert.equal(runs.reduce((n, r) => n + r.throttles, 0), 0, "no 429");
  const logged = await ownerOf(w.db).select().from(apiRequestLog);
  assert.equal(logged.filter((r) => r.httpStatus === 429).length, 0);
  assert.equal(
    runs.reduce((n, r) => n + r.apiCalls, 0),
    // Token requests (api "lwa") are logged too but are no run's calls.
    logged.filter((r) => r.api !== "report-document" && r.api !== "lwa")
      .length,
    "every call is logged once and counted by its run",
  );

  // A second full pass changes nothing.
  for (const i of [0, 1]) assert.deepEqual(await syncAll(w, i), []);
  const second = (await ownerOf(w.db).select().from(syncRuns)).filter((r) =>
    !runs.some((x) => x.id === r.id)
  );
  assert.equal(second.reduce((n, r) => n + r.rowsInserted, 0), 0);
  for (const i of [0, 1]) await assertEqualsTruth(w, i);
});

// The matrix runs the datasets that cover every kind of call: SP-API pages
// (searchOrders, getOrder, getInventorySummaries), the Reports flow with
// gzip documents, and the Ads API with its reporting (the full test above
// covers the others); each fault hits the first calls it can.
const MATRIX_DATASETS = ["inventory", "orders", "returns", "ads_metrics"];
const MATRIX_TABLES = [
  "inventory",
  "orders",
  "orderItems",
  "buyerPii",
  "returns",
  "adMetricsDaily",
];

const MATRIX: { name: string; faults: FaultRule[] }[] = [
  { name: "429 burst", faults: [{ kind: "throttle", count: 8 }] },
  { name: "500s", faults: [{ kind: "serverError", count: 4 }] },
  {
    name: "503 HTML page",
    faults: [{ kind: "unavailable", count: 3, html: true }],
  },
  { name: "slow answers", faults: [{ kind: "delay", delayMs: 150, count: 6 }] },
  {
    name: "timeout",
    faults: [{ kind: "hang", operation: "searchOrders", count: 1 }],
  },
  { name: "malformed JSON", faults: [{ kind: "malformedJson", count: 3 }] },
  {
    name: "truncated gzip",
    faults: [{
      kind: "truncatedGzip",
      operation: "downloadDocument",
      count: 2,
    }],
  },
  {
    name: "expired access token",
    faults: [{ kind: "expiredToken", count: 1 }],
  },
  {
    name: "invalid_grant",
    faults: [{ kind: "invalidGrant", operation: "lwaToken", count: 1 }],
  },
];

Deno.test(`fault matrix (${testEngine}): after recovery the database equals the ground truth`, async (t) => {
  for (const { name, faults } of MATRIX) {
    await t.step(name, async () => {
      await using w = await openSyncWorld({
        datasets: DATASETS,
        sandbox: { stores: 1, ...SANDBOX },
        runner: { timeoutMs: 1_500 },
      });
      w.sb.sandbox.faults.inject(faults);
      await syncAll(w, 0, MATRIX_DATASETS);
      assert.ok(w.sb.sandbox.faults.fired.length > 0, "the fault fired");
      if (name === "invalid_grant") {
        // Amazon says the grant is gone: the store stops until reconnected.
        const [s] = await ownerOf(w.db).select().from(stores);
        assert.equal(s.status, "revoked");
        await ownerOf(w.db).update(stores).set({ status: "connected" }).where(
          eq(stores.id, w.storeIds[0]),
        );
      }
      // The next scheduled runs finish whatever failed.
      let failed = await syncAll(w, 0, MATRIX_DATASETS);
      for (let pass = 1; pass < 3 && failed.length; pass++) {
        failed = await syncAll(w, 0, MATRIX_DATASETS);
      }
      assert.deepEqual(failed, []);
      await assertEqualsTruth(w, 0, MATRIX_TABLES);
    });
  }
});
