// Issue #11: job schedules that never fire, or fire more often than the
// dataset should run, are refused with a clear message.
import assert from "node:assert/strict";
import { DATASETS } from "../../lib/sync/datasets/mod.ts";
import {
  datasetSchedule,
  minIntervalMinutes,
  scheduleProblem,
} from "../../lib/sync/schedules.ts";

const NOW = new Date("2026-03-01T10:00:00Z");

Deno.test("every default schedule suits its own dataset", () => {
  for (const d of DATASETS) {
    assert.equal(scheduleProblem(d.name, d.schedule, NOW), null, d.name);
  }
});

Deno.test("light datasets may run every 5 minutes; report-based ones hourly at most", () => {
  assert.equal(minIntervalMinutes("orders"), 5);
  assert.equal(minIntervalMinutes("inventory"), 5);
  assert.equal(minIntervalMinutes("financial_events"), 15);
  for (const d of ["sales_traffic", "returns", "settlements", "ads_metrics"]) {
    assert.equal(minIntervalMinutes(d), 60, d);
  }
  assert.equal(minIntervalMinutes("unknown"), 60, "unknown datasets: safest");
});

Deno.test("schedules that never fire, or not within a year, are refused", () => {
  assert.equal(
    scheduleProblem("orders", "0 0 31 2 *", NOW),
    "never fires (no such date)",
  );
  assert.equal(
    scheduleProblem("orders", "0 0 30 2 *", NOW),
    "never fires (no such date)",
  );
  assert.equal(
    scheduleProblem("orders", "0 0 29 2 *", NOW),
    "does not fire within the next year",
  );
  assert.equal(scheduleProblem("orders", "0 0 1 1 *", NOW), null);
});

Deno.test("schedules firing more often than the dataset's minimum are refused", () => {
  assert.match(
    scheduleProblem("sales_traffic", "* * * * *", NOW)!,
    /runs every 1 minute; sales_traffic needs at least 60 minutes/,
  );
  assert.match(
    scheduleProblem("orders", "*/2 * * * *", NOW)!,
    /runs every 2 minutes; orders needs at least 5 minutes/,
  );
  // The shortest gap counts, wherever it falls: 03:59 then 04:00.
  assert.match(
    scheduleProblem("returns", "0,59 3,4 * * *", NOW)!,
    /every 1 minute/,
  );
  assert.equal(scheduleProblem("returns", "0 9 * * 1,2", NOW), null);
  assert.equal(scheduleProblem("orders", "*/5 * * * *", NOW), null);
  assert.equal(scheduleProblem("settlements", "0 */6 * * *", NOW), null);
});

Deno.test("the form field gives one clear message per problem", () => {
  const field = datasetSchedule("sales_traffic", () => NOW);
  assert.deepEqual(
    field.safeParse("0 0 31 2 *").error?.issues.map((i) => i.message),
    ["never fires (no such date)"],
  );
  assert.deepEqual(
    field.safeParse("99 * * * *").error?.issues.map((i) => i.message),
    ["is not a valid cron expression"],
  );
  assert.equal(field.parse(" 15 5 * * * "), "15 5 * * *");
});
