// The sync scheduler's tick (Data Policy §3, §4): once a minute (jobs/sync.ts
// fires it from Deno.cron), it finds the jobs due in that minute, claims each
// job's slot in PostgreSQL so that several instances run a slot once, and
// for each job it claimed requests one run per connected store (recorded
// queued and named by its "sync.run" message; skipped while a run of the
// dataset is queued or running).
import {
  claimJobSlot,
  listConnectedStoreIds,
  pruneJobSlots,
} from "../../db/maintenance.ts";
import type { Database } from "../../db/client.ts";
import type { Logger } from "../log.ts";
import type { Enqueue } from "../queue.ts";
import type { Dataset } from "./dataset.ts";
import { requestScheduledRun } from "./runner.ts";
import { effectiveSchedules, firesAt, scheduleOverrides } from "./schedules.ts";

export interface SchedulerDeps {
  db: Database;
  log: Logger;
  datasets: readonly Dataset[];
  enqueue: Enqueue;
  worker: string;
  now?: () => number;
}

/** Nobody in particular: the scheduler reads the schedules, not store data. */
const SCHEDULER = { userId: "", storeIds: [] };

/**
 * One scheduler tick for the minute containing `now`: claims each due job's
 * slot and fans it out. Returns the jobs this instance claimed.
 */
export async function schedulerTick(deps: SchedulerDeps): Promise<string[]> {
  const at = new Date(Math.floor((deps.now ?? Date.now)() / 60_000) * 60_000);
  const schedules = effectiveSchedules(
    deps.datasets,
    await deps.db.asUser(SCHEDULER, scheduleOverrides),
  );
  const due = schedules.filter((s) => s.enabled && firesAt(s.schedule, at));
  const claimed: string[] = [];
  let storeIds: string[] | null = null;
  for (const job of due) {
    if (!(await claimJobSlot(deps.db, job.name, at, deps.worker))) continue;
    claimed.push(job.name);
    storeIds ??= await listConnectedStoreIds(deps.db);
    for (const storeId of storeIds) {
      await requestScheduledRun(deps, storeId, job.dataset);
    }
  }
  if (at.getUTCMinutes() === 0) {
    await pruneJobSlots(deps.db, new Date(at.getTime() - 7 * 86_400_000));
  }
  return claimed;
}
