// The sync runner: runs one dataset for one store (Data Policy §3, §10):
// refuses stores that are not connected, takes the store's lease for the
// dataset in KV (lease.ts; renewed by a heartbeat, so a crashed worker's
// lease simply expires), records the run with live progress and counters
// (runs.ts, the owner of sync_runs), and releases the lease. Runs left
// "running" by a crashed process are closed as interrupted by the next run
// of the same dataset; their cursors were never advanced past data that was
// not committed, so the next run completes the work.
//
// Also the "sync.run" queue message: its schema, and what its delivery does
// (handleSyncMessage); jobs/sync.ts registers the two with the queue. Every
// message names its run, created when the run was requested ("run now", a
// retry, a schedule's tick, the resume at start): KV may deliver a message
// more than once, and a delivery whose run is finished, or held by a live
// worker, does nothing. A run records in its checkpoint the reports whose
// rows it wrote, so a resumed run does not download them again.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Tx } from "../../db/client.ts";
import { analyzeTables, listConnectedStoreIds } from "../../db/maintenance.ts";
import { storeMarketplaces, stores, syncCursors } from "../../db/schema.ts";
import { AuthorizationRevokedError } from "../amazon/access_tokens.ts";
import type { Region } from "../amazon/endpoints.ts";
import { createSpClient } from "../amazon/sp_client.ts";
import { reportRefusedRows, type WriteResult } from "../ingest/_upsert.ts";
import { upsertSyncCursors } from "../ingest/ops.ts";
import type { Logger } from "../log.ts";
import type { Enqueue } from "../queue.ts";
import { redactText } from "../security/redact.ts";
import { sleep } from "../sleep.ts";
import {
  type AmazonDeps,
  type BadRow,
  type Dataset,
  DEFAULT_SYNC_SETTINGS,
  type EmptyReason,
  type RunCounters,
  type RunWarning,
  type StoreScope,
  type SyncContext,
  type SyncSettings,
} from "./dataset.ts";
import {
  heldLease,
  leaseKey,
  releaseLease,
  renewLease,
  takeLease,
} from "./lease.ts";
import {
  cancelQueuedRunsTx,
  closeRunTx,
  finishRunTx,
  INTERRUPTED_SHUTDOWN,
  isFinished,
  queueScheduledRunTx,
  resumableRunsTx,
  type RunProgress,
  runStateTx,
  type RunTrigger,
  saveRunProgressTx,
  startRunTx,
} from "./runs.ts";

export type { RunTrigger };

export interface RunnerDeps extends AmazonDeps {
  log: Logger;
  datasets: ReadonlyMap<string, Dataset>;
  settings?: Partial<SyncSettings>;
  /** Lease lifetime; renewed every third of it (default 60 s). */
  leaseMs?: number;
  /** How often progress and counters are written (default 1 s). */
  flushMs?: number;
  /** This process, recorded on the runs it holds. */
  worker?: string;
  /** Aborts every run (shutdown). */
  signal?: AbortSignal;
  /**
   * The clock leases are taken and renewed by (default: `now`). A test
   * moves it past a crashed worker's lease instead of waiting for it.
   */
  leaseClock?: () => number;
}

export interface RunRequest {
  storeId: string;
  dataset: string;
  trigger: RunTrigger;
  /**
   * The run row created when the run was requested (every queue message
   * names one); without it (a direct call) a new run is recorded.
   */
  runId?: string;
}

export type RunOutcome =
  | { status: "succeeded" | "failed"; runId: string; error?: string }
  /** Cut short by the shutdown; queued again at the next start. */
  | { status: "interrupted"; runId: string }
  /** The store is not connected (or is gone): nothing ran. */
  | { status: "skipped"; reason: string; runId?: string }
  /** Another worker holds the lease (`holder`: the run it works on). */
  | { status: "busy"; runId?: string; holder?: string };

/** Statuses that never sync (Data Policy §10). */
export class StoreNotSyncableError extends Error {
  override name = "StoreNotSyncableError";
}

const BAD_ROWS_KEPT = 100;

