// The API log as staff read it (Data Policy §8 abuse monitoring, §9 logs
// kept ≥ 90 days): one row per outbound call — time, API, operation, HTTP
// status, latency, attempts, request id, rate limit, error code; never a
// token or a body. Newest first, keyset pages on (time, id), in the caller's
// RLS-scoped transaction.
import { and, desc, eq, gte, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Database, Principal, Tx } from "../../db/client.ts";
import { apiRequestLog } from "../../db/schema.ts";
import { findSyncStoreTx, type SyncStore } from "./status.ts";

export type ApiLogRow = typeof apiRequestLog.$inferSelect;

export interface ApiLogFilter {
  api?: ApiLogRow["api"];
  /** "ok" (2xx), "client" (4xx), "throttled" (429), "server" (5xx), "failed" (no answer). */
  outcome?: "ok" | "client" | "throttled" | "server" | "failed";
  operation?: string;
  /** Keyset: calls strictly before this one in (time, id) order. */
  before?: ApiLogCursor;
  limit: number;
}

/** Where a page of the log ends: the last call's time and id. */
export interface ApiLogCursor {
  at: Date;
  id: number;
}

/**
 * A page of log rows, newest first in strict (time, id) order, and the
 * cursor of the next (older) page. Calls are logged in batches after they
 * end, so ids do not follow time: the order and the cursor are on both.
 */
export async function listApiLog(
  tx: Tx,
  storeId: string,
  f: ApiLogFilter,
): Promise<{ rows: ApiLogRow[]; next: ApiLogCursor | null }> {
  const s = apiRequestLog.httpStatus;
  const where: SQL[] = [eq(apiRequestLog.storeId, storeId)];
  if (f.api) where.push(eq(apiRequestLog.api, f.api));
  if (f.operation) where.push(eq(apiRequestLog.operation, f.operation));
  if (f.before) {
    where.push(
      or(
        lt(apiRequestLog.at, f.before.at),
        and(
          eq(apiRequestLog.at, f.before.at),
          lt(apiRequestLog.id, f.before.id),
        ),
      )!,
    );
  }
  switch (f.outcome) {
    case "ok":
      where.push(and(gte(s, 200), lt(s, 300))!);
      break;
    case "client":
      where.push(and(gte(s, 400), lt(s, 500))!);
      break;
    case "throttled":
      where.push(eq(s, 429));
      break;
    case "server":
      where.push(gte(s, 500));
      break;
    case "failed":
      where.push(or(isNull(s), eq(s, 0))!);
      break;
  }
  const rows = await tx.select().from(apiRequestLog).where(and(...where))
    .orderBy(desc(apiRequestLog.at), desc(apiRequestLog.id))
    .limit(f.limit + 1);
  const page = rows.slice(0, f.limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > f.limit && last ? { at: last.at, id: last.id } : null,
  };
}

/**
 * The API log page of a store: the store and a page of its log; null when
 * the store does not exist or is not the principal's.
 */
export async function storeApiLog(
  db: Database,
  principal: Principal,
  storeId: string,
  f: ApiLogFilter,
): Promise<
  { store: SyncStore; rows: ApiLogRow[]; next: ApiLogCursor | null } | null
> {
  return await db.asUser(principal, async (tx) => {
    const store = await findSyncStoreTx(tx, storeId);
    if (!store) return null;
    return { store, ...(await listApiLog(tx, storeId, f)) };
  });
}
