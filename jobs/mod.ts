// Turns schedules and queue messages into calls of lib/. main.ts starts it
// after the app is built and stops it on shutdown.
import type { Logger } from "../lib/log.ts";
import { createDispatcher, type JobQueue, type QueueHandler } from "./queue.ts";

export interface CronJob {
  name: string;
  /** Five-field cron expression, UTC. */
  schedule: string;
  run(): Promise<void>;
}

export interface JobsDeps {
  /** The queue the handlers listen on (createJobQueue). */
  queue: JobQueue;
  log: Logger;
  handlers?: readonly QueueHandler[];
  crons?: readonly CronJob[];
}

export interface RunningJobs {
  /** Stops cron registration; the queue listener ends when KV closes. */
  stop(): void;
  /** Resolves when the queue listener has ended. */
  readonly listening: Promise<void>;
  /** Resolves when no queue message is being handled. */
  idle(): Promise<void>;
  /** Resolves when every message enqueued through the queue was handled. */
  drained(): Promise<void>;
}

/** Registers the cron jobs and the queue listener. */
export function startJobs(deps: JobsDeps): RunningJobs {
  const abort = new AbortController();
  for (const job of deps.crons ?? []) {
    Deno.cron(job.name, job.schedule, {
      backoffSchedule: [60_000, 300_000],
      signal: abort.signal,
    }, async () => {
      try {
        await job.run();
      } catch (error) {
        deps.log.error("cron.failed", { job: job.name, error });
        throw error;
      }
    });
  }
  const listening = deps.queue.listen(
    createDispatcher(deps.handlers ?? [], deps.log),
  );
  return {
    stop: () => abort.abort(),
    listening,
    idle: () => deps.queue.idle(),
    drained: () => deps.queue.drained(),
  };
}
