// What staff do to syncs (Data Policy §3, §8), each change committed with its
// audit row in one transaction: run a dataset now or retry a failed run
// (queued, then handed to the job queue), and change a job's schedule.
import type { Database } from "../../db/client.ts";
import type { Enqueue } from "../queue.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { recordAuditInTx, type RequestMeta } from "../security/audit.ts";
import { SYNC_MESSAGE, type SyncMessage } from "./runner.ts";
import { requestRunTx, SyncRequestError } from "./runs.ts";
import { type ScheduleChange, writeScheduleTx } from "./schedules.ts";
import { findRun, findSyncStore } from "./status.ts";

export type RunRequestOutcome =
  | { ok: true; runId: string }
  /** The store, or the run to retry, is not the principal's (a 404). */
  | { ok: false; reason: "no_store" | "no_run" }
  | { ok: false; reason: SyncRequestError["code"] };

/**
 * Queues a run of `dataset` ("run now") or a retry of the failed run
 * `retryOf`, audited in the same transaction, then enqueues it. Refused
 * while the store is not connected, while a run of the dataset is queued or
 * running, and for a run that did not fail.
 */
export async function requestRun(
  deps: { db: Database; enqueue: Enqueue },
  principal: StaffPrincipal,
  input:
    | { storeId: string; dataset: string; retryOf?: undefined }
    | { storeId: string; retryOf: string },
  meta: RequestMeta,
): Promise<RunRequestOutcome> {
  const { db } = deps;
  const { storeId, retryOf } = input;
  let dataset: string;
  if (retryOf !== undefined) {
    const run = await findRun(db, principal, storeId, retryOf);
    if (!run) return { ok: false, reason: "no_run" };
    dataset = run.dataset;
  } else {
    dataset = input.dataset;
  }
  const store = await findSyncStore(db, principal, storeId);
  if (!store) return { ok: false, reason: "no_store" };
  if (store.status !== "connected") {
    return { ok: false, reason: "not_connected" };
  }
  let runId: string;
  try {
    runId = await db.asUser(principal, async (tx) => {
      const rid = await requestRunTx(tx, { storeId, dataset, retryOf });
      await recordAuditInTx(tx, {
        actorType: "staff",
        actorId: principal.userId,
        action: retryOf ? "sync.retry" : "sync.run",
        target: `${dataset}:${rid}`,
        storeId,
        outcome: "success",
        ip: meta.ip,
        requestId: meta.requestId,
        details: retryOf ? { retryOf } : {},
      });
      return rid;
    });
  } catch (err) {
    if (!(err instanceof SyncRequestError)) throw err;
    return { ok: false, reason: err.code };
  }
  await deps.enqueue(
    {
      type: SYNC_MESSAGE,
      storeId,
      dataset,
      trigger: retryOf ? "retry" : "manual",
      runId,
    } satisfies SyncMessage,
  );
  return { ok: true, runId };
}

/**
 * Saves an admin's change to job `name`'s schedule, or with `reset` returns
 * it to the default; audited in the same transaction.
 */
export async function saveSchedule(
  db: Database,
  principal: StaffPrincipal,
  change: ScheduleChange,
  meta: RequestMeta,
): Promise<void> {
  await db.asUser(principal, async (tx) => {
    await writeScheduleTx(tx, change, principal.userId);
    await recordAuditInTx(tx, {
      actorType: "staff",
      actorId: principal.userId,
      action: "job.schedule.change",
      target: change.name,
      outcome: "success",
      ip: meta.ip,
      requestId: meta.requestId,
      details: change.reset
        ? { reset: true }
        : { schedule: change.schedule, enabled: change.enabled },
    });
  });
}