/** Loads the store's scope, or null when it must not be synced. */
async function loadScope(
  deps: RunnerDeps,
  storeId: string,
): Promise<{ scope: StoreScope | null; status: string | null }> {
  return await deps.db.asJob(storeId, async (tx) => {
    const [store] = await tx.select().from(stores).where(
      eq(stores.id, storeId),
    );
    if (!store) return { scope: null, status: null };
    if (store.status !== "connected") {
      return { scope: null, status: store.status };
    }
    // Contained by an incident (lib/incidents/containment.ts): no sync runs.
    if (store.syncsPausedAt) return { scope: null, status: "paused" };
    const found = await tx.select({ id: storeMarketplaces.marketplaceId })
      .from(storeMarketplaces).where(and(
        eq(storeMarketplaces.storeId, storeId),
        eq(storeMarketplaces.participating, true),
      )).orderBy(storeMarketplaces.createdAt, storeMarketplaces.marketplaceId);
    // The primary marketplace first: products take their titles from it.
    const markets = [
      ...found.filter((m) => m.id === store.primaryMarketplaceId),
      ...found.filter((m) => m.id !== store.primaryMarketplaceId),
    ];
    return {
      status: store.status,
      scope: {
        storeId,
        sellerId: store.sellerId,
        region: store.region as Region,
        marketplaceIds: markets.map((m) => m.id),
        brand: store.brand,
      },
    };
  });
}

/** The message of a failure, short and without credentials. */
export function failureMessage(err: unknown): string {
  if (err instanceof AuthorizationRevokedError) {
    return "authorization revoked by the seller in Amazon; syncs stopped";
  }
  const text = err instanceof Error ? `${err.message}` : String(err);
  return redactText(text).slice(0, 500);
}

/**
 * Runs `req.dataset` for `req.storeId` once.
 *
 * @example
 * await runSync(deps, { storeId, dataset: "orders", trigger: "manual" });
 */
