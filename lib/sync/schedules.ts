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
