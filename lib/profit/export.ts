// Data Policy §6 and §8: the profit-per-SKU export (issue #16). The same
// figures as /profit by SKU, both ways, one row per store, SKU and currency
// (never summed across currencies), written out row batch by row batch;
// formula-safe cells (lib/csv.ts). Needs export.csv and finance.read, holds
// the per-person rate limit, stops while exports are frozen, and is audited
// with its filter and row count once the stream ends.
import type { Database } from "../../db/client.ts";
import { csvCell, csvLine } from "../csv.ts";
import { formatMinor } from "../ingest/money.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import {
  DEFAULT_EXPORT_LIMIT,
  type ExportLimitPolicy,
  takeExport,
} from "../security/export_limit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { exportsFrozen } from "../settings.ts";
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

export type ProfitExportRefusal = "forbidden" | "frozen" | "rate_limited";

export class ProfitExportError extends Error {
  constructor(readonly code: ProfitExportRefusal, readonly retryAfterMs = 0) {
    super(code);
  }
}

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
export async function exportProfitCsv(
  deps: { db: Database; kv: Deno.Kv; limit?: ExportLimitPolicy },
  principal: StaffPrincipal,
  filter: ProfitFilter,
  describe: Record<string, string>,
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const refuse = async (code: ProfitExportRefusal, retryAfterMs = 0) => {
    await recordAudit(db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "export.csv",
      target: "profit",
      outcome: "denied",
      ...meta,
      details: { filter: describe, refused: code },
    });
    return new ProfitExportError(code, retryAfterMs);
  };
  // An export is a copy of a screen: it needs the screen's permission too.
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
      yield csvLine([...PROFIT_COLUMNS]);
      const { lines } = await loadProfit(db, principal, filter);
      const all = summarise(lines, "sku");
      for (let i = 0; i < all.length; i += BATCH) {
        const batch = all.slice(i, i + BATCH);
        yield batch.map(lineOf).join("");
        rows += batch.length;
      }
      done = true;
    } finally {
      await recordAudit(db, principal, {
        actorType: "staff",
        actorId: principal.userId,
        action: "export.csv",
        target: "profit",
        outcome: done ? "success" : "failure",
        ...meta,
        details: { filter: describe, rows, complete: done },
      });
    }
  })();
}
