// Data Policy §6 and §8: the campaign list and the keyword list as CSV.
// Same filters as the pages, read in keyset batches and written out batch by
// batch (one batch in memory); bounded by the person's stores (row-level
// security); formula-safe and credential-free cells (lib/csv.ts). Needs
// `export.csv` and `ads.read`; a per-person rate limit holds, nothing runs
// while exports are frozen, and every export is audited with its filters
// and row count once the stream ends. Each amount has its currency beside
// it: rows of two currencies are never summed here.
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
  type CampaignFilter,
  type CampaignRow,
  walkCampaigns,
} from "./campaigns.ts";
import { type AdFigures, ATTRIBUTION_DAYS } from "./common.ts";
import {
  type TargetingFilter,
  type TargetingRow,
  walkTargeting,
} from "./targeting.ts";

const FIGURE_COLUMNS = [
  "currency",
  "impressions",
  "clicks",
  "ctr_pct",
  "cpc",
  "spend",
  "orders",
  "sales",
  "attribution_days",
  "conversion_rate_pct",
  "acos_pct",
  "roas",
  "tacos_pct",
  "store_sales",
] as const;

const CAMPAIGN_COLUMNS = [
  "store_id",
  "marketplace_id",
  "profile_id",
  "campaign_id",
  "campaign",
  "type",
  "targeting",
  "state",
  "daily_budget",
  ...FIGURE_COLUMNS,
  "budget_days",
  "budget_total",
  "budget_utilization_pct",
  "days_capped",
] as const;

const TARGETING_COLUMNS = [
  "store_id",
  "marketplace_id",
  "campaign_id",
  "campaign",
  "ad_group_id",
  "ad_group",
  "kind",
  "id",
  "text",
  "match",
  "state",
  "bid",
  "bid_is_default",
  ...FIGURE_COLUMNS,
] as const;

type Cell = string | number | null;

function figureCells(f: AdFigures, attribution: number): Cell[] {
  return [
    f.currency,
    f.impressions,
    f.clicks,
    f.ctr,
    f.cpc,
    f.spend,
    f.orders,
    f.sales,
    attribution,
    f.conversionRate,
    f.acos,
    f.roas,
    f.tacos,
    f.storeSales,
  ];
}

function campaignCells(r: CampaignRow): Cell[] {
  return [
    r.storeId,
    r.marketplaceId,
    r.profileId,
    r.campaignId,
    r.name,
    r.campaignType,
    r.targetingType,
    r.state,
    r.dailyBudget,
    ...figureCells(r.figures, ATTRIBUTION_DAYS[r.campaignType]),
    r.budget.days,
    r.budget.budget,
    r.budget.utilization,
    r.budget.capped,
  ];
}

function targetingCells(r: TargetingRow): Cell[] {
  return [
    r.storeId,
    r.marketplaceId,
    r.campaignId,
    r.campaignName,
    r.adGroupId,
    r.adGroupName,
    r.kind,
    r.id,
    r.text,
    r.match,
    r.state,
    r.bid,
    r.defaultBid ? "yes" : "no",
    ...figureCells(r.figures, ATTRIBUTION_DAYS[r.campaignType]),
  ];
}

/** A refused ads export (the shared gate's error). */
export {
  type ExportRefusal as AdsExportRefusal,
  ExportRefusedError as AdsExportError,
};

export type AdsExportDeps = ExportGateDeps;

export type AdsExportRequest =
  | {
    list: "campaigns";
    filter: CampaignFilter;
    describe: Record<string, string>;
  }
  | {
    list: "keywords";
    filter: TargetingFilter;
    describe: Record<string, string>;
  };

/**
 * Checks that the export may start — permissions, freeze, rate limit — and
 * returns its CSV as chunks (the header, then one chunk per batch). The
 * audit record is written when the chunks are exhausted (or the reader
 * stops), with the row count.
 *
 * @example
 * const csv = await exportAdsCsv(deps, principal, { list: "campaigns", filter, describe }, meta);
 */
export function exportAdsCsv(
  deps: AdsExportDeps,
  principal: StaffPrincipal,
  request: AdsExportRequest,
  meta: RequestMeta,
): Promise<AsyncIterable<string>> {
  const { db } = deps;
  const oneTransaction = db.engine === "postgres";
  return gatedExport(deps, principal, {
    target: request.list === "campaigns" ? "ads.campaigns" : "ads.keywords",
    needs: "ads.read",
    describe: request.describe,
    meta,
  }, async function* (count) {
    if (request.list === "campaigns") {
      yield csvLine(CAMPAIGN_COLUMNS);
      yield* pulledBatches<CampaignRow>(
        (onBatch) =>
          walkCampaigns(db, principal, request.filter, {
            oneTransaction,
            onBatch,
          }),
        (batch) => batch.map((r) => csvLine(campaignCells(r))).join(""),
        count,
      );
    } else {
      yield csvLine(TARGETING_COLUMNS);
      yield* pulledBatches<TargetingRow>(
        (onBatch) =>
          walkTargeting(db, principal, request.filter, {
            oneTransaction,
            onBatch,
          }),
        (batch) => batch.map((r) => csvLine(targetingCells(r))).join(""),
        count,
      );
    }
  });
}
