// The life of a sync run, and the one module that writes `sync_runs`
// (Data Policy §3, §9): a run is queued (staff's "run now" or "retry"),
// started by the runner that holds the dataset's lease, written with its
// progress and counters while it works, and finished, closed or cancelled.
// Everything else reads runs (status.ts) or calls these functions; the
// architecture test holds that rule. Every function takes the caller's
// scoped transaction, so a change commits or rolls back with the work it
// belongs to (an audit row, a revocation).
//
// A run is created when it is requested ("run now", retry, a schedule's
// tick) and its queue message names it, so a message delivered twice is
// still one run. Every UPDATE here is conditional on the state it leaves:
// a finished run (succeeded, failed, cancelled) never changes again, and
// only the worker holding a running run writes its progress and its end
// (0020_sync_run_final.sql holds the first rule in the database too).
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { Tx } from "../../db/client.ts";
import { syncRuns } from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "../ingest/_upsert.ts";
import type { BadRow, RunCounters } from "./dataset.ts";
import { isActive } from "./status.ts";

export type RunTrigger = "schedule" | "manual" | "retry";

/** The states a run never leaves. */
export const FINISHED_STATUSES = ["succeeded", "failed", "cancelled"] as const;
/** The states a worker may take a run over from (and "running": a crashed worker's). */
const STARTABLE_STATUSES = ["queued", "interrupted", "running"] as const;

