// The job registry's schedules (Data Policy §3, §4): one job per dataset,
// `sync.<dataset>`, with its default five-field UTC cron expression; admins
// may change or pause it (job_schedules holds only the changes). The
// scheduler fires every minute and runs whatever is due in that minute.
import { Cron } from "croner";
import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Database, Principal, Tx } from "../../db/client.ts";
import { jobSchedules } from "../../db/schema.ts";
import type { Dataset } from "./dataset.ts";

export interface JobSchedule {
  /** `sync.<dataset>`. */
  name: string;
  dataset: string;
  defaultSchedule: string;
  schedule: string;
  enabled: boolean;
  /** Whether an admin changed it. */
  custom: boolean;
}

/** An admin's change to a job: a new schedule, or back to the default. */
export type ScheduleChange =
  | { name: string; reset: true }
  | { name: string; reset: false; schedule: string; enabled: boolean };

/** The job name of a dataset. */
export const jobName = (dataset: string) => `sync.${dataset}`;

/** A five-field cron expression that croner accepts, UTC. */
export const cronExpression = z.string().trim().min(9).max(100).refine(
  (v) => v.split(/\s+/).length === 5,
  "must have five fields: minute hour day-of-month month day-of-week",
).refine((v) => {
  try {
    new Cron(v, { timezone: "UTC", paused: true });
    return true;
  } catch {
    return false;
  }
}, "is not a valid cron expression");

/**
 * The shortest time between two runs of a dataset's job, in minutes.
 * Orders and inventory are light, incremental API reads (a high-water mark,
 * one paged call per marketplace); financial events page through a time
 * window. Every other dataset requests Amazon reports or bulk lists: a
 * report younger than reportFreshnessMinutes (60) is reused rather than
 * requested again, so running one more often than hourly only spends
 * Amazon's report quota.
 */
const MIN_INTERVAL_MINUTES: Readonly<Record<string, number>> = {
  orders: 5,
  inventory: 5,
  financial_events: 15,
};
export const REPORT_MIN_INTERVAL_MINUTES = 60;

/** The minimum interval between two runs of `dataset`, in minutes. */
export function minIntervalMinutes(dataset: string): number {
  return MIN_INTERVAL_MINUTES[dataset] ?? REPORT_MIN_INTERVAL_MINUTES;
}

const DAY_MS = 86_400_000;
/** Runs looked at when measuring the gaps (covers a full hour of minutes). */
const SAMPLE_RUNS = 200;

/**
 * Why `schedule` (a valid cron expression) cannot run `dataset`, or null:
 * it never fires (`0 0 31 2 *`), fires less than once a year, or fires more
 * often than the dataset's minimum interval.
 *
 * @example
 * scheduleProblem("sales_traffic", "* * * * *")
 * // → "runs every 1 minute; sales_traffic needs at least 60 minutes between runs"
 */
export function scheduleProblem(
  dataset: string,
  schedule: string,
  now = new Date(),
): string | null {
  let cron: Cron;
  try {
    cron = new Cron(schedule, { timezone: "UTC", paused: true });
  } catch {
    return "is not a valid cron expression";
  }
  const first = cron.nextRun(now);
  if (!first) return "never fires (no such date)";
  if (first.getTime() - now.getTime() > 366 * DAY_MS) {
    return "does not fire within the next year";
  }
  const min = minIntervalMinutes(dataset);
  let shortest = Number.POSITIVE_INFINITY;
  // From now and from half a year on, so month and weekday lists are seen.
  for (const from of [now, new Date(now.getTime() + 183 * DAY_MS)]) {
    const runs = cron.nextRuns(SAMPLE_RUNS, from);
    for (let i = 1; i < runs.length; i++) {
      shortest = Math.min(
        shortest,
        (runs[i].getTime() - runs[i - 1].getTime()) / 60_000,
      );
    }
  }
  if (shortest < min) {
    return `runs every ${shortest} minute${
      shortest === 1 ? "" : "s"
    }; ${dataset} needs at least ${min} minutes between runs`;
  }
  return null;
}

/** The schedule form field for `dataset`: a valid expression that suits it. */
export function datasetSchedule(dataset: string, now?: () => Date) {
  return cronExpression.superRefine((v, ctx) => {
    // An expression croner refuses is already reported by cronExpression.
    if (!cronExpression.safeParse(v).success) return;
    const problem = scheduleProblem(dataset, v.trim(), now?.() ?? new Date());
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}

/** Merges the defaults with admins' changes. */
export function effectiveSchedules(
  datasets: readonly Dataset[],
  overrides: readonly { name: string; schedule: string; enabled: boolean }[],
): JobSchedule[] {
  const byName = new Map(overrides.map((o) => [o.name, o]));
  return datasets.map((d) => {
    const o = byName.get(jobName(d.name));
    return {
      name: jobName(d.name),
      dataset: d.name,
      defaultSchedule: d.schedule,
      schedule: o?.schedule ?? d.schedule,
      enabled: o?.enabled ?? true,
      custom: o !== undefined,
    };
  });
}

/** Whether `schedule` fires in the UTC minute starting at `minute`. */
export function firesAt(schedule: string, minute: Date): boolean {
  const cron = new Cron(schedule, { timezone: "UTC", paused: true });
  const next = cron.nextRun(new Date(minute.getTime() - 1));
  return next !== null && next.getTime() === minute.getTime();
}

/** The next firing after `from`, for the jobs page. */
export function nextFiring(schedule: string, from: Date): Date | null {
  return new Cron(schedule, { timezone: "UTC", paused: true }).nextRun(from);
}

/**
 * Writes an admin's change (or, with `reset`, returns to the default) in the
 * caller's transaction; actions.ts's saveSchedule audits it with the change.
 */
export async function writeScheduleTx(
  tx: Tx,
  change: ScheduleChange,
  actor: string,
): Promise<void> {
  if (change.reset) {
    await tx.delete(jobSchedules).where(eq(jobSchedules.name, change.name));
    return;
  }
  await tx.insert(jobSchedules).values({
    name: change.name,
    schedule: change.schedule,
    enabled: change.enabled,
    updatedBy: actor,
  }).onConflictDoUpdate({
    target: jobSchedules.name,
    set: {
      schedule: change.schedule,
      enabled: change.enabled,
      updatedBy: actor,
      updatedAt: new Date(),
    },
  });
}

/**
 * Admins' changes: the one query for them, read in a scoped transaction by
 * the jobs page (the admin's) and by the scheduler (nobody's: the table
 * holds no store data).
 */
export async function scheduleOverrides(
  tx: Tx,
): Promise<{ name: string; schedule: string; enabled: boolean }[]> {
  return await tx.select({
    name: jobSchedules.name,
    schedule: jobSchedules.schedule,
    enabled: jobSchedules.enabled,
  }).from(jobSchedules);
}

/** The jobs page: every job's effective schedule and its next firing. */
export async function listJobs(
  db: Database,
  principal: Principal,
  datasets: readonly Dataset[],
  now: Date,
): Promise<(JobSchedule & { next: Date | null })[]> {
  const overrides = await db.asUser(principal, scheduleOverrides);
  return effectiveSchedules(datasets, overrides).map((j) => ({
    ...j,
    next: j.enabled ? nextFiring(j.schedule, now) : null,
  }));
}
