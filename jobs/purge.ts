// The retention purge as a daily cron job and as the queue handler behind
// the "Run now" button on /retention (Data Policy §9). The work, its lease
// and its records are lib/policy/purge.ts's.
import {
  PURGE_JOB,
  PURGE_MESSAGE,
  PURGE_SCHEDULE,
  purgeAll,
  type PurgeDeps,
  purgeMessage,
  runDailyPurge,
} from "../lib/policy/purge.ts";
import {
  DELETION_MESSAGE,
  deletionMessage,
  runDeletionRequest,
} from "../lib/policy/deletion_requests.ts";
import type { CronJob } from "./mod.ts";
import { defineHandler, type QueueHandler } from "./queue.ts";

/** Purges every store once a day (03:15 UTC), one instance per day. */
export function purgeCron(deps: PurgeDeps & { worker: string }): CronJob {
  return {
    // Deno.cron names allow letters, digits, spaces, hyphens, underscores.
    name: PURGE_JOB.replaceAll(".", "-"),
    schedule: PURGE_SCHEDULE,
    run: async () => {
      await runDailyPurge(deps);
    },
  };
}

/** `{type: "retention.purge", dryRun}` → purgeAll. */
export function purgeHandler(deps: PurgeDeps): QueueHandler {
  return defineHandler({
    type: PURGE_MESSAGE,
    schema: purgeMessage,
    async handle(m) {
      await purgeAll(deps, { dryRun: m.dryRun });
    },
  });
}

/**
 * `{type: "retention.deletion", requestId, storeIds}` → runDeletionRequest:
 * Amazon's deletion request, at once; a failure (a store busy) is retried
 * by the queue, and the run resumes where it stopped.
 */
export function deletionHandler(deps: PurgeDeps): QueueHandler {
  return defineHandler({
    type: DELETION_MESSAGE,
    schema: deletionMessage,
    async handle(m) {
      await runDeletionRequest(deps, m);
    },
  });
}
