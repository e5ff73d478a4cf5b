// Report documents, rendered from a seller's world when they are downloaded
// and streamed out chunk by chunk (never built whole): TSV flat files
// (doc_flat_files.ts), Sales & Traffic and search terms JSON
// (doc_json_reports.ts) and Ads report rows (doc_ads_rows.ts). Settlement
// files are stored already compressed by the world (world.ts).
import { adsRows } from "./doc_ads_rows.ts";
import { allOrders, myiTsv, returnsTsv } from "./doc_flat_files.ts";
import { salesTraffic, searchTerms } from "./doc_json_reports.ts";
import {
  type DocumentSpec,
  selectInventory,
  selectOrders,
  selectReturns,
  selectTerms,
  selectTraffic,
} from "./doc_spec.ts";
import type { SellerWorld } from "./served_world.ts";

export type { AdsReportSpec, DocumentSpec } from "./doc_spec.ts";
export {
  ALL_ORDERS_COLUMNS,
  MYI_COLUMNS,
  RETURNS_COLUMNS,
} from "./doc_flat_files.ts";
export { ADS_COLUMNS } from "./doc_ads_rows.ts";

const CHUNK = 64 * 1024;

/** The Content-Type a document is served with. */
export function contentType(spec: DocumentSpec): string {
  switch (spec.kind) {
    case "settlement":
      return "text/plain"; // Amazon sends no charset here (facts §7.2)
    case "allOrders":
    case "returns":
    case "myi":
      return "text/tab-separated-values;charset=UTF-8";
    default:
      return "application/json";
  }
}

/** Whether the document would have any data rows (else: CANCELLED). */
export function hasData(w: SellerWorld, spec: DocumentSpec): boolean {
  switch (spec.kind) {
    case "allOrders":
      return !selectOrders(w, spec).next().done;
    case "returns":
      return selectReturns(w, spec).length > 0;
    case "myi":
      return selectInventory(w, spec.marketplaceIds).length > 0;
    case "salesTraffic":
      return selectTraffic(w, spec).length > 0;
    case "searchTerms":
      return selectTerms(w, spec).length > 0;
    case "ads":
      return true; // an empty array is a valid Ads report
    default:
      return true;
  }
}

/** The document as text chunks of about 64 KiB. */
export function* renderDocument(
  w: SellerWorld,
  spec: DocumentSpec,
): Generator<string> {
  let buf = "";
  for (const piece of pieces(w, spec)) {
    buf += piece;
    if (buf.length >= CHUNK) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

function pieces(w: SellerWorld, spec: DocumentSpec): Iterable<string> {
  switch (spec.kind) {
    case "allOrders":
      return allOrders(w, spec);
    case "returns":
      return returnsTsv(w, spec);
    case "myi":
      return myiTsv(w, spec.marketplaceIds);
    case "salesTraffic":
      return salesTraffic(w, spec);
    case "searchTerms":
      return searchTerms(w, spec);
    case "ads":
      return adsRows(w, spec.rows);
    case "error":
      return [JSON.stringify({ errorDetails: spec.message })];
    case "settlement":
      throw new Error("settlement documents are stored compressed");
  }
}