export async function runSync(
  deps: RunnerDeps,
  req: RunRequest,
): Promise<RunOutcome> {
  const dataset = deps.datasets.get(req.dataset);
  if (!dataset) throw new RangeError(`unknown dataset ${req.dataset}`);
  const now = deps.now ?? Date.now;
  const leaseNow = deps.leaseClock ?? now;
  const leaseMs = deps.leaseMs ?? 60_000;
  const flushMs = deps.flushMs ?? 1_000;
  const owner = `${deps.worker ?? "worker"}:${crypto.randomUUID()}`;
  const settings = { ...DEFAULT_SYNC_SETTINGS, ...deps.settings };

  // A message delivered while the process stops is left for KV to deliver
  // again after the restart (throwing keeps it queued).
  deps.signal?.throwIfAborted();
  const { scope, status } = await loadScope(deps, req.storeId);
  if (!scope) {
    const reason = status === null ? "store not found" : `store is ${status}`;
    if (req.runId && status !== null) {
      await closeRun(deps, req.storeId, req.runId, "cancelled", reason);
    }
    return { status: "skipped", reason, runId: req.runId };
  }

  const key = leaseKey(req.storeId, req.dataset);
  const lease = await takeLease(
    deps.kv,
    key,
    owner,
    leaseMs,
    leaseNow(),
    req.runId,
  );
  if (!lease) {
    if (!req.runId) return { status: "busy", runId: req.runId };
    const held = await heldLease(deps.kv, key, leaseNow());
    return { status: "busy", runId: req.runId, holder: held?.runId };
  }

  const abort = new AbortController();
  const stopOnShutdown = () => abort.abort(deps.signal?.reason);
  deps.signal?.addEventListener("abort", stopOnShutdown, { once: true });
  if (deps.signal?.aborted) stopOnShutdown();
  const counters: RunCounters = {
    pages: 0,
    rowsInserted: 0,
    rowsUpdated: 0,
    rowsSkipped: 0,
    apiCalls: 0,
    throttles: 0,
  };
  const badRows: BadRow[] = [];
  let badRowCount = 0;
  let emptyReason: string | null = null;
  let progress: Record<string, unknown> = {};
  let dirty = true;

  let started;
  try {
    started = await deps.db.asJob(req.storeId, (tx) =>
      startRunTx(tx, {
        storeId: req.storeId,
        dataset: req.dataset,
        trigger: req.trigger,
        runId: req.runId,
        worker: owner,
        at: new Date(now()),
      }));
  } catch (err) {
    deps.signal?.removeEventListener("abort", stopOnShutdown);
    await releaseLease(deps.kv, key, owner);
    throw err;
  }
  if (!started) {
    // Finished while this delivery waited (a redelivered message): its
    // state is final and nothing runs again.
    deps.signal?.removeEventListener("abort", stopOnShutdown);
    await releaseLease(deps.kv, key, owner);
    return { status: "skipped", reason: "run is finished", runId: req.runId };
  }
  const runId = started.id;
  // The reports whose rows this run wrote, from its checkpoint: a run taken
  // over (resumed, or its message delivered again) does not read them again.
  const reportsRead = new Map<string, unknown>(
    Object.entries(
      (started.progress?.reports ?? {}) as Record<string, unknown>,
    ),
  );
  const report = (): RunProgress => ({
    ...counters,
    progress: reportsRead.size
      ? { ...progress, reports: Object.fromEntries(reportsRead) }
      : progress,
    badRows,
    badRowCount,
  });

  const flush = async () => {
    if (!dirty) return;
    dirty = false;
    const ours = await deps.db.asJob(
      req.storeId,
      (tx) => saveRunProgressTx(tx, runId, owner, report(), new Date(now())),
    );
    if (!ours) abort.abort(new Error("the sync run was taken over or closed"));
  };
  let beating = false;
  const heartbeat = setInterval(async () => {
    if (beating) return;
    beating = true;
    try {
      if (
        !(await renewLease(deps.kv, key, owner, leaseMs, leaseNow(), runId))
      ) {
        abort.abort(new Error("the sync lease was lost to another worker"));
      }
      dirty = true;
      await flush();
    } catch (error) {
      deps.log.warn("sync.heartbeat.failed", { error });
    } finally {
      beating = false;
    }
  }, Math.max(50, Math.min(flushMs, leaseMs / 3)));

  const amazon: AmazonDeps & { signal: AbortSignal } = {
    ...deps,
    signal: abort.signal,
    onCall(info) {
      counters.apiCalls++;
      counters.throttles += info.throttles;
      dirty = true;
      deps.onCall?.(info);
    },
  };
  const sp = createSpClient({
    db: deps.db,
    kv: deps.kv,
    tokens: deps.tokens,
    endpoints: deps.endpoints,
    fetch: deps.fetch,
    now: deps.now,
    sleep: deps.sleep,
    usagePlans: deps.usagePlans,
    backoffBaseMs: deps.backoffBaseMs,
    timeoutMs: deps.timeoutMs,
    signal: abort.signal,
    onCall: amazon.onCall,
  });
  const count = (r: WriteResult | void) => {
    if (!r) return;
    counters.rowsInserted += r.inserted;
    counters.rowsUpdated += r.updated;
    dirty = true;
  };
  const saveCursorTx = (tx: Tx, value: unknown, k = "") =>
    upsertSyncCursors(tx, [{
      storeId: req.storeId,
      dataset: req.dataset,
      marketplaceId: k,
      cursor: value,
      updatedAt: new Date(now()),
    }]);
  const ctx: SyncContext = {
    store: scope,
    settings,
    db: deps.db,
    sp,
    amazon,
    log: deps.log,
    signal: abort.signal,
    now: () => new Date(now()),
    async write(fn, cursor) {
      abort.signal.throwIfAborted();
      const r = await deps.db.asJob(req.storeId, async (tx) => {
        // A row the database still refuses (after text cleaning) is a bad
        // row of the run; the rest of the page is written and the cursor
        // moves on.
        reportRefusedRows(tx, (bad) =>
          ctx.badRow({
            line: bad.row + 1,
            source: bad.table,
            reason: bad.reason,
          }));
        const out = await fn(tx);
        if (cursor) await saveCursorTx(tx, cursor.value, cursor.key);
        return out;
      });
      count(r);
    },
    async cursor<T>(k = "") {
      const [row] = await deps.db.asJob(
        req.storeId,
        (tx) =>
          tx.select({ cursor: syncCursors.cursor }).from(syncCursors).where(and(
            eq(syncCursors.storeId, req.storeId),
            eq(syncCursors.dataset, req.dataset),
            eq(syncCursors.marketplaceId, k),
          )),
      );
      return (row?.cursor ?? null) as T | null;
    },
    async saveCursor(value, k = "") {
      abort.signal.throwIfAborted();
      await deps.db.asJob(req.storeId, (tx) => saveCursorTx(tx, value, k));
    },
    page() {
      counters.pages++;
      dirty = true;
    },
    badRow(row) {
      badRowCount++;
      counters.rowsSkipped++;
      if (badRows.length < BAD_ROWS_KEPT) {
        badRows.push({ ...row, reason: redactText(row.reason).slice(0, 300) });
      }
      dirty = true;
    },
    skipped(n) {
      counters.rowsSkipped += n;
      dirty = true;
    },
    warn(w) {
      const kept = (progress.warnings ?? []) as RunWarning[];
      if (kept.length >= BAD_ROWS_KEPT) return;
      const warning = {
        code: w.code,
        detail: redactText(w.detail).slice(0, 300),
      };
      if (
        kept.some((k) => k.code === warning.code && k.detail === warning.detail)
      ) return;
      progress = { ...progress, warnings: [...kept, warning] };
      dirty = true;
    },
    empty(reason: EmptyReason, detail?: string) {
      emptyReason = detail ? `${reason}: ${redactText(detail)}` : reason;
      dirty = true;
    },
    async refreshStatistics(tables) {
      abort.signal.throwIfAborted();
      await analyzeTables(deps.db, tables);
    },
    reportRead(reportId) {
      return reportsRead.get(reportId);
    },
    markReportRead(reportId, summary = true) {
      reportsRead.set(reportId, summary);
      dirty = true;
    },
    progress(p) {
      progress = { ...progress, ...p };
      dirty = true;
      deps.log.debug("sync.run.progress", {
        storeId: req.storeId,
        dataset: req.dataset,
        runId,
        done: progress.done ?? null,
        total: progress.total ?? null,
      });
    },
  };

  let error: string | undefined;
  // Cut short by the shutdown (not by a lost lease): interrupted, not
  // failed; the next start queues it again (resumeInterruptedRuns).
  let interrupted = false;
  try {
    await dataset.run(ctx);
  } catch (err) {
    interrupted = Boolean(deps.signal?.aborted) &&
      abort.signal.reason === deps.signal?.reason;
    error = interrupted
      ? INTERRUPTED_SHUTDOWN
      : failureMessage(abort.signal.aborted ? abort.signal.reason : err);
    deps.log.warn(interrupted ? "sync.run.interrupted" : "sync.run.failed", {
      storeId: req.storeId,
      dataset: req.dataset,
      runId,
      error,
    });
  } finally {
    deps.signal?.removeEventListener("abort", stopOnShutdown);
    clearInterval(heartbeat);
    while (beating) await sleep(5);
  }
  await deps.db.asJob(req.storeId, async (tx) => {
    const ours = await finishRunTx(
      tx,
      runId,
      owner,
      { ...report(), error, emptyReason, interrupted },
      new Date(now()),
    );
    if (!ours) {
      // Taken over or closed meanwhile: its state is not ours to write.
      deps.log.warn("sync.run.lost", { storeId: req.storeId, runId });
    }
    if (error !== undefined && !interrupted) {
      // A revoked store's queued runs are dropped with it (§10).
      const [s] = await tx.select({ status: stores.status }).from(stores)
        .where(eq(stores.id, req.storeId));
      if (s && s.status !== "connected") {
        await cancelQueuedRunsTx(tx, req.storeId, `store is ${s.status}`);
      }
    }
  });
  await releaseLease(deps.kv, key, owner);
  deps.log.info("sync.run.finished", {
    storeId: req.storeId,
    dataset: req.dataset,
    runId,
    status: interrupted
      ? "interrupted"
      : error === undefined
      ? "succeeded"
      : "failed",
  });
  if (interrupted) return { status: "interrupted", runId };
  return error === undefined
    ? { status: "succeeded", runId }
    : { status: "failed", runId, error };
}

