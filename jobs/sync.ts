// Sync jobs, as thin adapters to lib/sync/: the scheduler's Deno.cron (every
// minute; the tick is lib/sync/scheduler.ts) and the "sync.run" queue
// handler (its schema and its work are lib/sync/runner.ts's).
import {
  handleSyncMessage,
  type RunnerDeps,
  SYNC_MESSAGE,
  syncMessage,
} from "../lib/sync/runner.ts";
import { type SchedulerDeps, schedulerTick } from "../lib/sync/scheduler.ts";
import type { Enqueue } from "../lib/queue.ts";
import type { CronJob } from "./mod.ts";
import { defineHandler, type QueueHandler } from "./queue.ts";

/** Runs `{type: "sync.run", storeId, dataset, …}`. */
export function syncHandler(
  deps: RunnerDeps & { enqueue: Enqueue },
): QueueHandler {
  return defineHandler({
    type: SYNC_MESSAGE,
    schema: syncMessage,
    handle: (m) => handleSyncMessage(deps, m),
  });
}

/** The scheduler as a cron job (every minute). */
export function schedulerCron(deps: SchedulerDeps): CronJob {
  return {
    name: "sync-scheduler",
    schedule: "* * * * *",
    run: async () => {
      const claimed = await schedulerTick(deps);
      if (claimed.length) deps.log.info("sync.scheduled", { jobs: claimed });
    },
  };
}
