// Data Policy §6 and §8: the inventory export. Same filters as /inventory,
// read in keyset batches (lib/inventory/stock.ts walkStock) and written out
// batch by batch, so the rows never all sit in memory; bounded by the
// person's stores (row-level security); formula-safe and credential-free
// cells (lib/csv.ts); no buyer data exists here. The shared gate
// (lib/security/export_gate.ts): `export.csv` and `inventory.read`, the
// rate limit, the freeze, and the audit of every start and end.
import { csvLine } from "../csv.ts";
import type { RequestMeta } from "../security/audit.ts";
import {
  type ExportGateDeps,
  ExportRefusedError as ExportError,
  gatedExport,
} from "../security/export_gate.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { type InventoryFilter, type StockRow, walkStock } from "./stock.ts";

export { ExportError };

/** The export's columns: the page's figures, one SKU and marketplace a line. */
export const INVENTORY_COLUMNS = [
  "store_id",
  "store_name",
  "marketplace_id",
  "sku",
  "asin",
  "title",
  "snapshot_date",
  "fulfillable",
  "inbound_working",
  "inbound_shipped",
  "inbound_receiving",
  "inbound",
  "reserved",
  "unfulfillable",
  "units_30d",
  "velocity_per_day",
  "days_of_cover",
  "restock_suggestion",
  "lead_time_days",
  "cover_target_days",
  "cover_alert_days",
  "alerts",
] as const;

export type InventoryExportDeps = ExportGateDeps;

/** One SKU as a CSV line. */
export function inventoryLine(r: StockRow): string {
  return csvLine([
    r.storeId,
    r.storeName,
    r.marketplaceId,
    r.sku,
    r.asin,
    r.title,
    r.snapshotDate,
    r.fulfillable,
    r.inboundWorking,
    r.inboundShipped,
    r.inboundReceiving,
    r.inbound,
    r.reserved,
    r.unfulfillable,
    r.units30,
    r.velocity,
    r.daysOfCover,
    r.suggestion,
    r.leadTimeDays,
    r.coverDays,
    r.alertDays,
    r.alerts.join(" "),
  ]);
}

/**
 * Checks that the export may start — permission, freeze, rate limit — and
 * returns its CSV as chunks (the header, then one chunk per batch). The
 * audit record is written when the chunks are exhausted, with the row
 * count, or with the count so far when the reader stops early.
 *
 * @example
 * const csv = await exportInventoryCsv(deps, principal, { filter, describe }, meta, new Date());
 * return stream(c, async (out) => { for await (const s of csv) await out.write(s); });
 */
export function exportInventoryCsv(
  deps: InventoryExportDeps,
  principal: StaffPrincipal,
  request: { filter: InventoryFilter; describe: Record<string, string> },
  meta: RequestMeta,
  now: Date,
): Promise<AsyncIterable<string>> {
  return gatedExport(deps, principal, {
    target: "inventory",
    needs: "inventory.read",
    describe: request.describe,
    meta,
  }, async function* (count) {
    yield csvLine([...INVENTORY_COLUMNS]);
    for await (
      const batch of walkStock(deps.db, principal, request.filter, now)
    ) {
      yield batch.map(inventoryLine).join("");
      count(batch.length);
    }
  });
}
