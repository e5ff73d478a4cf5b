// Data Policy §6 and §8: the inventory export. Same filters as /inventory,
// read in keyset batches (lib/inventory/stock.ts walkStock) and written out
// batch by batch, so the rows never all sit in memory; bounded by the
// person's stores (row-level security); formula-safe and credential-free
// cells (lib/csv.ts); no buyer data exists here. Needs `export.csv`, the
// per-person export rate limit holds, nothing runs while exports are
// frozen, and every export is audited with its filters and row count once
// the stream ends.
import type { Database } from "../../db/client.ts";
import { csvLine } from "../csv.ts";
import { recordAudit, type RequestMeta } from "../security/audit.ts";
import {
  DEFAULT_EXPORT_LIMIT,
  type ExportLimitPolicy,
  takeExport,
} from "../security/export_limit.ts";
import type { StaffPrincipal } from "../security/principal.ts";
import { exportsFrozen } from "../settings.ts";
import { ExportError, type ExportRefusal } from "../orders/export.ts";
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

export interface InventoryExportDeps {
  db: Database;
  kv: Deno.Kv;
  limit?: ExportLimitPolicy;
}

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
export async function exportInventoryCsv(
  deps: InventoryExportDeps,
  principal: StaffPrincipal,
  request: { filter: InventoryFilter; describe: Record<string, string> },
  meta: RequestMeta,
  now: Date,
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const refuse = async (code: ExportRefusal, retryAfterMs = 0) => {
    await recordAudit(db, principal, {
      actorType: "staff",
      actorId: principal.userId,
      action: "export.csv",
      target: "inventory",
      outcome: "denied",
      ...meta,
      details: { filter: request.describe, refused: code },
    });
    return new ExportError(code, retryAfterMs);
  };
  if (!principal.permissions.has("export.csv")) throw await refuse("forbidden");
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
      yield csvLine([...INVENTORY_COLUMNS]);
      for await (
        const batch of walkStock(db, principal, request.filter, now)
      ) {
        yield batch.map(inventoryLine).join("");
        rows += batch.length;
      }
      done = true;
    } finally {
      await recordAudit(db, principal, {
        actorType: "staff",
        actorId: principal.userId,
        action: "export.csv",
        target: "inventory",
        outcome: done ? "success" : "failure",
        ...meta,
        details: { filter: request.describe, rows, complete: done },
      });
    }
  })();
}
