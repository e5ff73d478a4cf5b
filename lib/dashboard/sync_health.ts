// The dashboard's sync health: per store and dataset the last successful
// run and whether the latest finished run failed (lib/sync/status.ts reads
// the runs), and the stores Amazon no longer lets us read (revoked).
import { inArray, sql } from "drizzle-orm";
import { rowsOf, type Tx } from "../../db/client.ts";
import { stores } from "../../db/schema.ts";
import type { Dataset } from "../sync/dataset.ts";
import { datasetStatuses } from "../sync/status.ts";

export interface DatasetHealth {
  dataset: string;
  /** When the newest successful run finished, if any. */
  lastSuccessAt: Date | null;
  /** The newest finished run failed (or was interrupted). */
  failing: boolean;
  /** A run is queued or running now. */
  running: boolean;
  /** The failed run, for a link to it. */
  failedRunId: string | null;
}

export interface StoreHealth {
  storeId: string;
  name: string;
  status: string;
  datasets: DatasetHealth[];
}

/** Sync health of `storeIds` (names and statuses as the principal sees them). */
export async function syncHealth(
  tx: Tx,
  storeIds: readonly string[],
  datasets: readonly Dataset[],
  now = Date.now(),
): Promise<StoreHealth[]> {
  if (storeIds.length === 0) return [];
  const rows = await tx.select({
    id: stores.id,
    name: stores.name,
    status: stores.status,
  }).from(stores).where(inArray(stores.id, [...storeIds])).orderBy(
    stores.name,
  );
  // sync_runs_store_dataset_idx: one short index probe per store and dataset.
  const names = `{${datasets.map((d) => d.name).join(",")}}`;
  const ids = `{${rows.map((r) => r.id).join(",")}}`;
  const successes = rowsOf<{ store_id: string; dataset: string; at: Date }>(
    await tx.execute(sql`select s.id::text as store_id, d.name as dataset,
        r.finished_at as at
      from unnest(${ids}::uuid[]) as s(id)
      cross join unnest(${names}::text[]) as d(name)
      cross join lateral (
        select finished_at from sync_runs
        where store_id = s.id and dataset = d.name and status = 'succeeded'
        order by started_at desc limit 1) r`),
  );
  const out: StoreHealth[] = [];
  for (const s of rows) {
    const statuses = await datasetStatuses(tx, s.id, datasets, now);
    const lastSuccess = new Map<string, Date | null>(
      successes.filter((r) => r.store_id === s.id).map((r) => [
        r.dataset,
        r.at ? new Date(r.at) : null,
      ]),
    );
    out.push({
      storeId: s.id,
      name: s.name,
      status: s.status,
      datasets: statuses.map((st) => ({
        dataset: st.dataset,
        lastSuccessAt: lastSuccess.get(st.dataset) ?? null,
        failing: st.last?.status === "failed" ||
          st.last?.status === "interrupted",
        running: st.active !== null,
        failedRunId: st.last?.status === "failed" ||
            st.last?.status === "interrupted"
          ? st.last.id
          : null,
      })),
    });
  }
  return out;
}
