// Write paths for operational records: the outbound API call log (Data
// Policy §9: kept at least 90 days; never a token, a secret or a body, §7)
// and sync cursors. Sync runs are written by their owner, lib/sync/runs.ts
// (re-exported here for the data generator's writer table).
import type { Tx } from "../../db/client.ts";
import { apiRequestLog, syncCursors } from "../../db/schema.ts";
import { insertRows, upsertRows, type WriteResult } from "./_upsert.ts";
export { type SyncRunRow, upsertSyncRuns } from "../sync/runs.ts";

export type ApiRequestLogRow = Omit<typeof apiRequestLog.$inferInsert, "id">;
export type SyncCursorRow = typeof syncCursors.$inferInsert;

/** Appends API log rows (append-only: a replay appends again). */
export function appendApiRequestLog(
  tx: Tx,
  rows: readonly ApiRequestLogRow[],
): Promise<WriteResult> {
  return insertRows(tx, apiRequestLog, rows);
}

/** Upserts sync cursors on (store_id, dataset, marketplace_id). */
export function upsertSyncCursors(
  tx: Tx,
  rows: readonly SyncCursorRow[],
): Promise<WriteResult> {
  return upsertRows(tx, syncCursors, rows);
}
