// Data Policy §6 and §8: the finance exports — the lines of the filtered
// settlements (or of one) and the filtered financial events. Same filters
// as the pages, read in keyset batches and written out batch by batch (one
// batch in memory); bounded by the person's stores (row-level security);
// formula-safe and credential-free cells (lib/csv.ts). An export is a copy
// of a list, so it needs `finance.read` besides `export.csv`. A per-person
// rate limit holds, nothing runs while exports are frozen, and every export
// is audited with its filters and row count once the stream ends.
import type { Database } from "../../db/client.ts";
import { csvLine, pulledBatches } from "../csv.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import {
  DEFAULT_EXPORT_LIMIT,
  type ExportLimitPolicy,
  takeExport,
} from "../security/export_limit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { exportsFrozen } from "../settings.ts";
import { type EventFilter, type EventRow, walkEvents } from "./events.ts";
import {
  type SettlementFilter,
  type SettlementLine,
  walkSettlementLines,
} from "./settlements.ts";

/** Why an export may not start. */
export type FinanceExportRefusal = "forbidden" | "frozen" | "rate_limited";

export class FinanceExportError extends Error {
  constructor(readonly code: FinanceExportRefusal, readonly retryAfterMs = 0) {
    super(code);
  }
}

export interface FinanceExportDeps {
  db: Database;
  kv: Deno.Kv;
  limit?: ExportLimitPolicy;
}

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

/**
 * The gate every finance export passes (permissions, freeze, rate limit,
 * each refusal audited), then the CSV as chunks whose end is audited.
 */
async function financeExport<T>(
  deps: FinanceExportDeps,
  principal: StaffPrincipal,
  target: string,
  describe: Record<string, string>,
  meta: RequestMeta,
  columns: readonly string[],
  walk: (onBatch: (batch: T[]) => Promise<void>) => Promise<unknown>,
  cells: (row: T) => (string | number | boolean | null)[],
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const audit = (
    outcome: "success" | "failure" | "denied",
    details: Record<string, unknown>,
  ) =>
    recordAudit(db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "export.csv",
      target,
      outcome,
      ...meta,
      details: { filter: describe, ...details },
    });
  const refuse = async (code: FinanceExportRefusal, retryAfterMs = 0) => {
    await audit("denied", { refused: code });
    return new FinanceExportError(code, retryAfterMs);
  };
  if (
    !principal.permissions.has("export.csv") ||
    !principal.permissions.has("finance.read")
  ) throw await refuse("forbidden");
  if (await exportsFrozen(db, principal)) throw await refuse("frozen");
  const wait = await takeExport(
    deps.kv,
    principal.userId,
    deps.limit ?? DEFAULT_EXPORT_LIMIT,
  );
  if (wait > 0) throw await refuse("rate_limited", wait);
  return (async function* () {
    let rows = 0;
    let done = false;
    try {
      yield csvLine(columns);
      yield* pulledBatches<T>(
        walk,
        (batch) => batch.map((r) => csvLine(cells(r))).join(""),
        (n) => rows += n,
      );
      done = true;
    } finally {
      await audit(done ? "success" : "failure", { rows, complete: done });
    }
  })();
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
