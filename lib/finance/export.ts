// Data Policy §6 and §8: the finance exports — the lines of the filtered
// settlements (or of one) and the filtered financial events. Same filters
// as the pages, read in keyset batches and written out batch by batch (one
// batch in memory); bounded by the person's stores (row-level security);
// formula-safe and credential-free cells (lib/csv.ts). An export is a copy
// of a list, so it needs `finance.read` besides `export.csv`. A per-person
// rate limit holds, nothing runs while exports are frozen, and every export
// is audited with its filters and row count once the stream ends.
import { csvLine, pulledBatches } from "../csv.ts";
import type { RequestMeta } from "../security/audit.ts";
import {
  type ExportGateDeps,
  type ExportRefusal,
  ExportRefusedError,
  gatedExport,
} from "../security/export_gate.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { type EventFilter, type EventRow, walkEvents } from "./events.ts";
import {
  type SettlementFilter,
  type SettlementLine,
  walkSettlementLines,
} from "./settlements.ts";

/** A refused finance export (the shared gate's error). */
export {
  type ExportRefusal as FinanceExportRefusal,
  ExportRefusedError as FinanceExportError,
};

export type FinanceExportDeps = ExportGateDeps;

const LINE_COLUMNS = [
  "store_id",
  "settlement_id",
  "line_no",
  "kind",
  "transaction_type",
  "amazon_order_id",
  "merchant_order_id",
  "adjustment_id",
  "shipment_id",
  "marketplace_name",
  "amount_type",
  "amount_description",
  "amount",
  "currency",
  "fulfillment_id",
  "posted_at_utc",
  "order_item_code",
  "sku",
  "quantity_purchased",
  "promotion_id",
] as const;

const EVENT_COLUMNS = [
  "store_id",
  "event_id",
  "event_type",
  "posted_at_utc",
  "event_group_id",
  "amazon_order_id",
  "sku",
  "description",
  "amount",
  "currency",
  "known_list",
  "fee_lines",
] as const;

type Line = SettlementLine & { storeId: string; settlementId: string };

function lineCells(l: Line) {
  return [
    l.storeId,
    l.settlementId,
    l.lineNo,
    l.kind,
    l.transactionType,
    l.amazonOrderId,
    l.merchantOrderId,
    l.adjustmentId,
    l.shipmentId,
    l.marketplaceName,
    l.amountType,
    l.amountDescription,
    l.amount,
    l.currency,
    l.fulfillmentId,
    l.postedAt?.toISOString() ?? null,
    l.orderItemCode,
    l.sku,
    l.quantityPurchased,
    l.promotionId,
  ];
}

function eventCells(e: EventRow) {
  return [
    e.storeId,
    e.eventId,
    e.eventType,
    e.postedAt.toISOString(),
    e.eventGroupId,
    e.amazonOrderId,
    e.sku,
    e.description,
    e.amount,
    e.currency,
    e.known,
    e.fees,
  ];
}

/** A finance export behind the shared gate (export_gate.ts): `finance.read`. */
function financeExport<T>(
  deps: FinanceExportDeps,
  principal: StaffPrincipal,
  target: string,
  describe: Record<string, string>,
  meta: RequestMeta,
  columns: readonly string[],
  walk: (onBatch: (batch: T[]) => Promise<void>) => Promise<unknown>,
  cells: (row: T) => (string | number | boolean | null)[],
): Promise<AsyncIterable<string>> {
  return gatedExport(
    deps,
    principal,
    { target, needs: "finance.read", describe, meta },
    async function* (count) {
      yield csvLine(columns);
      yield* pulledBatches<T>(
        walk,
        (batch) => batch.map((r) => csvLine(cells(r))).join(""),
        count,
      );
    },
  );
}

/**
 * The lines of the filtered settlements (or of `only`), as CSV chunks.
 *
 * @example
 * const csv = await exportSettlementLinesCsv(deps, principal, { filter, describe }, meta);
 */
export function exportSettlementLinesCsv(
  deps: FinanceExportDeps,
  principal: StaffPrincipal,
  request: {
    filter: SettlementFilter;
    only?: { storeId: string; settlementId: string };
    describe: Record<string, string>;
  },
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  return financeExport<Line>(
    deps,
    principal,
    "settlement_lines",
    request.describe,
    meta,
    LINE_COLUMNS,
    (onBatch) =>
      walkSettlementLines(deps.db, principal, request.filter, {
        oneTransaction: deps.db.engine === "postgres",
        only: request.only,
        onBatch,
      }),
    lineCells,
  );
}

/** The filtered financial events, as CSV chunks. */
export function exportFinancialEventsCsv(
  deps: FinanceExportDeps,
  principal: StaffPrincipal,
  request: { filter: EventFilter; describe: Record<string, string> },
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  return financeExport<EventRow>(
    deps,
    principal,
    "financial_events",
    request.describe,
    meta,
    EVENT_COLUMNS,
    (onBatch) =>
      walkEvents(deps.db, principal, request.filter, {
        oneTransaction: deps.db.engine === "postgres",
        onBatch,
      }),
    eventCells,
  );
}
