// The child process of kill_test.ts: runs one dataset for one store against
// a sandbox, on the database and KV the parent prepared, until the parent
// kills it with SIGKILL. Not a test file (no _test suffix).
import { openDatabase } from "../../db/client.ts";
import { createLogger } from "../../lib/log.ts";
import { createVault } from "../../lib/security/vault.ts";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import { runSync } from "../../jobs/sync_runner.ts";
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
  datasets: DATASETS,
  timeScale: args.timeScale,
  runner: { leaseMs: 1_500, flushMs: 50, worker: "child" },
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
