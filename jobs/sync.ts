// Sync jobs: the scheduler (a Deno.cron firing every minute that claims the
// minute's slot in PostgreSQL, so several instances run a slot once, then
// enqueues one KV message per connected store and due dataset) and the
// queue handler that runs one dataset for one store through the runner.
import { z } from "zod";
import {
  claimJobSlot,
  listConnectedStoreIds,
  listJobScheduleOverrides,
  pruneJobSlots,
} from "../db/maintenance.ts";
import type { Database } from "../db/client.ts";
import type { Logger } from "../lib/log.ts";
import type { Dataset } from "../lib/sync/dataset.ts";
import { type RunnerDeps, runSync } from "./sync_runner.ts";
import { effectiveSchedules, firesAt } from "../lib/sync/schedules.ts";
import type { CronJob } from "./mod.ts";
import { defineHandler, type QueueHandler } from "./queue.ts";

export const SYNC_MESSAGE = "sync.run";
/** A busy manual run is tried again this often, this many times. */
const BUSY_RETRY_MS = 30_000;
const BUSY_RETRIES = 40;

export const syncMessage = z.object({
  type: z.literal(SYNC_MESSAGE),
  storeId: z.uuid(),
  dataset: z.string().min(1).max(64),
  trigger: z.enum(["schedule", "manual", "retry"]),
  runId: z.uuid().optional(),
  attempt: z.number().int().min(0).default(0),
});
export type SyncMessage = z.input<typeof syncMessage>;

type Enqueue = (
  m: SyncMessage & Record<string, unknown>,
  opts?: { delay?: number },
) => Promise<void>;

/** Runs `{type: "sync.run", storeId, dataset, …}`. */
export function syncHandler(
  deps: RunnerDeps & { enqueue: Enqueue },
): QueueHandler {
  return defineHandler({
    type: SYNC_MESSAGE,
    schema: syncMessage,
    async handle(m) {
      if (!deps.datasets.has(m.dataset)) {
        deps.log.warn("sync.dataset.unknown", { dataset: m.dataset });
        return;
      }
      const out = await runSync(deps, m);
      if (out.status === "busy") {
        // A scheduled firing is covered by the run in progress; a queued
        // manual run waits its turn.
        if (m.runId && m.attempt < BUSY_RETRIES) {
          await deps.enqueue({ ...m, attempt: m.attempt + 1 }, {
            delay: BUSY_RETRY_MS,
          });
        }
        deps.log.info("sync.run.busy", {
          storeId: m.storeId,
          dataset: m.dataset,
          requeued: Boolean(m.runId) && m.attempt < BUSY_RETRIES,
        });
        return;
      }
      if (out.status === "skipped") {
        deps.log.info("sync.run.skipped", {
          storeId: m.storeId,
          dataset: m.dataset,
          reason: out.reason,
        });
      }
    },
  });
}

export interface SchedulerDeps {
  db: Database;
  log: Logger;
  datasets: readonly Dataset[];
  enqueue: Enqueue;
  worker: string;
  now?: () => number;
}

/**
 * One scheduler tick for the minute containing `now`: claims each due job's
 * slot and fans it out. Returns the jobs this instance claimed.
 */
export async function schedulerTick(deps: SchedulerDeps): Promise<string[]> {
  const at = new Date(Math.floor((deps.now ?? Date.now)() / 60_000) * 60_000);
  const schedules = effectiveSchedules(
    deps.datasets,
    await listJobScheduleOverrides(deps.db),
  );
  const due = schedules.filter((s) => s.enabled && firesAt(s.schedule, at));
  const claimed: string[] = [];
  let storeIds: string[] | null = null;
  for (const job of due) {
    if (!(await claimJobSlot(deps.db, job.name, at, deps.worker))) continue;
    claimed.push(job.name);
    storeIds ??= await listConnectedStoreIds(deps.db);
    for (const storeId of storeIds) {
      await deps.enqueue({
        type: SYNC_MESSAGE,
        storeId,
        dataset: job.dataset,
        trigger: "schedule",
      });
    }
  }
  if (at.getUTCMinutes() === 0) {
    await pruneJobSlots(deps.db, new Date(at.getTime() - 7 * 86_400_000));
  }
  return claimed;
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
