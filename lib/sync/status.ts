// What staff see of syncs: per dataset the last and the current run, the
// run history (keyset pages, filters), one run with its bad rows, and the
// actions "run now" and "retry" (queued runs the queue carries out). All
// reads go through the caller's RLS-scoped transaction.
import {
  and,
  desc,
  eq,
  inArray,
  lt,
  notInArray,
  or,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { syncRuns } from "../../db/schema.ts";
import type { BadRow, Dataset } from "./dataset.ts";

export type SyncRun = typeof syncRuns.$inferSelect;
export type RunTrigger = "schedule" | "manual" | "retry";

/** A running run whose worker has not written for this long has stopped. */
export const STALE_RUNNING_MS = 3 * 60_000;
/** A queued run nobody took for this long was lost with its message. */
export const STALE_QUEUED_MS = 6 * 3_600_000;

/** Whether a run still counts as queued or running (not a crashed leftover). */
export function isActive(r: SyncRun, now = Date.now()): boolean {
  if (r.status === "running") {
    return now - (r.heartbeatAt ?? r.startedAt).getTime() < STALE_RUNNING_MS;
  }
  return r.status === "queued" &&
    now - r.startedAt.getTime() < STALE_QUEUED_MS;
}

export interface DatasetStatus {
  dataset: string;
  api: "sp-api" | "ads";
  /** The newest finished run. */
  last: SyncRun | null;
  /** A queued or running run, if any. */
  active: SyncRun | null;
}

/**
 * Per dataset: the newest finished run and the active one. Two queries
 * whatever the number of datasets (the page polls this every 2 s): the
 * queued and running rows, and the newest other row per dataset.
 */
export async function datasetStatuses(
  tx: Tx,
  storeId: string,
  datasets: readonly Dataset[],
  now = Date.now(),
): Promise<DatasetStatus[]> {
  const open = await tx.select().from(syncRuns).where(and(
    eq(syncRuns.storeId, storeId),
    inArray(syncRuns.status, ["queued", "running"]),
  )).orderBy(desc(syncRuns.startedAt));
  const finished = await tx.selectDistinctOn([syncRuns.dataset]).from(syncRuns)
    .where(and(
      eq(syncRuns.storeId, storeId),
      notInArray(syncRuns.status, ["queued", "running"]),
    )).orderBy(syncRuns.dataset, desc(syncRuns.startedAt));
  return datasets.map((d) => {
    const mine = open.filter((r) => r.dataset === d.name);
    // A crashed worker's leftover counts as its last run, not an active one.
    const last = [
      ...finished.filter((r) => r.dataset === d.name),
      ...mine.filter((r) => !isActive(r, now)),
    ].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())[0];
    return {
      dataset: d.name,
      api: d.api,
      last: last ?? null,
      active: mine.find((r) => isActive(r, now)) ?? null,
    };
  });
}

export interface RunFilter {
  dataset?: string;
  status?: SyncRun["status"];
  /** Keyset: runs started before this run (its startedAt, id). */
  before?: { startedAt: Date; id: string };
  limit: number;
}

/** A page of runs, newest first, and the cursor of the next page. */
export async function listRuns(
  tx: Tx,
  storeId: string,
  f: RunFilter,
): Promise<{ runs: SyncRun[]; next: { startedAt: Date; id: string } | null }> {
  const where: SQL[] = [eq(syncRuns.storeId, storeId)];
  if (f.dataset) where.push(eq(syncRuns.dataset, f.dataset));
  if (f.status) where.push(eq(syncRuns.status, f.status));
  if (f.before) {
    where.push(
      or(
        lt(syncRuns.startedAt, f.before.startedAt),
        and(
          eq(syncRuns.startedAt, f.before.startedAt),
          lt(syncRuns.id, f.before.id),
        ),
      )!,
    );
  }
  const rows = await tx.select().from(syncRuns).where(and(...where))
    .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id)).limit(f.limit + 1);
  const runs = rows.slice(0, f.limit);
  const last = runs.at(-1);
  return {
    runs,
    next: rows.length > f.limit && last
      ? { startedAt: last.startedAt, id: last.id }
      : null,
  };
}

/** One run of the store, or null. */
export async function getRun(
  tx: Tx,
  storeId: string,
  runId: string,
): Promise<(SyncRun & { badRowList: BadRow[] }) | null> {
  const [row] = await tx.select().from(syncRuns).where(
    and(eq(syncRuns.id, runId), eq(syncRuns.storeId, storeId)),
  );
  if (!row) return null;
  return { ...row, badRowList: (row.badRows ?? []) as BadRow[] };
}

export class SyncRequestError extends Error {
  override name = "SyncRequestError";
  constructor(readonly code: "busy" | "not_failed" | "not_connected") {
    super(code);
  }
}

/**
 * Queues a run of `dataset` (manual) or a retry of a failed run; refuses
 * while one is queued or running. Returns the queued run's id.
 */
export async function requestRun(
  tx: Tx,
  input: { storeId: string; dataset: string; retryOf?: string },
): Promise<string> {
  if (input.retryOf) {
    const [failed] = await tx.select().from(syncRuns).where(and(
      eq(syncRuns.id, input.retryOf),
      eq(syncRuns.storeId, input.storeId),
    ));
    if (!failed || failed.status !== "failed") {
      throw new SyncRequestError("not_failed");
    }
  }
  const open = await tx.select().from(syncRuns).where(and(
    eq(syncRuns.storeId, input.storeId),
    eq(syncRuns.dataset, input.dataset),
    inArray(syncRuns.status, ["queued", "running"]),
  ));
  if (open.some((r) => isActive(r))) throw new SyncRequestError("busy");
  return await queueRun(tx, {
    storeId: input.storeId,
    dataset: input.dataset,
    trigger: input.retryOf ? "retry" : "manual",
  });
}

/** Creates a queued run (manual "run now" or "retry"); the queue runs it. */
export async function queueRun(
  tx: Tx,
  req: { storeId: string; dataset: string; trigger: RunTrigger },
): Promise<string> {
  const [row] = await tx.insert(syncRuns).values({
    storeId: req.storeId,
    dataset: req.dataset,
    trigger: req.trigger,
    status: "queued",
  }).returning({ id: syncRuns.id });
  return row.id;
}

/** Cancels every queued run of a store (revocation, disconnection). */
export async function cancelQueuedRunsTx(
  tx: Tx,
  storeId: string,
  reason: string,
): Promise<number> {
  const rows = await tx.update(syncRuns).set({
    status: "cancelled",
    finishedAt: sql`now()`,
    error: reason,
  }).where(and(eq(syncRuns.storeId, storeId), eq(syncRuns.status, "queued")))
    .returning({ id: syncRuns.id });
  return rows.length;
}
