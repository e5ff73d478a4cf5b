// The runner's own rules: one run per store and dataset at a time (a second
// worker finds the lease taken), and a message delivered while the process
// stops runs nothing and stays queued for after the restart.
import assert from "node:assert/strict";
import { syncRuns } from "../../db/schema.ts";
import { runSync } from "../../lib/sync/runner.ts";
import type { Dataset } from "../../lib/sync/dataset.ts";
import { openSyncWorld } from "../_helpers/sync.ts";
import { ownerOf, testEngine } from "../_helpers/test_db.ts";

Deno.test(`runner (${testEngine}): one run at a time; nothing starts while stopping`, async () => {
  const release = Promise.withResolvers<void>();
  const started = Promise.withResolvers<void>();
  const slow: Dataset = {
    name: "slow",
    api: "sp-api",
    schedule: "0 0 * * *",
    async run(ctx) {
      ctx.progress({ step: "waiting" });
      started.resolve();
      await release.promise;
    },
  };
  await using w = await openSyncWorld({
    datasets: [slow],
    sandbox: { stores: 1, orders: 5 },
  });
  const first = w.run(0, "slow");
  await started.promise;
  assert.deepEqual(await w.run(0, "slow"), {
    status: "busy",
    runId: undefined,
  });
  release.resolve();
  assert.equal((await first).status, "succeeded");

  const stopping = new AbortController();
  stopping.abort(new Error("the server is stopping"));
  await assert.rejects(
    runSync({ ...w.deps, signal: stopping.signal }, {
      storeId: w.storeIds[0],
      dataset: "slow",
      trigger: "schedule",
    }),
    /stopping/,
  );
  assert.equal((await ownerOf(w.db).select().from(syncRuns)).length, 1);
});
