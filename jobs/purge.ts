// The retention purge as a daily cron job and as the queue handler behind
// the "Run now" button on /retention (Data Policy §9). The work, its lease
// and its records are lib/policy/purge.ts's; after the database's rows, the
// cold archives past their expiry go (lib/policy/archives.ts).
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
import {
  type ArchiveDeps,
  purgeExpiredArchives,
} from "../lib/policy/archives.ts";
import type { CronJob } from "./mod.ts";
import { defineHandler, type QueueHandler } from "./queue.ts";

/** Purges every store once a day (03:15 UTC), one instance per day. */
export function purgeCron(
  deps: PurgeDeps & { worker: string; archives?: ArchiveDeps },
): CronJob {
  return {
    // Deno.cron names allow letters, digits, spaces, hyphens, underscores.
    name: PURGE_JOB.replaceAll(".", "-"),
    schedule: PURGE_SCHEDULE,
    run: async () => {
      const ran = await runDailyPurge(deps);
      if (ran && deps.archives) {
        await purgeExpiredArchives(deps.archives, (deps.now ?? now)());
      }
    },
  };
}

/** `{type: "retention.purge", dryRun}` → purgeAll. */
export function purgeHandler(
  deps: PurgeDeps & { archives?: ArchiveDeps },
): QueueHandler {
  return defineHandler({
    type: PURGE_MESSAGE,
    schema: purgeMessage,
    async handle(m) {
      await purgeAll(deps, { dryRun: m.dryRun });
      if (!m.dryRun && deps.archives) {
        await purgeExpiredArchives(deps.archives, (deps.now ?? now)());
      }
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

const now = () => new Date();
