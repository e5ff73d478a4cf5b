// Demo mode as a newcomer meets it: main.ts as a real process with a fresh
// DATA_DIR fills every dataset of the demo store within 3 minutes (issue 13:
// "the demo fills in minutes, not hours"); the test waits for the runner's
// "sync.run.finished" lines, not for a guessed delay, and prints how long
// it took.
import assert from "node:assert/strict";
import { DATASETS } from "../lib/sync/datasets/mod.ts";
import { mainDatabase, startMain } from "./_helpers/main_process.ts";

/** The promise of issue 13. */
const BUDGET_MS = 3 * 60_000;
/** The test gives up well after the budget (a slow shared machine). */
const TIMEOUT_MS = 240_000;

Deno.test("demo mode: every dataset of the demo store succeeds within 3 minutes of start", async () => {
  const dataDir = await Deno.makeTempDir();
  const t0 = performance.now();
  await using database = await mainDatabase();
  const main = startMain({
    ...database.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: "info",
  });
  try {
    assert.ok(
      await main.waitFor(/^Demo mode: sandbox marketplace at /m, TIMEOUT_MS),
      `demo mode started: ${main.stdout()}`,
    );
    const names = DATASETS.map((d) => d.name);
    const done = new Map<string, number>();
    const failed: string[] = [];
    const allDone = await main.waitForLines((line) => {
      if (line.event === "sync.run.failed") {
        failed.push(`${line.dataset}: ${line.error}`);
      }
      if (line.event !== "sync.run.finished") return false;
      const dataset = String(line.dataset);
      if (line.status === "succeeded") {
        if (!done.has(dataset)) done.set(dataset, performance.now() - t0);
      }
      return names.every((n) => done.has(n));
    }, TIMEOUT_MS - (performance.now() - t0));
    const took = Math.max(...done.values());
    console.log(
      `demo fill-in: ${
        names.map((n) => `${n} ${((done.get(n) ?? NaN) / 1000).toFixed(1)} s`)
          .join(", ")
      }; all within ${(took / 1000).toFixed(1)} s of start`,
    );
    assert.deepEqual(failed, [], "no run failed");
    assert.ok(
      allDone,
      `every dataset succeeded; missing: ${
        names.filter((n) => !done.has(n)).join(", ")
      }`,
    );
    assert.ok(took <= BUDGET_MS, `within 3 minutes: ${took} ms`);
  } finally {
    await main.stop("SIGTERM");
    await Deno.remove(dataDir, { recursive: true });
  }
});