async function closeRun(
  deps: RunnerDeps,
  storeId: string,
  runId: string,
  status: "cancelled" | "failed",
  reason: string,
): Promise<void> {
  await deps.db.asJob(
    storeId,
    (tx) => closeRunTx(tx, runId, status, reason),
  );
}

// ── The "sync.run" queue message ───────────────────────────────────────────

/** The queue message type that runs one dataset for one store. */
export const SYNC_MESSAGE = "sync.run";
/** A run that finds its dataset busy is tried again this often, this many times. */
const BUSY_RETRY_MS = 30_000;
const BUSY_RETRIES = 40;

/** `{type: "sync.run", storeId, dataset, trigger, runId, attempt, resume?}`. */
export const syncMessage = z.object({
  type: z.literal(SYNC_MESSAGE),
  storeId: z.uuid(),
  dataset: z.string().min(1).max(64),
  trigger: z.enum(["schedule", "manual", "retry"]),
  /** The run this message carries out, created when it was requested. */
  runId: z.uuid(),
  attempt: z.number().int().min(0).default(0),
  /**
   * Queued by the resume at start: the lease it meets may be a dead
   * process's on this very run, so it waits for it to expire.
   */
  resume: z.boolean().optional(),
});
export type SyncMessage = z.input<typeof syncMessage>;

