// What staff see of syncs: per dataset the last and the current run, the
// run history (keyset pages, filters), one run with its bad rows. Reads
// only: runs are written by runs.ts. Everything goes through the caller's
// RLS-scoped transaction, so another store's runs are simply not there.
import {
  and,
  desc,
  eq,
  inArray,
  lt,
  notInArray,
  or,
  type SQL,
} from "drizzle-orm";
import type { Database, Principal, Tx } from "../../db/client.ts";
import { stores, syncRuns } from "../../db/schema.ts";
import type { BadRow, Dataset } from "./dataset.ts";

export type SyncRun = typeof syncRuns.$inferSelect;

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

// ── The sync pages' read models, one transaction each ───────────────────────

/** The store a sync page is about, as the principal sees it. */
export interface SyncStore {
  id: string;
  name: string;
  status: string;
}

/** The store in the caller's transaction, or null (not there, or not theirs). */
export async function findSyncStoreTx(
  tx: Tx,
  storeId: string,
): Promise<SyncStore | null> {
  const [store] = await tx.select({
    id: stores.id,
    name: stores.name,
    status: stores.status,
  }).from(stores).where(eq(stores.id, storeId));
  return store ?? null;
}

/**
 * A store's sync page: the store, each dataset's status and a page of its
 * runs; null when the store does not exist or is not the principal's.
 */
export async function syncOverview(
  db: Database,
  principal: Principal,
  storeId: string,
  datasets: readonly Dataset[],
  filter: RunFilter,
): Promise<
  | {
    store: SyncStore;
    statuses: DatasetStatus[];
    runs: SyncRun[];
    next: { startedAt: Date; id: string } | null;
  }
  | null
> {
  return await db.asUser(principal, async (tx) => {
    const store = await findSyncStoreTx(tx, storeId);
    if (!store) return null;
    const { runs, next } = await listRuns(tx, storeId, filter);
    const statuses = await datasetStatuses(tx, storeId, datasets);
    return { store, statuses, runs, next };
  });
}

/** The status table alone (the page polls it); null as syncOverview. */
export async function syncStatus(
  db: Database,
  principal: Principal,
  storeId: string,
  datasets: readonly Dataset[],
): Promise<{ store: SyncStore; statuses: DatasetStatus[] } | null> {
  return await db.asUser(principal, async (tx) => {
    const store = await findSyncStoreTx(tx, storeId);
    if (!store) return null;
    return { store, statuses: await datasetStatuses(tx, storeId, datasets) };
  });
}

/** One run of the store as the principal sees it, or null. */
export async function findRun(
  db: Database,
  principal: Principal,
  storeId: string,
  runId: string,
): Promise<(SyncRun & { badRowList: BadRow[] }) | null> {
  return await db.asUser(principal, (tx) => getRun(tx, storeId, runId));
}

/** The store, or null when it does not exist or is not the principal's. */
export async function findSyncStore(
  db: Database,
  principal: Principal,
  storeId: string,
): Promise<SyncStore | null> {
  return await db.asUser(principal, (tx) => findSyncStoreTx(tx, storeId));
}
