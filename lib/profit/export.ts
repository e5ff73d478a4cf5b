// Data Policy §6 and §8: the profit-per-SKU export (issue #16). The same
// figures as /profit by SKU, both ways, one row per store, SKU and currency
// (never summed across currencies), written out row batch by row batch;
// formula-safe cells (lib/csv.ts). Needs export.csv and finance.read, holds
// the per-person rate limit, stops while exports are frozen, and is audited
// with its filter and row count once the stream ends.
import { csvCell, csvLine } from "../csv.ts";
import { formatMinor } from "../ingest/money.ts";
import type { RequestMeta } from "../security/audit.ts";
import {
  type ExportGateDeps,
  type ExportRefusal,
  ExportRefusedError,
  gatedExport,
} from "../security/export_gate.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { type ProfitRow, summarise } from "./compute.ts";
import { loadProfit, type ProfitFilter } from "./read.ts";

export const PROFIT_COLUMNS = [
  "store_id",
  "sku",
  "currency",
  "order_lines",
  "units",
  "sales",
  "lines_without_cost",
  "cost_of_goods",
  "ad_spend",
  "fees_order_time",
  "fee_estimated_lines",
  "profit_order_time",
  "settled_lines",
  "settled_sales",
  "settled_fees",
  "refunds",
  "reimbursements",
  "other_settled",
  "profit_settlement_time",
  "gap_profit",
] as const;

/** A refused profit export (the shared gate's error). */
export {
  type ExportRefusal as ProfitExportRefusal,
  ExportRefusedError as ProfitExportError,
};

const BATCH = 500;
/** A plain decimal amount cannot run as a formula: written as it is. */
const PLAIN_AMOUNT = /^-?\d+(\.\d+)?$/;

/** A line whose amounts stay numbers (a leading minus is not a formula). */
function amountLine(cells: readonly (string | number | null)[]): string {
  return `${
    cells.map((v) =>
      typeof v === "string" && PLAIN_AMOUNT.test(v) ? v : csvCell(v)
    ).join(",")
  }\r\n`;
}

function lineOf(r: ProfitRow): string {
  const m = (v: number | null) =>
    v === null ? null : formatMinor(v, r.currency);
  const known = r.lines > r.missingCost;
  return amountLine([
    r.storeId,
    r.key,
    r.currency,
    r.lines,
    r.units,
    m(r.sales),
    r.missingCost,
    known ? m(r.cogs) : null,
    known ? m(r.ads) : null,
    r.orderProfit === null ? null : m(r.fees),
    r.estimated,
    m(r.orderProfit),
    r.settledLines,
    r.settlementProfit === null ? null : m(r.settled.sales),
    r.settlementProfit === null ? null : m(r.settled.fees),
    r.settlementProfit === null ? null : m(r.settled.refunds),
    r.settlementProfit === null ? null : m(r.settled.reimbursements),
    r.settlementProfit === null ? null : m(r.settled.other),
    m(r.settlementProfit),
    r.settlementProfit === null || r.orderProfit === null
      ? null
      : m(r.gap.profit),
  ]);
}

/**
 * Checks that the export may start and returns its CSV as chunks (the
 * header, then a chunk per batch of rows); audited when the chunks end.
 */
export function exportProfitCsv(
  deps: ExportGateDeps,
  principal: StaffPrincipal,
  filter: ProfitFilter,
  describe: Record<string, string>,
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  return gatedExport(deps, principal, {
    target: "profit",
    needs: "finance.read",
    describe,
    meta,
  }, async function* (count) {
    yield csvLine([...PROFIT_COLUMNS]);
    const { lines } = await loadProfit(deps.db, principal, filter);
    const all = summarise(lines, "sku");
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH);
      yield batch.map(lineOf).join("");
      count(batch.length);
    }
  });
}
