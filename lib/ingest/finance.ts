// Write paths for settlement and finance data (Data Policy §3: settlement
// and finance data): V2 settlement reports (the header row as `settlements`,
// each amount component as a `settlement_lines` row), financial events and
// their fee lines. Amounts are decimal strings (lib/ingest/money.ts).
import type { Tx } from "../../db/client.ts";
import {
  fees,
  financialEvents,
  settlementLines,
  settlements,
} from "../../db/schema.ts";
import { upsertRows, type WriteResult } from "./_upsert.ts";

export type SettlementRow = typeof settlements.$inferInsert;
export type SettlementLineRow = typeof settlementLines.$inferInsert;
export type FinancialEventRow = typeof financialEvents.$inferInsert;
export type FeeRow = typeof fees.$inferInsert;

/** Upserts settlement headers on (store_id, settlement_id). */
export function upsertSettlements(
  tx: Tx,
  rows: readonly SettlementRow[],
): Promise<WriteResult> {
  return upsertRows(tx, settlements, rows);
}

/** Upserts settlement lines on (store_id, settlement_id, line_no). */
export function upsertSettlementLines(
  tx: Tx,
  rows: readonly SettlementLineRow[],
): Promise<WriteResult> {
  return upsertRows(tx, settlementLines, rows);
}

/** Upserts financial events on (store_id, event_id). */
export function upsertFinancialEvents(
  tx: Tx,
  rows: readonly FinancialEventRow[],
): Promise<WriteResult> {
  return upsertRows(tx, financialEvents, rows);
}

/** Upserts fee lines on (store_id, event_id, line_no). */
export function upsertFees(
  tx: Tx,
  rows: readonly FeeRow[],
): Promise<WriteResult> {
  return upsertRows(tx, fees, rows);
}
