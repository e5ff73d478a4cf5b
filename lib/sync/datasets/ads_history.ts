// Budget and bid history (ad_budget_bid_changes): the SP v3 list operations
// give only current values, so the history is what each sync observes. A
// value seen for the first time is recorded with no old value; a value that
// differs from the stored one is recorded with both, at the entity's
// lastUpdateDateTime (when Amazon says it changed) or the sync time. The
// changes are found before the page's rows are upserted, in the same
// transaction, so a replayed page finds nothing new and a crash leaves rows
// and history together.
import { and, eq, inArray } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Tx } from "../../../db/client.ts";
import {
  type AdBudgetBidChangeRow,
  upsertAdBudgetBidChanges,
} from "../../ingest/ads.ts";
import type { WriteResult } from "../../ingest/_upsert.ts";

/** Where one tracked value lives, and how to read it from an entity row. */
export interface TrackedValue<R> {
  entityType: AdBudgetBidChangeRow["entityType"];
  field: AdBudgetBidChangeRow["field"];
  table: PgTable & { storeId: PgColumn };
  id: PgColumn;
  value: PgColumn;
  idOf(row: R): string;
  valueOf(row: R): string | null;
}

/** Entity rows as lib/ingest writes them: every one has these. */
interface EntityRow {
  storeId: string;
  currency: string;
  updatedAt?: Date | null;
}

/** The changes a page of entity rows makes to the stored values. */
export async function budgetBidChanges<R extends EntityRow>(
  tx: Tx,
  tracked: TrackedValue<R>,
  rows: readonly R[],
  at: Date,
): Promise<AdBudgetBidChangeRow[]> {
  if (rows.length === 0) return [];
  const storeId = rows[0].storeId;
  const stored = new Map(
    (await tx.select({ id: tracked.id, value: tracked.value })
      .from(tracked.table)
      .where(and(
        eq(tracked.table.storeId, storeId),
        inArray(tracked.id, rows.map(tracked.idOf)),
      )) as { id: string; value: string | null }[])
      .map((r) => [r.id, r.value]),
  );
  const changes: AdBudgetBidChangeRow[] = [];
  for (const row of rows) {
    const value = tracked.valueOf(row);
    // No own value (a keyword on its ad group's default bid): nothing to record.
    if (value === null) continue;
    const id = tracked.idOf(row);
    const old = stored.get(id) ?? null;
    if (old !== null && Number(old) === Number(value)) continue;
    changes.push({
      storeId,
      entityType: tracked.entityType,
      entityId: id,
      field: tracked.field,
      observedAt: row.updatedAt ?? at,
      oldValue: old,
      newValue: value,
      currency: row.currency,
    });
  }
  return changes;
}

/**
 * Upserts a page of entity rows with `upsert` and records the budget or
 * bid changes they bring; the result counts both.
 */
export async function writeWithHistory<R extends EntityRow>(
  tx: Tx,
  tracked: TrackedValue<R>,
  rows: R[],
  at: Date,
  upsert: (tx: Tx, rows: R[]) => Promise<WriteResult>,
): Promise<WriteResult> {
  const changes = await budgetBidChanges(tx, tracked, rows, at);
  const a = await upsert(tx, rows);
  const b = await upsertAdBudgetBidChanges(tx, changes);
  return { inserted: a.inserted + b.inserted, updated: a.updated + b.updated };
}