/** Whether a run's status is final. */
export function isFinished(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}
export type SyncRunRow = typeof syncRuns.$inferInsert;

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
export async function requestRunTx(
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

/**
 * Creates the queued run of a schedule's tick for one store, unless a run of
 * the dataset is already queued or running (that run covers the tick).
 * Returns the new run's id, or null.
 */
export async function queueScheduledRunTx(
  tx: Tx,
  req: { storeId: string; dataset: string; now?: number },
): Promise<string | null> {
  const open = await tx.select().from(syncRuns).where(and(
    eq(syncRuns.storeId, req.storeId),
    eq(syncRuns.dataset, req.dataset),
    inArray(syncRuns.status, ["queued", "running"]),
  ));
  if (open.some((r) => isActive(r, req.now))) return null;
  return await queueRun(tx, { ...req, trigger: "schedule" });
}

/** What a delivery needs to know of the run its message names. */
export interface RunState {
  id: string;
  storeId: string;
  dataset: string;
  status: string;
}

/** The run `runId` of `storeId`, or null. */
export async function runStateTx(
  tx: Tx,
  storeId: string,
  runId: string,
): Promise<RunState | null> {
  const [row] = await tx.select({
    id: syncRuns.id,
    storeId: syncRuns.storeId,
    dataset: syncRuns.dataset,
    status: syncRuns.status,
  }).from(syncRuns).where(
    and(eq(syncRuns.id, runId), eq(syncRuns.storeId, storeId)),
  );
  return row ?? null;
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

/** Why a run left "running" by a worker that is gone was interrupted. */
export const INTERRUPTED_CRASH =
  "interrupted: the worker stopped before the run ended";
/** Why a run cut short by a shutdown was interrupted. */
export const INTERRUPTED_SHUTDOWN = "interrupted: the server was stopping";

/** The run a worker started, with the checkpoint of its earlier attempts. */
export interface StartedRun {
  id: string;
  /** The progress a taken-over run had saved (null for a new run). */
  progress: Record<string, unknown> | null;
}

/**
 * Starts a run for the worker that holds the dataset's lease: anything else
 * still "running" for the dataset is a crashed worker's leftover and is
 * closed as interrupted. With `runId`, that queued or interrupted run (or
 * this run left "running" by a crashed worker) is taken over and continues
 * from its checkpoint; null when it is finished (or not the store's):
 * nothing is to run. Without `runId` (a direct call, not a queue message) a
 * new run is recorded.
 */
export async function startRunTx(
  tx: Tx,
  req: {
    storeId: string;
    dataset: string;
    trigger: RunTrigger;
    runId?: string;
    worker: string;
    at: Date;
  },
): Promise<StartedRun | null> {
  await tx.update(syncRuns).set({
    status: "interrupted",
    finishedAt: req.at,
    error: INTERRUPTED_CRASH,
  }).where(and(
    eq(syncRuns.storeId, req.storeId),
    eq(syncRuns.dataset, req.dataset),
    eq(syncRuns.status, "running"),
    req.runId ? ne(syncRuns.id, req.runId) : undefined,
  ));
  const start = {
    status: "running" as const,
    startedAt: req.at,
    worker: req.worker,
    heartbeatAt: req.at,
  };
  if (req.runId) {
    const [row] = await tx.update(syncRuns).set({
      ...start,
      finishedAt: null,
      error: null,
    }).where(and(
      eq(syncRuns.id, req.runId),
      eq(syncRuns.storeId, req.storeId),
      eq(syncRuns.dataset, req.dataset),
      inArray(syncRuns.status, [...STARTABLE_STATUSES]),
    )).returning({ id: syncRuns.id, progress: syncRuns.progress });
    if (!row) return null;
    return {
      id: row.id,
      progress: (row.progress ?? null) as Record<string, unknown> | null,
    };
  }
  const [row] = await tx.insert(syncRuns).values({
    storeId: req.storeId,
    dataset: req.dataset,
    trigger: req.trigger,
    ...start,
  }).returning({ id: syncRuns.id });
  return { id: row.id, progress: null };
}

/** What a working run reports: its counters, progress and bad rows so far. */
export interface RunProgress extends RunCounters {
  progress: Record<string, unknown>;
  badRows: BadRow[];
  badRowCount: number;
}

/** The run is `worker`'s and running: the only run its writes may touch. */
const heldBy = (runId: string, worker: string) =>
  and(
    eq(syncRuns.id, runId),
    eq(syncRuns.status, "running"),
    eq(syncRuns.worker, worker),
  );

/**
 * Writes a running run's progress; `at` is its heartbeat. False when the run
 * is no longer `worker`'s running run (finished, or taken over): nothing
 * was written, and the worker stops.
 */
export async function saveRunProgressTx(
  tx: Tx,
  runId: string,
  worker: string,
  p: RunProgress,
  at: Date,
): Promise<boolean> {
  const rows = await tx.update(syncRuns).set({
    ...progressColumns(p),
    heartbeatAt: at,
  }).where(heldBy(runId, worker)).returning({ id: syncRuns.id });
  return rows.length > 0;
}

/**
 * Finishes `worker`'s running run (false, and nothing written, when it is
 * not that any more): succeeded without `error`, failed with it, interrupted
 * when `interrupted` (shutdown: it is queued again at the next start). A run that
 * succeeded without writing a row says why (`emptyReason`, by default
 * "no_data_for_period").
 */
export async function finishRunTx(
  tx: Tx,
  runId: string,
  worker: string,
  p: RunProgress & {
    error?: string;
    emptyReason: string | null;
    interrupted?: boolean;
  },
  at: Date,
): Promise<boolean> {
  const written = p.rowsInserted + p.rowsUpdated;
  const rows = await tx.update(syncRuns).set({
    ...progressColumns(p),
    status: p.interrupted
      ? "interrupted"
      : p.error === undefined
      ? "succeeded"
      : "failed",
    finishedAt: at,
    error: p.error ?? null,
    emptyReason: written === 0 && p.error === undefined && !p.interrupted
      ? p.emptyReason ?? "no_data_for_period"
      : null,
    heartbeatAt: at,
  }).where(heldBy(runId, worker)).returning({ id: syncRuns.id });
  return rows.length > 0;
}

/** Closes a queued or running run that will not run (its store went away). */
export async function closeRunTx(
  tx: Tx,
  runId: string,
  status: "cancelled" | "failed",
  reason: string,
): Promise<void> {
  await tx.update(syncRuns).set({
    status,
    finishedAt: sql`now()`,
    error: reason,
  }).where(and(
    eq(syncRuns.id, runId),
    inArray(syncRuns.status, ["queued", "running"]),
  ));
}

/** Upserts whole runs on id (callers give the id, so a replay is idempotent). */
export function upsertSyncRuns(
  tx: Tx,
  rows: readonly SyncRunRow[],
): Promise<WriteResult> {
  return upsertRows(tx, syncRuns, rows);
}

function progressColumns(p: RunProgress) {
  return {
    pages: p.pages,
    rowsInserted: p.rowsInserted,
    rowsUpdated: p.rowsUpdated,
    rowsSkipped: p.rowsSkipped,
    apiCalls: p.apiCalls,
    throttles: p.throttles,
    progress: p.progress,
    badRows: p.badRows.length ? p.badRows : null,
    badRowCount: p.badRowCount,
  };
}

/** A run to queue again at start: interrupted, or left running by a crash. */
export interface ResumableRun {
  id: string;
  dataset: string;
  trigger: RunTrigger;
}

/**
 * The store's runs to resume at start: per dataset, its newest run when that
 * is interrupted or still "running" (a crashed process's leftover; the
 * runner closes it as interrupted once its lease has expired, then takes it
 * over). A dataset whose newest run is anything else has nothing to resume.
 */
export async function resumableRunsTx(
  tx: Tx,
  storeId: string,
): Promise<ResumableRun[]> {
  const newest = await tx.selectDistinctOn([syncRuns.dataset], {
    id: syncRuns.id,
    dataset: syncRuns.dataset,
    trigger: syncRuns.trigger,
    status: syncRuns.status,
  }).from(syncRuns).where(eq(syncRuns.storeId, storeId))
    .orderBy(syncRuns.dataset, desc(syncRuns.startedAt), desc(syncRuns.id));
  return newest.filter((r) =>
    r.status === "interrupted" || r.status === "running"
  ).map((r) => ({
    id: r.id,
    dataset: r.dataset,
    trigger: r.trigger === "seed" ? "schedule" : r.trigger,
  }));
}
