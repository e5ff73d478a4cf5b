// Syncs survive a restart (issue 13): main.ts in demo mode is stopped with
// SIGINT in the middle of the first backfill (the test waits for the
// runner's own progress line, not a guessed delay); the runs cut short are
// recorded as interrupted, none as failed; started again on the same
// DATA_DIR, the portal queues each of them again by itself and each
// completes, from its checkpoint, without anyone clicking Retry.
import assert from "node:assert/strict";
import { mainDatabase, startMain } from "./_helpers/main_process.ts";

const TIMEOUT_MS = 180_000;

Deno.test("restart: a backfill cut short by SIGINT is interrupted, resumed at start and completes", async () => {
  const dataDir = await Deno.makeTempDir();
  await using database = await mainDatabase();
  const env = { ...database.env, DATA_DIR: dataDir, LOG_LEVEL: "debug" };
  let main = startMain(env);
  try {
    // Mid-backfill by the runner's own word: some windows done, not all.
    assert.ok(
      await main.waitForLines((l) => {
        if (l.event !== "sync.run.progress") return false;
        const { done, total } = l as { done: unknown; total: unknown };
        return typeof done === "number" && typeof total === "number" &&
          done >= 1 && done < total;
      }, TIMEOUT_MS),
      `a backfill got under way: ${main.stdout().slice(-2000)}`,
    );
    const stopped = await main.stop("SIGINT");
    assert.equal(stopped.code, 0, "a graceful stop");
    const ended = finishedRuns(main.stdout());
    const interrupted = [...ended].filter(([, s]) => s === "interrupted")
      .map(([id]) => id);
    assert.ok(interrupted.length >= 1, "a run was cut short");
    assert.ok(
      ![...ended.values()].includes("failed"),
      "nothing failed — the server was only stopping",
    );

    // Started again: each interrupted run is queued at start and completes.
    main = startMain(env);
    const resumed = new Set<string>();
    const done = new Map<string, string>();
    const errors = new Map<string, string>();
    assert.ok(
      await main.waitForLines((l) => {
        const id = String(l.runId);
        if (l.event === "sync.run.resumed") resumed.add(id);
        if (l.event === "sync.run.failed") errors.set(id, String(l.error));
        if (l.event === "sync.run.finished") done.set(id, String(l.status));
        return interrupted.every((i) => done.has(i));
      }, TIMEOUT_MS),
      `the interrupted runs ended after the restart: ${
        main.stdout().slice(-2000)
      }`,
    );
    for (const id of interrupted) {
      assert.ok(resumed.has(id), `run ${id} was queued again at start`);
      assert.equal(
        done.get(id),
        "succeeded",
        `run ${id} completed: ${errors.get(id)}`,
      );
    }
  } finally {
    await main.stop("SIGTERM");
    await Deno.remove(dataDir, { recursive: true });
  }
});

/** runId → status of every "sync.run.finished" line of `stdout`. */
function finishedRuns(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const text of stdout.split("\n")) {
    if (!text.includes('"sync.run.finished"')) continue;
    const l = JSON.parse(text);
    out.set(l.runId, l.status);
  }
  return out;
}
