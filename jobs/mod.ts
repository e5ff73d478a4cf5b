// Turns schedules and queue messages into calls of lib/. main.ts starts it
// after the app is built and stops it on shutdown.
import type { Logger } from "../lib/log.ts";
import { createDispatcher, type QueueHandler } from "./queue.ts";

export interface CronJob {
  name: string;
  /** Five-field cron expression, UTC. */
  schedule: string;
  run(): Promise<void>;
}

export interface JobsDeps {
  kv: Deno.Kv;
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
  const dispatch = createDispatcher(deps.handlers ?? [], deps.log);
  const inflight = new Set<Promise<void>>();
  const listening = deps.kv.listenQueue((raw) => {
    const p = dispatch(raw);
    const tracked = p.catch(() => {}).finally(() => inflight.delete(tracked));
    inflight.add(tracked);
    return p;
  });
  return {
    stop: () => abort.abort(),
    listening,
    async idle() {
      while (inflight.size) await Promise.all(inflight);
    },
  };
}
