// Syncs survive a restart (issue 13): main.ts in demo mode is stopped with
// SIGINT in the middle of the orders backfill (the test waits for the
// runner's own progress line, not a guessed delay); the run is recorded as
// interrupted, not failed; started again on the same DATA_DIR, the portal
// queues that run again by itself and it completes, from its checkpoint,
// without anyone clicking Retry.
import assert from "node:assert/strict";
import { startMain } from "./_helpers/main_process.ts";

const TIMEOUT_MS = 180_000;

Deno.test("restart: a backfill cut short by SIGINT is interrupted, resumed at start and completes", async () => {
  const dataDir = await Deno.makeTempDir();
  const env = { DATA_DIR: dataDir, LOG_LEVEL: "debug" };
  let first = startMain(env);
  try {
    // Mid-backfill by the runner's own word: some windows done, not all.
    let runId = "";
    assert.ok(
      await first.waitForLines((l) => {
        if (l.event !== "sync.run.progress" || l.dataset !== "orders") {
          return false;
        }
        const { done, total } = l as { done: unknown; total: unknown };
        if (typeof done !== "number" || typeof total !== "number") {
          return false;
        }
        runId = String(l.runId);
        return done >= 1 && done < total;
      }, TIMEOUT_MS),
      `the orders backfill got under way: ${first.stdout().slice(-2000)}`,
    );
    const stopped = await first.stop("SIGINT");
    assert.equal(stopped.code, 0, "a graceful stop");
    const out = first.stdout();
    assert.match(out, /"event":"sync\.run\.interrupted"/);
    const lines = out.split("\n").filter((l) => l.includes(runId));
    assert.ok(
      lines.some((l) => /"status":"interrupted"/.test(l)),
      `the orders run was interrupted: ${lines.join("\n")}`,
    );
    assert.ok(
      !lines.some((l) => /"status":"failed"/.test(l)),
      "not failed — the server is stopping",
    );

    // Started again: the same run is queued at start and completes.
    first = startMain(env);
    let resumed = false;
    let finished = "";
    assert.ok(
      await first.waitForLines((l) => {
        if (l.runId !== runId) return false;
        if (l.event === "sync.run.resumed") resumed = true;
        if (l.event === "sync.run.finished") finished = String(l.status);
        return finished !== "";
      }, TIMEOUT_MS),
      `the run ended after the restart: ${first.stdout().slice(-2000)}`,
    );
    assert.ok(resumed, "queued again at start");
    assert.equal(finished, "succeeded");
  } finally {
    await first.stop("SIGTERM");
    await Deno.remove(dataDir, { recursive: true });
  }
});
