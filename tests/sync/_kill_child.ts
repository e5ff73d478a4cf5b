// The child process of kill_test.ts: runs one dataset for one store against
// a sandbox, on the database and KV the parent prepared, until the parent
// kills it with SIGKILL. It prints "started" once the run is under way and
// "progress <n>" after each committed write, so the parent kills it at a
// known point instead of after a guessed delay. Not a test file (no _test
// suffix).
import { openDatabase } from "../../db/client.ts";
import { createLogger } from "../../lib/log.ts";
import { createVault } from "../../lib/security/vault.ts";
import type { Dataset } from "../../lib/sync/dataset.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { runSync } from "../../lib/sync/runner.ts";
import { syncRunnerDeps } from "../_helpers/sync.ts";

const args = JSON.parse(Deno.args[0]) as {
  databaseUrl?: string;
  pgliteDir?: string;
  kvPath: string;
  sandboxUrl: string;
  storeId: string;
  dataset: string;
  vaultKey: string;
  timeScale: number;
  leaseMs: number;
};
const db = await openDatabase({
  databaseUrl: args.databaseUrl,
  pgliteDir: args.pgliteDir,
  poolSize: 2,
});
const kv = await Deno.openKv(args.kvPath);
const deps = syncRunnerDeps({
  db,
  kv,
  vault: createVault([{ kid: "k1", key: args.vaultKey }]),
  log: createLogger({ level: "error", sink: () => {} }),
  sandboxUrl: args.sandboxUrl,
  datasets: DATASETS.map(reportingWrites),
  timeScale: args.timeScale,
  runner: { leaseMs: args.leaseMs, flushMs: 50, worker: "child" },
});
console.log("started");
const out = await runSync(deps, {
  storeId: args.storeId,
  dataset: args.dataset,
  trigger: "schedule",
});
console.log(JSON.stringify(out));
kv.close();
await db.close();

/** The dataset, printing "progress <n>" once its n-th write has committed. */
function reportingWrites(dataset: Dataset): Dataset {
  let writes = 0;
  return {
    ...dataset,
    run: (ctx) =>
      dataset.run({
        ...ctx,
        async write(fn, cursor) {
          await ctx.write(fn, cursor);
          console.log(`progress ${++writes}`);
        },
      }),
  };
}