/**
 * Carries out a delivered "sync.run": runs the run it names, once. A
 * delivery whose run is finished (a message KV delivered again) does
 * nothing, nor does one whose run a live worker holds. A run that finds
 * the dataset held by another run waits its turn (the same message, queued
 * again after a delay), except a schedule's, which that run covers
 * (cancelled).
 */
export async function handleSyncMessage(
  deps: RunnerDeps & { enqueue: Enqueue },
  m: z.output<typeof syncMessage>,
): Promise<void> {
  const at = { storeId: m.storeId, dataset: m.dataset, runId: m.runId };
  if (!deps.datasets.has(m.dataset)) {
    deps.log.warn("sync.dataset.unknown", { dataset: m.dataset });
    return;
  }
  const run = await deps.db.asJob(
    m.storeId,
    (tx) => runStateTx(tx, m.storeId, m.runId),
  );
  if (!run || run.dataset !== m.dataset) {
    deps.log.warn("sync.run.unknown", at);
    return;
  }
  if (isFinished(run.status)) {
    deps.log.info("sync.run.delivered_again", { ...at, status: run.status });
    return;
  }
  const out = await runSync(deps, m);
  if (out.status === "busy") {
    const own = out.holder === m.runId;
    if (own && !m.resume) {
      // Delivered again while its worker holds it: that worker runs it.
      deps.log.info("sync.run.delivered_again", { ...at, status: "running" });
      return;
    }
    if (m.trigger === "schedule" && !own && !m.resume) {
      await closeRun(
        deps,
        m.storeId,
        m.runId,
        "cancelled",
        "covered by the run in progress",
      );
    } else if (m.attempt < BUSY_RETRIES) {
      await deps.enqueue({ ...m, attempt: m.attempt + 1 }, {
        delay: BUSY_RETRY_MS,
      });
    } else {
      await closeRun(
        deps,
        m.storeId,
        m.runId,
        "cancelled",
        "the dataset stayed busy with another run",
      );
    }
    deps.log.info("sync.run.busy", {
      ...at,
      requeued: m.attempt < BUSY_RETRIES &&
        !(m.trigger === "schedule" && !own && !m.resume),
    });
    return;
  }
  if (out.status === "skipped") {
    deps.log.info("sync.run.skipped", { ...at, reason: out.reason });
  }
}

/**
 * Requests a scheduled run of `dataset` for `storeId`: records it queued and
 * enqueues its message, unless a run of the dataset is already queued or
 * running (it covers this one). Returns the run's id, or null.
 */
export async function requestScheduledRun(
  deps: { db: RunnerDeps["db"]; enqueue: Enqueue },
  storeId: string,
  dataset: string,
): Promise<string | null> {
  const runId = await deps.db.asJob(
    storeId,
    (tx) => queueScheduledRunTx(tx, { storeId, dataset }),
  );
  if (!runId) return null;
  await deps.enqueue(
    {
      type: SYNC_MESSAGE,
      storeId,
      dataset,
      trigger: "schedule",
      runId,
    } satisfies SyncMessage,
  );
  return runId;
}

/**
 * At start: queues every store's interrupted run again (and any run a
 * crash left "running"), naming the run so the runner takes it over and it
 * continues from its checkpoint. A run still held by a lease (a live
 * worker's, or the lease of the process that crashed, until it expires) is
 * tried again later. Returns how many were queued.
 *
 * @example
 * await resumeInterruptedRuns({ db, log, enqueue: queue.enqueue });
 */
export async function resumeInterruptedRuns(deps: {
  db: RunnerDeps["db"];
  log: Logger;
  enqueue: Enqueue;
  datasets: ReadonlyMap<string, Dataset>;
}): Promise<number> {
  let queued = 0;
  for (const storeId of await listConnectedStoreIds(deps.db)) {
    const runs = await deps.db.asJob(
      storeId,
      (tx) => resumableRunsTx(tx, storeId),
    );
    for (const run of runs) {
      if (!deps.datasets.has(run.dataset)) continue;
      await deps.enqueue(
        {
          type: SYNC_MESSAGE,
          storeId,
          dataset: run.dataset,
          trigger: run.trigger,
          runId: run.id,
          resume: true,
        } satisfies SyncMessage,
      );
      queued++;
      deps.log.info("sync.run.resumed", {
        storeId,
        dataset: run.dataset,
        runId: run.id,
      });
    }
  }
  return queued;
}
