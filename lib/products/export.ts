// Data Policy §6 and §8: the products export. Same filters as the page,
// read in keyset batches (walkProducts) and written out batch by batch, so
// the whole list never sits in memory; bounded by the person's stores
// (row-level security) and by the figures their role may read;
// formula-safe and credential-free cells (lib/csv.ts). A per-person rate
// limit holds, nothing runs while exports are frozen, and every export is
// audited with its filters and row count once the stream ends.
import { csvLine, pulledBatches } from "../csv.ts";
import type { RequestMeta } from "../security/audit.ts";
import {
  type ExportGateDeps,
  type ExportRefusal,
  ExportRefusedError,
  gatedExport,
} from "../security/export_gate.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import {
  productFigures,
  type ProductFilter,
  type ProductRow,
  walkProducts,
} from "./list.ts";

const CATALOG_COLUMNS = [
  "store_id",
  "marketplace_id",
  "asin",
  "skus",
  "title",
  "listing_status",
  "price",
  "price_currency",
] as const;
const SALES_COLUMNS = [
  "units",
  "sales_currency",
  "sales",
  "other_sales",
  "returns",
  "return_rate_pct",
] as const;
const TRAFFIC_COLUMNS = [
  "sessions",
  "page_views",
  "unit_session_pct",
  "buy_box_pct",
] as const;

/** A refused products export (the shared gate's error). */
export {
  type ExportRefusal as ProductExportRefusal,
  ExportRefusedError as ProductExportError,
};

export type ProductExportDeps = ExportGateDeps;

export interface ProductExportRequest {
  filter: ProductFilter;
  /** The filters as the URL said them, for the audit record. */
  describe: Record<string, string>;
}

/** One row's cells, in the order of the header. */
function cellsOf(
  r: ProductRow,
  withSales: boolean,
  withTraffic: boolean,
): (string | number | null)[] {
  const cells: (string | number | null)[] = [
    r.storeId,
    r.marketplaceId,
    r.asin,
    r.skus.join(" "),
    r.title,
    r.listing === null
      ? "unlisted"
      : r.listing.buyable
      ? "buyable"
      : "not buyable",
    r.price?.amount ?? null,
    r.price?.currency ?? null,
  ];
  if (withSales) {
    const sales = r.sales ?? [];
    const main = sales.find((s) => s.currency === r.price?.currency) ??
      sales.find((s) => s.currency !== "XXX") ?? sales[0];
    cells.push(
      r.units,
      main?.currency ?? null,
      main?.amount ?? null,
      sales.filter((s) => s !== main).map((s) => `${s.currency} ${s.amount}`)
        .join("; ") || null,
      r.returns,
      r.returnRate,
    );
  }
  if (withTraffic) {
    cells.push(
      r.sessions,
      r.pageViews,
      r.unitSessionPercentage,
      r.buyBoxPercentage,
    );
  }
  return cells;
}

/**
 * Checks that the export may start — permission, freeze, rate limit — and
 * returns its CSV as chunks (the header, then one chunk per batch). The
 * audit record is written when the chunks are exhausted, with the row
 * count, or with the count so far when the reader stops early.
 *
 * @example
 * const csv = await exportProductsCsv(deps, principal, { filter, describe }, meta);
 * return stream(c, async (out) => { for await (const s of csv) await out.write(s); });
 */
export function exportProductsCsv(
  deps: ProductExportDeps,
  principal: StaffPrincipal,
  request: ProductExportRequest,
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const figures = productFigures(principal);
  const header = [
    ...CATALOG_COLUMNS,
    ...(figures.sales ? SALES_COLUMNS : []),
    ...(figures.traffic ? TRAFFIC_COLUMNS : []),
  ];
  return gatedExport(deps, principal, {
    target: "products",
    needs: "catalog.read",
    describe: request.describe,
    meta,
  }, async function* (count) {
    yield csvLine(header);
    yield* pulledBatches<Parameters<typeof cellsOf>[0]>(
      (onBatch) =>
        walkProducts(db, principal, request.filter, {
          oneTransaction: db.engine === "postgres",
          onBatch,
        }),
      (batch) =>
        batch.map((r) => csvLine(cellsOf(r, figures.sales, figures.traffic)))
          .join(""),
      count,
    );
  });
}
