// A worker killed with SIGKILL in the middle of a sync (Data Policy §9's
// "nothing is ever lost"): the crashed run stays "running" with part of the
// data, its lease expires, the next run closes it as interrupted (not
// failed) and completes the work, and the database then equals the ground truth.
import assert from "node:assert/strict";
import { eq } from "drizzle-orm";
import { openDatabase } from "../../db/client.ts";
import { orderItems, orders, syncRuns } from "../../db/schema.ts";
import { generateVaultKey } from "../../lib/security/vault.ts";
import { ordersDataset } from "../../lib/sync/datasets/orders.ts";
import { runSync } from "../../lib/sync/runner.ts";
import {
  canonicalRows,
  openSyncWorld,
  syncRunnerDeps,
  truthKeys,
} from "../_helpers/sync.ts";
import { openTestDatabase, testEngine } from "../_helpers/test_db.ts";
import { truthRows } from "../_helpers/truth.ts";

const CHILD = new URL("./_kill_child.ts", import.meta.url).pathname;
const TIME_SCALE = 2000;
/** The child's lease: the parent's lease clock runs this far ahead. */
const CHILD_LEASE_MS = 1_500;

Deno.test(`kill mid-run (${testEngine}): the next run completes, nothing lost or doubled`, async () => {
  const dir = await Deno.makeTempDir();
  const vaultKey = generateVaultKey();
  const pg = testEngine === "postgres" ? await openTestDatabase() : null;
  const pgliteDir = pg ? undefined : `${dir}/pg`;
  const open = () => pg ? Promise.resolve(pg.db) : openDatabase({ pgliteDir });
  let db = await open();
  if (!pg) await db.migrate();
  const kvPath = `${dir}/kv.sqlite3`;
  let kv = await Deno.openKv(kvPath);
  const w = await openSyncWorld({
    datasets: [ordersDataset],
    sandbox: { stores: 1, orders: 400, days: 120 },
    db,
    kv,
    vaultKey,
    timeScale: TIME_SCALE,
  });
  const storeId = w.storeIds[0];
  try {
    // Every answer is slow, so the child is surely mid-run when killed.
    w.sb.sandbox.faults.inject({
      kind: "delay",
      delayMs: 120,
      count: Infinity,
    });
    if (!pg) {
      kv.close();
      await db.close(); // PGlite: one process at a time
    }
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CHILD,
        JSON.stringify({
          databaseUrl: pg?.url,
          pgliteDir,
          kvPath,
          sandboxUrl: w.sb.url,
          storeId,
          dataset: "orders",
          vaultKey,
          timeScale: TIME_SCALE,
          leaseMs: CHILD_LEASE_MS,
        }),
      ],
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.pipeThrough(new TextDecoderStream())
      .getReader();
    // Killed once some of the data is committed: mid-run, by its own word.
    let out = "";
    while (!/^progress 2$/m.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += value;
    }
    assert.match(out, /started/);
    assert.match(out, /^progress 2$/m, `the child wrote twice: ${out}`);
    child.kill("SIGKILL");
    const status = await child.status;
    await child.stderr.cancel();
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
    assert.equal(status.signal, "SIGKILL", "killed, not finished");
    w.sb.sandbox.faults.clear();

    if (!pg) {
      db = await open();
      kv = await Deno.openKv(kvPath);
    }
    const [crashed] = await db.asJob(
      storeId,
      (tx) => tx.select().from(syncRuns).where(eq(syncRuns.storeId, storeId)),
    );
    assert.equal(crashed.status, "running", "the killed run was mid-way");

    // The child's lease has not expired yet; on this run's lease clock, one
    // lease later, it has (no waiting for it).
    const deps = syncRunnerDeps({
      db,
      kv,
      vault: w.vault,
      log: w.log,
      sandboxUrl: w.sb.url,
      datasets: [ordersDataset],
      timeScale: TIME_SCALE,
      runner: { leaseClock: () => Date.now() + CHILD_LEASE_MS + 1 },
    });
    const done = await runSync(deps, {
      storeId,
      dataset: "orders",
      trigger: "schedule",
    });
    assert.equal(done.status, "succeeded", JSON.stringify(done));
    const runs = await db.asJob(
      storeId,
      (tx) => tx.select().from(syncRuns).where(eq(syncRuns.storeId, storeId)),
    );
    const interrupted = runs.find((r) => r.id === crashed.id)!;
    assert.equal(interrupted.status, "interrupted");
    assert.match(interrupted.error ?? "", /interrupted/);

    const truth = truthRows(w.sb.sandbox.sellers[0]);
    const okeys = truthKeys(truth.orders, ["syncedAt"]); // our write time
    const ikeys = truthKeys(truth.orderItems);
    const [dbOrders, dbItems] = await db.asJob(storeId, async (tx) =>
      [
        await tx.select().from(orders).where(eq(orders.storeId, storeId)),
        await tx.select().from(orderItems).where(
          eq(orderItems.storeId, storeId),
        ),
      ] as const);
    assert.deepEqual(
      canonicalRows(dbOrders, okeys),
      canonicalRows(truth.orders, okeys),
    );
    assert.deepEqual(
      canonicalRows(dbItems, ikeys),
      canonicalRows(truth.orderItems, ikeys),
    );
  } finally {
    await w.close();
    try {
      kv.close();
    } catch { /* closed before the child ran */ }
    if (pg) await pg[Symbol.asyncDispose]();
    else await db.close().catch(() => {});
    await Deno.remove(dir, { recursive: true });
  }
});
